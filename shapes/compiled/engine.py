"""The compiled engine: the shapes as SPARQL on one Oxigraph store per batch of documents.

Each document goes into its own named graph (with the vocabulary it is validated with) and every
check of :mod:`.compiler` runs once over all graphs of the batch, so the cost grows with the total
size of the batch, not with documents × rules. The answers become the report pySHACL writes
(:mod:`.report_graph`) and :func:`~jixiao.shapes.report.build_report` reads it as it reads
pySHACL's.

Oxigraph keeps literals by value, so every literal in an answer is mapped back to the
document's own (:mod:`.terms`). Where that is not certain the engine asks rdflib, on the
graph pySHACL would validate: for a computed value in a message (a sum is printed as rdflib
computes it) or a value the document writes two ways. A document Oxigraph cannot hold as
rdflib does — an IRI Oxigraph refuses, two literals of one value under one subject and
predicate, which Oxigraph keeps as one — comes back as :class:`NeedsReference`, for pySHACL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from jixiao.shapes.compiled.checks import (
    GRAPH_VAR,
    ILL_TYPED,
    MATCHES,
    CompiledShapes,
    CountCheck,
    ShapeInfo,
    SparqlCheck,
    ValueCheck,
)
from jixiao.shapes.compiled.report_graph import RawResult, report_graph
from jixiao.shapes.compiled.terms import StoreView, Terms, literal_key, ox_term, rdflib_literal
from jixiao.shapes.report import Report, build_report

__all__ = ["Document", "NeedsReference", "validate_batch"]

Triple = tuple[Node, Node, Node]
_MESSAGE_VARIABLES = re.compile(r"{[$?]([^{}]+)}")
_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD.boolean))
_FALSE = ox.Literal("false", datatype=ox.NamedNode(XSD.boolean))


@dataclass
class Document:
    """One document to validate: its triples, and the graph pySHACL would validate instead."""

    triples: Iterable[Triple]  # the data, without the vocabulary
    reference: Callable[[], Graph]  # data and vocabulary as pySHACL gets them, built on demand
    vocabulary: Sequence[Triple] = ()  # validated with it: each document gets its copy
    title: str = ""


@dataclass(frozen=True, slots=True)
class NeedsReference:
    """Oxigraph cannot hold the document as rdflib does: validate it with pySHACL."""

    reason: str


@cache
def _regex(pattern: str, flags: str) -> re.Pattern[str]:
    return re.compile(pattern, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))


def _matches(value: Any, pattern: Any, flags: Any) -> ox.Literal:
    """sh:pattern as pySHACL applies it: Python's re.search on the node's text."""
    if isinstance(value, ox.BlankNode):
        return _FALSE
    return _TRUE if _regex(pattern.value, flags.value).search(value.value) else _FALSE


_FUNCTIONS: dict[ox.NamedNode, Callable[..., Any]] = {ox.NamedNode(MATCHES): _matches}


@dataclass
class _Batch:
    """The store of a batch, and what the engine knows of each of its documents."""

    documents: Sequence[Document]
    compiled: CompiledShapes
    store: ox.Store = field(default_factory=ox.Store)
    terms: Terms = field(default_factory=Terms)
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI → document index
    refused: dict[int, str] = field(default_factory=dict)  # document index → why
    results: dict[int, list[RawResult]] = field(default_factory=dict)
    _triples: dict[int, list[Triple]] = field(default_factory=dict)
    _literals: dict[int, set[Node]] = field(default_factory=dict)
    _references: dict[int, Graph] = field(default_factory=dict)

    @staticmethod
    def graph(index: int) -> ox.NamedNode:
        return ox.NamedNode(f"urn:jixiao:engine:document:{index}")

    def reference(self, index: int) -> Graph:
        """The graph pySHACL would validate for the document (built once, when needed)."""
        if index not in self._references:
            self._references[index] = self.documents[index].reference()
        return self._references[index]

    def load(self) -> None:
        vocabularies: dict[int, tuple[str, list[Triple], set[Triple]]] = {}
        expected: dict[str, int] = {}
        for index, document in enumerate(self.documents):
            triples, graph = list(document.triples), self.graph(index)
            try:
                text, blank = self.terms.ntriples(triples)
                vocabulary = vocabularies.get(id(document.vocabulary))
                if vocabulary is None:
                    vocabulary = (
                        *self.terms.ntriples(document.vocabulary),
                        set(document.vocabulary),
                    )
                    vocabularies[id(document.vocabulary)] = vocabulary
                quads = [
                    ox.Quad(ox_term(s), ox_term(p), ox_term(o), graph)
                    for s, p, o in blank + vocabulary[1]
                ]
            except ValueError as exc:
                self.refused[index] = f"Oxigraph cannot hold a term: {exc}"
                continue
            # N-Triples written from Oxigraph's own terms: no need to check them again
            self.store.load(text + vocabulary[0], format=ox.RdfFormat.N_TRIPLES,
                            to_graph=graph, lenient=True)  # fmt: skip
            self.store.extend(quads)  # blank nodes keep their labels only when added as terms
            self._triples[index] = triples + list(document.vocabulary)
            own = set(triples)
            expected[graph.value] = len(own) + len(vocabulary[2]) - len(own & vocabulary[2])
            self.graphs[graph.value] = index
        if len(self.store) != sum(expected.values()):  # some literals became one: which?
            counts = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            for row in self.store.query(counts):  # type: ignore[union-attr]
                name, count = row["g"].value, int(row["n"].value)
                if name in expected and count != expected[name]:
                    self.refused[self.graphs[name]] = (
                        "two literals of one value (Oxigraph keeps one)"
                    )
        marks = "".join(f"<{ILL_TYPED}> <{ILL_TYPED}> {text} .\n" for text in self.terms.ill_typed)
        self.store.load(marks, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())

    def rows(self, query: str) -> Iterator[tuple[int, Any]]:
        """(document index, solution) of a query, for the documents the engine validates."""
        solutions = self.store.query(query, custom_functions=_FUNCTIONS)
        for row in solutions:  # type: ignore[union-attr]
            index = self.graphs.get(row[GRAPH_VAR].value)
            if index is not None and index not in self.refused:
                yield index, row

    def node(self, index: int, term: Any) -> Node | None:
        """The document's own term for an answer; None for a literal it may write two ways,
        or one it does not have (a computed value)."""
        if not isinstance(term, ox.Literal):
            return self.terms.node(term)
        candidates = self.terms.candidates(term)
        if len(candidates) > 1:
            if index not in self._literals:
                self._literals[index] = {o for _, _, o in self._triples[index]}
            candidates = {c for c in candidates if c in self._literals[index]}
        return next(iter(candidates)) if len(candidates) == 1 else None

    def core_node(self, index: int, term: Any, focus: Node | None, shape: ShapeInfo) -> Node:
        """A focus or value node of a core result, the document's own term (asking rdflib's
        graph which literal it is when the document writes the value two ways)."""
        node = self.node(index, term)
        if node is not None:
            return node
        literal = rdflib_literal(term)
        key, graph = literal_key(literal), self.reference(index)
        candidates: list[tuple[Node | None, Node]]
        if focus is None:  # a literal focus node, from sh:targetObjectsOf
            candidates = [(None, o) for o in graph.objects()]
        else:  # a value: the literal reached by the shape's path, if several are equal
            predicates = set(_predicates(self.compiled.shapes, shape.path))
            candidates = sorted(
                graph.predicate_objects(focus), key=lambda po: po[0] not in predicates
            )
        found = (o for _, o in candidates if isinstance(o, Literal) and literal_key(o) == key)
        return next(found, literal)

    def add(self, index: int, result: RawResult) -> None:
        self.results.setdefault(index, []).append(result)


def _predicates(shapes: Graph, path: Node | None) -> Iterator[Node]:
    """The predicates a literal can be reached by on a path (IRIs and their alternatives)."""
    if isinstance(path, URIRef):
        yield path
    elif path is not None:
        for head in shapes.objects(path, SH.alternativePath):
            for member in Collection(shapes, head):
                yield from _predicates(shapes, member)


def _value_results(batch: _Batch, check: ValueCheck) -> None:
    for index, row in batch.rows(check.query):
        focus = batch.core_node(index, row["this"], None, check.shape)
        if check.shape.path is None:  # a node shape's value is its focus node
            value = focus
        else:
            value = batch.core_node(index, row["value"], focus, check.shape)
        for i, component in enumerate(check.components):
            if row[f"ok{i}"].value == "false":
                batch.add(index, RawResult(check.shape, component, focus, value,
                                           check.shape.messages))  # fmt: skip


def _count_results(batch: _Batch, check: CountCheck) -> None:
    for index, row in batch.rows(check.query):
        focus = batch.core_node(index, row["this"], None, check.shape)
        count = int(row["count"].value)
        if check.min_count is not None and count < check.min_count:
            component = SH.MinCountConstraintComponent
            batch.add(index, RawResult(check.shape, component, focus, None, check.shape.messages))
        if check.max_count is not None and count > check.max_count:
            component = SH.MaxCountConstraintComponent
            batch.add(index, RawResult(check.shape, component, focus, None, check.shape.messages))


def _sparql_results(batch: _Batch, check: SparqlCheck) -> None:
    """A SELECT's answers, by document and focus node; rdflib's for those it must word."""
    texts = [str(m) for m in (*check.shape.messages, *check.extra_messages)]
    shown = {"this", "value"} | {v for t in texts for v in _MESSAGE_VARIABLES.findall(t)}
    found: dict[tuple[int, Node], list[dict[str, Node]]] = {}
    inexact: set[tuple[int, Node]] = set()
    for index, row in batch.rows(check.query):
        focus = batch.core_node(index, row["this"], None, check.shape)
        bindings: dict[str, Node] = {}
        for var in check.variables:
            term = row[var]
            if term is None:
                continue
            node = batch.node(index, term)
            if var in shown and (
                node is None or (var in check.computed and isinstance(node, Literal))
            ):
                inexact.add((index, focus))
            bindings[var] = node if node is not None else rdflib_literal(term)
        found.setdefault((index, focus), []).append(bindings)
    for (index, focus), rows in found.items():
        if (index, focus) in inexact:
            reference = _reference_rows(batch.reference(index), check, focus)
            rows = reference if reference is not None else rows
        for result in _sparql_rows(check, focus, rows):
            batch.add(index, result)


def _reference_rows(graph: Graph, check: SparqlCheck, focus: Node) -> list[dict[str, Node]] | None:
    """The SELECT's answers for ``focus`` as pySHACL gets them from rdflib; None if rdflib
    fails (its SUM breaks on ill-typed numbers), and then Oxigraph's answers stand."""
    try:
        bindings: dict[str, Any] = {"this": focus}
        answer = graph.query(check.reference_text, initBindings=bindings)
        return [dict(row.asdict()) for row in answer]  # type: ignore[union-attr]
    except Exception:  # whatever rdflib raises, Oxigraph has answered
        return None


