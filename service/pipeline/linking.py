"""Keeping the series graph up to date: fetch the projects, link them, replace the graph.

The linking itself is pure (:mod:`jixiao.ingest.linking.series`), and so are the cross-year facts
computed from its answer (:mod:`jixiao.ingest.linking.facts`); this module adds the store. It
runs after every ingest, over every project in the store, and writes the series and the facts
to the series graph in one transaction (only the triples that changed), so the graph is always
the linker's answer, and the facts' answer, for exactly what is loaded: never stale.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.facts import FactContext, TargetValue, fact_triples
from jixiao.ingest.linking.graph import series_iri, series_triples
from jixiao.ingest.linking.overrides import Overrides
from jixiao.ingest.linking.series import IndicatorInfo, ProjectInfo, link_indicators, link_series
from jixiao.ontology import sparql_prologue
from jixiao.service.store.base import Store
from jixiao.service.store.embedded import EmbeddedStore
from jixiao.service.store.statements import nt

__all__ = ["SeriesSummary", "fetch_fact_context", "fetch_projects", "update_series"]

# Three simple queries joined here rather than one: Oxigraph's plan for the one-query form
# (units and departments by label inside the project join) took 40 s at a million triples,
# the three together 0.4 s.
_PREFIXES = "\n" + sparql_prologue("jx", "rdfs", "org", "skos")
PROJECTS_QUERY = (
    _PREFIXES
    + """
SELECT ?project ?year ?row ?name ?amount ?unit WHERE {
  ?project a jx:Project ; jx:budgetYear ?year ; jx:rowNumber ?row ; rdfs:label ?name ;
           jx:fundingUnit ?unit .
  OPTIONAL { ?project jx:amountTotal ?amount }
}
"""
)
UNITS_QUERY = (
    _PREFIXES
    + """
SELECT ?unit ?unitName ?deptName WHERE {
  ?unit org:subOrganizationOf ?dept ; rdfs:label ?unitName .
  ?dept rdfs:label ?deptName .
}
"""
)
INDICATORS_QUERY = (
    _PREFIXES
    + """
SELECT ?project ?indicator ?position ?indicatorName ?level1 WHERE {
  ?project jx:hasIndicator ?indicator .
  ?indicator jx:position ?position ; jx:indicatorName ?indicatorName .
  OPTIONAL { ?indicator jx:level1 ?level1 }
}
"""
)

# What the cross-year facts need besides the projects (see FactContext).
DEPARTMENTS_QUERY = (
    _PREFIXES
    + """
SELECT ?project ?dept WHERE { ?project a jx:Project ; jx:document ?doc . ?doc jx:department ?dept }
"""
)
PUBLISHED_QUERY = (
    _PREFIXES
    + """
SELECT DISTINCT ?dept ?year WHERE {
  ?doc a jx:BudgetDocument ; jx:department ?dept ; jx:budgetYear ?year .
}
"""
)
TARGETS_QUERY = (
    _PREFIXES
    + """
SELECT ?indicator ?raw ?comparator ?number ?unitText WHERE {
  ?indicator jx:annualTarget ?target .
  ?target jx:rawValue ?raw .
  OPTIONAL { ?target jx:comparator/skos:notation ?comparator }
  OPTIONAL { ?target jx:numericValue ?number }
  OPTIONAL { ?target jx:unitText ?unitText }
}
"""
)


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """What one relinking produced."""

    series: int
    recurring: int
    links: int
    indicator_links: int
    triples: int
    facts: int = 0  # triples of cross-year facts, among ``triples``


def _value(solution: ox.QuerySolution, name: str) -> str | None:
    term = solution[name]
    return None if term is None else term.value


def _solutions(store: Store, query: str) -> ox.QuerySolutions:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return result


def fetch_projects(store: Store) -> list[ProjectInfo]:
    """Every project in the store with its unit, year, name, amount and indicators."""
    return _fetch(store)[0]


def _fetch(store: Store) -> tuple[list[ProjectInfo], dict[str, str]]:
    """The projects (as :func:`fetch_projects`) and each one's funding unit IRI."""
    unit_iris: dict[str, str] = {}
    units = {
        _value(row, "unit"): (_value(row, "deptName") or "", _value(row, "unitName") or "")
        for row in _solutions(store, UNITS_QUERY)
    }
    heads: dict[str, tuple[str, str, int, int, str, Decimal | None]] = {}
    for row in _solutions(store, PROJECTS_QUERY):
        unit = units.get(_value(row, "unit"))
        if unit is None:  # a unit without its labels or department: not a linkable project
            continue
        amount = _value(row, "amount")
        unit_iris[_value(row, "project") or ""] = _value(row, "unit") or ""
        heads[_value(row, "project") or ""] = (
            *unit,
            int(_value(row, "year") or 0),
            int(_value(row, "row") or 0),
            _value(row, "name") or "",
            Decimal(amount) if amount is not None else None,
        )
    indicators: dict[str, dict[str, IndicatorInfo]] = defaultdict(dict)
    for row in _solutions(store, INDICATORS_QUERY):
        project, indicator = _value(row, "project") or "", _value(row, "indicator") or ""
        if project in heads:
            indicators[project][indicator] = IndicatorInfo(
                indicator,
                int(_value(row, "position") or 0),
                _value(row, "indicatorName") or "",
                _value(row, "level1"),
            )
    projects = []
    for iri, (dept, unit_name, year, row_number, name, total) in sorted(heads.items()):
        own = sorted(indicators[iri].values(), key=lambda i: i.position)
        projects.append(
            ProjectInfo(iri, dept, unit_name, year, row_number, name, total, tuple(own))
        )
    return projects, {iri: unit_iris[iri] for iri in heads}


