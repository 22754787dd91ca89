"""Target value parsing: every value form of the seed tables, the forms the contract names,
and properties that hold for any text."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.ingest.targets import UNITS, Comparator, ParsedTarget, parse_target
from jixiao.ingest.text import clean_text

_CASES_FILE = Path(__file__).parents[1] / "data" / "target_cases.tsv"


def _optional(row: dict[str, str], key: str) -> str | None:
    return None if row[key] == "-" else row[key]


def _decimal(row: dict[str, str], key: str) -> Decimal | None:
    text = _optional(row, key)
    return None if text is None else Decimal(text)


def _load_cases() -> list[tuple[str, ParsedTarget]]:
    """Rows of ``target_cases.tsv``: (source, expected parse)."""
    with _CASES_FILE.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    cases = []
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        comparator = _optional(row, "comparator")
        expected = ParsedTarget(
            raw=row["text"],
            comparator=None if comparator is None else Comparator(comparator),
            value=_decimal(row, "value"),
            min_value=_decimal(row, "min"),
            max_value=_decimal(row, "max"),
            unit=_optional(row, "unit"),
        )
        cases.append((row["source"], expected))
    return cases


CASES = _load_cases()
SEED_CASES = [expected for source, expected in CASES if source == "seed"]


def test_case_table_covers_the_seeds() -> None:
    # 387 distinct annual/period values in the 2023 and 2025 seed tables, 247 of them one
    # quantity; plus the forms the contract names that the seeds lack.
    assert len(SEED_CASES) == 387
    assert sum(case.comparator is not None for case in SEED_CASES) == 247
    assert len(CASES) - len(SEED_CASES) == 49
    assert len({case.raw for _, case in CASES}) == len(CASES)


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c.raw[:24] for _, c in CASES])
def test_case_table(source: str, expected: ParsedTarget) -> None:
    assert parse_target(expected.raw) == expected


def test_values_are_decimals_as_written() -> None:
    assert str(parse_target("1.50").value) == "1.50"
    assert parse_target("约1141人").value == Decimal("1141")


def test_comparator_values_are_the_contract_names() -> None:
    assert {c.value for c in Comparator} == {
        "atLeast", "atMost", "moreThan", "lessThan", "exactly", "about", "between",
    }  # fmt: skip


def test_empty_and_blank() -> None:
    assert parse_target("") == ParsedTarget("")
    assert parse_target("  ") == ParsedTarget("  ")


@pytest.mark.parametrize(
    ("cell", "comparator", "value", "unit"),
    [
        ("\\geq 95%", Comparator.AT_LEAST, "95", "%"),
        ("$\\leq$ 2 小时", Comparator.AT_MOST, "2", "小时"),
        ("<p>不少于 1, 000 人次</p>", Comparator.AT_LEAST, "1000", "人次"),
        ("低于5%(活动投诉率=投诉次数÷参加活动人次×100%)", Comparator.LESS_THAN, "5", "%"),
        ("500(人/年)", Comparator.EXACTLY, "500", "人/年"),
    ],
)
def test_after_clean_text(cell: str, comparator: Comparator, value: str, unit: str) -> None:
    parsed = parse_target(clean_text(cell))
    assert (parsed.comparator, parsed.value, parsed.unit) == (comparator, Decimal(value), unit)


def _check_invariants(text: str, parsed: ParsedTarget) -> None:
    assert parsed.raw == text
    assert parse_target(text) == parsed  # deterministic
    if parsed.comparator is None:
        assert parsed == ParsedTarget(text)
        return
    if parsed.comparator is Comparator.BETWEEN:
        assert parsed.value is None
        assert parsed.min_value is not None and parsed.max_value is not None
        assert 0 <= parsed.min_value <= parsed.max_value
    else:
        assert parsed.value is not None and parsed.value >= 0
        assert parsed.min_value is None and parsed.max_value is None
    if parsed.unit is not None:
        assert parsed.unit
        assert all(ch in text for ch in parsed.unit)


@given(st.text())
def test_any_text(text: str) -> None:
    _check_invariants(text, parse_target(text))


# Fragments that exercise every branch: numbers, Chinese numerals, units, comparator words,
# brackets, quotes, dates, ranges and prose.
_FRAGMENTS = [
    "0", "1", "12", "2023", "1.5", "1,200", "一", "两", "十", "二十", "百", "三二", "〇",
    *UNITS, "万", "亿", "千", "/", "/年", "余", "多", "性", "分", "内", "以内", "以上",
    "及以上", "以下", "左右", "约", "≥", "≤", ">", "<", "=", "不少于", "不超过", "超过",
    "低于", "不得高于", "-", "~", "至", "（", "）", "(", ")", "“", "”", "《", "》", "年",
    "年度", "第", "、", "，", "；", "。", "满意度", "完成", "G", "m", "s", " ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map("".join))
def test_fragment_soup(text: str) -> None:
    _check_invariants(text, parse_target(text))


_PREFIX_WORDS = {
    "": Comparator.EXACTLY,
    "≥": Comparator.AT_LEAST,
    "不少于": Comparator.AT_LEAST,
    "不低于": Comparator.AT_LEAST,
    "≤": Comparator.AT_MOST,
    "不超过": Comparator.AT_MOST,
    "不高于": Comparator.AT_MOST,
    ">": Comparator.MORE_THAN,
    "超过": Comparator.MORE_THAN,
    "高于": Comparator.MORE_THAN,
    "大于": Comparator.MORE_THAN,
    "<": Comparator.LESS_THAN,
    "低于": Comparator.LESS_THAN,
    "小于": Comparator.LESS_THAN,
    "约": Comparator.ABOUT,
}
_SUFFIX_WORDS = {
    "以上": Comparator.AT_LEAST,
    "及以上": Comparator.AT_LEAST,
    "以内": Comparator.AT_MOST,
    "左右": Comparator.ABOUT,
}
_NUMBERS = st.from_regex(r"(0|[1-9][0-9]{0,2})(\.[0-9]{1,3})?", fullmatch=True)
_LEADS = st.sampled_from(["", "满意度", "全年开展活动", "项目完成率"])
_TAILS = st.sampled_from(["", "，", "。"])


@given(_LEADS, st.sampled_from(sorted(_PREFIX_WORDS)), _NUMBERS, st.sampled_from(UNITS), _TAILS)
def test_prefix_comparator(lead: str, word: str, number: str, unit: str, tail: str) -> None:
    parsed = parse_target(f"{lead}{word}{number}{unit}{tail}")
    assert (parsed.comparator, parsed.value, parsed.unit) == (
        _PREFIX_WORDS[word],
        Decimal(number),
        unit,
    )


@given(_LEADS, _NUMBERS, st.sampled_from(["", "万", "亿"]), st.sampled_from(UNITS),
       st.sampled_from(sorted(_SUFFIX_WORDS)))  # fmt: skip
def test_suffix_comparator(lead: str, number: str, magnitude: str, unit: str, word: str) -> None:
    parsed = parse_target(f"{lead}{number}{magnitude}{unit}{word}")
    expected = (_SUFFIX_WORDS[word], Decimal(number), magnitude + unit)
    assert (parsed.comparator, parsed.value, parsed.unit) == expected


@given(_NUMBERS, _NUMBERS, st.sampled_from(["-", "~", "至"]), st.sampled_from(UNITS))
def test_range(a: str, b: str, sep: str, unit: str) -> None:
    low, high = sorted((a, b), key=Decimal)
    parsed = parse_target(f"{low}{sep}{high}{unit}")
    assert parsed == ParsedTarget(
        f"{low}{sep}{high}{unit}", Comparator.BETWEEN, None, Decimal(low), Decimal(high), unit
    )


@given(_NUMBERS, _NUMBERS, st.sampled_from(UNITS))
def test_two_quantities_are_not_one(a: str, b: str, unit: str) -> None:
    assert parse_target(f"活动{a}{unit}，培训不少于{b}{unit}").comparator is None
