"""The ``sh:ValidationReport`` of the compiled engine, written as pySHACL writes its own.

Same triples for the same results: the result node with its constraint component, source
shape, severity, focus node, value, path, SPARQL constraint and messages; blank nodes copied
with what they say (a path, a SPARQL constraint), keeping the top node's label. So
:func:`~jixiao.shapes.report.build_report` reads both engines' reports alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from jixiao.shapes.compiled.checks import ShapeInfo

__all__ = ["RawResult", "report_graph"]

_ALLOWED_SEVERITIES = (SH.Warning, SH.Info)  # validate_graph allows warnings (and infos)
_CLONE_DEPTH = 5  # blank nodes inside blank nodes that are copied, as pySHACL


@dataclass(frozen=True, slots=True)
class RawResult:
    """One result of the engine, before it is written into a report."""

    shape: ShapeInfo
    component: URIRef
    focus: Node
    value: Node | None
    messages: tuple[Literal, ...]
    constraint: Node | None = None  # the sh:sparql node of a SHACL-SPARQL result


class _Copier:
    """Copies nodes into a report: a blank node with what it says, once per report."""

    def __init__(self, graph: Graph, shapes: Graph, data: Callable[[], Graph]) -> None:
        self.graph, self.shapes, self._data = graph, shapes, data
        self._done: dict[tuple[str, str], Node] = {}

    def shape(self, node: Node) -> Node:
        return self._top("shapes", self.shapes, node) if isinstance(node, BNode) else node

    def data(self, node: Node) -> Node:
        return self._top("data", self._data(), node) if isinstance(node, BNode) else node

    def _top(self, source_name: str, source: Graph, node: BNode) -> Node:
        key = (source_name, str(node))
        if key not in self._done:
            self._done[key] = self._copy(source, node, BNode(str(node)), 0)
        return self._done[key]

    def _copy(self, source: Graph, node: Node, copy: BNode, depth: int) -> BNode:
        if depth >= _CLONE_DEPTH:
            return copy
        predicates = set(source.predicates(node))
        if RDF.first in predicates:
            items = [self._item(source, item, depth) for item in Collection(source, node)]
            Collection(self.graph, copy, items)
            return copy
        for predicate in predicates:
            for value in source.objects(node, predicate):
                self.graph.add((copy, predicate, self._item(source, value, depth)))
        return copy

    def _item(self, source: Graph, node: Node, depth: int) -> Node:
        if isinstance(node, BNode):
            return self._copy(source, node, BNode(), depth + 1)
        if isinstance(node, Literal):
            return Literal(str(node), node.language, node.datatype)
        return node


def report_graph(results: Iterable[RawResult], shapes: Graph, data: Callable[[], Graph]) -> Graph:
    """The report of one document; ``data`` gives its graph, to copy blank focus nodes from."""
    results = list(results)
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in shapes.namespace_manager.namespaces():
        graph.namespace_manager.bind(prefix, namespace)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    conforms = all(r.shape.severity in _ALLOWED_SEVERITIES for r in results)
    graph.add((report, SH.conforms, Literal(conforms)))
    copy = _Copier(graph, shapes, data)
    for r in results:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.sourceConstraintComponent, r.component))
        graph.add((node, SH.sourceShape, copy.shape(r.shape.node)))
        graph.add((node, SH.resultSeverity, r.shape.severity))
        graph.add((node, SH.focusNode, copy.data(r.focus)))
        if r.value is not None:
            graph.add((node, SH.value, copy.data(r.value)))
        if r.shape.path is not None:
            graph.add((node, SH.resultPath, copy.shape(r.shape.path)))
        if r.constraint is not None:
            graph.add((node, SH.sourceConstraint, copy.shape(r.constraint)))
        for message in r.messages:
            graph.add((node, SH.resultMessage, message))
    return graph
