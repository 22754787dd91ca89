"""After the burst: how soon ``/id/`` pages are fast again once the crowd has gone.

Issue 15 asks that after a burst the service is back to answering ``/id/`` pages in under
:data:`PAGE_LIMIT_S` within :data:`WITHIN_S`. When the mixed load's clients leave (some of
them mid-request, their connections closed: see ``abandon`` in :func:`.loadgen.run_load`),
:func:`watch_recovery` asks a page of a random resource every ``every`` seconds for
``seconds`` seconds — each on schedule, whether or not the one before has answered — and
:func:`recovered_after` finds the time after the burst's end from which every page answered
200 in under the limit.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from jixiao.service.bench.shards import RequestSpec

__all__ = [
    "PAGE_LIMIT_S",
    "WITHIN_S",
    "recovered_after",
    "recovery_met",
    "render_recovery",
    "watch_recovery",
]

PAGE_LIMIT_S = 0.5  # an /id/ page answered in under this is "back"
WITHIN_S = 10.0  # ... from at most this long after the burst's end


def recovered_after(
    probes: Sequence[Mapping[str, Any]], limit: float = PAGE_LIMIT_S
) -> float | None:
    """The time (s after the burst's end) of the first probe from which every probe was
    answered 200 in under ``limit``; None if the last probe was not (not recovered while
    watched) or there were none."""
    ordered = sorted(probes, key=lambda p: p["at_s"])
    good = [p["status"] == 200 and p["latency_s"] < limit for p in ordered]
    if not ordered or not good[-1]:
        return None
    last_bad = max((i for i, ok in enumerate(good) if not ok), default=-1)
    return float(ordered[last_bad + 1]["at_s"])


async def _probe(
    client: httpx.AsyncClient, spec: RequestSpec, at: float, since: float, timeout: float
) -> dict[str, Any]:
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    sent = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            response = await client.get(spec.path, headers=dict(spec.headers))
        status: int | str = response.status_code
    except TimeoutError:
        status = "Timeout"
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    return {
        "at_s": round(sent - since, 4),
        "latency_s": round(time.monotonic() - sent, 4),
        "status": status,
        "path": spec.path,
        "accept": spec.headers.get("Accept", ""),
    }


async def _watch(
    base_url: str,
    pages: Sequence[RequestSpec],
    since: float,
    every: float,
    seconds: float,
    timeout: float,
) -> list[dict[str, Any]]:
    count = max(1, int(seconds / every))
    # No TLS on loopback: verify=False spares loading the CA bundle (~0.3 s) before the first.
    async with httpx.AsyncClient(
        base_url=base_url, trust_env=False, timeout=timeout, verify=False
    ) as client:
        start = time.monotonic()
        probes = [
            _probe(client, pages[i % len(pages)], start + i * every, since, timeout)
            for i in range(count)
        ]
        return list(await asyncio.gather(*probes))


def watch_recovery(
    base_url: str,
    pages: Sequence[RequestSpec],
    *,
    since: float,
    every: float = 0.25,
    seconds: float = 15.0,
    timeout: float = 10.0,
    limit: float = PAGE_LIMIT_S,
) -> dict[str, object]:
    """Ask ``pages`` (``/id/`` requests, taken in turn) one every ``every`` seconds for
    ``seconds``, each within ``timeout``; ``since``: the burst's end (``time.monotonic()``).
    Every probe (when it was sent after ``since``, its latency and status), and the time
    from which every page answered 200 in under ``limit``. Bounded: ``seconds + timeout``."""
    if not pages or every <= 0 or seconds <= 0 or timeout <= 0:
        raise ValueError("pages, every, seconds and timeout must be given and positive")
    probes = asyncio.run(_watch(base_url, pages, since, every, seconds, timeout))
    latencies = sorted(p["latency_s"] for p in probes)
    return {
        "every_s": every,
        "watched_s": seconds,
        "limit_s": limit,
        "started_s": probes[0]["at_s"],
        "probes": probes,
        "recovered_after_s": recovered_after(probes, limit),
        "slow_or_failed": sum(1 for p in probes if p["status"] != 200 or p["latency_s"] >= limit),
        "median_s": statistics.median(latencies),
        "max_s": latencies[-1],
        "load_average": os.getloadavg()[0],
    }


def recovery_met(recovery: Mapping[str, Any]) -> bool:
    """Whether pages were back under the limit within :data:`WITHIN_S` of the burst's end."""
    after = recovery.get("recovered_after_s")
    return after is not None and float(after) <= WITHIN_S


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def render_recovery(runs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The after-the-burst table of BENCHMARKS.md: the mixed ``runs`` by label."""
    runs = {label: run for label, run in runs.items() if run.get("recovery")}
    if not runs:
        return []
    first = next(iter(runs.values()))["recovery"]
    lines = [
        "## After the burst: /id/ pages once the clients have gone",
        "",
        "When the mixed load's time is up its clients leave at once, those still waiting "
        "for an answer closing their connections mid-request (*left "
        "mid-request*: how many, and the longest any of them had waited). From then on a "
        f"page the burst did not ask for (a sampled resource, HTML or Turtle) is asked every "
        f"{first['every_s']:g} s for {first['watched_s']:g} s, each on schedule whether or "
        f"not the one before has answered. *Back after*: the time after the burst's end "
        f"from which every page answered 200 in under {PAGE_LIMIT_S:g} s. Target: within "
        f"{WITHIN_S:g} s.",
        "",
        "| corpus | left mid-request | longest wait of those (s) | pages asked "
        "| slow or failed | p50 (ms) | max (ms) | back after (s) | first page asked at (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, run in runs.items():
        r = run["recovery"]
        left = sum(run.get("left", {}).values())
        waited = run.get("left_waited") or [0.0]
        after = r["recovered_after_s"]
        lines.append(
            f"| {label} | {left:,} | {max(waited):.1f} | {len(r['probes'])} "
            f"| {r['slow_or_failed']} | {_ms(r['median_s'])} | {_ms(r['max_s'])} "
            f"| {'not within the watch' if after is None else f'{after:.2f}'} "
            f"| {r['started_s']:.2f} |"
        )
    drawn = [label for label, run in runs.items() if not run["recovery"].get("pages_unasked", True)]
    if drawn:
        lines += [
            "",
            f"- {', '.join(drawn)}: the burst had asked for nearly every page sampled, so "
            "the pages were drawn at random among them (some answered before).",
        ]
    return lines
