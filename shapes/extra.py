"""A department's own SHACL shapes, run with the built-in ones (``jixiao validate --shapes``).

Each shape of the extra file (a shape with a target, with what it holds: property shapes,
lists, SPARQL constraints, prefix declarations) is compiled on its own: the compiled engine
runs those it supports, beside the built-in shapes, and pySHACL runs the rest on the same
graph, its results added to the same report. :meth:`ExtraShapes.summary` says which engine
runs which shape. A file that does not parse, holds no shape, or uses a SHACL term neither
engine runs (SHACL-AF rules and targets, SHACL-JS, a misspelt term) is refused at once with
:class:`~jixiao.ingest.errors.UsageError` — one line, before any data is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from jixiao.ingest.errors import UsageError
from jixiao.shapes.compiled.checks import CompiledShapes, UnsupportedShape
from jixiao.shapes.compiled.compiler import compile_shapes, merge_compiled
from jixiao.shapes.report import Report, pyshacl_report

__all__ = ["ExtraShapes", "load_extra_shapes", "runnable_terms"]

# The SHACL terms pySHACL runs without SHACL-AF or SHACL-JS: SHACL Core, SHACL-SPARQL and
# the annotations. Anything else of the SHACL namespace is refused.
_RUNNABLE = """
targetClass targetNode targetObjectsOf targetSubjectsOf property path inversePath
alternativePath zeroOrMorePath oneOrMorePath zeroOrOnePath class datatype nodeKind minCount
maxCount minExclusive minInclusive maxExclusive maxInclusive minLength maxLength pattern flags
languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not and or xone node
qualifiedValueShape qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint closed
ignoredProperties hasValue in severity message deactivated name description order group
defaultValue sparql select ask prefixes declare prefix namespace parameter optional validator
nodeValidator propertyValidator labelTemplate shapesGraph suggestedShapesGraph
"""
_RUNNABLE_TYPES = """
NodeShape PropertyShape Shape SPARQLConstraint PrefixDeclaration ConstraintComponent Parameter
SPARQLSelectValidator SPARQLAskValidator PropertyGroup
"""
_NESTING = (SH.property, SH.node, SH["not"], SH["and"], SH["or"], SH.xone,
            SH.qualifiedValueShape, SH.sparql, SH.prefixes, SH.declare)  # fmt: skip
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)


def runnable_terms() -> frozenset[str]:
    """The SHACL terms (local names) one of the two engines runs."""
    return frozenset((_RUNNABLE + _RUNNABLE_TYPES).split())


@dataclass(frozen=True)
class ExtraShapes:
    """The extra shapes of one file, split between the two engines."""

    name: str  # the file's name
    shapes: Graph  # the built-in shapes and the extra ones: for messages and for pySHACL
    compiled: CompiledShapes  # the built-in checks and those of the compiled extra shapes
    by_compiled: tuple[str, ...]  # the extra shapes the compiled engine runs
    by_reference: tuple[tuple[str, str], ...]  # the others, each with why: for pySHACL
    reference_shapes: Graph | None  # the shapes pySHACL runs (None: none)

    def summary(self) -> str:
        """One line: which engine runs which of the extra shapes."""
        parts = [f"{len(self.by_compiled)} by the compiled engine"]
        if self.by_compiled:
            parts[0] += f" ({', '.join(self.by_compiled)})"
        parts.append(f"{len(self.by_reference)} by pySHACL")
        if self.by_reference:
            why = "; ".join(f"{name}: {reason}" for name, reason in self.by_reference)
            parts[1] += f" ({why})"
        return f"extra shapes from {self.name}: " + ", ".join(parts)

    def add_reference_results(self, report: Report, data: Graph) -> Report:
        """``report`` with the results of the shapes pySHACL runs on ``data`` added."""
        if self.reference_shapes is None:
            return report
        extra = pyshacl_report(data, self.reference_shapes, self.shapes, report.title)
        return _merged(report, extra)


def _merged(report: Report, extra: Report) -> Report:
    graph = report.graph
    top = next(graph.subjects(RDF.type, SH.ValidationReport))
    extra_top = next(extra.graph.subjects(RDF.type, SH.ValidationReport))
    for s, p, o in extra.graph:
        if s != extra_top:
            graph.add((s, p, o))
        elif p == SH.result:
            graph.add((top, SH.result, o))
    results = sorted(
        [*report.results, *extra.results],
        key=lambda r: (r.location.sort_key, r.location.indicator or 0, r.shape),
    )
    merged = Report(graph, results, report.title)
    graph.set((top, SH.conforms, Literal(merged.conforms)))
    return merged


def _name(graph: Graph, node: Node) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return graph.namespace_manager.normalizeUri(str(node))


def _top_shapes(graph: Graph) -> list[Node]:
    shapes: set[Node] = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        shapes.update(graph.subjects(RDF.type, kind))
    for predicate in _TARGETS:
        shapes.update(graph.subjects(predicate, None))
    nested = {o for p in _NESTING for o in graph.objects(None, p)}
    return sorted(shapes - nested, key=str)


def _closure(graph: Graph, shape: Node) -> Graph:
    """The shape and what it holds: blank nodes, nested shapes, prefix declarations."""
    out = Graph(namespace_manager=graph.namespace_manager)
    todo, seen = [shape], {shape}
    while todo:
        node = todo.pop()
        for s, p, o in graph.triples((node, None, None)):
            out.add((s, p, o))
            follows = isinstance(o, BNode) or p in _NESTING or (p == RDF.rest)
            if follows and o not in seen and (o, None, None) in graph:
                seen.add(o)
                todo.append(o)
    return out


def _refuse_unknown_terms(graph: Graph, name: str) -> None:
    runnable = runnable_terms()
    used = {p for _, p, _ in graph} | set(graph.objects(None, RDF.type))
    for term in sorted(used, key=str):
        local = str(term).removeprefix(str(SH))
        if str(term).startswith(str(SH)) and local not in runnable:
            raise UsageError(f"{name}: uses sh:{local}, which neither engine runs")


def load_extra_shapes(
    graph: Graph, name: str, builtin: Graph, builtin_compiled: CompiledShapes
) -> ExtraShapes:
    """Split ``graph``'s shapes between the engines (:class:`UsageError` if one cannot run)."""
    _refuse_unknown_terms(graph, name)
    tops = _top_shapes(graph)
    if not tops:
        raise UsageError(f"{name}: no SHACL shapes in it (no sh:NodeShape and no targets)")
    compiled_parts: list[Graph] = []
    by_compiled: list[str] = []
    by_reference: list[tuple[str, str]] = []
    reference = Graph(namespace_manager=graph.namespace_manager)
    for shape in tops:
        part = _closure(graph, shape)
        try:
            compile_shapes(part)
        except UnsupportedShape as exc:
            by_reference.append((_name(graph, shape), _short(str(exc), shape, graph)))
            reference += part
            continue
        by_compiled.append(_name(graph, shape))
        compiled_parts.append(part)
    shapes = Graph()
    for prefix, namespace in [*builtin.namespaces(), *graph.namespaces()]:
        shapes.bind(prefix, namespace, override=False)
    shapes += builtin
    shapes += graph
    compiled = builtin_compiled
    if compiled_parts:
        extra_compiled = compile_shapes(_union(compiled_parts), len(builtin_compiled.focus))
        compiled = merge_compiled(builtin_compiled, extra_compiled, shapes)
    else:
        compiled = merge_compiled(builtin_compiled, CompiledShapes(shapes, (), ()), shapes)
    if by_reference:
        _check_reference_runs(reference, name)
    return ExtraShapes(
        name,
        shapes,
        compiled,
        tuple(by_compiled),
        tuple(by_reference),
        reference if by_reference else None,
    )


