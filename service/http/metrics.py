"""``GET /metrics``: what the service is doing, in Prometheus' text format.

:func:`install` gives an app a middleware that counts every request by method, route
*template* and status (so no client can add series by asking for new paths), the route, and a
collector that reads at each scrape what is kept elsewhere: the answer caches' hits and misses
(:func:`.store.cache.lookups`), the query workers' replicas and which copy answered
(:class:`.query.runner.WorkerPool`), the store's size (counted once per write,
:class:`.store.size.QuadCount`) and the validation worker's queue. The query runner counts its
own events in the app's :class:`.metrics.Metrics`. A scrape reads only kept numbers: no store
query but a recount after a write.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jixiao.service.http.middleware import CLIENT_CLOSED_REQUEST, CLIENT_GONE
from jixiao.service.http.routes.validate import validation_jobs
from jixiao.service.http.state import held, keep, metrics_of
from jixiao.service.metrics import CONTENT_TYPE, Metrics
from jixiao.service.query.runner import WorkerPool
from jixiao.service.store.cache import lookups
from jixiao.service.store.embedded import EmbeddedStore
from jixiao.service.store.size import QuadCount

__all__ = ["UNMATCHED", "install"]

UNMATCHED = "<unmatched>"  # the one route label of every path no route takes
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
_SIZE_WAIT = 1.0  # seconds a scrape waits for a count of the store under way

router = APIRouter(tags=["operations"])


def install(app: FastAPI, metrics: Metrics) -> None:
    """Count ``app``'s requests in ``metrics`` and serve them at ``GET /metrics`` (call it
    after the other middleware: the count is outermost, so it sees every answer)."""
    keep(app, metrics=metrics)
    metrics.registry.register(_Collector(app))
    app.include_router(router)
    app.add_middleware(RequestMetrics, metrics=metrics, router=app.router)


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Metrics in Prometheus' text format",
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics(request: Request) -> Response:
    """What the service is doing, for Prometheus: requests and latency per route and
    status, queries running and queued, time- and memory-limit stops, worker restarts,
    answer-cache hits and misses, replica states, the store's size, validation jobs, and
    the server process's CPU and memory (metric names and meanings in the README)."""
    size = held(request.app).quad_count
    if size is not None:
        await size.refresh(wait=_SIZE_WAIT)
    return Response(metrics_of(request).exposition(), media_type=CONTENT_TYPE)


class RequestMetrics:
    """Counts each HTTP request, and observes its duration (to the end of its answer's
    body), by method, route template and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics, router: Router) -> None:
        self.app = app
        self.metrics = metrics
        self._router = router
        self._leaves: list[BaseRoute] | None = None  # the routes that answer, in order

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers for an exception that escapes the app
        # What routing reads, as it came: a mount rewrites the scope's root path.
        asked = {k: scope[k] for k in ("type", "method", "path", "root_path") if k in scope}

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if scope.get(CLIENT_GONE):
                status = CLIENT_CLOSED_REQUEST  # cancelled: no answer was sent
            method = scope["method"] if scope["method"] in _METHODS else "other"
            labels = (method, self._route(scope, asked), str(status))
            self.metrics.requests.labels(*labels).inc()
            self.metrics.latency.labels(*labels).observe(time.perf_counter() - started)

    def _route(self, scope: Scope, asked: Scope) -> str:
        """The template of the route that took the request (``/id/{path}``), or of one that
        would have, for an answer given before routing (a body too large, a CORS preflight);
        :data:`UNMATCHED` for a path that no route takes."""
        template = getattr(scope.get("route"), "path_format", None)  # set for FastAPI's routes
        if isinstance(template, str):
            return template
        if self._leaves is None:  # every route is added by the first request
            self._leaves = list(_leaves(self._router.routes))
        for route in self._leaves:
            if route.matches(asked)[0] != Match.NONE:
                return str(getattr(route, "path_format", UNMATCHED))
        return UNMATCHED


def _leaves(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """The routes that answer requests (pages, mounts), in the order they are tried: the
    routes of an included router are held by FastAPI (>= 0.165) in its ``original_router``."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _leaves(included.routes)
        else:
            yield route


class _Collector:
    """What a scrape reads from the app as it is (see the module docstring)."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app

    def collect(self) -> Iterator[Metric]:
        store, runner, size = held(self._app)
        if store is not None:
            yield from _caches(store)
        if size is not None and size.quads is not None:
            quads = GaugeMetricFamily(
                "jixiao_store_quads",
                "Quads in the embedded store at its latest count (counted again after a "
                "write, in the background).",
            )
            quads.add_metric([], size.quads)
            yield quads
        if isinstance(runner, WorkerPool):
            yield from _workers(runner)
        running, waiting = validation_jobs()
        jobs = GaugeMetricFamily(
            "jixiao_validation_jobs",
            "POST /validate uploads in the validation worker (running) or waiting for it (queued).",
            labels=["state"],
        )
        jobs.add_metric(["running"], running)
        jobs.add_metric(["queued"], waiting)
        yield jobs


def _caches(store: object) -> Iterator[Metric]:
    counted = lookups(store)
    what = {
        "hits": "Lookups answered by a kept value, or by waiting for the computation of "
        "another request under way",
        "misses": "Lookups that computed (evaluated) their value",
    }
    for kind, index in (("hits", 0), ("misses", 1)):
        family = CounterMetricFamily(
            f"jixiao_answer_cache_{kind}",
            f"{what[kind]}, by cache: sparql, api and pages (/id/ pages) hold answers, "
            "sparql-pages the ordered answers /sparql pages are cut from; "
            "sparql-gzip and api-gzip hold the same compressed for clients that take gzip "
            "(one of their misses looks in the plain cache); api-every-unit holds /api answers "
            "for every unit, compressed only; api-units and api-unit-names count the answers "
            "for every unit computed ahead.",
            labels=["cache"],
        )
        for name, counts in counted.items():
            family.add_metric([name], counts[index])
        yield family


def _workers(runner: WorkerPool) -> Iterator[Metric]:
    workers = GaugeMetricFamily(
        "jixiao_query_workers", "Live query worker processes over the on-disk store."
    )
    workers.add_metric([], len(runner.pids()))
    yield workers
    replicas = GaugeMetricFamily(
        "jixiao_query_replicas",
        "Query workers whose in-memory replica of the store is in each state: loading, "
        "ready, stale (a copy from before the latest write) or off (none: not asked for yet, "
        "JIXIAO_QUERY_REPLICA_MAX_TRIPLES is 0 or smaller than the store, or the copy failed).",
        labels=["state"],
    )
    for state, count in runner.replica_states().items():
        replicas.add_metric([state], count)
    yield replicas
    answered = CounterMetricFamily(
        "jixiao_query_answers",
        "Queries answered by the query workers, by the copy that answered: snapshot (on "
        "disk) or replica (in memory).",
        labels=["copy"],
    )
    counts = runner.answered_from()
    for copy in ("snapshot", "replica"):
        answered.add_metric([copy], counts.get(copy, 0))
    yield answered


def quad_count(store: object) -> QuadCount | None:
    """The size counter of ``store``: the embedded store's; None for a remote one, whose
    server has its own metrics."""
    return QuadCount(store) if isinstance(store, EmbeddedStore) else None
