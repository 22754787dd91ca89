"""What compiling the shapes gives: checks, each a SPARQL query and what its results carry.

The queries of :mod:`.compiler` expect a store that holds each document in a named graph
``?jxGraph`` (with the vocabulary it is validated with), and in the default graph: one triple
``?jxGraph <urn:jixiao:engine#focus-N> ?this`` for each focus node of shape N, written by the
updates of :attr:`CompiledShapes.focus` (so each check reads them instead of finding them
again), and one triple ``<urn:jixiao:engine#ill-typed> <urn:jixiao:engine#ill-typed> L`` for
each literal ``L`` that rdflib reads as ill-typed (sh:datatype refuses it; Oxigraph keeps it
as an opaque literal). The queries call one function of their own, :data:`MATCHES`:
sh:pattern by Python's :mod:`re`, as pySHACL applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

__all__ = [
    "FOCUS",
    "GRAPH_VAR",
    "ILL_TYPED",
    "MATCHES",
    "Check",
    "CompiledShapes",
    "CountCheck",
    "ShapeInfo",
    "SparqlCheck",
    "UnsupportedShape",
    "ValueCheck",
]

ENGINE_NS = "urn:jixiao:engine#"
ILL_TYPED = URIRef(ENGINE_NS + "ill-typed")
MATCHES = URIRef(ENGINE_NS + "matches")
GRAPH_VAR = "jxGraph"
FOCUS = ENGINE_NS + "focus-"  # + a number: ``?jxGraph <…focus-N> ?this`` in the default graph


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature the compiled engine cannot run (validate with pySHACL)."""


@dataclass(frozen=True, slots=True)
class ShapeInfo:
    """What every result of a shape carries."""

    node: Node  # sh:sourceShape
    severity: URIRef
    messages: tuple[Literal, ...]
    path: Node | None  # sh:path (sh:resultPath) of a property shape


@dataclass(frozen=True, slots=True)
class ValueCheck:
    """Per value node: ``?jxGraph ?this ?value ?ok0 ?ok1 …``, one ``?ok`` per constraint."""

    shape: ShapeInfo
    components: tuple[URIRef, ...]  # sh:sourceConstraintComponent of ?ok0, ?ok1, …
    query: str


@dataclass(frozen=True, slots=True)
class CountCheck:
    """sh:minCount / sh:maxCount: ``?jxGraph ?this ?count`` for the focus nodes that fail."""

    shape: ShapeInfo
    min_count: int | None
    max_count: int | None
    query: str


@dataclass(frozen=True, slots=True)
class SparqlCheck:
    """A SHACL-SPARQL constraint: the SELECT, rewritten to run once over all graphs."""

    shape: ShapeInfo
    constraint: Node  # the sh:sparql node (sh:sourceConstraint)
    extra_messages: tuple[Literal, ...]  # the constraint's own sh:message
    query: str  # ?jxGraph ?this and the SELECT's variables
    variables: tuple[str, ...]  # the SELECT's variables, in order
    computed: frozenset[str]  # variables bound by an expression, not to a node of the data
    sampled: frozenset[str]  # variables bound by SAMPLE, which runs as MIN
    reference_text: str  # the query as pySHACL sends it to rdflib (prefixes + text)


Check = ValueCheck | CountCheck | SparqlCheck


@dataclass(frozen=True, slots=True)
class CompiledShapes:
    """Every check of a shapes graph."""

    shapes: Graph
    focus: tuple[str, ...]  # SPARQL updates writing the focus nodes of each shape, first
    checks: tuple[Check, ...]
