"""The RDF of the series graph: series, their members, and how each link was made.

A pure function of the linker's output: :func:`series_triples` returns, in a fixed order,

* each ``jx:ProjectSeries`` with its label (the first project's name), ``jx:seriesMember``
  and, on each project, ``jx:series``;
* a ``jx:SeriesMatch`` per project that joined a series from an earlier year: the project
  (``jx:matchOf``), the earlier project (``jx:matchedProject``), method and score;
* ``jx:continues`` per continued indicator, with a ``jx:IndicatorMatch`` saying how.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.term import Node

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.names import Method
from jixiao.ingest.linking.series import IndicatorLink, Series
from jixiao.ontology import JX

__all__ = ["series_triples"]

Triple = tuple[Node, Node, Node]

# The terms, looked up once (a DefinedNamespace attribute costs ~15 µs).
_TYPE = RDF.type
_LABEL = RDFS.label
_INDICATOR_MATCH = JX.IndicatorMatch
_PROJECT_SERIES = JX.ProjectSeries
_SERIES_MATCH = JX.SeriesMatch
_CONTINUED_INDICATOR = JX.continuedIndicator
_CONTINUES = JX.continues
_CONTINUITY_OF = JX.continuityOf
_MATCH_METHOD = JX.matchMethod
_MATCH_OF = JX.matchOf
_MATCH_SCORE = JX.matchScore
_MATCHED_PROJECT = JX.matchedProject
_SERIES = JX.series
_SERIES_MEMBER = JX.seriesMember
_METHODS = {method: JX[method.value] for method in Method}


def _score(value: float) -> Literal:
    return Literal(f"{value:.3f}", datatype=XSD.decimal)


def series_iri(series: Series, minter: IriMinter) -> URIRef:
    """The IRI of a series: under its funding unit's key, then its own key."""
    return minter.series(series.department, series.unit, series.key)


def series_triples(
    series: Sequence[Series], links: Iterable[IndicatorLink], minter: IriMinter
) -> list[Triple]:
    """Every triple of the series graph (deterministic order)."""
    out: list[Triple] = []
    iris: dict[int, URIRef] = {}
    for s in series:
        iri = series_iri(s, minter)
        iris[id(s)] = iri
        out += [(iri, _TYPE, _PROJECT_SERIES), (iri, _LABEL, Literal(s.label, lang="zh"))]
        for project in sorted(s.members, key=lambda p: (p.year, p.row)):
            out += [
                (iri, _SERIES_MEMBER, URIRef(project.iri)),
                (URIRef(project.iri), _SERIES, iri),
            ]
        for link in sorted(s.links, key=lambda k: (k.project.year, k.project.row)):
            match = URIRef(f"{iri}/match/{link.project.year}/{link.project.row}")
            label = (
                f"{link.project.year} {link.project.name} ← {link.matched.year} {link.matched.name}"
            )
            out += [
                (match, _TYPE, _SERIES_MATCH),
                (match, _LABEL, Literal(label, lang="zh")),
                (match, _MATCH_OF, URIRef(link.project.iri)),
                (match, _MATCHED_PROJECT, URIRef(link.matched.iri)),
                (match, _MATCH_METHOD, _METHODS[link.method]),
                (match, _MATCH_SCORE, _score(link.score)),
            ]
    for ilink in links:
        iri = iris[id(ilink.series)]
        new, old = URIRef(ilink.indicator.iri), URIRef(ilink.earlier.iri)
        match = URIRef(
            f"{iri}/continuity/{ilink.project.year}/{ilink.project.row}/{ilink.indicator.position}"
        )
        label = f"{ilink.indicator.name} ← {ilink.earlier.name}"
        out += [
            (new, _CONTINUES, old),
            (match, _TYPE, _INDICATOR_MATCH),
            (match, _LABEL, Literal(label, lang="zh")),
            (match, _CONTINUITY_OF, new),
            (match, _CONTINUED_INDICATOR, old),
            (match, _MATCH_METHOD, _METHODS[ilink.method]),
            (match, _MATCH_SCORE, _score(ilink.score)),
        ]
    return out
