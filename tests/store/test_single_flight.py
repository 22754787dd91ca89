"""A value missing from a :class:`StoreCache` is computed once, however many ask at once;
waiting for it holds no thread; and slow canned questions leave the thread pool to pages."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Callable, Iterator

import anyio
import pytest
from anyio import to_thread
from support.app import app_client

from jixiao.service.http.routes import api
from jixiao.service.query import threads as query_threads
from jixiao.service.query.evaluation import Answer, QueryJob
from jixiao.service.settings import Settings
from jixiao.service.store.base import QueryResult
from jixiao.service.store.cache import StoreCache, lookups
from jixiao.service.store.embedded import EmbeddedStore

pytestmark = pytest.mark.anyio

WRITE = "INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } }"


class Slow:
    """A computation that takes ``delay`` seconds (or until ``gate`` opens), counting its
    runs from any thread, then returns ``value`` or raises ``error``."""

    def __init__(
        self,
        value: str = "answer",
        *,
        delay: float = 0.2,
        gate: threading.Event | None = None,
        error: Exception | None = None,
    ) -> None:
        self.value, self.delay, self.gate, self.error = value, delay, gate, error
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            self.calls += 1
        if self.gate is not None:
            assert self.gate.wait(10), "the test never opened the gate"
        else:
            time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.value


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait (on the event loop) until ``condition`` holds."""
    with anyio.fail_after(seconds):
        while not condition():
            await asyncio.sleep(0.005)


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore()
    yield store
    store.close()


async def test_concurrent_misses_compute_once(store: EmbeddedStore) -> None:
    cache: StoreCache[str] = StoreCache(8)
    compute = Slow()
    values = await asyncio.gather(*(cache.aget(store, "k", compute) for _ in range(50)))
    assert compute.calls == 1
    assert values == ["answer"] * 50
    assert cache.peek(store, "k") == ("answer",)
    assert await cache.aget(store, "k", compute) == "answer" and compute.calls == 1


async def test_an_exception_reaches_every_waiter_and_is_not_kept(store: EmbeddedStore) -> None:
    cache: StoreCache[str] = StoreCache(8)
    failing = Slow(error=ValueError("boom"))
    asked = (cache.aget(store, "k", failing) for _ in range(20))
    outcomes = await asyncio.gather(*asked, return_exceptions=True)
    assert failing.calls == 1
    assert [type(o) for o in outcomes] == [ValueError] * 20
    assert cache.peek(store, "k") is None
    retry = Slow("second")
    assert await cache.aget(store, "k", retry) == "second" and retry.calls == 1


async def test_a_write_during_a_computation_starts_a_new_one(store: EmbeddedStore) -> None:
    cache: StoreCache[str] = StoreCache(8)
    gate = threading.Event()
    before = Slow("before", gate=gate)
    try:
        early = asyncio.create_task(cache.aget(store, "k", before))
        await until(lambda: before.calls == 1)
        store.update(WRITE)
        # Asked after the write: not joined to the computation begun before it.
        after = Slow("after")
        assert await cache.aget(store, "k", after) == "after" and after.calls == 1
    finally:
        gate.set()
    assert await early == "before"  # asked before the write: the older answer
    assert cache.peek(store, "k") == ("after",)  # the older answer was not kept over it


async def test_waiting_holds_no_thread(store: EmbeddedStore) -> None:
    """With two threads in the pool, one computing and ten waiting for it, another key
    still finds a thread."""
    cache: StoreCache[str] = StoreCache(8)
    pool = to_thread.current_default_thread_limiter()
    tokens, pool.total_tokens = pool.total_tokens, 2
    gate = threading.Event()
    slow = Slow(gate=gate)
    try:
        waiting = [asyncio.create_task(cache.aget(store, "slow", slow)) for _ in range(10)]
        await until(lambda: slow.calls == 1)
        with anyio.fail_after(5):
            assert await cache.aget(store, "quick", lambda: "quick") == "quick"
        assert not any(task.done() for task in waiting)
    finally:
        gate.set()
        pool.total_tokens = tokens
    assert await asyncio.gather(*waiting) == ["answer"] * 10
    assert slow.calls == 1


async def test_a_cancelled_owner_leaves_its_waiters_to_compute(store: EmbeddedStore) -> None:
    """The first asker is cancelled while waiting for a thread: a waiter computes instead."""
    cache: StoreCache[str] = StoreCache(8)
    limiter = anyio.CapacityLimiter(1)
    await limiter.acquire()  # no thread for anyone yet
    compute = Slow(delay=0.01)
    owner = asyncio.create_task(cache.aget(store, "k", compute, limiter=limiter))
    await until(lambda: limiter.statistics().tasks_waiting == 1)
    waiter = asyncio.create_task(cache.aget(store, "k", compute, limiter=limiter))
    await asyncio.sleep(0.05)
    assert limiter.statistics().tasks_waiting == 1  # the waiter waits for the owner
    owner.cancel()
    await until(lambda: owner.done() and limiter.statistics().tasks_waiting == 1)
    limiter.release()
    with anyio.fail_after(5):
        assert await waiter == "answer"
    assert owner.cancelled() and compute.calls == 1


