"""The shapes compiled to SPARQL: a few SELECTs per rule, each run once over many documents.

:func:`compile_shapes` reads a shapes graph and turns every shape that can produce a result
into checks (:mod:`.checks`). Each query finds, in every named graph ``?jxGraph`` of the store
(one per document), the focus nodes of the shape and what is wrong with them, so one query
answers for every document of a batch:

- focus nodes: ``sh:targetClass`` (instances of the class or of a class below it, by
  rdfs:subClassOf) and ``sh:targetObjectsOf``;
- a property shape: one query counting values (sh:minCount, sh:maxCount), one testing each
  value (sh:datatype — ill-typed literals fail —, sh:nodeKind, sh:in, sh:pattern,
  sh:minLength, sh:minInclusive, sh:maxInclusive, sh:not), one per sh:class; paths are IRIs,
  sh:inversePath and sh:alternativePath;
- a node shape: the same tests on the focus node itself, and its SHACL-SPARQL constraints
  (:mod:`.sparql_rules`).

The compiler knows exactly these features and raises :class:`UnsupportedShape` for anything
else, so a new kind of rule is noticed by the tests instead of being skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDFS, SH, XSD
from rdflib.term import BNode, Node

from jixiao.shapes.compiled.checks import (
    FOCUS,
    GRAPH_VAR,
    ILL_TYPED,
    MATCHES,
    Check,
    CompiledShapes,
    CountCheck,
    ShapeInfo,
    UnsupportedShape,
    ValueCheck,
)
from jixiao.shapes.compiled.sparql_rules import sparql_check

__all__ = ["UnsupportedShape", "compile_shapes", "merge_compiled", "path_expression"]

_MARK = f"<{ILL_TYPED}> <{ILL_TYPED}>"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"

# What may be said about a shape: targets, constraints, and what results carry.
_TARGETS = {SH.targetClass, SH.targetObjectsOf}
_VALUE_PARAMETERS = {
    SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.pattern, SH.flags, SH.minLength,
    SH.minInclusive, SH.maxInclusive, SH["not"],
}  # fmt: skip
_SHAPE_PREDICATES = (
    _TARGETS
    | _VALUE_PARAMETERS
    | {SH.path, SH.property, SH.minCount, SH.maxCount, SH.sparql, SH.severity, SH.message}
    | {SH.name, SH.description, SH.order, SH.group}  # annotations: they never validate
)
_SINGLE = (SH.path, SH.datatype, SH.nodeKind, SH["in"], SH.minLength, SH.minCount, SH.maxCount,
           SH.flags, SH.severity, SH["not"], SH.minInclusive, SH.maxInclusive)  # fmt: skip
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBLANK(?value)",
    SH.Literal: "isLITERAL(?value)",
    SH.BlankNodeOrIRI: "(isBLANK(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBLANK(?value) || isLITERAL(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLITERAL(?value))",
}


def _values(shapes: Graph, node: Node, predicate: URIRef) -> list[Node]:
    return list(shapes.objects(node, predicate))


def _one(shapes: Graph, node: Node, predicate: URIRef) -> Node | None:
    values = _values(shapes, node, predicate)
    return values[0] if values else None


def _sparql_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise UnsupportedShape(f"a blank node cannot be a constant in a compiled query: {term}")


def _int(shapes: Graph, node: Node, predicate: URIRef) -> int:
    value = _one(shapes, node, predicate)
    if not (isinstance(value, Literal) and isinstance(value.value, int) and value.value >= 0):
        raise UnsupportedShape(f"{node}: {predicate} must be a non-negative integer")
    return value.value


def path_expression(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path (IRIs, inverse, alternative)."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if isinstance(path, BNode):
        inverse = _one(shapes, path, SH.inversePath)
        alternative = _one(shapes, path, SH.alternativePath)
        others = {
            p for p in shapes.predicates(path) if p not in (SH.inversePath, SH.alternativePath)
        }
        if inverse is not None and alternative is None and not others:
            return f"^({path_expression(shapes, inverse)})"
        if alternative is not None and inverse is None and not others:
            members = list(Collection(shapes, alternative))
            if len(members) < 2:
                raise UnsupportedShape(f"sh:alternativePath needs two or more paths: {path}")
            return "(" + " | ".join(path_expression(shapes, m) for m in members) + ")"
    raise UnsupportedShape("unsupported sh:path (only IRIs, sh:inversePath, sh:alternativePath)")


def _instance(node: str, cls: Node) -> tuple[str, str]:
    """Two graph patterns: ``node`` has type ``cls``, or a type below it (rdfs:subClassOf+)."""
    cls_text = _sparql_term(cls)
    return (
        f"GRAPH ?{GRAPH_VAR} {{ {node} {_RDF_TYPE} {cls_text} }}",
        f"GRAPH ?{GRAPH_VAR} {{ ?class {_SUBCLASS}+ {cls_text} . {node} {_RDF_TYPE} ?class }}",
    )


def _targets(shapes: Graph, shape: Node) -> str | None:
    """A pattern of ``?jxGraph ?this``, the focus nodes of the shape's own targets, or None."""
    branches: list[str] = []
    for target in _values(shapes, shape, SH.targetClass):
        branches.extend(_instance("?this", target))
    for target in _values(shapes, shape, SH.targetObjectsOf):
        branches.append(f"GRAPH ?{GRAPH_VAR} {{ [] {_sparql_term(target)} ?this }}")
    return " UNION ".join(f"{{ {b} }}" for b in branches) if branches else None


