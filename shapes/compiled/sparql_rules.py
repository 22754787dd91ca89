"""SHACL-SPARQL constraints (sh:select) rewritten to run once over many named graphs.

pySHACL runs a constraint's SELECT once per focus node with ``$this`` pre-bound. The engine
runs it once per batch instead: the WHERE pattern is wrapped in ``GRAPH ?jxGraph { … }``,
``?jxGraph`` is added to the projection and to GROUP BY, and the answers are joined to the
focus nodes of each graph. That is the same as pre-binding when every answer binds ``$this``
from the query's own pattern and nothing reads ``$this`` before it is bound; :func:`rewrite_select`
checks this on rdflib's algebra of the query and raises :class:`UnsupportedShape` otherwise
(subqueries, MINUS, VALUES, SERVICE, GRAPH, LIMIT, $PATH, aggregates not grouped by ``$this``…).

It also says which projected variables hold a node of the data (mapped back to the
document's own term) and which are computed (a sum, a string): the engine asks rdflib for
the exact wording of those, as pySHACL would print them.

``SAMPLE`` runs as ``MIN``. SPARQL lets SAMPLE return any value of its group; rdflib returns
the first it meets, which follows Python's hash order, so pySHACL's pick changes from one run
to the next. MIN is one of the values SAMPLE may return, and the same every time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Graph, Literal, Variable
from rdflib.namespace import OWL, SH
from rdflib.paths import Path
from rdflib.term import Node

from jixiao.shapes.compiled.checks import GRAPH_VAR, ShapeInfo, SparqlCheck, UnsupportedShape

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue

__all__ = ["ANALYSED", "RewrittenSelect", "fresh_analysis", "rewrite_select", "sparql_check"]

# What _analyse found for each SELECT of the built-in shapes, by the SHA-256 of its text:
# rdflib's SPARQL parser takes ~0.3 s for them all, longer than validating a table. Written by
# ``python -m jixiao.shapes.compiled.analysis``; a test holds it to a fresh analysis. A text
# not in it (another base IRI's shapes, a department's own) is parsed as before.
ANALYSED = FilePath(__file__).with_name("sparql-analysis.json")

THIS = Variable("this")
_RESERVED = ("failure", "path", "PATH", "shapesGraph", "currentShape")
_REFUSED = {
    "Minus": "MINUS",
    "MinusGraphPattern": "MINUS",
    "ToMultiSet": "VALUES",
    "InlineData": "VALUES",
    "values": "VALUES",
    "ServiceGraphPattern": "SERVICE",
    "Graph": "GRAPH",
    "GraphGraphPattern": "GRAPH",
    "SubSelect": "a subquery",
    "Slice": "LIMIT / OFFSET",
}
_KEEPS_NODE = {"Aggregate_Min", "Aggregate_Max", "Aggregate_Sample"}

_TOKEN = re.compile(
    r"""(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                   |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<comment>\#[^\n]*)
      |(?P<var>[?$]\w+)
      |(?P<pname>(?:[^\W\d][\w.-]*)?:[\w.:%-]*)
      |(?P<word>[^\W\d]\w*)
      |(?P<other>\S)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class RewrittenSelect:
    """A constraint's SELECT, ready to join to the focus nodes of every graph."""

    prologue: str  # PREFIX declarations, for the front of the whole query
    select: str  # SELECT ?jxGraph … WHERE { GRAPH ?jxGraph { … } } GROUP BY ?jxGraph …
    variables: tuple[str, ...]  # the projected variables, in order
    computed: frozenset[str]
    sampled: frozenset[str]  # bound by SAMPLE (run as MIN)


@dataclass
class _Analysis:
    data: set[Variable]
    extends: dict[Variable, Any]
    aggregates: dict[Variable, CompValue]


def _walk(node: Any) -> Iterator[Any]:
    """Every value inside an algebra or parse tree, depth first."""
    yield node
    if isinstance(node, Path):
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if not str(key).startswith("_"):
                yield from _walk(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _walk(value)


def _mentions(node: Any, var: Variable = THIS) -> bool:
    return any(isinstance(n, Variable) and n == var for n in _walk(node))


def _binds_this(node: CompValue, state: _Analysis) -> bool:
    """Whether every solution of ``node`` binds ``$this`` (and it is never read unbound)."""
    name = node.name
    if name == "BGP":
        for triple in node.triples:
            state.data.update(t for t in triple if isinstance(t, Variable))
        return any(t == THIS for triple in node.triples for t in triple)
    if name in ("Project", "Distinct", "Reduced", "OrderBy"):
        return _binds_this(node.p, state)
    if name == "Join":
        left, right = _binds_this(node.p1, state), _binds_this(node.p2, state)
        return left or right
    if name == "Union":
        left, right = _binds_this(node.p1, state), _binds_this(node.p2, state)
        return left and right
    if name == "LeftJoin":
        bound = _binds_this(node.p1, state)
        _binds_this(node.p2, state)
        if not bound and (_mentions(node.p2) or _mentions(node.expr)):
            raise UnsupportedShape("$this is read in an OPTIONAL before it is bound")
        return bound
    if name == "Filter":
        bound = _binds_this(node.p, state)
        if not bound and _mentions(node.expr):
            raise UnsupportedShape("$this is read in a FILTER where it is not bound")
        return bound
    if name == "Extend":
        bound = _binds_this(node.p, state)
        if node.var == THIS and node.expr not in state.aggregates:
            raise UnsupportedShape("$this is bound with BIND or AS")
        if not bound and _mentions(node.expr):
            raise UnsupportedShape("$this is read in a BIND before it is bound")
        state.extends[node.var] = node.expr
        return bound or node.var == THIS
    if name == "AggregateJoin":
        for aggregate in node.A:
            state.aggregates[aggregate.res] = aggregate
        return _binds_this(node.p, state)
    if name == "Group":
        bound = _binds_this(node.p, state)
        keys = node.expr or []
        if not all(isinstance(k, Variable) for k in keys):
            raise UnsupportedShape("GROUP BY may only name variables")
        if THIS not in keys or not bound:
            raise UnsupportedShape("an aggregating SELECT must GROUP BY $this")
        return True
    raise UnsupportedShape(f"unsupported SPARQL algebra: {name}")


Analysis = tuple[list[str], frozenset[str], frozenset[str]]


@cache
def _known() -> dict[str, list[list[str]]]:
    try:
        known: dict[str, list[list[str]]] = json.loads(ANALYSED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_fresh: list[dict[str, list[list[str]]]] = []  # within fresh_analysis(): parse, note here


@contextmanager
def fresh_analysis() -> Iterator[dict[str, list[list[str]]]]:
    """Within it, every SELECT is parsed afresh (not taken from :data:`ANALYSED`) and what its
    analysis found is noted in the table yielded, by the SHA-256 of its text."""
    _fresh.append({})
    try:
        yield _fresh[-1]
    finally:
        _fresh.pop()


def _analyse(text: str) -> Analysis:
    found = None if _fresh else _known().get(_digest(text))
    if found is not None:
        variables, computed, sampled = found
        return list(variables), frozenset(computed), frozenset(sampled)
    analysis = _parse_and_analyse(text)
    if _fresh:
        _fresh[-1][_digest(text)] = [analysis[0], sorted(analysis[1]), sorted(analysis[2])]
    return analysis


def _parse_and_analyse(text: str) -> Analysis:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        query = translateQuery(parseQuery(text))
    except Exception as exc:  # rdflib raises pyparsing and other errors alike
        raise UnsupportedShape(f"the SELECT does not parse: {exc}") from None
    algebra = query.algebra
    if algebra.name != "SelectQuery":
        raise UnsupportedShape("sh:select must be a SELECT query")
    if algebra.get("datasetClause"):
        raise UnsupportedShape("FROM / FROM NAMED are not supported")
    for node in _walk(algebra):
        if isinstance(node, CompValue) and node.name in _REFUSED:
            raise UnsupportedShape(f"{_REFUSED[node.name]} is not supported")
        if isinstance(node, CompValue) and node.name == "Project" and node is not algebra.p:
            raise UnsupportedShape("a subquery is not supported")
    variables = [str(v) for v in algebra.PV]
    if "this" not in variables:
        raise UnsupportedShape("the SELECT must return $this")
    for reserved in _RESERVED:
        if reserved in variables or _mentions(algebra, Variable(reserved)):
            raise UnsupportedShape(f"${reserved} is not supported")
    state = _Analysis(set(), {}, {})
    if not _binds_this(algebra.p, state):
        raise UnsupportedShape("$this must be bound by every answer of the WHERE pattern")
    computed, sampled = set(), set()
    for var in algebra.PV:
        expr = state.extends.get(var)
        if expr is None:
            continue  # bound (or not) by the pattern itself: a node of the data
        aggregate = state.aggregates.get(expr) if isinstance(expr, Variable) else None
        inner = aggregate.vars if aggregate is not None else None
        if aggregate is None or aggregate.name not in _KEEPS_NODE or inner not in state.data:
            computed.add(str(var))
        elif aggregate.name == "Aggregate_Sample" and inner != var:
            sampled.add(str(var))
    return variables, frozenset(computed), frozenset(sampled)


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment":
            tokens.append((kind, match.group(), match.start(), match.end()))
    return tokens


def _keyword(token: tuple[str, str, int, int], word: str) -> bool:
    return token[0] == "word" and token[1].upper() == word


def rewrite_select(text: str, prefixes: dict[str, str], graph_var: str) -> RewrittenSelect:
    """Check ``text`` (with ``prefixes``) and rewrite it to answer per named graph."""
    if re.search(rf"[?$]{graph_var}\b", text):
        raise UnsupportedShape(f"the variable ?{graph_var} is reserved")
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    variables, computed, sampled = _analyse(head + "\n" + text)
    tokens = _tokens(text)
    at = next((i for i, t in enumerate(tokens) if _keyword(t, "SELECT")), None)
    if at is None:
        raise UnsupportedShape("no SELECT")
    prologue = text[: tokens[at][2]]
    insert = (
        at + 1 if not any(_keyword(tokens[at + 1], w) for w in ("DISTINCT", "REDUCED")) else at + 2
    )
    if tokens[insert][1] == "*":
        raise UnsupportedShape("SELECT * is not supported")
    opening = next(i for i in range(insert, len(tokens)) if tokens[i][1] == "{")
    depth, closing = 0, None
    for i in range(opening, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[i][1], 0) if tokens[i][0] == "other" else 0
        if depth == 0:
            closing = i
            break
    if closing is None:
        raise UnsupportedShape("unbalanced braces")
    group = next(
        (i + 1 for i in range(closing, len(tokens) - 1)
         if _keyword(tokens[i], "GROUP") and _keyword(tokens[i + 1], "BY")),
        None,
    )  # fmt: skip
    edits = [  # (start, end, replacement) in the text
        (tokens[insert][2], tokens[insert][2], f"?{graph_var} "),
        (tokens[opening][3], tokens[opening][3], f" GRAPH ?{graph_var} {{"),
        (tokens[closing][2], tokens[closing][2], "} "),
    ]
    if group is not None:
        edits.append((tokens[group][3], tokens[group][3], f" ?{graph_var}"))
    for i in range(insert, len(tokens) - 1):
        if _keyword(tokens[i], "SAMPLE") and tokens[i + 1][1] == "(":
            edits.append((tokens[i][2], tokens[i][3], "MIN"))
    select, last = "", tokens[at][2]
    for begin, finish, replacement in sorted(edits):
        select += text[last:begin] + replacement
        last = finish
    select += text[last:]
    return RewrittenSelect(
        prologue=head + prologue,
        select=select,
        variables=tuple(variables),
        computed=computed,
        sampled=sampled,
    )


def _objects(shapes: Graph, node: Node, predicate: Node) -> list[Node]:
    return list(shapes.objects(node, predicate))


def _declared(shapes: Graph, declarations: set[Node]) -> dict[str, str]:
    prefixes = {}
    for declaration in sorted(declarations, key=str):
        prefix = _objects(shapes, declaration, SH.prefix)
        namespace = _objects(shapes, declaration, SH.namespace)
        if len(prefix) != 1 or len(namespace) != 1:
            raise UnsupportedShape(f"{declaration}: sh:declare needs one sh:prefix, sh:namespace")
        prefixes[str(prefix[0])] = str(namespace[0])
    return prefixes


def _prefixes(shapes: Graph, constraint: Node) -> dict[str, str]:
    """The prefixes pySHACL declares for a constraint's SELECT (rdf, rdfs, owl, sh:prefixes)."""
    prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    ontologies = set(shapes.subjects(RDF.type, OWL.Ontology))
    everywhere = {d for o in ontologies for d in shapes.objects(o, SH.declare)}
    for node in _objects(shapes, constraint, SH.prefixes):
        own = set(shapes.objects(node, SH.declare))
        prefixes |= _declared(shapes, own if own and node in ontologies else own | everywhere)
    return prefixes


def sparql_check(shapes: Graph, constraint: Node, info: ShapeInfo, targets: str) -> SparqlCheck:
    """The check of one sh:sparql constraint of a node shape whose focus nodes are ``targets``."""
    select = _objects(shapes, constraint, SH.select)
    if len(select) != 1 or not isinstance(select[0], Literal):
        raise UnsupportedShape(f"{info.node}: sh:sparql needs exactly one sh:select string")
    extra = tuple(m for m in _objects(shapes, constraint, SH.message) if isinstance(m, Literal))
    if not (info.messages or extra):
        raise UnsupportedShape(f"{info.node}: a rule needs an sh:message (no generic messages)")
    prefixes = _prefixes(shapes, constraint)
    try:
        rewritten = rewrite_select(str(select[0]), prefixes, GRAPH_VAR)
    except UnsupportedShape as exc:
        raise UnsupportedShape(f"{info.node}: {exc}") from None
    query = f"{rewritten.prologue}SELECT * WHERE {{ {targets} {{ {rewritten.select} }} }}"
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    return SparqlCheck(
        shape=info,
        constraint=constraint,
        extra_messages=extra,
        query=query,
        variables=rewritten.variables,
        computed=rewritten.computed,
        sampled=rewritten.sampled,
        reference_text=f"{head}\n{select[0]}",
    )
