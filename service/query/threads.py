"""Queries in threads, and the admission every runner shares.

:class:`QueryRunner` is what the routes call; :class:`Admission` lets at most a number of
queries run and a number wait, each until its deadline, and refuses the rest at once (503);
:class:`Updates` applies protocol updates one at a time. Over an in-memory or a remote store
:class:`ThreadRunner` runs queries in threads behind the admission (the worker processes over
an on-disk store are :class:`.runner.WorkerPool`); a query whose first row needs the whole
evaluation keeps its thread busy until Oxigraph returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from jixiao.service.errors import QueryTimeout, ServiceBusy
from jixiao.service.metrics import QueryMetrics
from jixiao.service.query.egress import seal_thread
from jixiao.service.query.evaluation import Answer, QueryJob, evaluate
from jixiao.service.store.base import QueryResult, Store

__all__ = ["Admission", "QueryRunner", "ThreadRunner", "Updates", "call_soon"]


class QueryRunner(Protocol):
    """Runs protocol queries within a time limit, behind a bounded queue, and applies
    protocol updates one at a time."""

    async def run(self, job: QueryJob, timeout: float) -> Answer: ...

    async def update(self, text: str, base_iri: str | None) -> None: ...

    def close(self) -> None: ...


class Admission:
    """Admission: at most ``slots`` running, at most ``waiting`` waiting, each until its
    deadline; counted in ``metrics``."""

    def __init__(self, slots: int, waiting: int, metrics: QueryMetrics) -> None:
        self._slots = asyncio.Semaphore(slots)
        self._max_waiting = waiting
        self._waiting = 0
        self._metrics = metrics

    async def enter(self, deadline: float) -> None:
        if self._slots.locked() and self._waiting >= self._max_waiting:
            self._metrics.refused.inc()
            raise ServiceBusy("the service is busy with other queries; try again shortly")
        self._waiting += 1
        self._metrics.queued.inc()
        try:
            await asyncio.wait_for(self._slots.acquire(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            self._metrics.time_limit_stops.labels("queued").inc()
            raise QueryTimeout("the query waited its whole time limit for a free worker") from None
        finally:
            self._waiting -= 1
            self._metrics.queued.dec()
        self._metrics.running.inc()

    def leave(self) -> None:
        self._slots.release()
        self._metrics.running.dec()


class Updates:
    """Protocol updates, one at a time, in a thread of their own (sealed: see
    :mod:`.egress`)."""

    def __init__(self, store: Store, *, sealed: bool) -> None:
        self._store = store
        self._thread = ThreadPoolExecutor(
            1, thread_name_prefix="jixiao-update", initializer=seal_thread if sealed else None
        )

    async def update(self, text: str, base_iri: str | None) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(
            self._thread, lambda: self._store.update(text, base_iri=base_iri)
        )

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)


class ThreadRunner:
    """Queries in threads (in-memory and remote stores); see the module docstring.
    ``sealed`` threads cannot open a network socket (:mod:`.egress`)."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int,
        queue: int,
        sealed: bool = False,
        metrics: QueryMetrics | None = None,
    ) -> None:
        self._store = store
        self._metrics = metrics or QueryMetrics()
        self._queue = Admission(workers, queue, self._metrics)
        # Daemon-like: a thread stuck in a native call must not keep the process alive.
        self._threads = ThreadPoolExecutor(
            workers, thread_name_prefix="jixiao-query", initializer=seal_thread if sealed else None
        )
        self._updates = Updates(store, sealed=sealed)

    async def update(self, text: str, base_iri: str | None) -> None:
        await self._updates.update(text, base_iri)

    async def run(self, job: QueryJob, timeout: float) -> Answer:
        deadline = time.monotonic() + timeout
        await self._queue.enter(deadline)
        loop = asyncio.get_running_loop()
        future = self._threads.submit(self._answer, job, deadline)
        # The slot is freed when the thread is, not when the client gives up: a thread stuck
        # in Oxigraph still counts against the bound.
        future.add_done_callback(lambda _: call_soon(loop, self._queue.leave))
        try:
            return await asyncio.wait_for(
                asyncio.wrap_future(future), max(0.0, deadline - time.monotonic()) + 0.25
            )
        except TimeoutError:
            self._metrics.time_limit_stops.labels("running").inc()
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None
        except QueryTimeout:  # its thread passed the deadline while writing the answer
            self._metrics.time_limit_stops.labels("running").inc()
            raise

    def _answer(self, job: QueryJob, deadline: float) -> Answer:
        def run() -> QueryResult:
            return self._store.query(
                job.text,
                default_graphs=job.default_graphs or None,
                named_graphs=job.named_graphs or None,
                base_iri=job.base_iri,
            )

        return evaluate(run, job, deadline=deadline)

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._updates.close()


def call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
    """``callback`` on ``loop`` from another thread, unless the loop has closed meanwhile."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback)
