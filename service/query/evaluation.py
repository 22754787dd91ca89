"""Evaluating one SPARQL query within its limits and serialising its answer.

Shared by the embedded store, the query worker processes (:mod:`.worker`) and the
in-process runner, so a query is evaluated, capped and serialised the same way wherever it
runs. Light on imports on purpose: a worker process starts with this module and pyoxigraph.
"""

from __future__ import annotations

import re
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
    """Run the query (``run()``, once), collect its result within the job's limits and
    serialise it in the accepted format.

    Solutions are written by Oxigraph's own serialisers, 2–3× faster than writing them here,
    and cut while they stream: once the written bytes hold the start of the row after the cap
    the serialiser is stopped, and the answer is what it wrote up to that row, closed as a
    document of that many rows closes (:class:`_Sink`). RDF results are pulled row by row
    (:func:`collect`) and written here.

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
            del result
            return Answer("solutions", fmt, sink.payload(), True)
        except (JixiaoError, _PastDeadline) as exc:
            del result
            raise _bare(exc) if isinstance(exc, JixiaoError) else _timeout() from None
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
# What closes a document after its last row.
_ENDS = {"json": b"]}}", "xml": b"</results></sparql>", "csv": b"", "tsv": b""}
_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)


class _PastRowCap(Exception):
    """The answer has more rows than the cap: the sink holds it cut at the cap."""


class _PastDeadline(Exception):
    """The answer was still being written when the deadline passed."""


class _Sink:
    """Where a native serialiser writes: keeps the bytes, and stops it (by raising from
    :meth:`write`) once they hold the start of the row after ``max_rows`` — then
    :meth:`payload` is the document cut before that row — or once the deadline has passed.

    Counting a format's row mark is cheap and never undercounts (:data:`_ROW_MARKS`); only
    when that count passes the cap are the bytes read exactly (:func:`_cut_at`), and read
    again only once the count has grown by the rows still missing.
    """

    def __init__(self, fmt: str, max_rows: int, deadline: float) -> None:
        self._fmt = fmt
        self._mark, self._offset = _ROW_MARKS[fmt]
        self._max_rows = max_rows
        self._deadline = deadline
        self._parts: list[bytes] = []
        self._marks = 0
        self._check_at = max_rows + 1 - self._offset  # marks at which to read exactly
        self._tail = b""  # the end of the last write, where a mark may begin
        self._cut: int | None = None

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        keep = len(self._mark) - 1
        self._marks += (self._tail + chunk[:keep]).count(self._mark) + chunk.count(self._mark)
        self._tail = (self._tail + chunk[-keep:])[-keep:] if keep else b""
        self._parts.append(chunk)
        if self._marks >= self._check_at:
            written = b"".join(self._parts)
            self._parts = [written]
            cut, missing = _cut_at(self._fmt, written, self._max_rows)
            if cut is not None:
                self._cut = cut
                raise _PastRowCap
            self._check_at = self._marks + missing
        if time.monotonic() > self._deadline:
            raise _PastDeadline
        return len(chunk)

    def flush(self) -> None:
        pass

    def payload(self) -> bytes:
        written = b"".join(self._parts)
        if self._cut is None:
            return written
        return written[: self._cut] + _ENDS[self._fmt]


def _cut_at(fmt: str, written: bytes, max_rows: int) -> tuple[int | None, int]:
    """Where to cut ``written`` (what a serialiser of ``fmt`` wrote so far) to keep its
    first ``max_rows`` rows, if it holds the start of a row after them; else None and how
    many row boundaries are still missing before it could."""
    if fmt == "xml":  # "<result>" opens each row and stands nowhere else
        starts = _occurrences(written, b"<result>", max_rows + 1)
        found = len(starts)
        return (starts[-1] if found == max_rows + 1 else None), max_rows + 1 - found
    if fmt == "json":
        if max_rows == 0:
            begin = written.find(b'"bindings":[')
            if begin < 0:
                return None, 1
            begin += len(b'"bindings":[')
            return (begin if written[begin : begin + 1] == b"{" else None), 1
        # "},{" between two rows; in a string it does not count: strings are told by the
        # parity of the quotes before, escapes (\" among them) first blanked out
        plain = _JSON_ESCAPE.sub(b"__", written)
        ends = _outside_quotes(plain, b"},{", max_rows)
        found = len(ends)
        return (ends[-1] + 1 if found == max_rows else None), max_rows - found
    # CSV and TSV: a line per row after the header's; a CSV value in quotes may hold line
    # breaks (a quote in it is doubled, so parity tells), a TSV value escapes them
    lines = (
        _outside_quotes(written, b"\n", max_rows + 1)
        if fmt == "csv"
        else _occurrences(written, b"\n", max_rows + 1)
    )
    found = len(lines)
    if found == max_rows + 1 and len(written) > lines[-1] + 1:
        return lines[-1] + 1, 0
    return None, max(1, max_rows + 2 - found)


def _occurrences(data: bytes, mark: bytes, most: int) -> list[int]:
    """Where ``mark`` stands in ``data``: its first ``most`` positions."""
    found: list[int] = []
    at = data.find(mark)
    while at >= 0 and len(found) < most:
        found.append(at)
        at = data.find(mark, at + len(mark))
    return found


def _outside_quotes(data: bytes, mark: bytes, most: int) -> list[int]:
    """The first ``most`` positions of ``mark`` in ``data`` with an even number of ``"``
    before them (outside a quoted value)."""
    found: list[int] = []
    quotes, counted_to = 0, 0
    at = data.find(mark)
    while at >= 0 and len(found) < most:
        quotes += data.count(b'"', counted_to, at)
        counted_to = at
        if quotes % 2 == 0:
            found.append(at)
        at = data.find(mark, at + len(mark))
    return found
