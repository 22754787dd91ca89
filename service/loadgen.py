"""A bounded, self-stopping HTTP load generator: closed-loop clients on loopback.

:func:`run_load` starts ``clients`` concurrent clients; each sends one request, reads the
whole response, records its latency and outcome, and sends the next, until the duration or
the request budget is spent. It is bounded by construction: at most ``clients`` requests are
in flight (one per client, each client on its own keep-alive HTTP/1.1 connection), every
request has a time limit, and the whole run has a hard one, after which whatever is still
running is cancelled and counted as an error (``"Unfinished"``).

The first ``warmup`` seconds run the same load unrecorded (connections opened, caches warm).
An error is a non-2xx status (``"HTTP 404"``) or an exception (by its class name, or
``"Timeout"`` for the per-request limit); latencies of errors count in the percentiles too.

The generator costs about a millisecond of CPU per request (httpx), so hundreds of clients in
one Python process can saturate its core and inflate the latencies they measure. With
``processes > 1`` the clients are split over that many worker processes, started together,
whose samples are merged. :attr:`LoadResult.generator_cpu` and
:attr:`LoadResult.loop_lag_max` say how busy the generator itself was: a lag near the
latencies measured means the generator, not the server, set them.

    python -m jixiao.service.loadgen http://127.0.0.1:8000 --clients 300 --duration 20 \\
        --path html=/id/doc/…/project/3.html --path /api/recurring [--json]

Without ``--path`` it runs :func:`site_mix`: ``/id/`` pages (HTML and Turtle) of real
projects, indicators and funding units, and the recurring-series canned query over
``/api/recurring`` and over ``/sparql``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import multiprocessing
import queue as queues
import random
import ssl
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import httpx

from jixiao.ontology import sparql_prologue

__all__ = ["LoadResult", "RequestSpec", "Summary", "main", "run_load", "site_mix"]

DEFAULT_BASE_IRI = "https://w3id.org/jixiao/id/"
_GRACE = 5.0  # seconds past the last possible request end before the hard stop


@dataclass(frozen=True)
class RequestSpec:
    """One request the clients send; results are grouped by ``kind`` (default: the path)."""

    path: str
    kind: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    method: str = "GET"
    form: Mapping[str, str] | None = None  # a form body (POST)
    weight: float = 1.0

    @property
    def label(self) -> str:
        return self.kind or self.path


@dataclass(frozen=True, slots=True)
class Summary:
    """Requests of one kind (or all): counts, errors by kind, throughput, latencies (s)."""

    count: int
    ok: int
    errors: dict[str, int]
    throughput: float  # requests per second over the measured window
    median: float
    p95: float
    p99: float
    max: float

    @property
    def error_count(self) -> int:
        return self.count - self.ok


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A load run: the summary of all requests, one per kind, and the generator's own load."""

    clients: int
    processes: int
    window: float  # seconds the measured phase lasted (warm-up excluded), see run_load
    stopped_by: str  # "duration", "max_requests" or "timeout" (the hard limit)
    overall: Summary
    kinds: dict[str, Summary]
    warmup_requests: int
    generator_cpu: float  # CPU seconds the generator used during the run, all processes
    loop_lag_max: float  # worst delay of the generator's event loop, seconds

    @property
    def count(self) -> int:
        return self.overall.count

    @property
    def errors(self) -> dict[str, int]:
        return self.overall.errors

    @property
    def throughput(self) -> float:
        return self.overall.throughput

    @property
    def median(self) -> float:
        return self.overall.median

    @property
    def p95(self) -> float:
        return self.overall.p95

    @property
    def p99(self) -> float:
        return self.overall.p99

    @property
    def max(self) -> float:
        return self.overall.max

    def to_json(self) -> dict[str, object]:
        """Plain JSON values (latencies in seconds)."""
        return asdict(self)


# ── one process's share of the load ──────────────────────────────────────────────────────

Sample = tuple[int, float, str]  # (spec index, latency in seconds, "" or the error kind)


