"""The result and RDF formats jixiao reads and writes: the one table of them.

Each :class:`Format` says what jixiao calls it (its key: ``jixiao query --format``, the
writers), what it serialises (SPARQL results, a graph, or a dataset), its media types (the
first is the one served; the others are read and negotiated as the same format), its file
suffixes, and its names for Oxigraph, rdflib and the W3C (``http://www.w3.org/ns/formats/``).
Everything else is derived from :data:`FORMATS`: the query writers' tables, content
negotiation's media types and suffixes, the routes' parsers and serialisers, the service
description's formats. A test holds every other module to it.

>>> by_media("text/turtle; charset=utf-8").key
'turtle'
>>> by_key("ntriples").media_type
'application/n-triples'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

__all__ = [
    "FORMATS",
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "Format",
    "by_key",
    "by_media",
    "by_suffix",
    "rdflib_name",
]

Kind = Literal["results", "graph", "dataset"]


@dataclass(frozen=True, slots=True)
class Format:
    """One serialisation: its key, what it holds, and its names elsewhere."""

    key: str
    kind: Kind  # SPARQL results (SELECT, ASK), a graph (triples) or a dataset (quads)
    media_types: tuple[str, ...]  # the first is served; all are read as this format
    suffixes: tuple[str, ...]  # what a linked-data URL or a file may end in
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    w3c: str  # its name under http://www.w3.org/ns/formats/
    rdflib: str | None = None  # rdflib's parser and serialiser, for graphs rdflib writes

    @property
    def media_type(self) -> str:
        """The media type it is served as."""
        return self.media_types[0]


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "results",
        ("application/sparql-results+json", "application/json"),
        (".json", ".srj"),
        ox.QueryResultsFormat.JSON,
        "SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        "results",
        ("application/sparql-results+xml", "application/xml"),
        (".srx",),
        ox.QueryResultsFormat.XML,
        "SPARQL_Results_XML",
    ),
    Format(
        "csv", "results", ("text/csv",), (".csv",), ox.QueryResultsFormat.CSV, "SPARQL_Results_CSV"
    ),
    Format(
        "tsv",
        "results",
        ("text/tab-separated-values",),
        (".tsv",),
        ox.QueryResultsFormat.TSV,
        "SPARQL_Results_TSV",
    ),
    Format(
        "turtle",
        "graph",
        ("text/turtle", "application/x-turtle"),
        (".ttl",),
        ox.RdfFormat.TURTLE,
        "Turtle",
        "turtle",
    ),
    Format(
        "ntriples",
        "graph",
        ("application/n-triples", "text/plain"),
        (".nt",),
        ox.RdfFormat.N_TRIPLES,
        "N-Triples",
        "nt",
    ),
    Format(
        "jsonld",
        "graph",
        ("application/ld+json",),
        (".jsonld",),
        ox.RdfFormat.JSON_LD,
        "JSON-LD",
        "json-ld",
    ),
    Format(
        "rdfxml",
        "graph",
        ("application/rdf+xml",),
        (".rdf",),
        ox.RdfFormat.RDF_XML,
        "RDF_XML",
        "xml",
    ),
    Format(
        "nquads",
        "dataset",
        ("application/n-quads",),
        (".nq",),
        ox.RdfFormat.N_QUADS,
        "N-Quads",
        "nquads",
    ),
    Format("trig", "dataset", ("application/trig",), (".trig",), ox.RdfFormat.TRIG, "TriG", "trig"),
)

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    f.key: f.oxigraph for f in FORMATS if isinstance(f.oxigraph, ox.QueryResultsFormat)
}
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    f.key: f.oxigraph for f in FORMATS if isinstance(f.oxigraph, ox.RdfFormat)
}
_BY_KEY = {f.key: f for f in FORMATS}
_BY_MEDIA = {media: f for f in FORMATS for media in f.media_types}
_BY_SUFFIX = {suffix: f for f in FORMATS for suffix in f.suffixes}


def by_key(key: str) -> Format:
    """The format called ``key`` (KeyError for none)."""
    return _BY_KEY[key]


def by_media(media_type: str) -> Format | None:
    """The format of a media type (parameters and case aside), or None."""
    return _BY_MEDIA.get(media_type.split(";")[0].strip().lower())


def by_suffix(suffix: str) -> Format | None:
    """The format a name ending in ``suffix`` (``.ttl``) is in, or None."""
    return _BY_SUFFIX.get(suffix.lower())


def rdflib_name(media_type: str) -> str | None:
    """rdflib's name of the RDF format served as ``media_type``; None for any other."""
    found = by_media(media_type)
    return found.rdflib if found is not None else None