def fetch_fact_context(store: Store, units: dict[str, str]) -> FactContext:
    """What the cross-year facts need from the store besides the projects."""
    departments = {
        _value(row, "project") or "": _value(row, "dept") or ""
        for row in _solutions(store, DEPARTMENTS_QUERY)
    }
    published: dict[str, set[int]] = defaultdict(set)
    for row in _solutions(store, PUBLISHED_QUERY):
        published[_value(row, "dept") or ""].add(int(_value(row, "year") or 0))
    targets: dict[str, TargetValue] = {}
    for row in _solutions(store, TARGETS_QUERY):
        number = _value(row, "number")
        targets.setdefault(
            _value(row, "indicator") or "",
            TargetValue(
                _value(row, "raw") or "",
                _value(row, "comparator"),
                Decimal(number) if number is not None else None,
                _value(row, "unitText"),
            ),
        )
    return FactContext(
        units,
        departments,
        {dept: frozenset(years) for dept, years in published.items()},
        targets,
    )


def _stored(term: Node) -> str:
    """``term`` in N-Triples as the store gives it back: Oxigraph keeps decimals canonical
    ("1.000" is stored as "1")."""
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        number = Decimal(str(term)).normalize()
        return f'"{number:f}"^^<{XSD.decimal}>'
    return nt(term)


def _replace_with_changes(store: Store, graph: str, triples: list[tuple[Node, Node, Node]]) -> None:
    """Make ``graph`` hold exactly ``triples``, in one transaction, writing only what changed.

    A relink after one more document changes a few series among thousands; deleting and
    re-inserting the whole graph (a quarter of a million triples at a million in the store)
    took 20 s, the difference takes a fraction of that. A first build loads the graph whole.
    """
    if not isinstance(store, EmbeddedStore):  # a remote store writes in its own limits
        store.replace_graphs([(URIRef(graph), triples)])
        return
    old = {f"{t.subject} {t.predicate} {t.object} ." for t in store.read_graph(graph)}
    if not old:
        store.replace_graphs([(URIRef(graph), triples)])
        return
    new = {f"{nt(s)} {nt(p)} {_stored(o)} ." for s, p, o in triples}
    removed, added = old - new, new - old
    if not removed and not added:
        return
    target = f"GRAPH {ox.NamedNode(graph)}"
    parts = []
    if removed:
        parts.append(f"DELETE DATA {{ {target} {{\n" + "\n".join(sorted(removed)) + "\n} }")
    if added:
        parts.append(f"INSERT DATA {{ {target} {{\n" + "\n".join(sorted(added)) + "\n} }")
    store.update(" ;\n".join(parts))


def update_series(
    store: Store, minter: IriMinter, overrides: Overrides | None = None
) -> SeriesSummary:
    """Relink every project in the store, compute the cross-year facts, and replace the
    series graph with both atomically."""
    # The facts' context is read beside the projects: Oxigraph evaluates each query without
    # the GIL, and the two together take half their sum (1M seeded corpus: 11 s -> 5.5 s).
    # A remote store's client is left to one request at a time.
    if isinstance(store, EmbeddedStore):
        with ThreadPoolExecutor(1, thread_name_prefix="jixiao-link") as beside:
            reading = beside.submit(fetch_fact_context, store, {})
            projects, units = _fetch(store)
            context = reading.result()
    else:
        projects, units = _fetch(store)
        context = fetch_fact_context(store, {})
    context = dataclasses.replace(context, units=units)
    series = link_series(projects, overrides)
    links = link_indicators(series)
    facts = fact_triples(series, links, [series_iri(s, minter) for s in series], context)
    triples = series_triples(series, links, minter) + facts
    _replace_with_changes(store, str(minter.series_graph), triples)
    return SeriesSummary(
        series=len(series),
        recurring=sum(1 for s in series if len(s.years) > 1),
        links=sum(len(s.links) for s in series),
        indicator_links=len(links),
        triples=len(triples),
        facts=len(facts),
    )