@dataclass(frozen=True, slots=True)
class _Shard:
    base_url: str
    specs: tuple[RequestSpec, ...]
    clients: int
    first_client: int  # seeds each client's choice of requests
    duration: float
    warmup: float
    max_requests: int | None
    request_timeout: float


@dataclass(slots=True)
class _Raw:
    samples: list[Sample]
    window: float
    stopped_by: str
    warmup_requests: int
    cpu: float
    lag_max: float


class _Run:
    """The shared state of one shard's clients: the clock, the budget, the samples."""

    def __init__(self, shard: _Shard, started: float) -> None:
        self.shard = shard
        self.measure_from = started + shard.warmup
        self.stop_at = self.measure_from + shard.duration
        self.issued = 0
        self.budget_spent = False
        self.samples: list[Sample] = []
        self.warmup_requests = 0
        self.last_end = self.measure_from

    def ticket(self) -> bool | None:
        """None: stop; True: a measured request; False: a warm-up request."""
        now = time.monotonic()
        if now >= self.stop_at:
            return None
        if now < self.measure_from:
            return False
        limit = self.shard.max_requests
        if limit is not None and self.issued >= limit:
            self.budget_spent = True
            return None
        self.issued += 1
        return True


async def _send(client: httpx.AsyncClient, spec: RequestSpec, timeout: float) -> str:
    """One request, read fully: "" if it succeeded, else the kind of error."""
    try:
        async with asyncio.timeout(timeout):
            response = await client.request(
                spec.method, spec.path, headers=dict(spec.headers), data=spec.form
            )
    except TimeoutError:
        return "Timeout"
    except Exception as exc:  # httpx.HTTPError mostly; whatever it is, it is counted
        return type(exc).__name__
    if 200 <= response.status_code < 300:
        return ""
    return f"HTTP {response.status_code}"


async def _client(client: httpx.AsyncClient, run: _Run, index: int) -> None:
    specs = run.shard.specs
    indices = range(len(specs))
    weights = list(itertools.accumulate(s.weight for s in specs))
    rng = random.Random(index)
    while (measured := run.ticket()) is not None:
        which = rng.choices(indices, cum_weights=weights)[0]
        started = time.monotonic()
        try:
            outcome = await _send(client, specs[which], run.shard.request_timeout)
        except asyncio.CancelledError:  # the hard stop: an unfinished request is an error
            if measured:
                run.samples.append((which, time.monotonic() - started, "Unfinished"))
            raise
        ended = time.monotonic()
        if measured:
            run.samples.append((which, ended - started, outcome))
            run.last_end = max(run.last_end, ended)
        else:
            run.warmup_requests += 1


async def _watch_loop(lags: list[float]) -> None:
    """How late the event loop wakes a sleeper: the generator's own saturation."""
    while True:
        asked = time.monotonic()
        await asyncio.sleep(0.05)
        lags.append(time.monotonic() - asked - 0.05)


async def _run_shard(shard: _Shard) -> _Raw:
    hard_limit = shard.warmup + shard.duration + shard.request_timeout + _GRACE
    lags: list[float] = []
    tls = ssl.create_default_context()  # one for all: each costs milliseconds to make
    async with contextlib.AsyncExitStack() as stack:
        # One keep-alive connection per client, each in its own pool: one shared pool of
        # hundreds of connections costs the generator ~10 ms of CPU per request (httpcore
        # looks through its whole pool on every request and every response).
        connections = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=shard.base_url,
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                    timeout=httpx.Timeout(shard.request_timeout),
                    verify=tls,
                    trust_env=False,
                )
            )
            for _ in range(shard.clients)
        ]
        cpu_started = time.process_time()
        run = _Run(shard, time.monotonic())
        watcher = asyncio.create_task(_watch_loop(lags))
        tasks = [
            asyncio.create_task(_client(connection, run, shard.first_client + i))
            for i, connection in enumerate(connections)
        ]
        done, pending = await asyncio.wait(tasks, timeout=hard_limit)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        for task in done:
            task.result()  # a client fails only by a bug here: let it show
    stopped_by = "timeout" if pending else "max_requests" if run.budget_spent else "duration"
    return _Raw(
        samples=run.samples,
        window=run.last_end - run.measure_from if run.budget_spent else shard.duration,
        stopped_by=stopped_by,
        warmup_requests=run.warmup_requests,
        cpu=time.process_time() - cpu_started,
        lag_max=max(lags, default=0.0),
    )


