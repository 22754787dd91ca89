"""A canned query posted as rendered is recognised with its values; any other text is not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.service.answers.canned import load_queries
from jixiao.service.answers.recognize import recognize

UNITS = st.text(alphabet='广州市科协"\\\n\t 中心a1@^<>', min_size=1, max_size=12)


@settings(max_examples=300)
@given(
    st.sampled_from(sorted(load_queries())),
    st.integers(1990, 2100),
    st.integers(1990, 2100),
    UNITS,
    st.booleans(),
)
def test_every_rendering_is_recognised_with_its_values(
    name: str, year_a: int, year_b: int, unit: str, with_unit: bool
) -> None:
    query = load_queries()[name]
    taken = {p.name for p in query.parameters}
    values: dict[str, object] = {}
    if "yearA" in taken:
        values.update(yearA=year_a, yearB=year_b)
    if "year" in taken:
        values["year"] = year_a
    if "unitName" in taken and with_unit and unit.strip():
        values["unitName"] = unit
    text = query.render(query.bind(values))
    found = recognize(text)
    assert found is not None and found[0] == query
    assert query.bind(found[1]) == query.bind(values)  # the same terms (a name is stripped)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t + " ",
        lambda t: t.replace("ORDER BY", "ORDER  BY"),
        lambda t: "# another comment\n" + t,
        lambda t: t + "\nLIMIT 10",
        lambda t: t.replace('"2023"', '"2023" , "2024"'),
        lambda t: t.replace("(?yearA ?yearB ?unitName)", "(?yearB ?yearA ?unitName)", 1),
    ],
)
def test_a_changed_text_is_not_recognised(change: object) -> None:
    query = load_queries()["target-changes"]
    text = query.render(
        query.bind({"yearA": 2023, "yearB": 2025, "unitName": "广州市科学技术协会"})
    )
    assert recognize(text) is not None
    changed = change(text)  # type: ignore[operator]
    assert changed != text and recognize(changed) is None


def test_other_texts_are_not_recognised_and_cost_little() -> None:
    assert recognize("SELECT * WHERE { ?s ?p ?o }") is None
    head = load_queries()["target-changes"].text[:300]
    assert recognize(head + "x" * 1_000_000) is None
