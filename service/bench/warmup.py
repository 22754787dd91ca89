"""From its start, under load: how soon ``jixiao serve`` answers near the engine's limit.

Issue 15 asks for every canned query within 1.5× of bare Oxigraph in memory "from 30 s after
start or after a write" at a million triples. :func:`watch_warmup` is given a ``jixiao
serve`` just started (with Oxigraph in memory running beside it and loaded) and, from then
on, one client asks the canned queries one after another, each on jixiao (a new text every
time: neither the answer cache nor the answers computed ahead serve it) and then on Oxigraph,
for ``seconds``. It notes when both query workers' replicas were ready (``/metrics``) and
when the ``/api`` answers for every unit were computed (``/healthz``), and
:func:`warmup_windows` gives, for each window of time since the start, each query's median
ratio jixiao ÷ Oxigraph. The anchor (:mod:`.anchor`) times the same queries afterwards, at
rest.
"""

from __future__ import annotations

import itertools
import re
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

__all__ = ["WINDOW_S", "render_warmup", "warmup_target", "warmup_windows", "watch_warmup"]

WINDOW_S = 30.0  # the windows of time since the start over which ratios are taken
_READY = re.compile(r'^jixiao_query_replicas\{state="ready"\} (\S+)$', re.MULTILINE)


def watch_warmup(
    client: httpx.Client,
    jixiao: str,
    memory: str,
    texts: Mapping[str, str],
    started: float,
    *,
    seconds: float = 150.0,
    workers: int = 2,
) -> dict[str, object]:
    """One client asking ``texts`` in turn on ``jixiao`` and on ``memory`` (base URLs) until
    ``seconds`` after ``started`` (a ``time.perf_counter()``, when jixiao was started): each
    ask's time since the start and seconds on each; when the replicas and the answers
    computed ahead were ready (seconds since the start, None if not within ``seconds``)."""
    asks: list[dict[str, object]] = []
    out: dict[str, object] = {"seconds": seconds, "asks": asks}
    replicas = api = None
    fresh = itertools.count()
    for name in itertools.cycle(sorted(texts)):
        now = time.perf_counter() - started
        if now >= seconds:
            break
        if replicas is None and _replicas_ready(client, jixiao) >= workers:
            replicas = now
        if api is None and _api_ready(client, jixiao):
            api = now
        took = {}
        for engine, url, text in (
            ("jixiao", f"{jixiao}/sparql", f"# warm-up {next(fresh)}\n{texts[name]}"),
            ("memory", f"{memory}/query", texts[name]),
        ):
            asked = time.perf_counter()
            response = client.post(
                url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}
            )
            took[engine] = time.perf_counter() - asked
            if response.status_code >= 400:
                took[engine] = -response.status_code
        asks.append({"at": now, "query": name, **took})
    out["replicas_ready_s"], out["api_ready_s"] = replicas, api
    return out


def _replicas_ready(client: httpx.Client, url: str) -> int:
    found = _READY.search(client.get(f"{url}/metrics").text)
    return int(float(found.group(1))) if found else 0


def _api_ready(client: httpx.Client, url: str) -> bool:
    warmed = client.get(f"{url}/healthz").json().get("apiAnswers") or {}
    return bool(warmed) and warmed.get("computed") == warmed.get("questions")


def warmup_windows(
    asks: Sequence[Mapping[str, Any]], window: float = WINDOW_S
) -> list[dict[str, Any]]:
    """Per window of ``window`` seconds since the start (in order): its start, how many asks
    it holds, each query's median ratio jixiao ÷ Oxigraph in memory, and the worst of them
    with its query (an error on either side counts as no ratio; a window with none, as
    none)."""
    by: dict[int, dict[str, list[float]]] = {}
    for ask in asks:
        if min(float(ask["jixiao"]), float(ask["memory"])) <= 0:
            continue
        ratios = by.setdefault(int(float(ask["at"]) // window), {})
        ratios.setdefault(str(ask["query"]), []).append(float(ask["jixiao"]) / float(ask["memory"]))
    out = []
    for index in sorted(by):
        medians = {name: statistics.median(r) for name, r in sorted(by[index].items())}
        worst = max(medians, key=lambda name: medians[name])
        out.append(
            {
                "from_s": index * window,
                "asks": sum(len(r) for r in by[index].values()),
                "ratios": medians,
                "worst": worst,
                "worst_ratio": medians[worst],
            }
        )
    return out


def render_warmup(
    runs: Mapping[str, Mapping[str, Any]], target: float, label: Callable[[str], str] = str
) -> list[str]:
    """The warm-up table for BENCHMARKS.md: per run, per window, the worst query's ratio."""
    if not runs:
        return []
    lines = [
        "### From the start, under load",
        "",
        "In the anchor, before it times anything: `jixiao serve` (default settings) started "
        "beside Oxigraph in memory (loaded already), and from its start one client asking the "
        "canned queries in turn, each on jixiao (a new text each time) then on Oxigraph. Per "
        f"window of {WINDOW_S:g} s since the start: the asks in it and the worst query's "
        f"median ratio jixiao ÷ in memory (target ≤ {target:g} from 30 s on); when both query "
        "workers answered from their replicas and when the `/api` answers for every unit "
        "were computed.",
        "",
        "| corpus | window (s) | asks | worst ÷ in memory | query | replicas ready | /api ready |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        windows = warmup_windows(run["asks"])
        replicas, api = run.get("replicas_ready_s"), run.get("api_ready_s")
        for w in windows:
            end = float(w["from_s"]) + WINDOW_S
            lines.append(
                f"| {label(name)} | {float(w['from_s']):.0f}–{end:.0f} | {w['asks']} "
                f"| {float(w['worst_ratio']):.2f} | {w['worst']} "
                f"| {_at(replicas)} | {_at(api)} |"
            )
    return [*lines, ""]


def warmup_target(run: Mapping[str, Any], since: float = 30.0) -> tuple[float, str] | None:
    """The worst query's median ratio over the windows from ``since`` seconds after the
    start on, and its query; None without asks there."""
    late = [w for w in warmup_windows(run["asks"]) if float(w["from_s"]) >= since]
    if not late:
        return None
    worst = max(late, key=lambda w: float(w["worst_ratio"]))
    return float(worst["worst_ratio"]), str(worst["worst"])


def _at(seconds: object) -> str:
    return "not within the run" if seconds is None else f"{float(str(seconds)):.0f} s"
