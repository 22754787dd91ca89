"""Operations around every request: structured access log, request-body cap, CORS, and a
cache of answers that change only when the store does.

:func:`install` adds the first three to an app. The access log is one JSON line per request
on the ``jixiao.access`` logger (method, path, query, status, ms, client); the body cap
answers 413 for a declared ``Content-Length`` over ``max_body_bytes`` before any route reads
it (routes that read bodies check the streamed size too, see :func:`.limits.read_body`).

:class:`StoreCache` remembers what a route computed from the store (a resource's page, a
canned query's rows) until the store is written to: entries are keyed by the store's write
``generation``, which an embedded store bumps on every write. Over a store without one (a
remote endpoint, written to behind our back) nothing is remembered.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import Settings

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
    the least recently used dropped first. Safe to use from several threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        # Per store: the generation its entries belong to, and the entries.
        self._stores: weakref.WeakKeyDictionary[object, tuple[int, OrderedDict[Hashable, T]]]
        self._stores = weakref.WeakKeyDictionary()

    def peek(self, store: object, key: Hashable) -> tuple[T] | None:
        """``(value,)`` if ``key`` is kept for the store's current generation, else None
        (cheap: no computing, so it may run on the event loop)."""
        generation = getattr(store, "generation", None)
        if not isinstance(generation, int):
            return None
        with self._lock:
            held = self._stores.get(store)
            if held is None or held[0] != generation or key not in held[1]:
                return None
            held[1].move_to_end(key)
            return (held[1][key],)

    def get(self, store: object, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for ``key`` as of the store's current generation; computed if new."""
        generation = getattr(store, "generation", None)
        if not isinstance(generation, int):
            return compute()
        with self._lock:
            held = self._stores.get(store)
            if held is None or held[0] < generation:  # written to since: forget it all
                held = (generation, OrderedDict())
                self._stores[store] = held
            if held[0] == generation and key in held[1]:
                held[1].move_to_end(key)
                return held[1][key]
        # Computed outside the lock. A write landing meanwhile leaves the value filed under
        # the generation read before it, which the next request finds outdated.
        value = compute()
        if held[0] == generation:
            with self._lock:
                held[1][key] = value
                while len(held[1]) > self._size:
                    held[1].popitem(last=False)
        return value
