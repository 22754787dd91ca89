"""What the service counts, for ``GET /metrics`` in Prometheus' text format (prometheus-client).

Each app has its own :class:`Metrics` and registry (tests make many apps in one process; the
library's global registry would refuse the second one's series as duplicates). Counters live
where their events happen: the query runner counts in the :class:`QueryMetrics` it is given
(in the server process — the query workers are separate processes, so what they do is counted
by the runner that talks to them), the HTTP layer counts requests. What is read rather than
counted — the answer caches, the workers' replicas, the store's size, the validation queue —
is gathered at each scrape by a collector of the HTTP layer (:mod:`.http.metrics`).

This module sits beside the settings, below the store and the query runner, so that both they
and the HTTP layer can reach it; it imports nothing of jixiao.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

__all__ = ["CONTENT_TYPE", "Metrics", "QueryMetrics"]

# The classic text format, which every Prometheus reads (our names need none of 1.0.0's UTF-8).
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# No `*_created` series beside every counter and histogram: they double the output and say
# only when the process started, which process_start_time_seconds says once.
disable_created_metrics()


class QueryMetrics:
    """What the query runner counts (:mod:`.query.runner`). Without a registry the counts
    are kept but exposed nowhere (a runner made outside an app, or with metrics off)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.running = Gauge(
            "jixiao_queries_running",
            "Queries holding a query worker (or thread): being evaluated, or stopped and "
            "their worker being replaced.",
            registry=registry,
        )
        self.queued = Gauge(
            "jixiao_queries_queued",
            "Queries waiting for a free query worker (at most JIXIAO_QUERY_QUEUE).",
            registry=registry,
        )
        self.refused = Counter(
            "jixiao_queries_refused",
            "Queries refused at once because the queue was full (HTTP 503 ServiceBusy).",
            registry=registry,
        )
        self.time_limit_stops = Counter(
            "jixiao_query_time_limit_stops",
            "Queries stopped at JIXIAO_QUERY_TIMEOUT (HTTP 503 QueryTimeout), by where they "
            "were: queued (waited the whole limit for a worker) or running.",
            ["stage"],
            registry=registry,
        )
        for stage in ("queued", "running"):
            self.time_limit_stops.labels(stage)
        self.memory_limit_stops = Counter(
            "jixiao_query_memory_limit_stops",
            "Queries stopped because they needed more than JIXIAO_QUERY_WORKER_MEMORY_MB "
            "(HTTP 503 QueryMemoryLimit).",
            registry=registry,
        )
        self.worker_deaths = Counter(
            "jixiao_query_worker_deaths",
            "Query workers that died while evaluating a query, neither stopped at the time "
            "limit nor over the memory limit (HTTP 503 WorkerDied).",
            registry=registry,
        )
        self.worker_restarts = Counter(
            "jixiao_query_worker_restarts",
            "Query worker processes replaced by a fresh one, for whatever reason (time limit, "
            "memory limit, death).",
            registry=registry,
        )


# The latency buckets: pages and /api answers well under the 0.2 s and 0.5 s aims, the 3 s
# that most must stay under at load, and up to the query time limit and past it.
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 3.0, 10.0, 30.0)


class Metrics:
    """One app's registry: the HTTP requests, the query runner's counts (:attr:`queries`)
    and the server process's own (CPU, memory, open files; Python's version)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        labels = ["method", "route", "status"]
        self.requests = Counter(
            "jixiao_http_requests",
            "HTTP requests answered, by method, route template (`/id/{path}`, never the "
            "requested path; `<unmatched>` for a path no route takes) and status.",
            labels,
            registry=self.registry,
        )
        self.latency = Histogram(
            "jixiao_http_request_duration_seconds",
            "Seconds from a request's arrival to the end of its answer's body, by method, "
            "route template and status.",
            labels,
            buckets=_SECONDS,
            registry=self.registry,
        )
        self.queries = QueryMetrics(self.registry)

    def exposition(self) -> bytes:
        """Every series of the registry, in Prometheus' text format (version 0.0.4)."""
        return generate_latest(self.registry)
