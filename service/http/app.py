"""The FastAPI application: thin routers over library functions.

Build it with :func:`create_app` from a :class:`~jixiao.service.settings.Settings`; the store
is opened when the app starts and closed when it stops. Routes read what the app holds (its
settings, store and query runner) through the typed dependencies of :mod:`.state`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from jixiao.ingest.errors import JixiaoError
from jixiao.service.http import metrics as metrics_route
from jixiao.service.http import middleware, unit_answers
from jixiao.service.http import templating as pages
from jixiao.service.http.i18n import LanguageCookie
from jixiao.service.http.routes import api, linked_data, query_page, void
from jixiao.service.http.routes.api import router as api_router
from jixiao.service.http.routes.graph_store import router as graph_store_router
from jixiao.service.http.routes.series import router as series_page_router
from jixiao.service.http.routes.sparql import router as sparql_router
from jixiao.service.http.routes.validate import router as validation_router
from jixiao.service.http.routes.validate import shutdown_worker
from jixiao.service.http.state import AppQueries, AppStore, keep
from jixiao.service.metrics import Metrics
from jixiao.service.query.runner import WorkerPool, open_runner
from jixiao.service.settings import Settings
from jixiao.service.store.factory import load_vocabulary, open_store

__all__ = ["create_app"]

_HTTP_ERRORS = {404: "NotFound", 405: "MethodNotAllowed", 406: "NotAcceptable", 413: "BodyTooLarge"}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The jixiao HTTP service for ``settings`` (default: from the environment)."""
    settings = settings or Settings()
    metrics = Metrics() if settings.metrics else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.store, settings=settings)
        load_vocabulary(store)
        keep(app, store=store)
        runner = open_runner(
            store,
            workers=settings.query_workers,
            queue=settings.query_queue,
            replica_max_triples=settings.query_replica_max_triples,
            allow_external=settings.allow_external,
            memory_mb=settings.query_worker_memory_mb,
            metrics=metrics.queries if metrics else None,
        )
        if metrics is not None:
            keep(app, quad_count=metrics_route.quad_count(store))
        if isinstance(runner, WorkerPool):
            await run_in_threadpool(runner.start)
        computing = anyio.CapacityLimiter(api.COMPUTING_AT_ONCE)
        paging = anyio.CapacityLimiter(linked_data.PAGES_AT_ONCE)
        keep(app, queries=runner, computing=computing, paging=paging)
        warming = None
        if settings.api_precompute:
            bodies = functools.partial(api.prepare_every_unit, store, settings, runner, computing)
            ready = unit_answers.keep_ready(store, runner, settings, then=bodies)
            warming = asyncio.create_task(ready)
        try:
            yield
        finally:
            while warming is not None and not warming.done():
                # Again until it ends: a cancel that lands while a thread finishes its
                # computation (anyio's to_thread) can be swallowed.
                warming.cancel()
                await asyncio.wait({warming}, timeout=0.1)
            runner.close()
            shutdown_worker()  # the validation worker, if an upload started it
            store.close()

    app = FastAPI(
        title="jixiao",
        summary="SPARQL endpoint and linked data for project performance-target tables "
        "(项目支出绩效目标表).",
        version="0.1.0",
        lifespan=lifespan,
    )
    keep(app, settings=settings)

    @app.exception_handler(JixiaoError)
    async def jixiao_error(request: Request, exc: JixiaoError) -> Response:
        """Every refusal in the one shape: JSON, or an HTML page for a browser."""
        status = getattr(exc, "http_status", None) or {1: 422, 2: 400, 3: 503}.get(
            exc.exit_code, 400
        )
        headers = dict(getattr(exc, "headers", {}))
        return pages.error_response(request, status, type(exc).__name__, str(exc), headers)

    @app.exception_handler(StarletteHTTPException)
    async def framework_error(request: Request, exc: StarletteHTTPException) -> Response:
        """FastAPI's own answers (no such route, method not allowed) in the one shape."""
        error = _HTTP_ERRORS.get(exc.status_code, "HttpError")
        headers = dict(exc.headers or {})
        return pages.error_response(request, exc.status_code, error, str(exc.detail), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """A parameter FastAPI could not read: 400 with what was wrong, not a 422 list."""
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        return pages.error_response(request, 400, "BadRequest", problems)

    @app.get("/healthz", tags=["operations"])
    def healthz(store: AppStore, runner: AppQueries) -> dict[str, object]:
        """Liveness: the service is up and its store answers. Over an on-disk store, also
        how many ``/sparql`` answers came from the workers' on-disk snapshots and how many
        from their in-memory replicas (``answeredFrom``); and how far the ``/api`` answers
        for every funding unit are computed for the store as it is (``apiAnswers``)."""
        store.query("ASK { }")
        out: dict[str, object] = {"status": "ok"}
        if isinstance(runner, WorkerPool):
            out["answeredFrom"] = runner.answered_from()
        warmed = unit_answers.progress(store)
        if warmed is not None:
            out["apiAnswers"] = warmed
        return out

    app.include_router(sparql_router)
    app.include_router(graph_store_router)
    app.include_router(linked_data.router)
    app.include_router(void.router)
    app.include_router(validation_router)
    app.include_router(api_router)
    app.include_router(series_page_router)
    query_page.install(app)
    middleware.install(app, settings)
    app.add_middleware(LanguageCookie)
    if metrics is not None:
        metrics_route.install(app, metrics)
    return app
