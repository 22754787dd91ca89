"""Running the shapes: one document graph at a time, with pySHACL as the reference validator.

Each budget document is independent, so a document is validated on its own: its graph, the
organisations it mentions and the vocabulary (the indicator scheme, for ``sh:class`` and the
level-2-under-level-1 rule). Cost therefore grows with the size of one document, not of the
store; checks that span documents are SPARQL on the store (:mod:`.store_checks`).

pySHACL patches rdflib globals when it is imported: a server must call these functions in a
worker process, never in the threads that answer queries (see ``jixiao.service.validation``).
"""

from __future__ import annotations

import re
import warnings
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from jixiao.ingest.errors import InputError
from jixiao.ingest.iris import DEFAULT_BASE, IriMinter
from jixiao.ingest.mapping import MappedDocument, map_table
from jixiao.ingest.reader import read_table
from jixiao.ontology import vocabulary_graph

from .report import Report, build_report

__all__ = [
    "JXSH",
    "RDF_MEDIA_TYPES",
    "SHAPES_IRI",
    "SHAPES_TTL",
    "parse_rdf",
    "shapes_graph",
    "validate_document",
    "validate_graph",
    "validate_source",
]

# RDF syntaxes accepted for validation: media type → rdflib parser.
RDF_MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
# … and by file suffix (the command line).
RDF_SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}

SHAPES_IRI = URIRef("https://w3id.org/jixiao/shapes")
JXSH = Namespace("https://w3id.org/jixiao/shapes#")
SHAPES_TTL = Path(__file__).with_name("jixiao-shapes.ttl")

# The shape whose sh:pattern says where instance IRIs live; written for DEFAULT_BASE.
_IRI_SHAPE = JXSH.InstanceIriShape


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


class _DocumentGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pySHACL sends a SHACL-SPARQL constraint's text to ``query`` once per focus node, and rdflib
    spends ~7 ms parsing it against ~0.1 ms evaluating it; caching the parsed query makes the
    SPARQL-based shapes about 50 times faster while pySHACL still does all the validating.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str) and not kwargs.get("initNs"):
            namespaces = tuple(sorted((p, str(n)) for p, n in self.namespaces()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, *args, **kwargs)


def base_pattern(base_iri: str) -> str:
    """The sh:pattern (a regular expression) of IRIs under ``base_iri``."""
    return "^" + re.escape(base_iri)


@cache
def _parsed_shapes(base_iri: str) -> Graph:
    graph = Graph()
    try:
        graph.parse(SHAPES_TTL, format="turtle")
    except Exception as exc:  # a broken shapes file is an input error, not a traceback
        raise InputError(f"the shapes graph does not load: {exc}", file=SHAPES_TTL.name) from None
    graph.set((_IRI_SHAPE, SH.pattern, Literal(base_pattern(base_iri))))
    return graph


def shapes_graph(base_iri: str = DEFAULT_BASE) -> Graph:
    """The shapes, with instance IRIs required to be under ``base_iri`` (a fresh copy)."""
    parsed = _parsed_shapes(base_iri)
    graph = Graph()
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=True)
    graph += parsed
    return graph


def parse_rdf(data: bytes, fmt: str, name: str = "<upload>") -> Graph:
    """Parse an RDF document (``fmt`` an rdflib parser name); :class:`InputError` if it fails."""
    graph = Graph()
    try:
        with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about its internals
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many kinds; all mean the same to a user
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"not valid {fmt} RDF: {detail[:300]}", file=name) from None
    return graph


def validate_graph(
    data: Graph,
    *,
    base_iri: str = DEFAULT_BASE,
    with_vocabulary: bool = True,
    title: str = "",
) -> Report:
    """Validate one document's graph (its triples and its organisations) against the shapes.

    ``data`` is not changed. With ``with_vocabulary`` the ontology and the indicator scheme
    are added to a copy first, as the rules on indicator categories need them.
    """
    from pyshacl import validate  # imported here: pySHACL patches rdflib globals on import

    graph = _DocumentGraph()
    graph += data
    if with_vocabulary:
        graph += vocabulary_graph()
    _conforms, report_graph, _text = validate(
        graph,
        shacl_graph=_parsed_shapes(base_iri),
        inference="none",
        allow_warnings=True,
        inplace=True,
    )
    return build_report(report_graph, graph, _parsed_shapes(base_iri), title)


def validate_document(
    mapped: MappedDocument, *, base_iri: str = DEFAULT_BASE, title: str = ""
) -> Report:
    """Validate a mapped document: :meth:`MappedDocument.combined` plus the vocabulary."""
    return validate_graph(mapped.combined(), base_iri=base_iri, title=title)


def validate_source(
    data: bytes, source_name: str, year: int, *, base_iri: str = DEFAULT_BASE
) -> Report:
    """Read, map and validate one source table (:class:`InputError` if it cannot be read)."""
    mapped = map_table(read_table(data, source_name), year, IriMinter(base_iri))
    return validate_document(mapped, base_iri=base_iri, title=f"{source_name} ({year})")
