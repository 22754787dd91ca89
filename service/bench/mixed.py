"""The mixed, randomised workload: many people asking different questions at once.

Beside :func:`~.loadgen.site_mix` (a few pages and one canned query, which the answer cache
serves after its first evaluation), :func:`mixed_requests` makes a long list of distinct
requests in the proportions of issue 15, and :func:`run_mixed` deals them to closed-loop
clients in turn, so that few requests repeat (the run reports how many did):

- ``id``: ~45 % ``/id/`` pages (HTML or Turtle) of random resources sampled from the store —
  projects, indicators, funding units and project series;
- ``api/…``: every cross-year question of ``/api`` with a random pair of years (or year) and,
  mostly, a random funding unit;
- ``sparql``: the canned queries over ``/sparql`` with random parameters in their VALUES
  blocks (a random year where the query has none), and a random LIMIT and OFFSET.

:func:`sample_site` finds the resources, years and units by SPARQL (any ``query`` function:
over HTTP with :func:`http_rows`, or on a store in process).
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from jixiao.ontology import sparql_prologue
from jixiao.service.answers.canned import CannedQuery, load_queries
from jixiao.service.bench.loadgen import DEFAULT_BASE_IRI, LoadResult, RequestSpec, run_load
from jixiao.service.bench.recovery import watch_recovery

__all__ = [
    "API_QUESTIONS",
    "MIX",
    "Site",
    "http_rows",
    "mixed_requests",
    "render_mixed",
    "run_mixed",
    "sample_site",
]

Rows = Callable[[str], list[tuple[str | None, ...]]]

# The /api questions, by path, and the canned query each answers with.
API_QUESTIONS = {
    "recurring": "recurring-series",
    "amount-changes": "amount-changes",
    "new-and-discontinued": "new-and-discontinued",
    "target-changes": "target-changes",
    "target-met": "target-met",
}
# Shares of the requests by class: 45 % pages, 55 % questions (/api and /sparql).
MIX = {"id": 45.0, **{f"api/{q}": 8.0 for q in API_QUESTIONS}, "sparql": 15.0}
RESOURCE_CLASSES = ("Project", "Indicator", "FundingUnit", "ProjectSeries")
UNIT_SHARE = 0.75  # of questions that name a funding unit
LIMITS = (10, 20, 50, 100, 200, 500)


@dataclass(frozen=True, slots=True)
class Site:
    """What the store holds to ask about: /id/ paths by class, budget years, unit names."""

    paths: Mapping[str, tuple[str, ...]]
    years: tuple[int, ...]
    units: tuple[str, ...]

    @property
    def all_paths(self) -> tuple[str, ...]:
        return tuple(p for paths in self.paths.values() for p in paths)


def http_rows(base_url: str) -> Rows:
    """Runs a SELECT over ``base_url``/sparql: its rows as tuples of plain values."""

    def rows(text: str) -> list[tuple[str | None, ...]]:
        response = httpx.post(
            f"{base_url}/sparql",
            data={"query": text},
            headers={"Accept": "application/sparql-results+json"},
            timeout=600,
            trust_env=False,
        )
        response.raise_for_status()
        answer = response.json()
        names = answer["head"]["vars"]
        return [
            tuple(b[n]["value"] if n in b else None for n in names)
            for b in answer["results"]["bindings"]
        ]

    return rows


def sample_site(
    rows: Rows, *, per_class: int = 400, seed: int = 0, base_iri: str = DEFAULT_BASE_IRI
) -> Site:
    """Up to ``per_class`` random resources of each class (in windows at random offsets),
    every budget year and every funding unit's name."""
    rng = random.Random(f"jixiao-bench-site:{seed}")
    prologue = sparql_prologue("jx", "rdfs")
    paths: dict[str, tuple[str, ...]] = {}
    for cls in RESOURCE_CLASSES:
        count = rows(f"{prologue}SELECT (COUNT(?r) AS ?n) WHERE {{ ?r a jx:{cls} }}")
        total = int(count[0][0] or 0) if count else 0
        windows, width = 8, max(1, per_class // 8)
        found: set[str] = set()
        for _ in range(windows if total else 0):
            offset = rng.randrange(max(1, total - width + 1))
            text = f"{prologue}SELECT ?r WHERE {{ ?r a jx:{cls} }} LIMIT {width} OFFSET {offset}"
            found.update(r[0] for r in rows(text) if r[0] and r[0].startswith(base_iri))
        paths[cls] = tuple(sorted("/id/" + iri[len(base_iri) :] for iri in found))
    years = rows(
        f"{prologue}SELECT DISTINCT ?y WHERE {{ ?d a jx:BudgetDocument ; jx:budgetYear ?y }}"
    )
    units = rows(f"{prologue}SELECT DISTINCT ?n WHERE {{ ?u a jx:FundingUnit ; rdfs:label ?n }}")
    site = Site(
        paths=paths,
        years=tuple(sorted(int(y[0]) for y in years if y[0])),
        units=tuple(sorted(u[0] for u in units if u[0])),
    )
    if not site.all_paths or not site.years or not site.units:
        raise ValueError("the store has no resources, budget years or funding units to ask about")
    return site


def _pair(rng: random.Random, years: Sequence[int]) -> tuple[int, int]:
    if len(years) < 2:
        return years[0] - 1, years[0]  # a pair with no data: still a question
    a, b = sorted(rng.sample(list(years), 2))
    return a, b


def api_parameters(question: str, site: Site, rng: random.Random) -> dict[str, str]:
    """Random parameters of /api/``question``: years as the question takes them, and a
    funding unit for :data:`UNIT_SHARE` of the questions."""
    params: dict[str, str] = {}
    if question in ("amount-changes", "new-and-discontinued", "target-changes"):
        a, b = _pair(rng, site.years)
        params = {"yearA": str(a), "yearB": str(b)}
    elif question == "target-met" and rng.random() < 0.7:
        params = {"year": str(rng.choice(site.years))}
    if rng.random() < UNIT_SHARE:
        params["unit"] = rng.choice(site.units)
    return params


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def sparql_text(query: CannedQuery, site: Site, rng: random.Random) -> str:
    """``query`` with random parameters in its VALUES block (a random ``?year`` for a query
    without parameters that has one), and a random LIMIT and OFFSET."""
    values: dict[str, object] = {}
    for parameter in query.parameters:
        if parameter.name == "yearA":
            values["yearA"], values["yearB"] = _pair(rng, site.years)
        elif parameter.name == "year" and rng.random() < 0.7:
            values["year"] = rng.choice(site.years)
        elif parameter.name == "unitName" and rng.random() < UNIT_SHARE:
            values["unitName"] = rng.choice(site.units)
    text = query.render(query.bind(values))
    if not query.parameters and "?year" in text:
        lines = text.splitlines(keepends=True)
        header = next((i for i, line in enumerate(lines) if not line.startswith("#")), 0)
        match = _WHERE.search(text, sum(len(line) for line in lines[:header]))
        if match:
            year = rng.choice(site.years)
            text = f"{text[: match.end()]}\n  VALUES ?year {{ {year} }}{text[match.end() :]}"
    return f"{text.rstrip()}\nLIMIT {rng.choice(LIMITS)} OFFSET {rng.randrange(0, 200, 10)}\n"


def mixed_requests(
    site: Site, count: int, *, seed: int = 0, mix: Mapping[str, float] | None = None
) -> list[RequestSpec]:
    """``count`` requests drawn at random in the proportions of ``mix`` (default :data:`MIX`),
    each labelled by its class (``id``, ``api/<question>``, ``sparql``)."""
    rng = random.Random(f"jixiao-bench-mixed:{seed}")
    shares = dict(mix or MIX)
    classes, weights = list(shares), list(shares.values())
    queries = sorted(load_queries().values(), key=lambda q: q.name)
    # Every page in either format once, in random order, before any page again.
    pages = [(p, a) for p in site.all_paths for a in ("text/html", "text/turtle")]
    rng.shuffle(pages)
    specs: list[RequestSpec] = []
    for _ in range(count):
        kind = rng.choices(classes, weights)[0]
        if kind == "id":
            path, accept = pages[len(specs) % len(pages)]
            specs.append(RequestSpec(path, kind, {"Accept": accept}))
        elif kind.startswith("api/"):
            question = kind[len("api/") :]
            query = httpx.QueryParams(api_parameters(question, site, rng))
            path = f"/api/{question}" + (f"?{query}" if query else "")
            specs.append(RequestSpec(path, kind, {"Accept": "application/json"}))
        else:
            text = sparql_text(rng.choice(queries), site, rng)
            results = {"Accept": "application/sparql-results+json"}
            specs.append(RequestSpec("/sparql", kind, results, "POST", {"query": text}))
    return specs


def run_mixed(
    base_url: str,
    site: Site,
    *,
    clients: int = 300,
    duration: float = 30.0,
    warmup: float = 2.0,
    request_timeout: float = 30.0,
    processes: int = 1,
    seed: int = 0,
    pool: int | None = None,
    recovery: Mapping[str, float] | None = None,
) -> dict[str, object]:
    """``clients`` closed-loop clients dealt :func:`mixed_requests` in turn for ``duration``
    seconds, who then leave, mid-request or not; the :class:`~.loadgen.LoadResult` as JSON,
    with the fraction of requests that repeated an earlier one and the machine's load
    average before and after, and ``recovery``: :func:`~.recovery.watch_recovery` from the
    burst's end (``recovery`` is its keyword arguments; ``{}`` for its defaults), on pages
    of the list the burst did not reach."""
    size = pool or max(5_000, clients * 100)
    specs = mixed_requests(site, size, seed=seed)
    before = os.getloadavg()[0]
    result: LoadResult = run_load(
        base_url,
        specs,
        clients=clients,
        duration=duration,
        warmup=warmup,
        request_timeout=request_timeout,
        processes=processes,
        deal=True,
        abandon=True,
    )
    after = os.getloadavg()[0]
    watched = None
    if recovery is not None:
        dealt = result.count + result.warmup_requests + sum(result.left.values())
        pages, unasked = _unasked_pages(specs, dealt, site, seed)
        watched = watch_recovery(base_url, pages, since=result.ended, **recovery)
        watched["pages_unasked"] = unasked
    out = result.to_json()
    del out["ended"]  # a clock reading, meaningless outside this process
    out["requests_prepared"] = size
    out["repeated_fraction"] = result.repeated / result.count if result.count else 0.0
    out["load_average"] = [before, after]
    out["request_timeout_s"] = request_timeout
    if watched is not None:
        out["recovery"] = watched
    return out


def _unasked_pages(
    specs: Sequence[RequestSpec], dealt: int, site: Site, seed: int
) -> tuple[list[RequestSpec], bool]:
    """Pages of the dealt list past what the burst sent that it did not ask for (and True);
    random pages (and False) if fewer than 100 are left."""
    asked = {(s.path, s.headers.get("Accept")) for s in specs[:dealt] if s.kind == "id"}
    pages: dict[tuple[str, str | None], RequestSpec] = {}
    for spec in specs[dealt:]:
        key = (spec.path, spec.headers.get("Accept"))
        if spec.kind == "id" and key not in asked:
            pages.setdefault(key, spec)
    if len(pages) >= 100:
        return list(pages.values()), True
    rng = random.Random(f"jixiao-bench-recovery:{seed}")
    drawn = [
        RequestSpec(rng.choice(site.all_paths), "id", {"Accept": rng.choice(_ACCEPTS)})
        for _ in range(100)
    ]
    return drawn, False


_ACCEPTS = ("text/html", "text/turtle")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _left(run: Mapping[str, Any]) -> str:
    left: Mapping[str, int] = run.get("left", {})
    waited: list[float] = run.get("left_waited") or [0.0]
    if not left:
        return "none left mid-request"
    return f"{sum(left.values()):,} left mid-request (the longest had waited {max(waited):.1f} s)"


def render_mixed(runs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The mixed-load table of BENCHMARKS.md: ``runs`` by label (e.g. ``1M synthetic``)."""
    if not runs:
        return []
    first = next(iter(runs.values()))
    lines = [
        "## Mixed load: 300 people asking different questions",
        "",
        "`python -m jixiao.service.bench --sections mixed`: closed-loop clients on loopback "
        "against `jixiao serve` (default settings, after its query workers' replicas are "
        f"ready), for {first['window']:g} s after a {2:g} s warm-up, each request "
        f"with a limit of {first.get('request_timeout_s', 30):g} s. The requests are dealt "
        "in turn from a list drawn at random: ~45 % `/id/` pages (HTML or Turtle) of "
        "projects, indicators, funding units and series sampled from the store; ~40 % the "
        "five `/api` questions with random pairs of years and, for three in four, a random "
        "funding unit; ~15 % the canned queries over `/sparql` with random VALUES and "
        "LIMIT/OFFSET. When the time is up the clients leave: a request still unanswered "
        "then is abandoned, its connection closed, and counted apart (*left*), neither "
        "answered nor an error. *repeated* is the share of requests identical to another "
        "of the run. "
        "Errors by kind: *Timeout* (the client's limit), *HTTP 5xx* … Target at 1M: 0 "
        "errors, p99 ≤ 3 s.",
        "",
        "| corpus | class | requests | answered | errors | req/s | p50 (ms) | p95 (ms) "
        "| p99 (ms) | max (ms) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, run in runs.items():
        kinds: dict[str, Mapping[str, Any]] = run["kinds"]
        for kind, s in [*sorted(kinds.items()), ("**all**", run["overall"])]:
            errors: Mapping[str, int] = s["errors"]
            said = ", ".join(f"{k} ×{n}" for k, n in errors.items()) or "0"
            lines.append(
                f"| {label} | {kind} | {s['count']:,} | {s['ok']:,} | {said} "
                f"| {s['throughput']:,.1f} | {_ms(s['median'])} | {_ms(s['p95'])} "
                f"| {_ms(s['p99'])} | {_ms(s['max'])} |"
            )
    lines.append("")
    for label, run in runs.items():
        load: list[float] = run.get("load_average", [0.0, 0.0])
        lines.append(
            f"- {label}: {run['clients']} clients, repeated {run['repeated_fraction']:.1%} of "
            f"{run['overall']['count']:,} requests; {_left(run)}; "
            f"load average {load[0]:.1f} before, "
            f"{load[1]:.1f} after ({os.cpu_count()} CPUs); generator CPU "
            f"{run['generator_cpu']:.1f} s, "
            f"worst event-loop lag {float(run['loop_lag_max']) * 1000:,.0f} ms."
        )
    return lines
