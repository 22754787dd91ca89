"""Operations around every request: structured access log, request-body cap and CORS.

:func:`install` adds them to an app. The access log is one JSON line per request on the
``jixiao.access`` logger (method, path, query, status, ms, client); the body cap answers 413
for a declared ``Content-Length`` over ``max_body_bytes`` before any route reads it (routes
that read bodies check the streamed size too, see :func:`.bodies.read_body`).
"""

from __future__ import annotations

import json
import logging
import sys
import time

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jixiao.service.settings import Settings

__all__ = ["access_logger", "install", "log_access_to_stderr"]

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


def log_access_to_stderr() -> None:
    """What ``jixiao serve`` does: the access log's JSON lines, as they are, on standard
    error (uvicorn's own access log is off, so there is one line per request)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_logger.handlers[:] = [handler]
    access_logger.setLevel(logging.INFO)
    access_logger.propagate = False
