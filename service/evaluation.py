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
from typing import IO, TypeVar, cast

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
    with _errors_as_jixiao():
        for item in items:
            if time.monotonic() > deadline:
                return [], False, True
            if len(out) >= max_rows:
                return out, True, False
            out.append(item)
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
    """A query's result, serialised (and compressed, if ``encoding`` says so)."""

    kind: str
    format: str
    payload: bytes
    truncated: bool
    encoding: str | None = None  # the HTTP Content-Encoding of the payload


def evaluate(run: Callable[[], QueryResult], job: QueryJob, *, deadline: float) -> Answer:
    """Run the query (``run()``), collect its result within the job's limits and serialise it
    in the accepted format.

    Solutions are written by Oxigraph's own serialisers, 2–3× faster than writing them here;
    an answer that may pass the row cap is evaluated again and capped row by row
    (:func:`collect`), the one way to cut a native serialisation at an exact row.

    The pyoxigraph result is dropped here, on the thread that made it, before anything is
    raised: a traceback would otherwise carry the live iterator to another thread.
    """
    from .writers import write  # imported late: writers imports this module

    result = run()
    fmt = job.formats.get("solutions")
    if isinstance(result, ox.QuerySolutions) and fmt in _NATIVE:
        sink = _Sink(fmt, job.max_rows, deadline)
        try:
            with _errors_as_jixiao():
                result.serialize(cast(IO[bytes], sink), format=_NATIVE[fmt])
        except _PastRowCap:
            result = run()  # answered again below, cut at the cap
        except (JixiaoError, _PastDeadline) as exc:
            del result
            raise _bare(exc) if isinstance(exc, JixiaoError) else _timeout() from None
        else:
            del result
            return Answer("solutions", fmt, sink.payload(), False)
    error: JixiaoError | None = None
    try:
        with _errors_as_jixiao():
            collected = collect(result, deadline=deadline, max_rows=job.max_rows)
    except JixiaoError as exc:
        error = _bare(exc)
    del result
    if error is not None:
        raise error
    if collected.timed_out:
        raise _timeout()
    fmt = job.formats.get(collected.kind)
    if fmt is None:
        raise NotAcceptable(f"no {collected.kind} result format fits Accept: {job.accept}")
    return Answer(collected.kind, fmt, write(collected, fmt), collected.truncated)


def _bare(exc: JixiaoError) -> JixiaoError:
    """``exc`` without the traceback and context that would keep a pyoxigraph result alive."""
    exc = exc.with_traceback(None)
    exc.__context__ = None
    return exc


def _timeout() -> QueryTimeout:
    return QueryTimeout("the query ran out of time and was stopped")


@contextmanager
def _errors_as_jixiao() -> Iterator[None]:
    """Errors Oxigraph reports while results are pulled, as jixiao's."""
    try:
        yield
    except OSError as exc:
        raise StoreError(f"the store failed: {exc}") from None
    except (ValueError, TypeError) as exc:  # an evaluation error Oxigraph reports late
        raise QueryError(str(exc)) from None


_NATIVE = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
# What Oxigraph writes at least once per row in each format, and what to add to its count
# for an upper bound of the rows: JSON separates rows by "},{" (outside strings, only there);
# XML opens each with "<result>" (a "<" in a value is escaped); CSV and TSV end each line,
# the header's too, with "\n" (a value may hold more, in CSV).
_ROW_MARKS = {"json": (b"},{", 1), "xml": (b"<result>", 0), "csv": (b"\n", -1), "tsv": (b"\n", -1)}


class _PastRowCap(Exception):
    """The answer may have more rows than the cap: it has to be cut row by row."""


class _PastDeadline(Exception):
    """The answer was still being written when the deadline passed."""


class _Sink:
    """Where a native serialiser writes: keeps the bytes, and stops it (by raising from
    :meth:`write`) once its rows may pass ``max_rows`` or the deadline has passed."""

    def __init__(self, fmt: str, max_rows: int, deadline: float) -> None:
        self._mark, self._offset = _ROW_MARKS[fmt]
        self._max_rows = max_rows
        self._deadline = deadline
        self._parts: list[bytes] = []
        self._marks = 0
        self._tail = b""  # the end of the last write, where a mark may begin

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        keep = len(self._mark) - 1
        self._marks += (self._tail + chunk[:keep]).count(self._mark) + chunk.count(self._mark)
        self._tail = (self._tail + chunk[-keep:])[-keep:] if keep else b""
        self._parts.append(chunk)
        if self._marks + self._offset > self._max_rows:
            raise _PastRowCap
        if time.monotonic() > self._deadline:
            raise _PastDeadline
        return len(chunk)

    def flush(self) -> None:
        pass

    def payload(self) -> bytes:
        return b"".join(self._parts)
