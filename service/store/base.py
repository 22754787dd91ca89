"""What every store shares: the :class:`Store` protocol, the result types, and running a
query on a pyoxigraph store with Oxigraph's errors as jixiao's.

Light on imports on purpose: a query worker process starts with this module and pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, Self

import pyoxigraph as ox

from jixiao.service.errors import QueryError, StoreError

if TYPE_CHECKING:
    from rdflib import URIRef

    from jixiao.service.store.statements import Triples

__all__ = [
    "ClosedOnExit",
    "QueryResult",
    "Store",
    "names_its_dataset",
    "query_store",
    "store_errors",
    "triples_result",
]

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class Store(Protocol):
    """What jixiao needs of an RDF store. ``with open_store(...) as store:`` closes it when
    the block is left, however it is left."""

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult: ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None: ...

    def replace_graphs(
        self,
        replace: Sequence[tuple[URIRef, Triples]],
        add: Sequence[tuple[URIRef, Triples]] = (),
    ) -> None:
        """Atomically: drop each graph of ``replace`` and fill it anew; add ``add``."""
        ...

    def named_graphs(self) -> list[str]: ...

    # Graph-level access for the Graph Store Protocol; ``graph=None`` is the store's own
    # (unnamed) default graph, not the union that queries see.
    def has_graph(self, graph: str) -> bool: ...

    def read_graph(self, graph: str | None) -> list[ox.Triple]: ...

    def write_graph(
        self, graph: str | None, triples: Sequence[ox.Triple], *, replace: bool
    ) -> None:
        """Atomically replace (``replace=True``) or add to the graph."""
        ...

    def drop_graph(self, graph: str | None) -> None: ...

    def dump_dataset(self, format: ox.RdfFormat) -> bytes: ...

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of ``graph``, or of every graph (None), one at a time, as a dump streams
        them; an IRI that is none has no quads."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...


class ClosedOnExit:
    """A store (or client) as a context manager: :meth:`close` when the ``with`` block is left."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def query_store(
    store: ox.Store,
    sparql: str,
    *,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    """``sparql`` on ``store``; the default graph is the union of all graphs unless named."""
    kwargs: dict[str, object] = {"base_iri": base_iri}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    elif not names_its_dataset(sparql):
        # Oxigraph's union switch would override the query's own FROM / FROM NAMED.
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    with store_errors("query"):
        return store.query(sparql, **kwargs)  # type: ignore[arg-type]


@contextmanager
def store_errors(what: str) -> Iterator[None]:
    """Oxigraph's errors as jixiao's: a bad ``what`` (query, update) is a :class:`QueryError`,
    a failing store a :class:`StoreError` — never a traceback."""
    try:
        yield
    except SyntaxError as exc:
        raise QueryError(f"malformed {what}: {exc}") from None
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    except OSError as exc:
        raise StoreError(f"the store failed: {exc}") from None


# What may hide the word FROM without being a dataset clause: comments, strings, IRIs.
_OPAQUE = re.compile(
    r"#[^\n]*"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"',
)
_FROM = re.compile(r"(?<![\w:.-])FROM(?![\w:.-])", re.IGNORECASE)


def names_its_dataset(sparql: str) -> bool:
    """Whether the query has a ``FROM`` or ``FROM NAMED`` clause (outside any group)."""
    text = _OPAQUE.sub(" ", sparql)
    depth = 0
    last = 0
    for match in re.finditer(r"[{}]", text):
        if depth == 0 and _FROM.search(text, last, match.start()):
            return True
        depth += 1 if match.group() == "{" else -1
        last = match.end()
    return depth == 0 and _FROM.search(text, last) is not None


def triples_result(triples: list[ox.Triple]) -> QueryResult:
    """Wrap parsed triples as a pyoxigraph ``QueryTriples`` (a CONSTRUCT over them)."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
