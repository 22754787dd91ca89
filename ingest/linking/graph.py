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
from jixiao.ingest.linking.series import IndicatorLink, Series
from jixiao.ontology import JX

__all__ = ["series_triples"]

Triple = tuple[Node, Node, Node]


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
        out += [(iri, RDF.type, JX.ProjectSeries), (iri, RDFS.label, Literal(s.label, lang="zh"))]
        for project in sorted(s.members, key=lambda p: (p.year, p.row)):
            out += [
                (iri, JX.seriesMember, URIRef(project.iri)),
                (URIRef(project.iri), JX.series, iri),
            ]
        for link in sorted(s.links, key=lambda k: (k.project.year, k.project.row)):
            match = URIRef(f"{iri}/match/{link.project.year}/{link.project.row}")
            label = (
                f"{link.project.year} {link.project.name} ← {link.matched.year} {link.matched.name}"
            )
            out += [
                (match, RDF.type, JX.SeriesMatch),
                (match, RDFS.label, Literal(label, lang="zh")),
                (match, JX.matchOf, URIRef(link.project.iri)),
                (match, JX.matchedProject, URIRef(link.matched.iri)),
                (match, JX.matchMethod, JX[link.method.value]),
                (match, JX.matchScore, _score(link.score)),
            ]
    for ilink in links:
        iri = iris[id(ilink.series)]
        new, old = URIRef(ilink.indicator.iri), URIRef(ilink.earlier.iri)
        match = URIRef(
            f"{iri}/continuity/{ilink.project.year}/{ilink.project.row}/{ilink.indicator.position}"
        )
        label = f"{ilink.indicator.name} ← {ilink.earlier.name}"
        out += [
            (new, JX.continues, old),
            (match, RDF.type, JX.IndicatorMatch),
            (match, RDFS.label, Literal(label, lang="zh")),
            (match, JX.continuityOf, new),
            (match, JX.continuedIndicator, old),
            (match, JX.matchMethod, JX[ilink.method.value]),
            (match, JX.matchScore, _score(ilink.score)),
        ]
    return out