_ILL_TYPED_VAR = "?illTyped"
_NEVER_ILL_TYPED = (XSD.string, RDF.langString)  # pySHACL checks only that the value is text


def _datatype(datatype: Node, ill_typed: str) -> str:
    """?value is a literal of ``datatype`` that is not ill-typed (per ``ill_typed``)."""
    if datatype in (RDFS.Literal, RDFS.Datatype) or not isinstance(datatype, URIRef):
        raise UnsupportedShape(f"sh:datatype {datatype} is not supported")
    typed = f"isLITERAL(?value) && DATATYPE(?value) = <{datatype}>"
    return f"({typed})" if datatype in _NEVER_ILL_TYPED else f"({typed} && {ill_typed})"


def _in(shapes: Graph, head: Node) -> str:
    members = list(Collection(shapes, head))
    if not all(isinstance(m, URIRef) for m in members):
        # term equality of literals differs between rdflib (lexical) and Oxigraph (value)
        raise UnsupportedShape("sh:in may only list IRIs")
    return f"(?value IN ({', '.join(_sparql_term(m) for m in members)}))" if members else "false"


_LITERAL_PREFIX = re.compile(r"\^((?:\\[^A-Za-z0-9]|[^\\.^$*+?{}\[\]|()])*)")


def _pattern(shapes: Graph, shape: Node, pattern: Node) -> str:
    if not (isinstance(pattern, Literal) and isinstance(pattern.value, str)):
        raise UnsupportedShape(f"{shape}: sh:pattern must be a string")
    flags = _one(shapes, shape, SH.flags)
    flag_text = str(flags) if flags is not None else ""
    if set(flag_text) - {"i", "m"}:
        raise UnsupportedShape(f"{shape}: sh:flags other than i and m are not supported")
    re.compile(str(pattern))  # a broken pattern fails here, not in the middle of a batch
    prefix = _LITERAL_PREFIX.fullmatch(str(pattern))
    if prefix and not flag_text:  # "^https://w3id\\.org/…": the same as STRSTARTS, and faster
        text = re.sub(r"\\(.)", r"\1", prefix.group(1))
        return f"STRSTARTS(STR(?value), {Literal(text).n3()})"
    return f"<{MATCHES}>(?value, {Literal(str(pattern)).n3()}, {Literal(flag_text).n3()})"


