"""Cross-document checks, as SPARQL on a store."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from jixiao.service.store.embedded import EmbeddedStore
from jixiao.shapes.cross_document import CHECKS, check_store

EXAMPLES = Path(__file__).parents[2] / "shapes" / "examples"
ID = "https://w3id.org/jixiao/id/"


def _store(extra: str = "") -> EmbeddedStore:
    graph = Graph().parse(EXAMPLES / "base.ttl")
    graph.parse(data=f"@base <{ID}> .\n@prefix jx: <https://w3id.org/jixiao/ontology#> .\n{extra}")
    store = EmbeddedStore(None)
    store.replace_graphs([(URIRef(f"{ID}doc/d/2025"), list(graph))])  # type: ignore[list-item]
    return store


def test_a_consistent_store_has_no_findings() -> None:
    assert check_store(_store()) == []
    assert len(CHECKS) == 5


def test_each_check_finds_what_it_is_for() -> None:
    extra = """
        <unit/u> <http://www.w3.org/ns/org#subOrganizationOf> <dept/e> .
        <doc/d/2025/project/1> jx:series <series/s> .
        <doc/d/2025/project/2> jx:series <series/s> ; jx:budgetYear 2025 ;
            jx:fundingUnit <unit/w> .
        <doc/d/2025/project/1/indicator/1> jx:continues <doc/d/2025/project/1/indicator/2> .
    """
    found = {(f.check, f.focus.removeprefix(ID)) for f in check_store(_store(extra))}
    assert found == {
        ("FundingUnitOneDepartment", "unit/u"),
        ("DescribedFundingUnit", "doc/d/2025/project/2"),
        ("SeriesOnePerYear", "series/s"),
        ("SeriesOneUnit", "series/s"),
        ("ContinuesEarlier", "doc/d/2025/project/1/indicator/1"),
    }