def _shard_in_process(shard: _Shard, index: int, go: Any, out: Any) -> None:
    """A worker process: say it is ready, wait for the start, run, report."""
    try:
        out.put(("ready", index, None))
        if go.wait(timeout=60):
            out.put(("done", index, asyncio.run(_run_shard(shard))))
    except BaseException as exc:
        out.put(("failed", index, f"{type(exc).__name__}: {exc}"))
        raise


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _gather(out: Any, workers: list[BaseProcess], tag: str, deadline: float) -> list[Any]:
    """The ``tag`` message of every worker, or RuntimeError if one fails, dies or is late."""
    found: dict[int, Any] = {}
    while len(found) < len(workers):
        try:
            kind, index, value = out.get(timeout=0.2)
        except queues.Empty:
            dead = [w for i, w in enumerate(workers) if i not in found and not w.is_alive()]
            if dead and out.empty():
                raise RuntimeError(
                    f"a load-generator process exited ({dead[0].exitcode})"
                ) from None
            if time.monotonic() > deadline:
                raise RuntimeError("a load-generator process did not report in time") from None
            continue
        if kind == "failed":
            raise RuntimeError(f"a load-generator process failed: {value}")
        if kind == tag:
            found[index] = value
    return [found[i] for i in range(len(workers))]


def _run_processes(shards: list[_Shard]) -> list[_Raw]:
    """Each shard in its own process, all started at once; their raw results.

    Worker processes are spawned: a script calling this needs the
    ``if __name__ == "__main__":`` guard.
    """
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    out = context.Queue()
    workers: list[BaseProcess] = [
        context.Process(target=_shard_in_process, args=(s, i, go, out), daemon=True)
        for i, s in enumerate(shards)
    ]
    for worker in workers:
        worker.start()
    try:
        _gather(out, workers, "ready", time.monotonic() + 60)
        go.set()
        longest = max(s.warmup + s.duration + s.request_timeout + _GRACE for s in shards)
        # Each shard stops itself by then; beyond, room to send the samples.
        raws: list[_Raw] = _gather(out, workers, "done", time.monotonic() + longest + 30)
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
                worker.join()
    return raws


# ── summaries ────────────────────────────────────────────────────────────────────────────


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]


def _summary(samples: Sequence[tuple[float, str]], window: float) -> Summary:
    latencies = sorted(latency for latency, _ in samples)
    errors: dict[str, int] = {}
    for _, outcome in samples:
        if outcome:
            errors[outcome] = errors.get(outcome, 0) + 1
    return Summary(
        count=len(samples),
        ok=len(samples) - sum(errors.values()),
        errors=dict(sorted(errors.items())),
        throughput=len(samples) / window if window > 0 else 0.0,
        median=_percentile(latencies, 0.50),
        p95=_percentile(latencies, 0.95),
        p99=_percentile(latencies, 0.99),
        max=latencies[-1] if latencies else 0.0,
    )


def _result(specs: Sequence[RequestSpec], clients: int, raws: list[_Raw]) -> LoadResult:
    window = max(r.window for r in raws)
    by_kind: dict[str, list[tuple[float, str]]] = {s.label: [] for s in specs}
    everything: list[tuple[float, str]] = []
    for raw in raws:
        for which, latency, outcome in raw.samples:
            by_kind[specs[which].label].append((latency, outcome))
            everything.append((latency, outcome))
    stops = {r.stopped_by for r in raws}
    stopped_by = next(s for s in ("timeout", "max_requests", "duration") if s in stops)
    return LoadResult(
        clients=clients,
        processes=len(raws),
        window=window,
        stopped_by=stopped_by,
        overall=_summary(everything, window),
        kinds={kind: _summary(found, window) for kind, found in by_kind.items()},
        warmup_requests=sum(r.warmup_requests for r in raws),
        generator_cpu=sum(r.cpu for r in raws),
        loop_lag_max=max(r.lag_max for r in raws),
    )


