"""The query workers' in-memory copies of a snapshot: one dump shared, made before any query."""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import IO

import pyoxigraph as ox
import pytest

from jixiao.service.http.unit_answers import _copies_made
from jixiao.service.query.copies import SHARED_DUMP, CopyStopped, copy_store
from jixiao.service.query.evaluation import QueryJob
from jixiao.service.query.runner import WorkerPool, _Call, _Worker
from jixiao.service.query.worker import REPLICA_LOADING, REPLICA_READY
from jixiao.service.store.embedded import EmbeddedStore

EX = "https://example.org/"


def _quads(n: int) -> list[ox.Quad]:
    return [
        ox.Quad(
            ox.NamedNode(f"{EX}s{i}"),
            ox.NamedNode(f"{EX}p"),
            ox.Literal(f"值 {i}", language="zh"),
            ox.NamedNode(f"{EX}g{i % 3}"),
        )
        for i in range(n)
    ]


class Counted:
    """An on-disk store whose dumps are counted (the rest as the store does it)."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.dumps = store, 0

    def dump(self, output: IO[bytes], *, format: ox.RdfFormat) -> None:
        self.dumps += 1
        self.store.dump(output, format=format)


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "generation-1"
    store = ox.Store(str(path))
    store.extend(_quads(3000))
    store.flush()
    del store
    return path


def _on_disk(snapshot: Path) -> Counted:
    return Counted(ox.Store.read_only(str(snapshot)))


def _same(copy: ox.Store, snapshot: Path) -> None:
    assert set(copy) == set(ox.Store.read_only(str(snapshot)))


def test_the_copies_of_one_snapshot_share_one_dump(snapshot: Path) -> None:
    first, second = _on_disk(snapshot), _on_disk(snapshot)
    shared = snapshot / SHARED_DUMP
    _same(copy_store(first, lambda: True, shared), snapshot)  # type: ignore[arg-type]
    assert first.dumps == 1 and shared.exists()
    _same(copy_store(second, lambda: True, shared), snapshot)  # type: ignore[arg-type]
    assert second.dumps == 0
    assert not list(snapshot.glob("*.partial"))


def test_a_copy_waits_for_the_dump_another_worker_is_making(snapshot: Path) -> None:
    shared = snapshot / SHARED_DUMP
    on_disk = _on_disk(snapshot)
    copies: list[ox.Store] = []
    with (snapshot / f"{SHARED_DUMP}.lock").open("ab") as held:  # the other worker's lock
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        waiting = threading.Thread(
            target=lambda: copies.append(copy_store(on_disk, lambda: True, shared))  # type: ignore[arg-type]
        )
        waiting.start()
        time.sleep(0.6)
        assert not copies and on_disk.dumps == 0  # it waits, and dumps nothing itself
        ox.Store.read_only(str(snapshot)).dump(str(shared), format=ox.RdfFormat.N_QUADS)
    waiting.join(timeout=30)
    assert on_disk.dumps == 0
    _same(copies[0], snapshot)


class Maker(threading.Thread):
    """Another worker making the shared dump: it holds the lock and writes the partial file
    a piece at a time; then renames it whole, or (``dies``) stops halfway."""

    def __init__(self, snapshot: Path, *, dies: bool = False) -> None:
        super().__init__()
        self.snapshot, self.dies = snapshot, dies
        self.halfway = threading.Event()
        self.lock = (snapshot / f"{SHARED_DUMP}.lock").open("ab")
        fcntl.flock(self.lock.fileno(), fcntl.LOCK_EX)  # taken before the copy starts

    def run(self) -> None:
        dump = ox.Store.read_only(str(self.snapshot)).dump(format=ox.RdfFormat.N_QUADS)
        partial = self.snapshot / f"{SHARED_DUMP}.partial"
        pieces = [dump[i : i + 20_000] for i in range(0, len(dump), 20_000)]
        with partial.open("wb", buffering=0) as out:
            for n, piece in enumerate(pieces):
                out.write(piece)
                if n == len(pieces) // 2:
                    self.halfway.set()
                    if self.dies:
                        self.lock.close()  # as a killed process's lock goes
                        return
                time.sleep(0.05)
        partial.rename(self.snapshot / SHARED_DUMP)
        self.lock.close()


def _opened(path: Path) -> int:
    """How many of this process's file descriptors are open on ``path``."""
    fds = [os.path.realpath(fd) for fd in Path("/proc/self/fd").iterdir()]
    return fds.count(str(path))