def _conditions(shapes: Graph, shape: Node, top: bool = False) -> Iterator[tuple[URIRef, str]]:
    """(constraint component, SPARQL expression true when ?value conforms) of the shape.

    For the ``top`` query of a shape, sh:class is left out (it gets a query of its own) and
    ill-typed literals are those the query's OPTIONAL binds to ?illTyped: an EXISTS per value
    costs Oxigraph time in proportion to the number of graphs holding the node."""
    ill_typed = f"!BOUND({_ILL_TYPED_VAR})" if top else f"NOT EXISTS {{ {_MARK} ?value }}"
    for datatype in _values(shapes, shape, SH.datatype):
        yield SH.DatatypeConstraintComponent, _datatype(datatype, ill_typed)
    for kind in _values(shapes, shape, SH.nodeKind):
        if not (isinstance(kind, URIRef) and kind in _NODE_KINDS):
            raise UnsupportedShape(f"{shape}: unknown sh:nodeKind {kind}")
        yield SH.NodeKindConstraintComponent, _NODE_KINDS[kind]
    for cls in _values(shapes, shape, SH["class"]) if not top else ():
        direct, below = _instance("?value", cls)
        yield SH.ClassConstraintComponent, f"(EXISTS {{ {direct} }} || EXISTS {{ {below} }})"
    for head in _values(shapes, shape, SH["in"]):
        yield SH.InConstraintComponent, _in(shapes, head)
    for pattern in _values(shapes, shape, SH.pattern):
        yield SH.PatternConstraintComponent, _pattern(shapes, shape, pattern)
    if _one(shapes, shape, SH.minLength) is not None:
        length = _int(shapes, shape, SH.minLength)
        yield (
            SH.MinLengthConstraintComponent,
            (f"(!isBLANK(?value) && STRLEN(STR(?value)) >= {length})" if length else "true"),
        )
    for bound, op, component in (
        (SH.minInclusive, ">=", SH.MinInclusiveConstraintComponent),
        (SH.maxInclusive, "<=", SH.MaxInclusiveConstraintComponent),
    ):
        for limit in _values(shapes, shape, bound):
            if not isinstance(limit, Literal):
                raise UnsupportedShape(f"{shape}: {bound} must be a literal")
            yield component, f"(?value {op} {_sparql_term(limit)})"
    for inner in _values(shapes, shape, SH["not"]):
        yield SH.NotConstraintComponent, f"!({_conforms(shapes, inner)})"


def _conforms(shapes: Graph, shape: Node) -> str:
    """SPARQL expression: ?value conforms to ``shape``, a node shape of value constraints."""
    allowed = _VALUE_PARAMETERS | {RDF.type, SH.name, SH.description, SH.severity, SH.message}
    extra = {p for p in shapes.predicates(shape) if p not in allowed}
    if extra or (shape, RDF.type, SH.PropertyShape) in shapes:
        raise UnsupportedShape(f"{shape}: a shape inside sh:not may only hold value constraints")
    _check_single(shapes, shape)
    parts = [f"COALESCE({condition}, false)" for _, condition in _conditions(shapes, shape)]
    return " && ".join(parts) if parts else "true"


def _check_single(shapes: Graph, shape: Node) -> None:
    for predicate in _SINGLE:
        if len(_values(shapes, shape, predicate)) > 1:
            raise UnsupportedShape(f"{shape}: more than one {predicate}")


def _info(shapes: Graph, shape: Node) -> ShapeInfo:
    severity = _one(shapes, shape, SH.severity) or SH.Violation
    messages = tuple(m for m in _values(shapes, shape, SH.message) if isinstance(m, Literal))
    if not isinstance(severity, URIRef):
        raise UnsupportedShape(f"{shape}: sh:severity must be an IRI")
    return ShapeInfo(shape, severity, messages, _one(shapes, shape, SH.path))