# ── the entry points ─────────────────────────────────────────────────────────────────────


def _as_specs(paths: Sequence[str | RequestSpec]) -> tuple[RequestSpec, ...]:
    specs = tuple(p if isinstance(p, RequestSpec) else RequestSpec(p) for p in paths)
    if not specs:
        raise ValueError("no paths to request")
    if any(s.weight <= 0 for s in specs):
        raise ValueError("every weight must be positive")
    return specs


def run_load(
    base_url: str,
    paths: Sequence[str | RequestSpec],
    *,
    clients: int = 300,
    duration: float = 20.0,
    max_requests: int | None = None,
    warmup: float = 2.0,
    request_timeout: float = 10.0,
    processes: int = 1,
) -> LoadResult:
    """Load ``base_url`` with ``clients`` closed-loop clients for ``warmup + duration`` s.

    ``paths`` are paths (``"/id/…"``) or :class:`RequestSpec` s (headers, a form body, a
    weight, a kind to group by); each client picks one at random by weight for every
    request. The measured phase ends after ``duration`` seconds or ``max_requests``
    measured requests, whichever comes first; requests under way then are waited for (a
    request may take ``request_timeout`` seconds) and counted. Throughput is the measured
    requests over ``duration`` (over the time the budget took, if it ran out first);
    latencies are in seconds, errors included.

    ``processes > 1`` splits the clients (and the budget) over that many spawned worker
    processes (a calling script needs the ``if __name__ == "__main__":`` guard). Blocks;
    call it off any running event loop.
    """
    specs = _as_specs(paths)
    if clients < 1 or processes < 1 or duration <= 0 or warmup < 0 or request_timeout <= 0:
        raise ValueError("clients, processes, duration and request_timeout must be positive")
    processes = min(processes, clients)
    budgets: list[int | None] = (
        [None] * processes if max_requests is None else list(_split(max_requests, processes))
    )
    shares = _split(clients, processes)
    shards = [
        _Shard(
            base_url=base_url,
            specs=specs,
            clients=share,
            first_client=sum(shares[:i]),
            duration=duration,
            warmup=warmup,
            max_requests=budget,
            request_timeout=request_timeout,
        )
        for i, (share, budget) in enumerate(zip(shares, budgets, strict=True))
    ]
    raws = [asyncio.run(_run_shard(shards[0]))] if processes == 1 else _run_processes(shards)
    return _result(specs, clients, raws)


_SELECT = (
    sparql_prologue("jx")
    + """\
SELECT ?resource WHERE {{ ?resource a jx:{cls} }} ORDER BY ?resource LIMIT {limit}"""
)


