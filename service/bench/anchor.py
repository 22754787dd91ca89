"""The anchor: every canned query on ``jixiao serve`` beside bare Oxigraph in memory and on disk.

The engine's own limit is ``oxigraph serve`` holding the same quads **in memory** (no
``--location``; the store's dump loaded into it over HTTP), not ``oxigraph serve-read-only``
on the store on disk, which is slower than jixiao's in-memory replicas and flatters it.
:func:`bench_anchor` starts the three at once — jixiao with its default settings (so
answers longer than ``JIXIAO_MAX_ROWS`` are cut, as a client gets them), once its replicas
answer — and times each canned query on each, interleaved run by run, each jixiao run a new
text so that the answer cache never answers.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from jixiao.service.bench.processes import free_port, running
from jixiao.service.bench.warmup import watch_warmup

__all__ = ["ANCHOR_TARGET", "bench_anchor", "load_into", "render_anchor"]

ANCHOR_TARGET = 1.5  # every canned query over HTTP within 1.5× of Oxigraph in memory (issue 15)
ENGINES = ("jixiao", "memory", "disk")


def _bin() -> Path:
    return Path(sys.executable).parent


def load_into(url: str, dump: Path) -> float:
    """POST an N-Quads dump to an ``oxigraph serve``'s /store; the seconds it took."""
    started = time.perf_counter()
    with dump.open("rb") as body:
        response = httpx.post(
            f"{url}/store",
            content=body,
            headers={"Content-Type": "application/n-quads"},
            timeout=3600,
            trust_env=False,
        )
    response.raise_for_status()
    return time.perf_counter() - started


