"""The cross-year facts: computed when the series are linked, the same answers as before.

The canned queries 11–14 read the facts of the series graph. Until the facts existed they
computed the same answers from the documents at every question; those query texts are kept
in ``tests/data/cross-year-reference/`` as the reference, and here both run on the seeds and
on a synthetic corpus, for every pair of years, with and without a funding unit and without
any parameter, and must give the same rows (as multisets).

Two differences are by design and spelt out in :func:`_comparable`: names of a series-year
(``GROUP_CONCAT``, whose order SPARQL leaves open) are compared as sets; and Oxigraph cannot
divide a decimal zero by some decimals (``0.0 / 7.7`` is an error in 0.5), so the reference
leaves ``changePercent`` empty for some unchanged amounts where the fact says 0.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.facts import FactContext, TargetValue, _percent, change_kind
from jixiao.ingest.linking.facts import fact_triples as facts_of
from jixiao.ingest.linking.graph import series_iri
from jixiao.ingest.linking.series import IndicatorInfo, ProjectInfo, link_indicators, link_series
from jixiao.ingest.synthetic import generate_corpus
from jixiao.ontology import JX
from jixiao.service.answers.canned import (
    CannedQuery,
    Value,
    _parse,
    load_queries,
    run_canned,
    term_value,
)
from jixiao.service.pipeline import load as loader
from jixiao.service.pipeline.corpus import ingest_corpus, sources_in
from jixiao.service.pipeline.linking import update_series
from jixiao.service.store.embedded import EmbeddedStore

REFERENCE = Path(__file__).parents[1] / "data" / "cross-year-reference"
QUESTIONS = ("recurring-series", "amount-changes", "new-and-discontinued", "target-changes")
_RAN: Counter[str] = Counter()


def _reference(name: str) -> CannedQuery:
    (path,) = REFERENCE.glob(f"*-{name}.rq")
    return _parse(name, path.read_text(encoding="utf-8"))


def _comparable(row: dict[str, Value]) -> tuple[tuple[str, Value], ...]:
    out = dict(row)
    for key in ("names", "namesA", "namesB"):
        if isinstance(out.get(key), str):
            out[key] = " / ".join(sorted(str(out[key]).split(" / ")))
    unchanged = out.get("change") == 0 and out.get("amountA") not in (0, None)
    if "changePercent" in out and out["changePercent"] is None and unchanged:
        out["changePercent"] = 0  # Oxigraph: 0.0 / 7.7 is an error, not 0
    return tuple(sorted(out.items()))


def _rows(store: EmbeddedStore, query: CannedQuery, values: dict[str, object]) -> list[dict]:
    if query.name != "recurring-series" and "yearA" not in values:  # every pair of years
        result = store.raw.query(query.text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        columns = [v.value for v in result.variables]
        return [{c: term_value(s[c]) for c in columns} for s in result]
    return run_canned(store, query, values, max_rows=10**9).rows


def _assert_same_answers(store: EmbeddedStore, values: dict[str, object]) -> None:
    for name in QUESTIONS:
        asked = {k: v for k, v in values.items() if name != "recurring-series" or k == "unitName"}
        before = _rows(store, _reference(name), asked)
        after = _rows(store, load_queries()[name], asked)
        assert Counter(map(_comparable, after)) == Counter(map(_comparable, before)), (name, asked)
        _RAN[name] += 1
        _RAN["rows"] += len(after)


def _solutions(store: EmbeddedStore, query: str) -> ox.QuerySolutions:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _questions(store: EmbeddedStore) -> Iterator[dict[str, object]]:
    """No parameter; each funding unit alone; every pair of years, alone and with a unit."""
    prefix = (
        "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    )
    documents = "SELECT DISTINCT ?y { ?d a jx:BudgetDocument ; jx:budgetYear ?y }"
    years = sorted(int(s["y"].value) for s in _solutions(store, prefix + documents))
    labels = "SELECT ?n { ?p jx:fundingUnit ?u . ?u rdfs:label ?n }"
    units = sorted({s["n"].value for s in _solutions(store, prefix + labels)})
    yield {}
    for unit in units[:4]:
        yield {"unitName": unit}
    for i, (a, b) in enumerate(itertools.combinations(years, 2)):
        yield {"yearA": a, "yearB": b}
        yield {"yearA": a, "yearB": b, "unitName": units[i % len(units)]}


@pytest.fixture(scope="module")
def seeds() -> EmbeddedStore:
    store = EmbeddedStore(None)
    for data, name, year in loader.seed_files():
        loader.ingest_bytes(data, name, year, store, IriMinter())
    return store


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    folder = tmp_path_factory.mktemp("synthetic")
    generate_corpus(folder, triples=60_000, seed=15)
    store = EmbeddedStore(None)
    ingest_corpus(sources_in([folder]), store, IriMinter(), workers=0)
    return store


def test_the_seeds_answer_as_before(seeds: EmbeddedStore) -> None:
    asked = list(_questions(seeds))
    for values in asked:
        _assert_same_answers(seeds, values)
    assert len(asked) == 1 + 4 + 2  # 4 units; one pair of years (2023, 2025)


@pytest.mark.slow
def test_a_synthetic_corpus_answers_as_before(synthetic: EmbeddedStore) -> None:
    asked = list(_questions(synthetic))
    for values in asked:
        _assert_same_answers(synthetic, values)
    assert len(asked) > 30
    assert _RAN["rows"] > 10_000  # the comparisons compared something


def test_target_changes_read_the_facts_not_the_documents(seeds: EmbeddedStore) -> None:
    """Facts removed from the series graph: the canned query no longer finds the rows."""
    store = EmbeddedStore(None)
    for data, name, year in loader.seed_files():
        loader.ingest_bytes(data, name, year, store, IriMinter())
    values = {"yearA": 2023, "yearB": 2025}
    assert run_canned(store, load_queries()["target-changes"], values).rows
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ ?fact a <{JX.TargetChange}> ; ?p ?o }} }}")
    assert run_canned(store, load_queries()["target-changes"], values).rows == []
    assert run_canned(store, _reference("target-changes"), values).rows


def test_the_facts_follow_each_load() -> None:
    """One document: no comparison; the second year: the facts appear; loading a year again
    changes nothing; the graph always equals a fresh relink of what is loaded."""
    minter = IriMinter()
    store = EmbeddedStore(None)
    (first, second) = loader.seed_files()
    loader.ingest_bytes(*first, store, minter)
    ask = f"ASK {{ ?c a <{JX.SeriesComparison}> }}"
    assert not bool(store.query(ask))
    loader.ingest_bytes(*second, store, minter)
    assert bool(store.query(ask))
    graph = str(minter.series_graph)
    after_two = _graph(store, graph)
    loader.ingest_bytes(*second, store, minter)  # the same table again
    assert _graph(store, graph) == after_two
    store.update(f"DROP GRAPH <{graph}>")
    update_series(store, minter)  # a relink from nothing writes the same graph
    assert _graph(store, graph) == after_two


def _graph(store: EmbeddedStore, graph: str) -> set[str]:
    return {str(t) for t in store.read_graph(graph)}


# --- the pure facts ------------------------------------------------------------------------


def _indicator(project: str, position: int, name: str) -> IndicatorInfo:
    return IndicatorInfo(f"{project}/indicator/{position}", position, name, "output")


def _project(year: int, row: int, name: str, amount: str | None, *indicators: str) -> ProjectInfo:
    iri = f"https://w3id.org/jixiao/id/doc/d/{year}/project/{row}"
    own = tuple(_indicator(iri, i + 1, n) for i, n in enumerate(indicators))
    return ProjectInfo(
        iri, "部门", "单位", year, row, name, None if amount is None else Decimal(amount), own
    )


def test_indicators_are_compared_through_a_year_between() -> None:
    """2023 → 2025 follows jx:continues through 2024; an indicator missing in 2024 is removed
    from 2023's view and added in 2025's; a target without a number is compared as text."""
    projects = [
        _project(2023, 1, "工作经费", "10", "参会人数", "满意度", "会议场次"),
        _project(2024, 1, "工作经费", "12", "参会人数", "满意度"),
        _project(2025, 1, "工作经费", "12", "参会人数", "满意度", "会议场次"),
    ]
    series = link_series(projects)
    links = link_indicators(series)
    targets = {}
    for p, numbers in zip(
        projects, [("100", "≥90%"), ("120", "≥90%"), ("90", "≥95%")], strict=True
    ):
        targets[p.indicators[0].iri] = TargetValue(
            f"{numbers[0]}人", None, Decimal(numbers[0]), "人"
        )
        targets[p.indicators[1].iri] = TargetValue(numbers[1], "≥", None, None)
        if len(p.indicators) > 2:
            targets[p.indicators[2].iri] = TargetValue("5场", None, Decimal(5), "场")
    iris = [series_iri(s, IriMinter()) for s in series]
    triples = facts_of(series, links, iris, FactContext(targets=targets))
    graph = Graph()
    for t in triples:
        graph.add(t)
    comparison = URIRef(f"{iris[0]}/comparison/2023/2025")
    kinds = sorted(
        (
            str(graph.value(f, JX.laterIndicator) or graph.value(f, JX.earlierIndicator)).split(
                "/"
            )[-1],
            str(graph.value(f, JX.changeKind)).split("#")[1],
        )
        for f in graph.subjects(JX.inComparison, comparison)
    )
    assert kinds == [("1", "decreased"), ("2", "reworded"), ("3", "added"), ("3", "removed")]
    assert graph.value(comparison, JX.amountChange).toPython() == Decimal(2)  # type: ignore[union-attr]
    assert graph.value(comparison, JX.amountChangePercent).toPython() == Decimal(20)  # type: ignore[union-attr]


def test_change_kinds() -> None:
    n = lambda raw, number, comparator=None, unit=None: TargetValue(  # noqa: E731
        raw, comparator, None if number is None else Decimal(number), unit
    )
    assert change_kind(n("10人", 10, None, "人"), n("12人", 12, None, "人")) == "increased"
    assert change_kind(n("≥95%", 95, "≥", "%"), n("≥90%", 90, "≥", "%")) == "decreased"
    assert change_kind(n("约10人", 10, "≈", "人"), n("约10.0人", "10.0", "≈", "人")) == "unchanged"
    assert change_kind(n("≥95%", 95, "≥", "%"), n("≤95%", 95, "≤", "%")) == "reworded"
    assert change_kind(n("10人", 10, None, "人"), n("10场", 10, None, "场")) == "reworded"
    assert change_kind(n("好", None), n("好", None)) == "unchanged"
    assert change_kind(n("好", None), n("较好", None)) == "reworded"


def test_new_and_discontinued_need_a_table_in_both_years() -> None:
    projects = [_project(2023, 1, "甲项目", "1"), _project(2025, 2, "乙项目", "1")]
    series = link_series(projects)
    iris = [series_iri(s, IriMinter()) for s in series]
    context = FactContext(
        departments={p.iri: "dept" for p in projects},
        published={"dept": frozenset({2023, 2024, 2025})},
    )
    graph = Graph()
    for t in facts_of(series, link_indicators(series), iris, context):
        graph.add(t)
    found = sorted(
        (
            str(graph.value(f, JX.changeKind)).split("#")[1],
            int(graph.value(f, JX.earlierYear)),  # type: ignore[arg-type]
            int(graph.value(f, JX.laterYear)),  # type: ignore[arg-type]
            str(graph.value(f, JX.changedProject)).split("/")[-3],
        )
        for f in graph.subjects(JX.changedProject, None)
    )
    assert found == [
        ("discontinued", 2023, 2024, "2023"),
        ("discontinued", 2023, 2025, "2023"),
        ("new", 2023, 2025, "2025"),
        ("new", 2024, 2025, "2025"),
    ]


_AMOUNTS = st.decimals(min_value=Decimal("-99999"), max_value=Decimal("99999"), places=2)


@given(_AMOUNTS, _AMOUNTS.filter(lambda d: d != 0))
def test_the_percent_is_the_engines(change: Decimal, base: Decimal) -> None:
    """The stored percent is what SPARQL's ROUND(1000 * change / base) / 10 gives in
    Oxigraph, quotient cut at 18 places and halves up included (zero changes aside: above)."""
    if change == 0:
        return
    query = f"SELECT (ROUND(1000 * {change:f} / {base:f}) / 10 AS ?p) {{}}"
    (row,) = list(ox.Store().query(query))  # type: ignore[arg-type]
    assert Decimal(row["p"].value) == _percent(change, base)


@pytest.mark.slow
def test_a_unit_gets_its_own_rows_of_every_kind(synthetic: EmbeddedStore) -> None:
    """The questions with a branch per kind of fact, each with the parameters, answer for one
    funding unit exactly that unit's rows of the answer for all units, of every kind (a
    target's optional values read in a group of their own) — bound by substitution or
    written as VALUES blocks, as /api sends them."""
    kinds: Counter[object] = Counter()
    for name in ("target-changes", "new-and-discontinued"):
        query = load_queries()[name]
        for values in _questions(synthetic):
            if "yearA" not in values or "unitName" in values:
                continue
            every = run_canned(synthetic, query, values, max_rows=10**9).rows
            by_unit: dict[object, list[dict[str, Value]]] = {}
            for row in every:
                by_unit.setdefault(row["unitName"], []).append(row)
            # the unit with most rows, and one with each kind of target change found
            wanted = sorted(by_unit, key=lambda u: -len(by_unit[u]))[:1]
            for kind in ("added", "removed"):
                wanted += [u for u in by_unit if any(r.get("change") == kind for r in by_unit[u])][
                    :1
                ]
            for unit in dict.fromkeys(wanted):
                asked = {**values, "unitName": unit}
                own = run_canned(synthetic, query, asked, max_rows=10**9).rows
                text = query.render(query.bind(asked))
                written = [
                    {v.value: term_value(s[v.value]) for v in result.variables}
                    for result in [_solutions(synthetic, text)]
                    for s in result
                ]
                expected = Counter(map(_comparable, by_unit[unit]))
                assert Counter(map(_comparable, own)) == expected, (name, asked)
                assert Counter(map(_comparable, written)) == expected, (name, asked)
                kinds.update(r.get("change", r.get("status")) for r in own)
    assert {"added", "removed", "increased", "new", "discontinued"} <= set(kinds), kinds


def test_comparisons_ran_in_full() -> None:
    assert set(QUESTIONS) <= set(_RAN)


def test_the_readme_example_finds_the_decreased_targets(seeds: EmbeddedStore) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("the targets that went down from 2023 to 2025:")[1]
    query = example.split("```sparql\n")[1].split("```")[0]
    found = {(str(s["earlier"].value), str(s["later"].value)) for s in _solutions(seeds, query)}
    expected = {
        (str(r["indicatorA"]), str(r["indicatorB"]))
        for r in run_canned(
            seeds, load_queries()["target-changes"], {"yearA": 2023, "yearB": 2025}
        ).rows
        if r["change"] == "decreased"
    }
    assert found == expected and len(found) >= 1


def test_new_and_discontinued_come_in_one_order(synthetic: EmbeddedStore) -> None:
    """No two rows tie on the ORDER BY: several departments publish each year, so a row
    number recurs within a year, and without the project last such rows came in whatever
    order the engine's plan gave (they changed order when the query's shape did)."""
    query = load_queries()["new-and-discontinued"]
    rows = _rows(synthetic, query, {})  # every pair of years, as /sparql runs the text
    keys = [(r["yearA"], r["yearB"], r["status"], r["year"], r["project"]) for r in rows]
    assert len(rows) > 100
    assert len(set(keys)) == len(keys)
    by_row = Counter((r["yearA"], r["yearB"], r["status"], r["year"]) for r in rows)
    assert max(by_row.values()) > 1  # ties on everything but the row and project exist
    order = [(*k[:4], n, k[4]) for k, n in zip(keys, _row_numbers(synthetic, rows), strict=True)]
    assert order == sorted(order)


def _row_numbers(store: EmbeddedStore, rows: list[dict]) -> list[int]:
    projects = " ".join(f"<{r['project']}>" for r in {r["project"]: r for r in rows}.values())
    found = _solutions(
        store,
        "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
        f"SELECT ?p ?n {{ VALUES ?p {{ {projects} }} ?p jx:rowNumber ?n }}",
    )
    number = {s["p"].value: int(s["n"].value) for s in found}
    return [number[r["project"]] for r in rows]
