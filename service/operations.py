"""Operations around every request: structured access log, request-body cap, CORS.

:func:`install` adds them to an app. The access log is one JSON line per request on the
``jixiao.access`` logger (method, path, status, ms, bytes); the body cap answers 413 for a
declared ``Content-Length`` over ``max_body_bytes`` before any route reads it (routes that
read bodies check the streamed size too, see :func:`.limits.read_body`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from .settings import Settings

__all__ = ["access_logger", "install"]

access_logger = logging.getLogger("jixiao.access")

Handler = Callable[[Request], Awaitable[Response]]


def install(app: FastAPI, settings: Settings) -> None:
    """Add the access log, the body cap and (if configured) CORS to ``app``."""
    max_body = settings.max_body_bytes

    @app.middleware("http")
    async def body_cap(request: Request, call_next: Handler) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_body:
            return JSONResponse(
                {
                    "error": "BodyTooLarge",
                    "message": f"the request body is larger than {max_body} bytes",
                },
                status_code=413,
            )
        return await call_next(request)

    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Accept", "Authorization", "Content-Type"],
            expose_headers=["X-Jixiao-Truncated", "Location", "Link"],
        )

    @app.middleware("http")
    async def access_log(request: Request, call_next: Handler) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    json.dumps(
                        {
                            "method": request.method,
                            "path": request.url.path,
                            "query": request.url.query[:200] or None,
                            "status": status,
                            "ms": round((time.perf_counter() - started) * 1000, 1),
                            "client": request.client.host if request.client else None,
                        },
                        ensure_ascii=False,
                    )
                )
