"""Evaluating one SPARQL query within its limits and serialising its answer.

Shared by the embedded store, the query worker processes (:mod:`.worker`) and the
in-process runner, so a query is evaluated, capped and serialised the same way wherever it
runs. Light on imports on purpose: a worker process starts with this module and pyoxigraph.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, cast

import pyoxigraph as ox

from jixiao.ingest.errors import JixiaoError
from jixiao.service.errors import NotAcceptable, QueryTimeout
from jixiao.service.formats import RESULT_FORMATS
from jixiao.service.query.collect import collect, pulling_errors
from jixiao.service.query.writers import write
from jixiao.service.store.base import QueryResult

__all__ = [
    "Answer",
    "QueryJob",
    "evaluate",
]


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
    result = run()
    fmt = job.formats.get("solutions")
    if isinstance(result, ox.QuerySolutions) and fmt in RESULT_FORMATS:
        sink = _Sink(fmt, job.max_rows, deadline)
        try:
            with pulling_errors():
                result.serialize(cast(IO[bytes], sink), format=RESULT_FORMATS[fmt])
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
        with pulling_errors():
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