def site_mix(
    base_url: str,
    *,
    resources: int = 10,
    base_iri: str = DEFAULT_BASE_IRI,
    weights: Mapping[str, float] | None = None,
) -> list[RequestSpec]:
    """The issue's mix: ``/id/`` pages of real resources as HTML and as Turtle, and the
    recurring-series canned query over ``/api/recurring`` and over ``/sparql``.

    The resources (up to ``resources`` each of projects, indicators and funding units) are
    found by SPARQL on the server. ``weights`` share the requests among the kinds
    ``id-html``, ``id-turtle``, ``api-recurring``, ``sparql-recurring`` (default 4:4:1:1).
    """
    share = {"id-html": 4.0, "id-turtle": 4.0, "api-recurring": 1.0, "sparql-recurring": 1.0}
    share.update(weights or {})
    with httpx.Client(base_url=base_url, timeout=30, trust_env=False) as client:
        paths: list[str] = []
        for cls in ("Project", "Indicator", "FundingUnit"):
            response = client.get(
                "/sparql",
                params={"query": _SELECT.format(cls=cls, limit=int(resources))},
                headers={"Accept": "application/sparql-results+json"},
            )
            response.raise_for_status()
            for row in response.json()["results"]["bindings"]:
                iri = row["resource"]["value"]
                if iri.startswith(base_iri):
                    paths.append("/id/" + iri[len(base_iri) :])
        if not paths:
            raise ValueError(f"no resources under {base_iri} at {base_url}")
        queries = client.get("/api/queries")
        queries.raise_for_status()
        text = next(q["text"] for q in queries.json() if q["name"] == "recurring-series")
    specs = [
        RequestSpec(p, "id-html", {"Accept": "text/html"}, weight=share["id-html"] / len(paths))
        for p in paths
    ]
    specs += [
        RequestSpec(
            p, "id-turtle", {"Accept": "text/turtle"}, weight=share["id-turtle"] / len(paths)
        )
        for p in paths
    ]
    specs.append(RequestSpec("/api/recurring", "api-recurring", weight=share["api-recurring"]))
    specs.append(
        RequestSpec(
            "/sparql",
            "sparql-recurring",
            {"Accept": "application/sparql-results+json"},
            method="POST",
            form={"query": text},
            weight=share["sparql-recurring"],
        )
    )
    return [s for s in specs if s.weight > 0]


def _table(result: LoadResult) -> str:
    header = (
        f"{'kind':<22} {'requests':>8} {'errors':>6} {'req/s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    lines = [header, "-" * len(header)]
    rows = [*result.kinds.items(), ("all", result.overall)]
    for kind, s in rows:
        lines.append(
            f"{kind[:22]:<22} {s.count:>8} {s.error_count:>6} {s.throughput:>8.1f} "
            f"{s.median * 1000:>8.1f} {s.p95 * 1000:>8.1f} {s.p99 * 1000:>8.1f} "
            f"{s.max * 1000:>8.1f}"
        )
    for kind, s in rows:
        if s.errors:
            lines.append(f"errors {kind}: " + ", ".join(f"{k} ×{n}" for k, n in s.errors.items()))
    lines.append(
        f"{result.clients} clients in {result.processes} process(es), "
        f"{result.window:.1f} s measured (stopped by {result.stopped_by}), "
        f"{result.warmup_requests} warm-up requests; generator CPU "
        f"{result.generator_cpu:.1f} s, worst event-loop lag {result.loop_lag_max * 1000:.0f} ms"
    )
    return "\n".join(lines)


def _spec_arg(text: str) -> RequestSpec:
    kind, sep, path = text.partition("=")
    return RequestSpec(path, kind) if sep and path.startswith("/") else RequestSpec(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jixiao.service.loadgen",
        description="A bounded, self-stopping load generator: closed-loop clients on loopback.",
    )
    parser.add_argument("url", metavar="URL", help="the server's base URL")
    parser.add_argument("--clients", type=int, default=300, help="concurrent clients (300)")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (20)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds first (2)")
    parser.add_argument("--max-requests", type=int, help="stop after this many measured requests")
    parser.add_argument("--timeout", type=float, default=10.0, help="per-request limit, s (10)")
    parser.add_argument("--processes", type=int, default=1, help="generator processes (1)")
    parser.add_argument(
        "--path",
        action="append",
        type=_spec_arg,
        default=[],
        help="[KIND=]PATH to request (repeatable; repeats weigh more); default: the site mix",
    )
    parser.add_argument(
        "--header", action="append", default=[], help="'Name: value' sent with every --path"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    specs: list[RequestSpec] = [
        RequestSpec(s.path, s.kind, headers) for s in args.path
    ] or site_mix(args.url)
    result = run_load(
        args.url,
        specs,
        clients=args.clients,
        duration=args.duration,
        max_requests=args.max_requests,
        warmup=args.warmup,
        request_timeout=args.timeout,
        processes=args.processes,
    )
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
