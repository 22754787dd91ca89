"""Bounded work for one request: a time limit, a row cap, a body cap.

pyoxigraph evaluates lazily and releases the GIL, but it cannot be cancelled. So a query is
pulled solution by solution in a worker thread that checks its deadline between solutions
and stops pulling (dropping the iterator stops the evaluation) when time is up; the request
itself is answered at the deadline even if the worker is still inside one step.

The one case this cannot stop is a query whose *first* solution needs the whole evaluation
(``ORDER BY``, ``GROUP BY``/``COUNT`` over a huge join): Oxigraph computes it in one native
call. The client still gets its 503 at the deadline; the worker finishes that call in the
background, and :data:`MAX_CONCURRENT_QUERIES` bounds how many such workers may exist — once
they are all busy, further queries are refused at once with 503 instead of piling up.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox
from fastapi import Request

from .protocol import BodyTooLarge, QueryTimeout

__all__ = [
    "MAX_CONCURRENT_QUERIES",
    "Collected",
    "checked",
    "collect",
    "read_body",
    "run_limited",
]

MAX_CONCURRENT_QUERIES = 4
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_QUERIES)
T = TypeVar("T")


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
    The caller drops ``result`` and then raises (see :func:`checked`).
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
    for item in items:
        if time.monotonic() > deadline:
            return [], False, True
        if len(out) >= max_rows:
            return out, True, False
        out.append(item)
    return out, False, time.monotonic() > deadline


def checked(collected: Collected) -> Collected:
    """``collected``, or :class:`QueryTimeout` if it ran out of time."""
    if collected.timed_out:
        raise QueryTimeout("the query ran out of time and was stopped")
    return collected


async def run_limited(work: Callable[[float], T], timeout: float) -> T:
    """Run ``work(deadline)`` in a worker thread; 503 at the deadline or when all are busy.

    ``work`` receives the monotonic deadline and should check it (see :func:`collect`).
    """
    if not _slots.acquire(blocking=False):
        raise QueryTimeout("the service is busy with other queries; try again shortly")
    deadline = time.monotonic() + timeout

    def guarded() -> T:
        try:
            return work(deadline)
        finally:
            _slots.release()

    # A daemon thread per query, not the shared pool: a query stuck in one native call
    # must neither hold a pool worker nor keep the process from exiting.
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(value: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)  # type: ignore[arg-type]

    def target() -> None:
        try:
            outcome: tuple[T | None, BaseException | None] = (guarded(), None)
        except BaseException as exc:
            outcome = (None, exc)
        with contextlib.suppress(RuntimeError):  # the loop may be gone by now
            loop.call_soon_threadsafe(deliver, *outcome)

    threading.Thread(target=target, name="jixiao-query", daemon=True).start()
    try:
        return await asyncio.wait_for(asyncio.shield(future), timeout + 0.25)
    except TimeoutError:
        raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, or :class:`BodyTooLarge` as soon as it passes ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(f"the request body is larger than {max_bytes} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(f"the request body is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