def _runner(client: httpx.Client, url: str, fresh: bool) -> Callable[[str], tuple[int, bool]]:
    """Runs a query (a new comment line each time if ``fresh``): rows and whether cut; an
    error status is minus the status (-503 for a time limit)."""
    runs = itertools.count()

    def run(text: str) -> tuple[int, bool]:
        query = f"# bench run {next(runs)}\n{text}" if fresh else text
        response = client.post(
            url,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        if response.status_code >= 400:
            return -response.status_code, False
        cut = response.headers.get("x-jixiao-truncated") == "true"
        return len(response.json()["results"]["bindings"]), cut

    return run


def bench_anchor(
    store: Path,
    workdir: Path,
    texts: Mapping[str, str],
    await_replicas: Callable[[httpx.Client, str], tuple[float, bool]],
    *,
    runs: int = 9,
    env: Mapping[str, str] | None = None,
    warmup_s: float = 120.0,
) -> dict[str, object]:
    """Median seconds of ``runs`` interleaved runs (after a warm-up) of every query in
    ``texts`` on jixiao (its settings from ``env``, else the defaults), Oxigraph in memory
    and Oxigraph on disk, with the rows each gave. Nine by default: the bench machines'
    speed drifts (a 3 ms query measured at 3 and at 6 ms minutes apart), and a ratio of two
    medians of five moved by a tenth between runs of the same code."""
    dump = workdir / "anchor-dump.nq"
    subprocess.run(
        [str(_bin() / "oxigraph"), "dump", "--location", str(store), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    ports = {engine: free_port() for engine in ENGINES}
    urls = {engine: f"http://127.0.0.1:{port}" for engine, port in ports.items()}
    ox = str(_bin() / "oxigraph")
    jixiao = [str(_bin() / "jixiao"), "serve", "--store", str(store)]
    commands = {
        "jixiao": [*jixiao, "--port", str(ports["jixiao"])],
        "memory": [ox, "serve", "--bind", f"127.0.0.1:{ports['memory']}"],
        "disk": [ox, "serve-read-only", "--location", str(store), "--bind"],
    }
    commands["disk"].append(f"127.0.0.1:{ports['disk']}")
    commands["memory"].append("--union-default-graph")
    commands["disk"].append("--union-default-graph")
    probes = {
        "jixiao": f"{urls['jixiao']}/healthz",
        "memory": f"{urls['memory']}/query?query=ASK%7B%7D",
        "disk": f"{urls['disk']}/query?query=ASK%7B%7D",
    }
    out: dict[str, object] = {"runs": runs, "load_average": [os.getloadavg()[0]]}
    with contextlib.ExitStack() as stack:
        for engine in ("memory", "disk"):
            stack.enter_context(running(commands[engine], probes[engine], None, seconds=300))
        client = stack.enter_context(httpx.Client(timeout=900, trust_env=False))
        out["memory_load_s"] = load_into(urls["memory"], dump)
        dump.unlink()
        started = time.perf_counter()  # jixiao last, so that the others' loading is done
        stack.enter_context(
            running(commands["jixiao"], probes["jixiao"], dict(env or {}), seconds=300)
        )
        if warmup_s > 0:
            out["warmup"] = watch_warmup(
                client, urls["jixiao"], urls["memory"], texts, started, seconds=warmup_s
            )
        out["replica_wait_s"], out["replicas_ready"] = await_replicas(client, urls["jixiao"])
        runners = {
            "jixiao": _runner(client, f"{urls['jixiao']}/sparql", fresh=True),
            "memory": _runner(client, f"{urls['memory']}/query", fresh=False),
            "disk": _runner(client, f"{urls['disk']}/query", fresh=False),
        }
        queries: dict[str, dict[str, object]] = {}
        for name, text in texts.items():
            record: dict[str, object] = {}
            times: dict[str, list[float]] = {engine: [] for engine in ENGINES}
            for engine in ENGINES:  # warm-up, and the rows
                rows, cut = runners[engine](text)
                record[f"{engine}_rows"] = rows
                if engine == "jixiao":
                    record["jixiao_truncated"] = cut
            for _ in range(runs):
                for engine in ENGINES:
                    started = time.perf_counter()
                    runners[engine](text)
                    times[engine].append(time.perf_counter() - started)
            for engine in ENGINES:
                record[f"{engine}_s"] = statistics.median(times[engine])
            record["vs_memory"] = record["jixiao_s"] / record["memory_s"]  # type: ignore[operator]
            record["vs_disk"] = record["jixiao_s"] / record["disk_s"]  # type: ignore[operator]
            queries[name] = record
        out["queries"] = queries
    out["load_average"] = [*out["load_average"], os.getloadavg()[0]]  # type: ignore[misc]
    return out


def render_anchor(runs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The comparison with Oxigraph in memory, for BENCHMARKS.md."""
    if not runs:
        return []
    per = next(iter(runs.values()))["runs"]
    lines = [
        "## jixiao beside bare Oxigraph in memory (the anchor)",
        "",
        "`python -m jixiao.service.bench --sections anchor`: every canned query (the "
        "parameters bound to the two years with the most documents) over HTTP on three "
        "servers running side by side on the same quads: `jixiao serve` with its default "
        "settings (answers of more than `JIXIAO_MAX_ROWS` rows are cut, *cut* below), timed "
        "once its query workers answer from their replicas, each run a new text so that the "
        "answer cache never answers; `oxigraph serve` **in memory** (no `--location`, the "
        "store's dump loaded over HTTP); and `oxigraph serve-read-only` on the store on disk. "
        f"Median ms of {per} interleaved runs after a warm-up. Target: jixiao ÷ in memory "
        f"≤ {ANCHOR_TARGET:g} for every query.",
        "",
        "| corpus | query | rows (jixiao) | jixiao | Oxigraph in memory | Oxigraph on disk "
        "| ÷ in memory | ÷ disk |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, run in runs.items():
        queries: Mapping[str, Mapping[str, Any]] = run["queries"]
        for name, q in queries.items():
            rows = f"{q['jixiao_rows']:,}"
            if min(q["jixiao_rows"], q["memory_rows"], q["disk_rows"]) < 0:
                said = [f"{e} HTTP {-q[f'{e}_rows']}" for e in ENGINES if q[f"{e}_rows"] < 0]
                rows = "error: " + ", ".join(said)
            elif q["jixiao_truncated"]:
                rows += f" cut (of {q['memory_rows']:,})"
            elif q["jixiao_rows"] != q["memory_rows"]:
                rows += f" ≠ {q['memory_rows']:,}"
            lines.append(
                f"| {label} | {name} | {rows} | {float(q['jixiao_s']) * 1000:,.1f} "
                f"| {float(q['memory_s']) * 1000:,.1f} | {float(q['disk_s']) * 1000:,.1f} "
                f"| {float(q['vs_memory']):.2f} | {float(q['vs_disk']):.2f} |"
            )
    lines.append("")
    for label, run in runs.items():
        queries = run["queries"]
        worst = max(queries.items(), key=lambda kv: float(kv[1]["vs_memory"]))
        met = float(worst[1]["vs_memory"]) <= ANCHOR_TARGET
        lines.append(
            f"- {label}: worst ÷ in memory {float(worst[1]['vs_memory']):.2f} ({worst[0]}) — "
            f"{'met' if met else 'NOT met'}; Oxigraph loaded the dump in "
            f"{float(run['memory_load_s']):.1f} s; jixiao's replicas "
            f"{'ready' if run['replicas_ready'] else 'NOT ready'} after "
            f"{float(run['replica_wait_s']):.0f} s{_load(run)}."
        )
    return lines


def _load(run: Mapping[str, Any]) -> str:
    load = run.get("load_average")
    if not load or len(load) < 2:
        return ""
    return f"; load average {load[0]:.1f} before, {load[1]:.1f} after ({os.cpu_count()} CPUs)"
