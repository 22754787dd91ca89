"""First asks: every ``/api`` question with parameters never asked before, on a fresh server.

The answer cache answers a question asked before in microseconds; what a data officer waits
for is the first ask of *their* pair of years and *their* unit. :func:`bench_first_asks`
starts a fresh ``jixiao serve`` on a store and asks each question of
:data:`~.mixed.API_QUESTIONS` with ``per_question`` random parameter sets, one request at a
time: first right after the server answers (its query workers still copying their in-memory
replicas, answering from disk), then, with other parameter sets, once the replicas answer.
No parameter set is asked twice, so no answer comes from the cache.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

from jixiao.service.bench.mixed import API_QUESTIONS, Site, api_parameters
from jixiao.service.bench.processes import free_port, running

__all__ = [
    "FIRST_ASK_TARGETS",
    "ask_questions",
    "await_api_answers",
    "bench_first_asks",
    "render_first_asks",
]

# Issue 15: median and worst first ask of any /api question, in seconds, by size.
FIRST_ASK_TARGETS = {"1M": (0.2, 1.0), "5M": (0.5, None)}


def ask_questions(
    client: httpx.Client,
    site: Site,
    asked: set[tuple[str, tuple[tuple[str, str], ...]]],
    *,
    per_question: int,
    rng: random.Random,
) -> dict[str, dict[str, object]]:
    """Each question ``per_question`` times with a parameter set not in ``asked`` (added to
    it): per question the seconds of each ask, its status and parameters."""
    out: dict[str, dict[str, object]] = {}
    for question in API_QUESTIONS:
        times: list[float] = []
        statuses: list[int] = []
        sets: list[dict[str, str]] = []
        for _ in range(per_question):
            for _attempt in range(200):
                params = api_parameters(question, site, rng)
                key = (question, tuple(sorted(params.items())))
                if key not in asked:
                    break
            else:
                continue  # every set this site offers was asked already
            asked.add(key)
            started = time.perf_counter()
            response = client.get(f"/api/{question}", params=params)
            times.append(time.perf_counter() - started)
            statuses.append(response.status_code)
            sets.append(params)
        out[question] = {
            "times_s": times,
            "statuses": statuses,
            "parameters": sets,
            "median_s": statistics.median(times) if times else None,
            "max_s": max(times, default=None),
        }
    return out


def bench_first_asks(
    store: Path,
    site: Site,
    await_replicas: Callable[[httpx.Client, str], tuple[float, bool]],
    *,
    per_question: int = 5,
    seed: int = 0,
    env: Mapping[str, str] | None = None,
    then: Callable[[str], object] | None = None,
) -> dict[str, object]:
    """The first asks on a freshly started ``jixiao serve`` (default settings), right after
    start and once its replicas are ready (``await_replicas`` waits for them); ``then`` is
    called with the server's URL afterwards, while it still runs (its result is ``"then"``)."""
    rng = random.Random(f"jixiao-bench-first-asks:{seed}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(_bin() / "jixiao"), "serve", "--store", str(store), "--port", str(port)]
    asked: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    load_before = os.getloadavg()[0]
    with (
        running(command, f"{url}/healthz", dict(env or {}), seconds=300),
        httpx.Client(base_url=url, timeout=600, trust_env=False) as client,
    ):
        started = time.perf_counter()
        after_start = ask_questions(client, site, asked, per_question=per_question, rng=rng)
        took = time.perf_counter() - started
        waited, ready = await_replicas(client, url)
        answers = await_api_answers(client)
        when_ready = ask_questions(client, site, asked, per_question=per_question, rng=rng)
        after = then(url) if then else None
    return {
        "load_average": [load_before, os.getloadavg()[0]],
        "then": after,
        "per_question": per_question,
        "after_start": after_start,
        "after_start_took_s": took,
        "replica_wait_s": waited,
        "replicas_ready": ready,
        "replicas": when_ready,
        "api_answers": answers,
    }


def await_api_answers(client: httpx.Client, seconds: float = 600) -> dict[str, object]:
    """Waits (``seconds`` at most) until ``/healthz`` says the ``/api`` answers for every
    funding unit are computed (``JIXIAO_API_PRECOMPUTE``): what it said last, and the
    seconds waited here."""
    started = time.perf_counter()
    said: dict[str, object] = {}
    while time.perf_counter() - started < seconds:
        said = client.get("/healthz").json().get("apiAnswers") or {}
        if not said or said.get("computed") == said.get("questions"):
            break
        time.sleep(0.5)
    return {**said, "waited_s": time.perf_counter() - started}


def _bin() -> Path:
    import sys

    return Path(sys.executable).parent


def _ms(seconds: object) -> str:
    return "–" if seconds is None else f"{float(seconds) * 1000:,.0f}"  # type: ignore[arg-type]


def _errors(record: Mapping[str, object]) -> str:
    bad = [s for s in record["statuses"] if s != 200]  # type: ignore[attr-defined]
    return f" ({len(bad)} not 200: {sorted(set(bad))})" if bad else ""


def summary(phase: Mapping[str, Mapping[str, object]]) -> tuple[float, float]:
    """Median and worst of every ask of a phase, all questions together."""
    times = [t for r in phase.values() for t in r["times_s"]]  # type: ignore[attr-defined]
    return (statistics.median(times), max(times)) if times else (0.0, 0.0)


def render_first_asks(runs: Mapping[str, Mapping[str, object]]) -> list[str]:
    """The first-asks table of BENCHMARKS.md: ``runs`` by label (e.g. ``1M synthetic``)."""
    if not runs:
        return []
    per = next(iter(runs.values()))["per_question"]
    lines = [
        "## First asks of the /api questions",
        "",
        f"`python -m jixiao.service.bench --sections first-asks`: each `/api` question asked "
        f"{per} times, one request at a time, each with a random parameter set never asked "
        "before (a pair of years or a year as the question takes them, a random funding unit "
        "for three in four), on a freshly started `jixiao serve` (default settings): *after "
        "start* as soon as it answers (the query workers' replicas still being copied), "
        "*replicas ready* with other sets once both workers answer from their replicas. "
        "Median / worst in ms. Targets: at 1M median ≤ 200 ms and worst ≤ 1 s (replicas "
        "ready); at 5M median ≤ 500 ms.",
        "",
        "| corpus | question | after start: median | worst | replicas ready: median | worst |",
        "|---|---|---|---|---|---|",
    ]
    for label, run in runs.items():
        start: Mapping[str, Mapping[str, object]] = run["after_start"]  # type: ignore[assignment]
        ready: Mapping[str, Mapping[str, object]] = run["replicas"]  # type: ignore[assignment]
        for question in start:
            a, b = start[question], ready[question]
            lines.append(
                f"| {label} | `/api/{question}` | {_ms(a['median_s'])}{_errors(a)} "
                f"| {_ms(a['max_s'])} | {_ms(b['median_s'])}{_errors(b)} | {_ms(b['max_s'])} |"
            )
        (m0, w0), (m1, w1) = summary(start), summary(ready)
        lines.append(f"| {label} | **all** | {_ms(m0)} | {_ms(w0)} | {_ms(m1)} | {_ms(w1)} |")
    lines.append("")
    for label, run in runs.items():
        state = "ready" if run["replicas_ready"] else "NOT ready (answered from disk)"
        lines.append(
            f"- {label}: replicas {state} {float(run['replica_wait_s']):.0f} s after the "  # type: ignore[arg-type]
            f"first asks, which took {float(run['after_start_took_s']):.1f} s" + _load(run)  # type: ignore[arg-type]
        )
        answers = run.get("api_answers")
        if isinstance(answers, Mapping) and answers.get("questions"):
            lines.append(
                f"  The `/api` answers for every funding unit ({answers['questions']} questions) "
                f"were computed {float(answers.get('seconds') or 0):.0f} s after start "
                f"({answers['computed']} of them when the second asks began, after "
                f"{float(answers['waited_s']):.0f} s more)."
            )
    return lines


def _load(run: Mapping[str, object]) -> str:
    load = run.get("load_average")
    if not isinstance(load, list) or len(load) < 2:
        return "."
    return f"; load average {load[0]:.1f} before, {load[1]:.1f} after ({os.cpu_count()} CPUs)."