async def test_a_store_without_generations_is_not_cached() -> None:
    class Remote:
        """A store written to behind our back: no ``generation``."""

    cache: StoreCache[str] = StoreCache(8)
    remote = Remote()
    compute = Slow(delay=0)
    assert await cache.aget(remote, "k", compute) == await cache.aget(remote, "k", compute)
    assert compute.calls == 2


async def test_slow_questions_run_once_each_and_leave_threads_to_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eighty requests for eight slow questions: each question computed once, two at a
    time (the query workers), off the shared thread pool; a page asked meanwhile answers
    before any of them."""
    real = query_threads.evaluate
    lock = threading.Lock()
    calls: list[str] = []
    running = peak = 0

    def slow_evaluate(run: Callable[[], QueryResult], job: QueryJob, *, deadline: float) -> Answer:
        nonlocal running, peak
        with lock:
            calls.append(job.text)
            running += 1
            peak = max(peak, running)
        try:
            time.sleep(0.5)  # a large store
            return real(run, job, deadline=deadline)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(query_threads, "evaluate", slow_evaluate)
    monkeypatch.setattr(api, "COMPUTING_AT_ONCE", 2)
    pool = to_thread.current_default_thread_limiter()
    tokens, pool.total_tokens = pool.total_tokens, 4
    try:
        # No /api answers computed ahead: the evaluations counted are the questions'.
        async with app_client(Settings(store=":memory:", api_precompute=False)) as client:
            units = [f"unit {n}" for n in range(8)]
            asked = [
                asyncio.create_task(client.get("/api/recurring", params={"unit": unit}))
                for unit in units
                for _ in range(10)
            ]
            await until(lambda: running == 2)
            page = await client.get("/id/test/thing", headers={"accept": "text/turtle"})
            assert page.status_code == 404  # answered, and from an empty store
            assert not any(task.done() for task in asked)
            answers = await asyncio.gather(*asked)
    finally:
        pool.total_tokens = tokens
    assert {a.status_code for a in answers} == {200}
    assert len(calls) == len(units)
    assert all(sum(f'"{unit}"@zh' in text for text in calls) == 1 for unit in units)
    assert peak == 2
    for unit, answer in zip(units, answers[::10], strict=True):
        assert answer.json()["parameters"] == {"unitName": unit}
        assert answer.json()["rows"] == []


async def test_a_named_cache_counts_its_hits_and_misses_per_store() -> None:
    """A hit: a kept value, or a computation under way that the lookup waits for; a miss
    computes. Counted per store; over a store without generations every lookup misses."""

    class Remote:
        """A store written to behind our back: no ``generation``."""

    cache: StoreCache[str] = StoreCache(8, name="counted-here")
    store, other, remote = EmbeddedStore(), EmbeddedStore(), Remote()
    gate = threading.Event()
    compute = Slow(gate=gate)
    first = asyncio.create_task(cache.aget(store, "k", compute))
    await until(lambda: compute.calls == 1)
    second = asyncio.create_task(cache.aget(store, "k", compute))  # waits for the first
    await asyncio.sleep(0.05)
    gate.set()
    assert await first == await second == "answer"
    assert await cache.aget(store, "k", compute) == "answer"  # kept
    for _ in range(2):
        await cache.aget(remote, "k", compute)
    assert compute.calls == 3
    assert cache.counts(store) == (2, 1)
    assert cache.counts(other) == (0, 0)
    assert lookups(store)["counted-here"] == (2, 1)
    assert lookups(remote)["counted-here"] == (0, 2)
    assert StoreCache(8).counts(store) == (0, 0)  # an unnamed cache counts nothing
    del cache, first, second
    gc.collect()
    assert "counted-here" not in lookups(store)  # gone with its cache


async def test_a_weighed_cache_keeps_no_more_than_its_budget(store: EmbeddedStore) -> None:
    cache: StoreCache[str] = StoreCache(10, weigh=len, budget=10)

    async def get(value: str) -> str:
        async def produce() -> str:
            return value

        return await cache.ashared(store, value, produce)

    for value in ("aaaa", "bbbb", "cccc"):  # 12 bytes: the least recently used goes
        await get(value)
    assert cache.peek(store, "aaaa") is None
    assert cache.peek(store, "bbbb") == ("bbbb",) and cache.peek(store, "cccc") == ("cccc",)
    await get("dddddddddddd")  # over the budget alone: kept by none
    assert [cache.peek(store, v) for v in ("bbbb", "cccc", "dddddddddddd")] == [None] * 3
