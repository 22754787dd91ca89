"""Running one SPARQL query on a pyoxigraph store and pulling its result into memory.

Shared by the embedded store, the query worker processes (:mod:`.query_worker`) and the
in-process runner, so a query is evaluated, capped and serialised the same way wherever it
runs. Light on imports on purpose: a worker process starts with this module and pyoxigraph.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import pyoxigraph as ox

from jixiao.ingest.errors import JixiaoError, QueryError, StoreError

from .protocol import NotAcceptable, QueryTimeout

__all__ = [
    "Answer",
    "Collected",
    "QueryJob",
    "collect",
    "evaluate",
    "names_its_dataset",
    "query_store",
    "store_errors",
]

T = TypeVar("T")
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


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


@dataclass(slots=True)
class Collected:
    """A query result pulled into memory within the limits."""

    kind: str  # "boolean", "solutions" or "triples"
    boolean: bool = False
    variables: tuple[str, ...] = ()
    rows: list[ox.QuerySolution] | None = None
    triples: list[ox.Triple] | None = None
    truncated: bool = False
    timed_out: bool = False


def collect(result: object, *, deadline: float, max_rows: int) -> Collected:
    """Pull ``result`` until it ends, ``max_rows`` is reached, or the deadline passes.

    Running out of time sets ``timed_out`` rather than raising: pyoxigraph iterators must be
    dropped on the thread that made them, and a traceback would carry this one elsewhere.
    """
    if isinstance(result, ox.QueryBoolean):
        return Collected("boolean", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows, truncated, late = _pull(result, deadline, max_rows)
        return Collected(
            "solutions", variables=variables, rows=rows, truncated=truncated, timed_out=late
        )
    if isinstance(result, ox.QueryTriples):
        triples, truncated, late = _pull(result, deadline, max_rows)
        return Collected("triples", triples=triples, truncated=truncated, timed_out=late)
    raise TypeError(f"not a query result: {type(result).__name__}")


def _pull(items: Iterable[T], deadline: float, max_rows: int) -> tuple[list[T], bool, bool]:
    out: list[T] = []
    try:
        for item in items:
            if time.monotonic() > deadline:
                return [], False, True
            if len(out) >= max_rows:
                return out, True, False
            out.append(item)
    except OSError as exc:
        raise StoreError(f"the store failed: {exc}") from None
    except (ValueError, TypeError) as exc:  # an evaluation error Oxigraph reports late
        raise QueryError(str(exc)) from None
    return out, False, time.monotonic() > deadline


@dataclass(frozen=True, slots=True)
class QueryJob:
    """One protocol query: its text, dataset, row cap and the formats the client accepts."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    max_rows: int = 10000
    # result kind ("solutions", "boolean", "triples") → format key, for the kinds the
    # client's Accept allows; a kind missing here is answered 406.
    formats: Mapping[str, str] = field(default_factory=dict)
    accept: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """A query's result, serialised."""

    kind: str
    format: str
    payload: bytes
    truncated: bool


def evaluate(run: Callable[[], QueryResult], job: QueryJob, *, deadline: float) -> Answer:
    """Run the query (``run()``), collect its result within the job's limits and serialise it
    in the accepted format.

    The pyoxigraph result is dropped here, on the thread that made it, before anything is
    raised: a traceback would otherwise carry the live iterator to another thread.
    """
    from .writers import write  # imported late: writers imports this module

    result = run()
    error: JixiaoError | None = None
    try:
        collected = collect(result, deadline=deadline, max_rows=job.max_rows)
    except JixiaoError as exc:
        error = exc.with_traceback(None)
        error.__context__ = None
    del result
    if error is not None:
        raise error
    if collected.timed_out:
        raise QueryTimeout("the query ran out of time and was stopped")
    fmt = job.formats.get(collected.kind)
    if fmt is None:
        raise NotAcceptable(f"no {collected.kind} result format fits Accept: {job.accept}")
    return Answer(collected.kind, fmt, write(collected, fmt), collected.truncated)
