"""Where protocol queries run: killable worker processes, or threads, behind a bounded queue.

pyoxigraph cannot cancel a query: an ``ORDER BY`` or a ``COUNT`` over a huge join is one
native call. So over an on-disk store, ``/sparql`` queries run in a small pool of worker
processes (:mod:`.query_worker`), each reading a *snapshot* of the store — a RocksDB
checkpoint, hard links, about 70 ms even at a million triples — taken lazily, the first time
a query comes after a write, so every query sees every write answered before it. When a query
passes its time limit its worker is killed (SIGKILL) and replaced in the background: the work
really stops, and the client gets 503. Each worker also copies its snapshot into memory in the
background (up to ``query_replica_max_triples`` quads) and answers from that copy once it is
finished — for that snapshot only, so a write is never hidden (see :mod:`.query_worker`).

Queries wait for a free worker in a bounded queue: at most ``query_queue`` may wait; beyond
that a request is refused at once (503, ``Retry-After: 1``), and the wait counts against the
query's time limit. Workers also let two queries run on two cores at once, and results are
serialised in the worker, off the server's event loop and GIL.

A query whose client has gone (its request cancelled, see :class:`.middleware.ClientGone`)
stops costing: while it waits it leaves the queue, never sent to a worker; while it runs its
worker is given until :data:`ABANDONED_GRACE` after the job was sent, then killed — a query
that ends sooner keeps its worker and replica, its answer dropped. :meth:`WorkerPool.outcomes`
counts what happened to the queries.

An in-memory store cannot be snapshotted and a remote store stops its own queries, so over
those :class:`.threads.ThreadRunner` runs queries in threads, behind the same admission
(:mod:`.threads`).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import shutil
import signal
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from jixiao.service.errors import QueryMemoryLimit, QueryTimeout, StoreError
from jixiao.service.metrics import QueryMetrics
from jixiao.service.query.evaluation import Answer, QueryJob
from jixiao.service.query.threads import (
    Admission,
    QueryRunner,
    ThreadRunner,
    Updates,
    call_soon,
)
from jixiao.service.query.worker import (
    REPLICA_OFF,
    REPLICA_READY,
    REPLICA_STATES,
    StateCell,
    StoreTask,
    await_ready,
    death,
    serve,
    worker_memory,
)
from jixiao.service.settings import Settings
from jixiao.service.store.base import Store
from jixiao.service.store.embedded import EmbeddedStore

__all__ = [
    "QueryRunner",
    "ThreadRunner",
    "WorkerDied",
    "WorkerPool",
    "open_runner",
]

_REPLICA_MAX_TRIPLES: int = Settings.model_fields["query_replica_max_triples"].default
_QUAD_BYTES = 500  # what a quad of an in-memory replica takes, measured (README)


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    replica: StateCell  # the state of the worker's replica, which the worker sets
    snapshot: Path | None = None


# How long (seconds after it started) a query whose client has gone may still run in its
# worker before the worker is killed. Killing is not free: the fresh worker answers from disk
# (3–8× slower) until it has copied its replica again, 3 s at 100k triples and 8–19 s at 1M,
# from the shared dump. A query that ends within this time keeps its worker and its
# replica; one still running then is likely to run much longer (see the README's figures).
ABANDONED_GRACE = 1.0
_NOTICE_SECONDS = 0.05  # how soon a running call notices that its client has gone
_KEPT = frozenset({"ok", "error", "unsent"})  # statuses after which a worker goes on


@dataclass(eq=False)
class _Call:
    """One query given to one worker; ``abandoned`` is set when its client goes away."""

    worker: _Worker | None  # None: the call takes one when it starts (see WorkerPool._take)
    job: QueryJob | StoreTask
    deadline: float
    abandoned: threading.Event = field(default_factory=threading.Event)

    def until(self, sent: float) -> float:
        """When the worker is killed if it has not answered: at the deadline, or
        :data:`ABANDONED_GRACE` after ``sent`` once the client has gone."""
        if self.abandoned.is_set():
            return min(self.deadline, sent + ABANDONED_GRACE)
        return self.deadline


class WorkerPool:
    """Queries in killable worker processes over snapshots of an on-disk store."""

    def __init__(
        self,
        store: EmbeddedStore,
        *,
        workers: int,
        queue: int,
        replica_max_triples: int = _REPLICA_MAX_TRIPLES,
        sealed: bool = False,
        memory_mb: int = 0,
        metrics: QueryMetrics | None = None,
    ) -> None:
        if store.path is None:
            raise StoreError("worker processes need an on-disk store")
        self._store = store
        self._size = workers
        self._memory = worker_memory(memory_mb, workers)
        # A replica takes about _QUAD_BYTES a quad: copy none that would fill over half the
        # worker's memory, or copying it would end the worker, not a query.
        self._replica_max_triples = min(replica_max_triples, self._memory // (2 * _QUAD_BYTES))
        self._sealed = sealed
        self._updates = Updates(store, sealed=sealed)
        self._answered: Counter[str] = Counter()
        self._metrics = metrics or QueryMetrics()
        self._queue = Admission(workers, queue, self._metrics)
        self._outcomes: Counter[str] = Counter()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._context = multiprocessing.get_context("spawn")
        # Calls of queries (``workers`` at most) and replacements; tasks' calls apart (no
        # query's call waits behind them), workers - 1 at once so that a query finds a worker
        # soon (tasks on every worker: issue 15's mixed load had a p99 5-10x slower).
        self._threads = ThreadPoolExecutor(2 * workers + 1, thread_name_prefix="jixiao-pool")
        tasks = max(1, workers - 1)
        self._task_threads = ThreadPoolExecutor(tasks, thread_name_prefix="jixiao-task")
        self._queries_waiting = 0  # calls of queries waiting for an idle worker (they go first)
        # Beside the store, for cheap hard links; only the store's one writer (this process
        # holds RocksDB's lock) uses it, so what a killed server left there is stale.
        self._root = store.path.parent / f".{store.path.name}.snapshots"
        shutil.rmtree(self._root, ignore_errors=True)
        self._root.mkdir(parents=True)
        self._lock = threading.Lock()  # guards the snapshot state and the worker sets
        self._returned = threading.Condition(self._lock)  # a worker is back among the idle
        self._snapshot: Path | None = None
        self._snapshot_generation = -1
        self._counter = 0
        self._closed = False

    def start(self) -> None:
        """Spawn the workers and take the first snapshot (blocking; call off the loop)."""
        self._current_snapshot()
        workers = [w for w in (self._spawn() for _ in range(self._size)) if w is not None]
        for worker in workers:
            await_ready(worker.conn)
        with self._lock:
            self._idle.extend(workers)

    async def update(self, text: str, base_iri: str | None) -> None:
        await self._updates.update(text, base_iri)

    async def run(self, job: QueryJob, timeout: float) -> Answer:
        answer = await self._run(job, timeout)
        assert isinstance(answer, Answer)
        return answer

    async def run_task(self, task: StoreTask, timeout: float) -> object:
        """``task.answer(store)`` in a worker, over the snapshot (or replica) a query would
        see, within ``timeout``; not through the queries' queue: the pool's threads take
        each worker as it comes back, with no turn of the event loop between."""
        return await self._dispatch(task, time.monotonic() + timeout, timeout, admitted=False)

    async def _run(self, job: QueryJob | StoreTask, timeout: float) -> object:
        deadline = time.monotonic() + timeout
        try:
            await self._queue.enter(deadline)
        except asyncio.CancelledError:  # its client went while it waited: it never runs
            self._count(None, "left waiting")
            raise
        return await self._dispatch(job, deadline, timeout, admitted=True)

    async def _dispatch(
        self, job: QueryJob | StoreTask, deadline: float, timeout: float, *, admitted: bool
    ) -> object:
        """``job`` given to the first worker idle (a query ``admitted`` by the queue, whose
        slot is freed when the call ends, or a task)."""
        loop = asyncio.get_running_loop()
        call = _Call(None, job, deadline)
        threads = self._threads if admitted else self._task_threads
        future = threads.submit(self._call, call)
        # The worker's fate (back to the idle ones, or replaced) is settled when the call
        # ends, whether or not its client is still there to hear the answer.
        future.add_done_callback(lambda done: self._settle(call, done, loop, admitted))
        try:
            status, value, copy = await asyncio.wrap_future(future)
        except asyncio.CancelledError:  # its client went while it ran: see _call
            call.abandoned.set()
            raise
        if status == "ok":
            self._answered[copy] += 1
            return value
        if status == "error":
            assert isinstance(value, BaseException)
            if isinstance(value, QueryMemoryLimit):
                self._metrics.memory_limit_stops.inc()
            raise value
        if status == "waited":
            self._metrics.time_limit_stops.labels("queued").inc()
            raise QueryTimeout("the query waited its whole time limit for a free worker")
        if status == "late":
            self._metrics.time_limit_stops.labels("running").inc()
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        if value == -signal.SIGABRT:  # how a Rust allocation past RLIMIT_DATA ends
            self._metrics.memory_limit_stops.inc()
            raise QueryMemoryLimit(self._over_memory())
        self._metrics.worker_deaths.inc()
        raise WorkerDied(
            f"the query worker died ({death(value)}) while evaluating this query; it was "
            "replaced, and the query was not answered"
        )

    def _settle(
        self,
        call: _Call,
        done: Future[tuple[str, object, str]],
        loop: asyncio.AbstractEventLoop,
        admitted: bool,
    ) -> None:
        """After a call: a worker that answered goes back to the idle ones and frees its
        query's slot; one that is dead or killed is replaced, and the slot freed when a
        fresh worker is ready."""
        healthy = done.cancelled() or (done.exception() is None and done.result()[0] in _KEPT)
        worker = call.worker
        if healthy or worker is None:
            if worker is not None:
                self._give_back(worker)
            if admitted:
                call_soon(loop, self._queue.leave)
        else:
            replacement = self._threads.submit(self._replace, worker)
            if admitted:
                replacement.add_done_callback(lambda _: call_soon(loop, self._queue.leave))

    def _take(self, call: _Call) -> _Worker | None:
        """The first worker idle (queries' calls first), or None past the deadline or gone."""
        query = isinstance(call.job, QueryJob)
        with self._returned:
            self._queries_waiting += query
            try:
                while not self._idle or (not query and self._queries_waiting):
                    if self._closed:
                        raise StoreError("the query workers have stopped")
                    left = call.deadline - time.monotonic()
                    if left <= 0 or call.abandoned.is_set():
                        return None
                    self._returned.wait(min(left, _NOTICE_SECONDS))
                return self._idle.pop(self._nearest())
            finally:
                self._queries_waiting -= query

    def _nearest(self) -> int:
        """Which idle worker to take: the latest back among those holding a replica of the
        store as it is (3-8x faster: while the copies are made, the first ready answers),
        else the latest back (call with the lock held)."""
        current = self._snapshot if self._snapshot_generation == self._store.generation else None
        for i in range(len(self._idle) - 1, -1, -1):
            worker = self._idle[i]
            if worker.snapshot == current and worker.replica.value == REPLICA_READY:
                return i
        return -1

    def _give_back(self, worker: _Worker) -> None:
        with self._returned:
            self._idle.append(worker)
            self._returned.notify_all()  # a query's call may wait among tasks' calls

    def _over_memory(self) -> str:
        return (
            f"the query needed more than the {self._memory >> 20} MB a query worker may use "
            "(setting query_worker_memory_mb) and was stopped; its worker was replaced"
        )

    def _call(self, call: _Call) -> tuple[str, object, str]:
        """Status, answer or error, and which copy answered (see :mod:`.worker`).

        A call whose client went (``call.abandoned``) before its job was sent is not sent;
        one whose client went while its worker evaluated it gets until
        :data:`ABANDONED_GRACE` seconds after it was sent, then its worker is killed."""
        if call.abandoned.is_set():
            self._count(call, "left waiting")
            return "unsent", None, ""
        if call.worker is None:
            call.worker = self._take(call)
            if call.worker is None:
                self._count(call, "left waiting" if call.abandoned.is_set() else "timed out")
                return "waited", None, ""
        worker = call.worker
        snapshot = self._current_snapshot(worker)
        try:
            worker.conn.send((str(snapshot), call.job))
            self._count(call, "evaluated")
            sent = time.monotonic()
            while (left := call.until(sent) - time.monotonic()) > 0:
                # In slices, so that a client's going is noticed within one
                if worker.conn.poll(min(left, _NOTICE_SECONDS)):
                    status, value, copy = worker.conn.recv()
                    if call.abandoned.is_set():
                        self._count(call, "left running, finished")
                    return str(status), value, str(copy)
        except (EOFError, OSError):
            worker.process.join(timeout=5)  # dead already, or about to be: learn how it ended
            return "died", worker.process.exitcode, ""
        worker.process.kill()  # the one way to stop a native evaluation
        if call.abandoned.is_set() and time.monotonic() < call.deadline:
            self._count(call, "left running, stopped")
            return "abandoned", None, ""
        self._count(call, "timed out")
        return "late", None, ""

    def _count(self, call: _Call | None, outcome: str) -> None:
        """One more query ended so (a task's ending is not counted)."""
        if call is None or isinstance(call.job, QueryJob):
            with self._lock:
                self._outcomes[outcome] += 1

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if closed:
            return
        fresh = self._spawn()
        if fresh is None:  # closed while it started
            return
        await_ready(fresh.conn)  # a job given to it sooner would wait for its start-up
        self._metrics.worker_restarts.inc()
        with self._returned:
            self._idle.append(fresh)
            self._returned.notify()
            self._prune()

    def _spawn(self) -> _Worker | None:
        """A new worker, copying the current snapshot (if it is the store as it is) at once;
        ``None`` if the pool closed while it started (it is stopped then)."""
        parent, child = self._context.Pipe()
        replica = self._context.Value("b", REPLICA_OFF, lock=False)
        args = (child, self._replica_max_triples, self._sealed, self._memory, replica)
        with self._lock:  # the worker reads ``warm`` from now on: no prune removes it
            current = self._snapshot_generation == self._store.generation
            warm = self._snapshot if current else None
            process = self._context.Process(
                target=serve,
                args=(*args, None if warm is None else str(warm)),
                name="jixiao-query-worker",
                daemon=True,
            )
            worker = _Worker(process, parent, replica, warm)
            self._all.add(worker)
        process.start()
        child.close()
        with self._lock:
            closed = self._closed  # close() skipped it if it had not started yet
        if closed:
            _stop(worker)
            return None
        return worker

    def _current_snapshot(self, reader: _Worker | None = None) -> Path:
        """The snapshot of the store as it is now (taken if a write came since the last one),
        marked as read by ``reader`` in the same step, so no prune can remove it first."""
        with self._lock:
            generation = self._store.generation
            if self._snapshot is not None and self._snapshot_generation == generation:
                if reader is not None:
                    reader.snapshot = self._snapshot
                return self._snapshot
            self._counter += 1
            target = self._root / f"generation-{self._counter}"
            self._store.snapshot(target)
            self._snapshot, self._snapshot_generation = target, generation
            if reader is not None:
                reader.snapshot = target
            self._prune()
            return target

    def _prune(self) -> None:
        """Remove the snapshots no worker reads any more (call with the lock held)."""
        keep = {self._snapshot} | {w.snapshot for w in self._all}
        for path in self._root.iterdir():
            if path not in keep:
                shutil.rmtree(path, ignore_errors=True)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for health checks and tests)."""
        with self._lock:
            return sorted(w.process.pid for w in self._all if w.process.pid is not None)

    def replica_states(self) -> dict[str, int]:
        """How many live workers' replicas are in each state: ``off`` (none: not asked for
        yet, replicas off, the store too large for one, or the copy failed), ``loading``,
        ``ready`` (a copy of the store as it is now) or ``stale`` (a copy of the store before
        its latest write; the next query starts a new copy)."""
        states = dict.fromkeys(("off", "loading", "ready", "stale"), 0)
        with self._lock:
            current = self._snapshot_generation == self._store.generation
            for worker in self._all:
                state = REPLICA_STATES.get(worker.replica.value, "off")
                if state == "ready" and not (current and worker.snapshot == self._snapshot):
                    state = "stale"
                states[state] += 1
        return states

    def answered_from(self) -> dict[str, int]:
        """How many answers each copy gave: ``snapshot`` (on disk) or ``replica`` (in
        memory), for health checks and tests."""
        return dict(self._answered)

    def outcomes(self) -> dict[str, int]:
        """How queries (not tasks) ended in the workers, counted: ``evaluated`` (sent to a worker),
        ``timed out``, and for those whose client went away, ``left waiting`` (never sent),
        ``left running, finished`` (answered within :data:`ABANDONED_GRACE`, answer
        dropped) and ``left running, stopped`` (killed)."""
        with self._lock:
            return dict(self._outcomes)

    def snapshots(self) -> list[Path]:
        """The snapshot directories that exist now."""
        return sorted(self._root.iterdir())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for worker in workers:
            if worker.process.pid is not None:  # one still starting stops itself
                _stop(worker)
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._task_threads.shutdown(wait=False, cancel_futures=True)
        self._updates.close()
        shutil.rmtree(self._root, ignore_errors=True)


def _stop(worker: _Worker) -> None:
    with contextlib.suppress(OSError):
        worker.conn.close()
    worker.process.kill()
    worker.process.join(timeout=5)


class WorkerDied(StoreError):
    """A query worker process ended while it evaluated a query (HTTP 503)."""


def open_runner(
    store: Store,
    *,
    workers: int,
    queue: int,
    replica_max_triples: int = _REPLICA_MAX_TRIPLES,
    allow_external: bool = False,
    memory_mb: int = 0,
    metrics: QueryMetrics | None = None,
) -> QueryRunner:
    """Worker processes over an on-disk embedded store; threads over any other store. Over
    an embedded store they are sealed (:mod:`.egress`) unless ``allow_external``; what they
    do is counted in ``metrics``."""
    sealed = isinstance(store, EmbeddedStore) and not allow_external
    if isinstance(store, EmbeddedStore) and store.path is not None and not store.read_only:
        return WorkerPool(
            store,
            workers=workers,
            queue=queue,
            replica_max_triples=replica_max_triples,
            sealed=sealed,
            memory_mb=memory_mb,
            metrics=metrics,
        )
    return ThreadRunner(store, workers=workers, queue=queue, sealed=sealed, metrics=metrics)
