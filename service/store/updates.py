"""All the SPARQL Update text of graph writes: the embedded store's single updates, and the
remote store's requests (see :mod:`.remote`).

For a remote store:
The triples of a write go as INSERT DATA operations of at most :data:`TRIPLES_PER_OPERATION`
triples (Virtuoso's parser gives up near 5,000 in one operation), and triples with blank nodes
as one ``INSERT { … } WHERE { }`` (Virtuoso refuses blank nodes in INSERT DATA). A write too
large for one request is staged: loaded into fresh staging graphs, then moved into place by
one last request (``MOVE``/``ADD``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from jixiao.service.store.statements import Statements, Triples

__all__ = [
    "STAGING",
    "TRIPLES_PER_OPERATION",
    "GraphWrite",
    "graph_write_update",
    "one_request",
    "replace_graphs_update",
    "sparql_term",
    "staged",
    "update_requests",
]

TRIPLES_PER_OPERATION = 1000
STAGING = "urn:jixiao:staging:"  # prefix of the staging graphs' names


@dataclass(frozen=True, slots=True)
class GraphWrite:
    """N-Triples statements to put into one graph (``None``: the default graph)."""

    graph: str | None
    plain: list[str]  # without blank nodes
    blank: list[str]  # with blank nodes
    replace: bool

    @classmethod
    def of(cls, graph: str | None, triples: Triples, *, replace: bool) -> GraphWrite:
        statements = Statements.of(triples)
        return cls(graph, statements.plain, statements.blank, replace)


def _graph(graph: str | None) -> str:
    return "DEFAULT" if graph is None else f"GRAPH {ox.NamedNode(graph)}"


def _inserts(graph: str | None, plain: Sequence[str], blank: Sequence[str]) -> list[str]:
    """INSERT operations that put the statements into ``graph``."""

    def block(lines: Sequence[str]) -> str:
        body = "\n".join(lines)
        return body if graph is None else f"GRAPH {ox.NamedNode(graph)} {{\n{body}\n}}"

    ops = [
        f"INSERT DATA {{ {block(plain[i : i + TRIPLES_PER_OPERATION])} }}"
        for i in range(0, len(plain), TRIPLES_PER_OPERATION)
    ]
    if blank:  # one operation, so that a blank node in several triples stays one node
        ops.append(f"INSERT {{ {block(blank)} }} WHERE {{ }}")
    return ops


def one_request(writes: Sequence[GraphWrite]) -> list[str]:
    """The operations of one update request: drop the replaced graphs, then insert."""
    ops = [f"DROP SILENT {_graph(w.graph)}" for w in writes if w.replace]
    for w in writes:
        ops += _inserts(w.graph, w.plain, w.blank)
    return ops


def staged(writes: Sequence[GraphWrite]) -> tuple[list[str], list[str], list[str]]:
    """(staging graphs, operations that fill them, the one request that moves them in)."""
    staging, fill, final = [], [], []
    for w in writes:
        name = ox.NamedNode(f"{STAGING}{uuid.uuid4()}")
        staging.append(name.value)
        fill += _inserts(name.value, w.plain, [])
        if w.replace:
            final += [
                f"DROP SILENT {_graph(w.graph)}",
                f"MOVE SILENT GRAPH {name} TO {_graph(w.graph)}",
            ]
        else:
            final += [f"ADD SILENT GRAPH {name} TO {_graph(w.graph)}", f"DROP SILENT GRAPH {name}"]
    for w in writes:
        final += _inserts(w.graph, [], w.blank)
    return staging, fill, final


def update_requests(ops: Sequence[str], budget: int) -> list[str]:
    """``ops`` packed greedily into update requests of at most ``budget`` bytes each."""
    out: list[list[str]] = [[]]
    size = 0
    for op in ops:
        n = len(op.encode("utf-8")) + 3
        if out[-1] and size + n > budget:
            out.append([])
            size = 0
        out[-1].append(op)
        size += n
    return [" ;\n".join(request) for request in out if request]


def sparql_term(term: Node) -> str:
    """An rdflib term in SPARQL/N-Triples syntax (IRIs and literals only)."""
    return term.n3()


def replace_graphs_update(
    replace: Sequence[tuple[URIRef, Triples]], add: Sequence[tuple[URIRef, Triples]] = ()
) -> str:
    """One SPARQL update that drops each graph of ``replace``, then inserts all the triples."""
    parts = [f"DROP SILENT GRAPH {ox.NamedNode(str(graph))}" for graph, _ in replace]
    body = []
    for graph, triples in [*replace, *add]:
        lines = "\n".join(Statements.of(triples))
        body.append(f"GRAPH {ox.NamedNode(str(graph))} {{\n{lines}\n}}")
    parts.append("INSERT DATA {\n" + "\n".join(body) + "\n}")
    return " ;\n".join(parts)


def graph_write_update(graph: str | None, triples: Iterable[ox.Triple], *, replace: bool) -> str:
    """One SPARQL update that replaces (or adds to) a graph; ``None`` is the default graph.

    The terms are parsed pyoxigraph terms written in N-Triples syntax by pyoxigraph and the
    graph IRI is validated by :class:`pyoxigraph.NamedNode`, so nothing is injected.
    """
    target = "DEFAULT" if graph is None else f"GRAPH {ox.NamedNode(graph)}"
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    insert = (
        f"INSERT DATA {{ {body} }}"
        if graph is None
        else (f"INSERT DATA {{ {target} {{ {body} }} }}")
    )
    drop = f"DROP SILENT {target} ;\n" if replace else ""
    return drop + insert