def _value_checks(
    shapes: Graph, shape: Node, info: ShapeInfo, targets: str, path: str | None
) -> Iterator[ValueCheck]:
    """One query for the value constraints of the shape, and one per sh:class."""
    conditions = list(_conditions(shapes, shape, top=True))
    classes = _values(shapes, shape, SH["class"])
    if not (conditions or classes):
        return
    if not info.messages:
        raise UnsupportedShape(f"{shape}: a rule needs an sh:message (no generic messages)")
    values = f"GRAPH ?{GRAPH_VAR} {{ ?this {path} ?value }}" if path else "BIND (?this AS ?value)"
    head = f"SELECT DISTINCT ?{GRAPH_VAR} ?this ?value"
    if conditions:
        marks = (  # the ill-typed literals, once, joined to the values
            f"OPTIONAL {{ {_MARK} ?value BIND (true AS {_ILL_TYPED_VAR}) }}"
            if any(_ILL_TYPED_VAR in condition for _, condition in conditions)
            else ""
        )
        binds = " ".join(
            f"BIND (COALESCE({c}, false) AS ?ok{i})" for i, (_, c) in enumerate(conditions)
        )
        fails = " || ".join(f"!?ok{i}" for i in range(len(conditions)))
        oks = " ".join(f"?ok{i}" for i in range(len(conditions)))
        query = f"{head} {oks} WHERE {{ {targets} {values} {marks} {binds} FILTER ({fails}) }}"
        yield ValueCheck(info, tuple(component for component, _ in conditions), query)
    for cls in classes:  # the instances of the class, once, joined to the values
        direct, below = _instance("?value", cls)
        instances = (
            f"{{ SELECT DISTINCT ?{GRAPH_VAR} ?value (true AS ?instance) "
            f"WHERE {{ {{ {direct} }} UNION {{ {below} }} }} }}"
        )
        query = (
            f"{head} (false AS ?ok0) WHERE {{ {targets} {values} "
            f"OPTIONAL {instances} FILTER (!BOUND(?instance)) }}"
        )
        yield ValueCheck(info, (SH.ClassConstraintComponent,), query)


def _count_check(
    shapes: Graph, shape: Node, info: ShapeInfo, targets: str, path: str
) -> CountCheck | None:
    low = _int(shapes, shape, SH.minCount) if (shape, SH.minCount, None) in shapes else None
    high = _int(shapes, shape, SH.maxCount) if (shape, SH.maxCount, None) in shapes else None
    tests = ([f"?count < {low}"] if low is not None else []) + (
        [f"?count > {high}"] if high is not None else []
    )
    if not tests:
        return None
    if not info.messages:
        raise UnsupportedShape(f"{shape}: a rule needs an sh:message (no generic messages)")
    query = (
        f"SELECT ?{GRAPH_VAR} ?this ?count WHERE {{ {{ SELECT ?{GRAPH_VAR} ?this "
        f"(COUNT(DISTINCT ?value) AS ?count) WHERE {{ {targets} OPTIONAL {{ GRAPH ?{GRAPH_VAR} "
        f"{{ ?this {path} ?value }} }} }} GROUP BY ?{GRAPH_VAR} ?this }} "
        f"FILTER ({' || '.join(tests)}) }}"
    )
    return CountCheck(info, low, high, query)


def _shape_checks(shapes: Graph, shape: Node, targets: str) -> Iterator[Check]:
    """The checks of ``shape`` on the focus nodes that ``targets`` selects."""
    info = _info(shapes, shape)
    if info.path is not None:
        path = path_expression(shapes, info.path)
        for nested in (SH.sparql, SH.property):
            if (shape, nested, None) in shapes:
                raise UnsupportedShape(f"{shape}: {nested} on a property shape")
        if count := _count_check(shapes, shape, info, targets, path):
            yield count
        yield from _value_checks(shapes, shape, info, targets, path)
        return
    yield from _value_checks(shapes, shape, info, targets, None)
    for constraint in _values(shapes, shape, SH.sparql):
        yield sparql_check(shapes, constraint, info, targets)
    for prop in _values(shapes, shape, SH.property):
        if (prop, SH.path, None) not in shapes:
            raise UnsupportedShape(f"{shape}: sh:property {prop} has no sh:path")
        yield from _shape_checks(shapes, prop, targets)


