"""A cache of answers that change only when the store does.

:class:`StoreCache` remembers what a route computed from the store (a resource's page, a
canned query's rows) until the store is written to: entries are keyed by the store's write
``generation``, which an embedded store bumps on every write. Over a store without one (a
remote endpoint, written to behind our back) nothing is remembered. A missing value is
computed once however many ask for it at the same time: the others wait for that one
computation, on the event loop when they use :meth:`StoreCache.aget`, holding no thread.

A cache given a ``name`` counts its lookups per store, hits and misses (:func:`lookups`, for
``GET /metrics``): a hit is a value kept or a computation under way that the lookup waits for;
a miss computes (over a store without a generation, every lookup does).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

import anyio
from anyio import to_thread

__all__ = ["StoreCache", "lookups"]

T = TypeVar("T")

# The caches that count, by name, for as long as they exist (the routes' for good).
_NAMED: weakref.WeakValueDictionary[str, StoreCache[object]] = weakref.WeakValueDictionary()


def lookups(store: object) -> dict[str, tuple[int, int]]:
    """``{name: (hits, misses)}`` of every named cache's lookups for ``store``."""
    return {name: cache.counts(store) for name, cache in list(_NAMED.items())}


class StoreCache(Generic[T]):
    """Values computed from a store, kept until its next write; at most ``size`` per store,
    and, given ``weigh`` (a value's size in bytes), at most ``budget`` bytes of them; the
    least recently used dropped first. Safe to use from several threads and from the
    event loop.

    One computation per value: whoever asks for a key while it is being computed for the
    same store and generation waits for that computation and gets its value, or its
    exception. An exception is not kept: the next request computes again.
    """

    def __init__(
        self,
        size: int,
        *,
        name: str = "",
        weigh: Callable[[T], int] | None = None,
        budget: int = 0,
    ) -> None:
        self._size = size
        self._weigh = weigh
        self._budget = budget
        self.name = name
        self._lock = threading.Lock()
        # Per store: the generation its entries belong to, the entries, the computations.
        self._stores: weakref.WeakKeyDictionary[object, _Generation[T]]
        self._stores = weakref.WeakKeyDictionary()
        # Per store: [hits, misses] of the lookups of a named cache.
        self._counts: weakref.WeakKeyDictionary[object, list[int]]
        self._counts = weakref.WeakKeyDictionary()
        if name:
            _NAMED[name] = cast("StoreCache[object]", self)

    def counts(self, store: object) -> tuple[int, int]:
        """(hits, misses) of the lookups for ``store`` (0, 0 unless the cache is named)."""
        with self._lock:
            hits, misses = self._counts.get(store, (0, 0))
        return hits, misses

    def peek(self, store: object, key: Hashable) -> tuple[T] | None:
        """``(value,)`` if ``key`` is kept for the store's current generation, else None
        (cheap: no computing, so it may run on the event loop)."""
        generation = getattr(store, "generation", None)
        if not isinstance(generation, int):
            return None
        with self._lock:
            kept = self._stores.get(store)
            if kept is None or kept.number != generation or key not in kept.values:
                return None
            kept.values.move_to_end(key)
            return (kept.values[key],)

    async def aget(
        self,
        store: object,
        key: Hashable,
        compute: Callable[[], T],
        *,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> T:
        """The value for ``key`` as of the store's current generation. A kept value is answered
        here and a computation under way is awaited here, holding no thread; only a new
        computation runs, in a worker thread (one of ``limiter``'s if given, else of the
        shared pool)."""
        return await self.ashared(store, key, lambda: to_thread.run_sync(compute, limiter=limiter))

    async def ashared(
        self,
        store: object,
        key: Hashable,
        produce: Callable[[], Awaitable[T]],
        *,
        keep: Callable[[T], bool] = lambda value: True,
    ) -> T:
        """The value for ``key``: kept, or awaited while another request produces it, or
        produced here by ``produce()`` (a coroutine on the event loop, e.g. a query sent to the
        worker pool). Every waiter gets it; it is kept only if ``keep(value)``. A producer
        cancelled before it finished leaves its waiters to try again."""
        while True:
            found = self._find(store, key)
            if isinstance(found, tuple):
                return found[0]
            if isinstance(found, Future):
                try:
                    return await asyncio.wrap_future(found)
                except _Abandoned:
                    continue
            if found is None:
                return await produce()
            try:
                value = await produce()
            except asyncio.CancelledError:
                self._fail(found, _Abandoned())  # its client went: the waiters retry
                raise
            except BaseException as exc:
                self._fail(found, exc)
                raise
            self._settle(found, value, keep=keep(value))
            return value

    def _find(self, store: object, key: Hashable) -> tuple[T] | Future[T] | _Flight[T] | None:
        """What a request for ``key`` finds: ``(value,)`` kept, a computation under way to
        wait for, or a computation it now owns and must run (None: one not to keep)."""
        found = self._look_up(store, key)
        if self.name:
            with self._lock:
                counts = self._counts.setdefault(store, [0, 0])
                counts[0 if isinstance(found, tuple | Future) else 1] += 1
        return found

    def _look_up(self, store: object, key: Hashable) -> tuple[T] | Future[T] | _Flight[T] | None:
        generation = getattr(store, "generation", None)
        if not isinstance(generation, int):
            return None
        with self._lock:
            kept = self._stores.get(store)
            if kept is None or kept.number < generation:  # written to since: forget it all
                kept = _Generation(generation)
                self._stores[store] = kept
            elif kept.number > generation:  # a write landed after we read the generation
                return None
            if key in kept.values:
                kept.values.move_to_end(key)
                return (kept.values[key],)
            if key in kept.flights:
                return kept.flights[key]
            future: Future[T] = Future()
            future.set_running_or_notify_cancel()  # so no waiter's cancel cancels it for all
            kept.flights[key] = future
            return _Flight(kept, key, future)

    def _settle(self, flight: _Flight[T], value: T, *, keep: bool) -> None:
        with self._lock:
            if keep:
                kept = flight.kept
                kept.values[flight.key] = value
                kept.weight += self._weight(value)
                while len(kept.values) > self._size or (
                    self._weigh is not None and kept.weight > self._budget
                ):
                    kept.weight -= self._weight(kept.values.popitem(last=False)[1])
            flight.kept.flights.pop(flight.key, None)
        flight.future.set_result(value)

    def _weight(self, value: T) -> int:
        return 0 if self._weigh is None else self._weigh(value)

    def _fail(self, flight: _Flight[T], exc: BaseException) -> None:
        with self._lock:
            flight.kept.flights.pop(flight.key, None)
        flight.future.set_exception(exc)


class _Generation(Generic[T]):
    """One store's kept values for one generation, and its computations under way."""

    __slots__ = ("flights", "number", "values", "weight")

    def __init__(self, number: int) -> None:
        self.number = number
        self.weight = 0  # of the values kept, when the cache weighs them
        self.values: OrderedDict[Hashable, T] = OrderedDict()
        self.flights: dict[Hashable, Future[T]] = {}


@dataclass(frozen=True, slots=True)
class _Flight(Generic[T]):
    """A computation a request owns: it runs it, the others wait for ``future``."""

    kept: _Generation[T]
    key: Hashable
    future: Future[T]


class _Abandoned(Exception):
    """The request that owned a computation was cancelled before it ran; its waiters retry."""