def _sparql_rows(
    check: SparqlCheck, focus: Node, rows: Iterable[dict[str, Node]]
) -> Iterator[RawResult]:
    """pySHACL's reading of a SELECT's answers for one focus node."""
    seen: list[tuple[Node | None, Node | None, Node | None, dict[str, Node]]] = []
    for row in rows:
        bindings = dict(row)
        path, value, this = (bindings.pop(v, None) for v in ("path", "value", "this"))
        if (path is None and value is None and this is None) or (
            (this, path, value, bindings) in seen
        ):
            continue
        seen.append((this, path, value, bindings))
        value = value if value is not None else focus
        filled = {**bindings, "this": this, "path": path, "value": value}
        variables = {k: v for k, v in filled.items() if v is not None}
        messages = [m for m in check.extra_messages if m not in check.shape.messages]
        messages += check.shape.messages
        worded = tuple(Literal(_fill(str(m.value), variables)) for m in messages)
        yield RawResult(check.shape, SH.SPARQLConstraintComponent, this or focus, value, worded,
                        check.constraint)  # fmt: skip


def _fill(message: str, variables: dict[str, Node]) -> str:
    """{?var} and {$var} replaced as pySHACL does (by re.sub, with its replacement rules)."""
    for var, value in variables.items():
        message = re.sub(f"{{[?$]{var}}}", str(value), message)
    return message


def _report(batch: _Batch, index: int) -> Report:
    results = batch.results.get(index, [])
    shapes, title = batch.compiled.shapes, batch.documents[index].title
    view = StoreView(batch.store, batch.graph(index), batch.terms)
    graph = report_graph(results, shapes, lambda: batch.reference(index))
    report = build_report(graph, Graph(store=view), shapes, title)
    if view.ambiguous:  # several labels, lines…: locate them as in pySHACL's graph
        graph = report_graph(results, shapes, lambda: batch.reference(index))
        report = build_report(graph, batch.reference(index), shapes, title)
    return report


def validate_batch(
    documents: Sequence[Document], compiled: CompiledShapes
) -> list[Report | NeedsReference]:
    """Validate the documents in one Oxigraph store: a report (or a refusal) per document."""
    batch = _Batch(documents, compiled)
    batch.load()
    for update in compiled.focus:
        batch.store.update(update)
    for check in compiled.checks:
        if isinstance(check, ValueCheck):
            _value_results(batch, check)
        elif isinstance(check, CountCheck):
            _count_results(batch, check)
        else:
            _sparql_results(batch, check)
    return [
        NeedsReference(batch.refused[i]) if i in batch.refused else _report(batch, i)
        for i in range(len(documents))
    ]