def _shape_nodes(shapes: Graph) -> set[Node]:
    nodes: set[Node] = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        nodes.update(shapes.subjects(RDF.type, kind))
    for predicate in (*_TARGETS, SH.path, SH.sparql):
        nodes.update(shapes.subjects(predicate, None))
    for predicate in (SH.property, SH["not"]):
        nodes.update(shapes.objects(None, predicate))
    return nodes


_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.PrefixDeclaration}


def _check_vocabulary(shapes: Graph, nodes: set[Node]) -> None:
    """Refuse any SHACL term the compiler does not know, wherever it is used."""
    sparql_nodes = set(shapes.objects(None, SH.sparql))
    declares = set(shapes.objects(None, SH.declare))
    declaring = set(shapes.objects(None, SH.prefixes)) | set(
        shapes.subjects(RDF.type, OWL.Ontology)
    )
    for s, p in {(s, p) for s, p, _ in shapes if str(p).startswith(str(SH))}:
        if s in nodes:
            allowed = _SHAPE_PREDICATES
        elif s in sparql_nodes:
            allowed = {SH.select, SH.prefixes, SH.message}
        elif s in declares:
            allowed = {SH.prefix, SH.namespace}
        elif s in declaring:
            allowed = {SH.declare}
        else:  # a node of a property path
            allowed = {SH.inversePath, SH.alternativePath}
        if p not in allowed:
            raise UnsupportedShape(f"{p} on {s} is not supported by the compiled engine")
    for cls in set(shapes.objects(None, RDF.type)):
        if str(cls).startswith(str(SH)) and cls not in _TYPES:
            raise UnsupportedShape(f"{cls} is not supported by the compiled engine")
    for node in nodes:
        _check_single(shapes, node)
        if any((node, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class)):
            raise UnsupportedShape(f"{node}: implicit class targets are not supported")
        if _one(shapes, node, SH.path) is None and (
            (node, SH.minCount, None) in shapes or (node, SH.maxCount, None) in shapes
        ):
            raise UnsupportedShape(f"{node}: sh:minCount / sh:maxCount on a node shape")


def _parses(check: Check) -> Check:
    """The check, once Oxigraph has read its query (on an empty store: nothing runs)."""
    try:
        functions = {ox.NamedNode(MATCHES): lambda *_: None}
        list(ox.Store().query(check.query, custom_functions=functions))  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise UnsupportedShape(f"{check.shape.node}: the compiled query is wrong: {exc}") from None
    return check


def compile_shapes(shapes: Graph, first_focus: int = 0) -> CompiledShapes:
    """Compile every shape with targets (and the property shapes it holds) to SPARQL.

    The focus nodes of the shapes are numbered from ``first_focus``, so the checks of two
    shapes graphs compiled apart can run in one store (see :func:`merge_compiled`).
    """
    nodes = _shape_nodes(shapes)
    _check_vocabulary(shapes, nodes)
    focus: list[str] = []
    checks: list[Check] = []
    for shape in sorted(nodes, key=str):
        targets = _targets(shapes, shape)
        if targets is not None:  # written once into the store, read by each check
            name = f"<{FOCUS}{first_focus + len(focus)}>"
            focus.append(f"INSERT {{ ?{GRAPH_VAR} {name} ?this }} WHERE {{ {targets} }}")
            written = f"?{GRAPH_VAR} {name} ?this ."
            checks.extend(_parses(check) for check in _shape_checks(shapes, shape, written))
    return CompiledShapes(shapes, tuple(focus), tuple(checks))


def merge_compiled(first: CompiledShapes, second: CompiledShapes, shapes: Graph) -> CompiledShapes:
    """The checks of both (``second`` compiled with ``first_focus=len(first.focus)``)."""
    return CompiledShapes(shapes, first.focus + second.focus, first.checks + second.checks)
