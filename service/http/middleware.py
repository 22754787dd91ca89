"""Operations around every request: structured access log, request-body cap, CORS, and
stopping the work of clients that have gone (:class:`ClientGone`).

:func:`install` adds them to an app. The access log is one JSON line per request on the
``jixiao.access`` logger (method, path, query, status, ms, client); the body cap answers 413
for a declared ``Content-Length`` over ``max_body_bytes`` before any route reads it (routes
that read bodies check the streamed size too, see :func:`.bodies.read_body`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import sys
import time
from logging.handlers import QueueHandler, QueueListener

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jixiao.service.settings import Settings

__all__ = [
    "CLIENT_CLOSED_REQUEST",
    "CLIENT_GONE",
    "ClientGone",
    "access_logger",
    "install",
    "log_access_to_stderr",
]

CLIENT_GONE = "jixiao.client_gone"  # set in a request's scope when its client has gone
CLIENT_CLOSED_REQUEST = 499  # the status logged and counted for it (nginx's)

access_logger = logging.getLogger("jixiao.access")


def install(app: FastAPI, settings: Settings) -> None:
    """Add the access log, the body cap and (if configured) CORS to ``app``.

    The log and the cap are plain ASGI middleware, not ``@app.middleware("http")``, whose
    task group and re-streamed response per request cost more than the rest of a small
    request. The body cap is innermost, then CORS, the access log outermost: it sees every
    answer.
    """
    app.add_middleware(ClientGone)
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


class ClientGone:
    """Cancel a query request whose client has gone (closed its connection) before its
    answer was sent: one still waiting for a query worker leaves the queue without running,
    one running is stopped as :class:`.runner.WorkerPool` decides. Only ``/sparql`` and
    ``/api/`` requests are watched (the ones whose work is a query); the access log shows
    such a request with status 499, nginx's "client closed request".

    Once the request's body has been read (by the route, or at once for a request with no
    body), a watcher waits on the ASGI ``receive`` for ``http.disconnect``; the route's own
    later calls to ``receive`` wait for the same.
    """

    def __init__(self, app: ASGIApp, paths: tuple[str, ...] = ("/sparql", "/api/")) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.paths):
            await self.app(scope, receive, send)
            return
        watch = _Watch(scope, receive)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                watch.answered = True  # a disconnect from now on is not a client leaving
            await send(message)

        with anyio.CancelScope() as cancel:
            watcher = asyncio.get_running_loop().create_task(
                _cancel_when_gone(scope, watch, cancel)
            )
            try:
                await self.app(scope, watch.receive, sending)
            finally:
                watcher.cancel()


async def _cancel_when_gone(scope: Scope, watch: _Watch, cancel: anyio.CancelScope) -> None:
    """Cancel the request once its client has gone, marked first in its scope (for the
    access log and the request metrics: status 499)."""
    if await watch.until_gone():
        scope[CLIENT_GONE] = True
        cancel.cancel()


class _Watch:
    """The request's ``receive``, shared between the route and a watcher for the client's
    going: the route reads the body through :meth:`receive`; once it is read (at once, for a
    request without one), :meth:`until_gone` reads on until the client goes."""

    def __init__(self, scope: Scope, receive: Receive) -> None:
        headers = Headers(scope=scope)
        self._receive = receive
        self._body_read = anyio.Event()
        self._bodiless = headers.get("content-length", "0") == "0" and (
            "transfer-encoding" not in headers
        )
        if self._bodiless:
            self._body_read.set()
        self._delivered_empty = False
        self.gone = anyio.Event()
        self.answered = False

    async def receive(self) -> Message:
        if self._bodiless and not self._delivered_empty:
            self._delivered_empty = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if self._body_read.is_set():
            await self.gone.wait()
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.disconnect":
            self.gone.set()
        elif not message.get("more_body"):
            self._body_read.set()
        return message

    async def until_gone(self) -> bool:
        """Wait until the client goes (True) — or, for a request the server answered,
        until the server says so (False)."""
        await self._body_read.wait()
        while not self.gone.is_set():
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.gone.set()
        return not self.answered


class AccessLog:
    """One JSON line per request on ``jixiao.access``: method, path, query, status, body
    bytes sent, ms, client, and whether the request presented a bearer token (``token``;
    never the token itself)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, sent = 500, 0

        async def sending(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if scope.get(CLIENT_GONE):
                status = CLIENT_CLOSED_REQUEST  # no answer was sent
            client = scope.get("client")
            query = scope.get("query_string", b"").decode("latin-1")
            access_logger.info(
                json.dumps(
                    {
                        "method": scope["method"],
                        "path": scope["path"],
                        "query": query[:200] or None,
                        "status": status,
                        "bytes": sent,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "client": client[0] if client else None,
                        "token": _presents_token(scope),
                    },
                    ensure_ascii=False,
                )
            )


def _presents_token(scope: Scope) -> bool:
    """Whether the request carries ``Authorization: Bearer …`` (never what it carries)."""
    authorization = Headers(scope=scope).get("authorization", "")
    return authorization[:7].lower() == "bearer " and bool(authorization[7:].strip())


def log_access_to_stderr() -> QueueListener:
    """What ``jixiao serve`` does: the access log's JSON lines, as they are, on standard
    error (uvicorn's own access log is off, so there is one line per request), written by a
    thread of their own: a request only queues its line. (Written by the event loop, one
    write to standard error per request took a fifth of its time under issue 15's mixed
    load.) Stop the listener returned once serving ends: it writes what is queued."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = QueueListener(lines, handler)
    access_logger.handlers[:] = [QueueHandler(lines)]
    access_logger.setLevel(logging.INFO)
    access_logger.propagate = False
    listener.start()
    return listener