def _short(reason: str, shape: Node, graph: Graph) -> str:
    """The compiler's reason, without node identifiers: ``sh:maxLength is not supported…``."""
    text = reason.removeprefix(f"{shape}: ").splitlines()[0]
    text = re.sub(r"^(?:n[0-9a-f]{20,}|\S+://\S+): ", "", text)  # a nested shape's id
    text = re.sub(r" on \S+ is not", " is not", text).replace(str(SH), "sh:")
    return text[:160]


def _union(graphs: Iterable[Graph]) -> Graph:
    out = Graph()
    for graph in graphs:
        out += graph
    return out


def _probe(shapes: Graph) -> Graph:
    """A graph with one focus node for every target of ``shapes``, so pySHACL runs each."""
    probe, graph = URIRef("urn:jixiao:probe"), Graph()
    for cls in shapes.objects(None, SH.targetClass):
        graph.add((probe, RDF.type, cls))
    for predicate in (SH.targetSubjectsOf, SH.targetObjectsOf):
        for value in shapes.objects(None, predicate):
            if isinstance(value, URIRef):
                graph.add((probe, value, probe))
    return graph


def _check_reference_runs(shapes: Graph, name: str) -> None:
    """pySHACL runs the shapes it is given (on a probe graph), or the file is refused."""
    try:
        pyshacl_report(_probe(shapes), shapes, shapes, "")
    except Exception as exc:  # pySHACL's errors about shapes come in several kinds
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise UsageError(f"{name}: pySHACL cannot run these shapes: {detail}") from None
