"""The query worker process: answers protocol queries over a read-only store snapshot.

Started by :class:`.query_runner.WorkerPool` with the ``spawn`` method, it imports only
pyoxigraph and the light :mod:`.evaluation` (a fresh worker is ready in a fraction of a
second), then answers ``(snapshot, job)`` messages with ``("ok", Answer, copy)`` or
``("error", exception, copy)`` until its pipe closes (a job is a
:class:`.evaluation.QueryJob`, or a :class:`StoreTask`, whose answer is whatever its
``answer`` returns); ``copy`` names what answered, ``"snapshot"`` (on disk) or ``"replica"``
(in memory). Its first message, ``"ready"``, says
it has started (imports done, limits set): the pool gives it no job before. The pool kills
it (SIGKILL) when a query runs past its time limit — the one way to stop a native Oxigraph
evaluation.

Oxigraph answers our queries 3–8× faster from memory than from RocksDB, so each worker keeps
a :class:`Replica`: an in-memory copy of the snapshot its latest job named (or, before any
job, the one it was started with), made in the background while jobs are answered from disk,
from one dump of the snapshot its workers share (:func:`.copies.copy_store`). A job is answered
from the replica only when the replica is a finished copy of exactly that job's snapshot, so
a replica never hides a write; a newer snapshot makes the replica useless at once and
abandons a copy under way.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import resource
import signal
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from jixiao.ingest.errors import JixiaoError
from jixiao.service.errors import QueryMemoryLimit, StoreError
from jixiao.service.query.copies import SHARED_DUMP, copy_store, holds_at_most
from jixiao.service.query.egress import seal_thread
from jixiao.service.query.evaluation import Answer, QueryJob, evaluate
from jixiao.service.store.base import QueryResult, query_store

__all__ = [
    "READY",
    "REPLICA_OFF",
    "REPLICA_READY",
    "REPLICA_STATES",
    "Replica",
    "StateCell",
    "StoreTask",
    "await_ready",
    "serve",
    "worker_memory",
]

READY = "ready"  # a worker's first message: it takes jobs from now on
# What a worker's replica is doing, in a cell shared with the server (``/metrics``).
REPLICA_OFF, REPLICA_LOADING, REPLICA_READY = 0, 1, 2
REPLICA_STATES = {REPLICA_OFF: "off", REPLICA_LOADING: "loading", REPLICA_READY: "ready"}


class StateCell(Protocol):
    """A shared integer (``multiprocessing.Value``): the server reads what a worker sets."""

    value: int


class StoreTask(Protocol):
    """Work over the store other than a protocol query, done in a worker like one (time
    limit, kill, replica): e.g. what a linked-data page shows. It travels pickled, so its
    class must be importable in the worker (which imports its module on first use), and so
    must its answer be."""

    def answer(self, store: ox.Store) -> object: ...


def serve(
    conn: Connection,
    replica_max_triples: int = 0,
    sealed: bool = False,
    memory_limit: int = 0,
    replica_state: StateCell | None = None,
    warm: str | None = None,
) -> None:
    """Answer jobs from ``conn`` until it closes; copy snapshots of at most
    ``replica_max_triples`` quads into memory (0: never), saying in ``replica_state`` whether a
    copy is under way or finished (``REPLICA_*``). A ``sealed`` worker cannot open a
    network socket (:mod:`.egress`; its pipe to the server is open already). With
    ``memory_limit`` (bytes), the worker's data (heap and private mappings, RLIMIT_DATA)
    stays under it: a native allocation past it aborts the worker (SIGABRT, which the pool
    reports as the query's), a Python one raises ``MemoryError``. With ``warm``, a snapshot,
    the worker opens it and starts copying it before it says it is ready: a fresh worker
    (at start, or replacing a killed one) answers from memory as soon as it can, not only
    once some job has named the snapshot."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server; it stops us
    if memory_limit > 0:
        os.environ["RUST_BACKTRACE"] = "0"  # one line on stderr when Rust runs out, not 40
        resource.setrlimit(resource.RLIMIT_DATA, (memory_limit, memory_limit))
    if sealed:
        seal_thread()  # before any thread starts, so that the replica's threads are sealed too
    replica = Replica(replica_max_triples, replica_state)
    store: ox.Store | None = None
    opened: str | None = None
    if warm is not None:
        try:
            store, opened = ox.Store.read_only(warm), warm
            replica.store_for(warm, store)
        except OSError:  # gone already: the first job opens its own
            store = opened = None
    try:
        conn.send(READY)
    except OSError:  # the pool closed while we started
        replica.close()
        return
    while True:
        try:
            snapshot, job = conn.recv()
        except (EOFError, OSError):
            replica.close()
            return
        copy = "snapshot"
        try:
            if snapshot != opened:
                store = None  # close the old snapshot before opening the new one
                store = ox.Store.read_only(snapshot)
                opened = snapshot
            assert store is not None
            memory = replica.store_for(snapshot, store)
            if memory is not None:
                copy = "replica"
            conn.send(("ok", _answer(store if memory is None else memory, job), copy))
        except JixiaoError as exc:
            conn.send(("error", exc, copy))
        except MemoryError:
            over = f"the query needed more than the {memory_limit >> 20} MB a query worker may use"
            conn.send(("error", QueryMemoryLimit(f"{over} (setting query_worker_memory_mb)"), copy))
        except Exception as exc:  # never a traceback to the client; the kind is enough
            conn.send(("error", StoreError(f"the query failed ({type(exc).__name__})"), copy))
        replica.free_stale()  # after answering, so no job waits for it


def worker_memory(memory_mb: int, workers: int) -> int:
    """Bytes each query worker may use: ``memory_mb``, or for 0 an equal share of half the
    machine's memory."""
    if memory_mb > 0:
        return memory_mb << 20
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return int(total // (2 * workers))


_STARTUP_SECONDS = 60.0  # the most a fresh worker is waited for (seconds under load)


def await_ready(conn: Connection) -> None:
    """Wait until the worker at the other end of ``conn`` says it has started (its
    ``READY``), so no job of a client waits for its imports: under CPU load a worker takes
    seconds to start, longer than a short time limit. One that dies or stays silent is left
    to fail its first job."""
    with contextlib.suppress(EOFError, OSError):
        if conn.poll(_STARTUP_SECONDS):
            message = conn.recv()
            assert message == READY, message


def _answer(store: ox.Store, job: QueryJob | StoreTask) -> object:
    return _run(store, job) if isinstance(job, QueryJob) else job.answer(store)


def _run(store: ox.Store, job: QueryJob) -> Answer:
    def run() -> QueryResult:
        return query_store(
            store,
            job.text,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            base_iri=job.base_iri,
        )

    return evaluate(run, job, deadline=math.inf)  # the pool enforces the deadline


class Replica:
    """An in-memory copy of one snapshot, made by a background thread of the worker.

    At most one finished copy and one copy under way; stores of more than ``max_quads``
    quads are not copied (0: nothing is). A copy of a snapshot that failed or was too large
    is not tried again for that snapshot. ``state``, if given, is kept at ``REPLICA_LOADING``
    while a copy is wanted and under way, ``REPLICA_READY`` once the latest one is finished,
    and ``REPLICA_OFF`` when there is none (not asked for yet, too large, failed).
    """

    def __init__(self, max_quads: int, state: StateCell | None = None) -> None:
        self._max_quads = max_quads
        self._state = state
        self._changed = threading.Condition()
        self._wanted: tuple[str, ox.Store] | None = None  # the latest job's snapshot, on disk
        self._ready: tuple[str, ox.Store] | None = None  # a finished copy
        self._stale: ox.Store | None = None  # a finished copy of an older snapshot
        self._thread: threading.Thread | None = None
        self._closed = False

    def store_for(self, snapshot: str, on_disk: ox.Store) -> ox.Store | None:
        """The finished copy of ``snapshot``, or None — and then, unless it is under way
        already, a copy of ``on_disk`` (which is ``snapshot``) starts in the background."""
        if self._max_quads <= 0:
            return None
        with self._changed:
            if self._ready is not None:
                if self._ready[0] == snapshot:
                    return self._ready[1]
                self._stale, self._ready = self._ready[1], None  # snapshots only move on
            if self._wanted is None or self._wanted[0] != snapshot:
                self._wanted = (snapshot, on_disk)
                self._mark(REPLICA_LOADING)
                self._changed.notify()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._copy_wanted, name="jixiao-replica", daemon=True
                )
                self._thread.start()
        return None

    def free_stale(self) -> None:
        """Free the copy of an older snapshot, if any: call it between jobs (it holds the GIL
        for about half a second per million quads)."""
        with self._changed:
            stale, self._stale = self._stale, None
        del stale

    def close(self) -> None:
        """Stop copying (a copy under way gives up at its next chunk)."""
        with self._changed:
            self._closed = True
            self._changed.notify()

    def _copy_wanted(self) -> None:
        tried: str | None = None
        while True:
            with self._changed:
                while not self._closed and (self._wanted is None or self._wanted[0] == tried):
                    self._changed.wait()
                if self._closed:
                    return
                assert self._wanted is not None
                snapshot, on_disk = self._wanted
            tried = snapshot
            copy = self._copy(snapshot, on_disk)
            with self._changed:
                if copy is not None and self._is_wanted(snapshot):
                    self._ready = (snapshot, copy)
                    self._mark(REPLICA_READY)
                elif self._is_wanted(snapshot):  # too large, or failed: none for this one
                    self._mark(REPLICA_OFF)
            # Drop our handles before waiting: an abandoned copy is freed here, and the old
            # snapshot is not kept open.
            del copy, on_disk

    def _mark(self, state: int) -> None:
        if self._state is not None:
            self._state.value = state

    def _is_wanted(self, snapshot: str) -> bool:
        wanted = self._wanted
        return not self._closed and wanted is not None and wanted[0] == snapshot

    def _copy(self, snapshot: str, on_disk: ox.Store) -> ox.Store | None:
        """A copy of ``on_disk``, or None: too large, abandoned, or failed (then the job
        goes on being answered from disk, which reports its own errors)."""
        try:
            if not holds_at_most(on_disk, self._max_quads):
                return None
            wanted = functools.partial(self._is_wanted, snapshot)
            return copy_store(on_disk, wanted, Path(snapshot) / SHARED_DUMP)
        except Exception:
            return None


def death(exitcode: object) -> str:
    """How a worker process ended, in words: ``killed by SIGSEGV``, ``exit code 1``."""
    if isinstance(exitcode, int) and exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-exitcode).name}"
        return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"
