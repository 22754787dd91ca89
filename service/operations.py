"""Operations around every request: structured access log, request-body cap, CORS, and a
cache of answers that change only when the store does.

:func:`install` adds the first three to an app. The access log is one JSON line per request
on the ``jixiao.access`` logger (method, path, query, status, ms, client); the body cap
answers 413 for a declared ``Content-Length`` over ``max_body_bytes`` before any route reads
it (routes that read bodies check the streamed size too, see :func:`.limits.read_body`).

:class:`StoreCache` remembers what a route computed from the store (a resource's page, a
canned query's rows) until the store is written to: entries are keyed by the store's write
``generation``, which an embedded store bumps on every write. Over a store without one (a
remote endpoint, written to behind our back) nothing is remembered. A missing value is
computed once however many ask for it at the same time: the others wait for that one
computation, on the event loop when they use :meth:`StoreCache.aget`, holding no thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, TypeVar

import anyio
from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jixiao.service.settings import Settings

__all__ = ["StoreCache", "access_logger", "install"]

access_logger = logging.getLogger("jixiao.access")


def install(app: FastAPI, settings: Settings) -> None:
    """Add the access log, the body cap and (if configured) CORS to ``app``.

    The log and the cap are plain ASGI middleware, not ``@app.middleware("http")``, whose
    task group and re-streamed response per request cost more than the rest of a small
    request. The body cap is innermost, then CORS, the access log outermost: it sees every
    answer.
    """
    app.add_middleware(BodyCap, max_body=settings.max_body_bytes)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Accept", "Authorization", "Content-Type"],
            expose_headers=["X-Jixiao-Truncated", "Location", "Link"],
        )
    app.add_middleware(AccessLog)


class BodyCap:
    """HTTP 413 for a declared ``Content-Length`` over ``max_body`` bytes, before any route."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = Headers(scope=scope).get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body:
                response = JSONResponse(
                    {
                        "error": "BodyTooLarge",
                        "message": f"the request body is larger than {self.max_body} bytes",
                    },
                    status_code=413,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class AccessLog:
    """One JSON line per request on ``jixiao.access``: method, path, status, ms, client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            query = scope.get("query_string", b"").decode("latin-1")
            access_logger.info(
                json.dumps(
                    {
                        "method": scope["method"],
                        "path": scope["path"],
                        "query": query[:200] or None,
                        "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "client": client[0] if client else None,
                    },
                    ensure_ascii=False,
                )
            )


T = TypeVar("T")


class StoreCache(Generic[T]):
    """Values computed from a store, kept until its next write; at most ``size`` per store,
    the least recently used dropped first. Safe to use from several threads and from the
    event loop.

    One computation per value: whoever asks for a key while it is being computed for the
    same store and generation waits for that computation and gets its value, or its
    exception. An exception is not kept: the next request computes again.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        # Per store: the generation its entries belong to, the entries, the computations.
        self._stores: weakref.WeakKeyDictionary[object, _Generation[T]]
        self._stores = weakref.WeakKeyDictionary()

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
                flight.kept.values[flight.key] = value
                while len(flight.kept.values) > self._size:
                    flight.kept.values.popitem(last=False)
            flight.kept.flights.pop(flight.key, None)
        flight.future.set_result(value)

    def _fail(self, flight: _Flight[T], exc: BaseException) -> None:
        with self._lock:
            flight.kept.flights.pop(flight.key, None)
        flight.future.set_exception(exc)


class _Generation(Generic[T]):
    """One store's kept values for one generation, and its computations under way."""

    __slots__ = ("flights", "number", "values")

    def __init__(self, number: int) -> None:
        self.number = number
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
