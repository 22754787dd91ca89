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

    python -m jixiao.service.bench.loadgen http://127.0.0.1:8000 --clients 300 --duration 20 \\
        --path html=/id/doc/…/project/3.html --path /api/recurring [--json]

Without ``--path`` it runs :func:`site_mix`: ``/id/`` pages (HTML and Turtle) of real
projects, indicators and funding units, and the recurring-series canned query over
``/api/recurring`` and over ``/sparql``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import httpx

from jixiao.ontology import sparql_prologue
from jixiao.service.bench.shards import (
    Raw,
    RequestSpec,
    Shard,
    run_processes,
    run_shard,
    split,
)

__all__ = ["LoadResult", "RequestSpec", "Summary", "main", "run_load", "site_mix"]

DEFAULT_BASE_IRI = "https://w3id.org/jixiao/id/"


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
    repeated: int = 0  # measured requests identical to another measured request (same text)
    # With ``abandon``: the requests under way when the clients left, by kind, and how long
    # each had waited (seconds, longest first); not in the summaries, neither answered nor
    # failed. ``ended``: time.monotonic() once the last client had gone.
    left: dict[str, int] = field(default_factory=dict)
    left_waited: list[float] = field(default_factory=list)
    ended: float = 0.0

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


def _result(specs: Sequence[RequestSpec], clients: int, raws: list[Raw]) -> LoadResult:
    window = max(r.window for r in raws)
    by_kind: dict[str, list[tuple[float, str]]] = {s.label: [] for s in specs}
    everything: list[tuple[float, str]] = []
    asked: set[tuple[object, ...]] = set()
    for raw in raws:
        for which, latency, outcome in raw.samples:
            asked.add(_request_key(specs[which]))
            by_kind[specs[which].label].append((latency, outcome))
            everything.append((latency, outcome))
    left: dict[str, int] = {}
    waited: list[float] = []
    for raw in raws:
        for which, seconds in raw.left:
            left[specs[which].label] = left.get(specs[which].label, 0) + 1
            waited.append(round(seconds, 4))
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
        repeated=len(everything) - len(asked),
        left=dict(sorted(left.items())),
        left_waited=sorted(waited, reverse=True),
        ended=max(r.ended for r in raws),
    )


def _request_key(spec: RequestSpec) -> tuple[object, ...]:
    """What makes two requests the same request: method, path, headers and body."""
    form = tuple(sorted((spec.form or {}).items()))
    return spec.method, spec.path, tuple(sorted(spec.headers.items())), form


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
    deal: bool = False,
    abandon: bool = False,
) -> LoadResult:
    """Load ``base_url`` with ``clients`` closed-loop clients for ``warmup + duration`` s.

    ``paths`` are paths (``"/id/…"``) or :class:`RequestSpec` s (headers, a form body, a
    weight, a kind to group by); each client picks one at random by weight for every
    request. The measured phase ends after ``duration`` seconds or ``max_requests``
    measured requests, whichever comes first; requests under way then are waited for (a
    request may take ``request_timeout`` seconds) and counted. Throughput is the measured
    requests over ``duration`` (over the time the budget took, if it ran out first);
    latencies are in seconds, errors included.

    ``deal``: the clients take the specs in turn instead of drawing them by weight (weights
    are then ignored): a list of distinct requests is sent without repeats until it is used
    up (:attr:`LoadResult.repeated` counts the repeats).

    ``abandon``: the clients leave when the duration is up, as people do: a request under
    way then is not waited for but abandoned, its connection closed (:attr:`LoadResult.left`
    counts them, :attr:`LoadResult.ended` says when the last client had gone).

    ``processes > 1`` splits the clients (and the budget) over that many spawned worker
    processes (a calling script needs the ``if __name__ == "__main__":`` guard). Blocks;
    call it off any running event loop.
    """
    specs = _as_specs(paths)
    if clients < 1 or processes < 1 or duration <= 0 or warmup < 0 or request_timeout <= 0:
        raise ValueError("clients, processes, duration and request_timeout must be positive")
    processes = min(processes, clients)
    budgets: list[int | None] = (
        [None] * processes if max_requests is None else list(split(max_requests, processes))
    )
    shares = split(clients, processes)
    shards = [
        Shard(
            base_url=base_url,
            specs=specs,
            clients=share,
            first_client=sum(shares[:i]),
            duration=duration,
            warmup=warmup,
            max_requests=budget,
            request_timeout=request_timeout,
            deal=(i, processes) if deal else None,
            abandon=abandon,
        )
        for i, (share, budget) in enumerate(zip(shares, budgets, strict=True))
    ]
    raws = [asyncio.run(run_shard(shards[0]))] if processes == 1 else run_processes(shards)
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
        prog="python -m jixiao.service.bench.loadgen",
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
