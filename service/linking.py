"""Keeping the series graph up to date: fetch the projects, link them, replace the graph.

The linking itself is pure (:mod:`jixiao.ingest.series`); this module adds the store. It runs
after every ingest, over every project in the store, and replaces the whole series graph in
one transaction, so the graph is always the linker's answer for exactly what is loaded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.overrides import Overrides
from jixiao.ingest.series import IndicatorInfo, ProjectInfo, link_indicators, link_series
from jixiao.ingest.series_graph import series_triples

from .store import Store

__all__ = ["SeriesSummary", "fetch_projects", "update_series"]

PROJECTS_QUERY = """
PREFIX jx: <https://w3id.org/jixiao/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?project ?year ?row ?name ?amount ?unitName ?deptName
       ?indicator ?position ?indicatorName ?level1
WHERE {
  ?project a jx:Project ; jx:budgetYear ?year ; jx:rowNumber ?row ; rdfs:label ?name ;
           jx:fundingUnit ?unit .
  OPTIONAL { ?project jx:amountTotal ?amount }
  ?unit rdfs:label ?unitName ; org:subOrganizationOf ?dept .
  ?dept rdfs:label ?deptName .
  OPTIONAL {
    ?project jx:hasIndicator ?indicator .
    ?indicator jx:position ?position ; jx:indicatorName ?indicatorName .
    OPTIONAL { ?indicator jx:level1 ?level1 }
  }
}
"""


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """What one relinking produced."""

    series: int
    recurring: int
    links: int
    indicator_links: int
    triples: int


def _value(solution: ox.QuerySolution, name: str) -> str | None:
    term = solution[name]
    return None if term is None else term.value


def fetch_projects(store: Store) -> list[ProjectInfo]:
    """Every project in the store with its unit, year, name, amount and indicators."""
    result = store.query(PROJECTS_QUERY)
    assert isinstance(result, ox.QuerySolutions)
    heads: dict[str, tuple[str, str, int, int, str, Decimal | None]] = {}
    indicators: dict[str, dict[str, IndicatorInfo]] = defaultdict(dict)
    for solution in result:
        iri = _value(solution, "project") or ""
        amount = _value(solution, "amount")
        heads[iri] = (
            _value(solution, "deptName") or "",
            _value(solution, "unitName") or "",
            int(_value(solution, "year") or 0),
            int(_value(solution, "row") or 0),
            _value(solution, "name") or "",
            Decimal(amount) if amount is not None else None,
        )
        indicator = _value(solution, "indicator")
        if indicator is not None:
            indicators[iri][indicator] = IndicatorInfo(
                indicator,
                int(_value(solution, "position") or 0),
                _value(solution, "indicatorName") or "",
                _value(solution, "level1"),
            )
    projects = []
    for iri, (dept, unit, year, row, name, total) in sorted(heads.items()):
        own = sorted(indicators[iri].values(), key=lambda i: i.position)
        projects.append(ProjectInfo(iri, dept, unit, year, row, name, total, tuple(own)))
    return projects


def update_series(
    store: Store, minter: IriMinter, overrides: Overrides | None = None
) -> SeriesSummary:
    """Relink every project in the store and replace the series graph atomically."""
    series = link_series(fetch_projects(store), overrides)
    links = link_indicators(series)
    triples = series_triples(series, links, minter)
    store.replace_graphs([(minter.series_graph, triples)])
    return SeriesSummary(
        series=len(series),
        recurring=sum(1 for s in series if len(s.years) > 1),
        links=sum(len(s.links) for s in series),
        indicator_links=len(links),
        triples=len(triples),
    )