def test_a_copy_follows_the_dump_another_worker_is_making(snapshot: Path) -> None:
    maker, on_disk = Maker(snapshot), _on_disk(snapshot)
    copies: list[ox.Store] = []
    follower = threading.Thread(
        target=lambda: copies.append(copy_store(on_disk, lambda: True, snapshot / SHARED_DUMP))  # type: ignore[arg-type]
    )
    follower.start()
    maker.start()
    maker.halfway.wait(10)
    # Loading it as it is written: the partial file is open for its maker and its follower.
    assert _opened(snapshot / f"{SHARED_DUMP}.partial") == 2
    maker.join(30)
    follower.join(30)
    assert on_disk.dumps == 0
    _same(copies[0], snapshot)


def test_a_copy_whose_maker_died_halfway_makes_the_dump_itself(snapshot: Path) -> None:
    maker, on_disk = Maker(snapshot, dies=True), _on_disk(snapshot)
    copies: list[ox.Store] = []
    follower = threading.Thread(
        target=lambda: copies.append(copy_store(on_disk, lambda: True, snapshot / SHARED_DUMP))  # type: ignore[arg-type]
    )
    follower.start()
    maker.start()
    maker.join(30)
    follower.join(30)
    assert on_disk.dumps == 1  # it took the lock its maker left, and made the dump anew
    _same(copies[0], snapshot)
    _same(copy_store(_on_disk(snapshot), lambda: True, snapshot / SHARED_DUMP), snapshot)  # type: ignore[arg-type]


def test_a_dump_whose_maker_left_is_made_by_the_next(snapshot: Path) -> None:
    """A worker killed while dumping leaves a partial file and no lock."""
    shared = snapshot / SHARED_DUMP
    (snapshot / f"{SHARED_DUMP}.partial").write_bytes(b"<https://example.org/s> ")
    on_disk = _on_disk(snapshot)
    _same(copy_store(on_disk, lambda: True, shared), snapshot)  # type: ignore[arg-type]
    assert on_disk.dumps == 1


def test_an_abandoned_copy_leaves_no_dump_behind(snapshot: Path) -> None:
    shared = snapshot / SHARED_DUMP
    asked = iter(range(10**6))
    with pytest.raises(CopyStopped):  # no longer wanted after a few chunks
        copy_store(_on_disk(snapshot), lambda: next(asked) < 3, shared)  # type: ignore[arg-type]
    assert not shared.exists() and not list(snapshot.glob("*.partial"))
    with pytest.raises(CopyStopped):  # nor is a load of the shared dump finished
        ox.Store.read_only(str(snapshot)).dump(str(shared), format=ox.RdfFormat.N_QUADS)
        copy_store(_on_disk(snapshot), lambda: False, shared)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.anyio
async def test_fresh_workers_copy_the_store_before_any_query(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.raw.extend(_quads(3000))
    pool = WorkerPool(store, workers=2, queue=0)
    try:
        await asyncio.to_thread(pool.start)
        for _ in range(300):
            if pool.replica_states()["ready"] == 2:
                break
            await asyncio.sleep(0.1)
        assert pool.replica_states()["ready"] == 2
        assert pool.answered_from() == {}  # no query named the snapshot
    finally:
        pool.close()
        store.close()


class Loading:
    """A runner whose workers copy the store for ``rounds`` looks."""

    def __init__(self, rounds: int) -> None:
        self.looks, self._rounds = 0, rounds

    def replica_states(self) -> dict[str, int]:
        self.looks += 1
        return {"off": 0, "loading": int(self.looks <= self._rounds), "ready": 1, "stale": 0}


@pytest.mark.anyio
async def test_the_warming_waits_for_the_copies_at_most_so_long() -> None:
    copying = Loading(3)
    await _copies_made(copying, seconds=30)  # type: ignore[arg-type]
    assert copying.looks == 4
    forever = Loading(10**9)
    started = time.monotonic()
    await _copies_made(forever, seconds=0.6)  # type: ignore[arg-type]
    assert 0.5 < time.monotonic() - started < 5
    await _copies_made(object(), seconds=30)  # type: ignore[arg-type]  # threads: no copies


def test_an_idle_worker_holding_a_replica_of_the_store_as_it_is_is_taken_first(
    tmp_path: Path,
) -> None:
    store = EmbeddedStore(tmp_path / "store")
    pool = WorkerPool(store, workers=3, queue=0)
    try:
        snapshot = pool._current_snapshot()

        def worker(state: int, copied: Path | None = snapshot) -> _Worker:
            return _Worker(None, None, SimpleNamespace(value=state), copied)  # type: ignore[arg-type]

        ready, loading = worker(REPLICA_READY), worker(REPLICA_LOADING)
        older = worker(REPLICA_READY, tmp_path / "an-older-snapshot")
        call = _Call(None, QueryJob("ASK {}"), time.monotonic() + 5)
        pool._idle = [ready, older, loading]  # ``loading`` the latest back
        assert [pool._take(call) for _ in range(3)] == [ready, loading, older]
        pool._idle = [older, loading]  # no replica of the store as it is: the latest back
        assert pool._take(call) is loading
    finally:
        pool.close()
        store.close()
