"""``make bench``'s command-line section: whole processes, side by side with pyshacl-turbo.

What a CI pipeline waits for is the process, start-up included. For a seed table this times
``jixiao validate TABLE --year Y`` against ``pyshacl-turbo`` (a Rust SHACL engine with
pySHACL's command line) validating the same graph — the table already mapped, with the
vocabulary, as N-Triples — against the same shapes, and ``jixiao --help``. The commands run
interleaved, ``runs`` rounds after one warm-up round, and each figure is the median (as
hyperfine reports). jixiao runs twice: with its compiled-shapes cache (``JIXIAO_CACHE_DIR``,
the steady state, also of a CI job that keeps the folder) and without (a cold start).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.source import map_source
from jixiao.ontology import vocabulary_graph
from jixiao.service.pipeline.load import seed_files
from jixiao.shapes.validate import shapes_graph

__all__ = ["HELP_TARGET_S", "TURBO_RATIO_TARGET", "bench_cli", "render_cli"]

TURBO_RATIO_TARGET = 1.0  # jixiao validate no slower than pyshacl-turbo (issue 18)
HELP_TARGET_S = 0.3
BIN = Path(sys.executable).parent


def _turbo() -> str | None:
    found = BIN / "pyshacl-turbo"
    return str(found) if found.exists() else shutil.which("pyshacl-turbo")


def _time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def bench_cli(folder: Path, runs: int = 10, year: int = 2023) -> dict[str, object]:
    """Medians of ``runs`` interleaved rounds (seconds), and the commands timed."""
    data, name, _ = next(s for s in seed_files() if s[2] == year)
    table = folder / name
    table.write_bytes(data)
    mapped = map_source(data, name, year, IriMinter()).combined()
    mapped += vocabulary_graph()
    graph_file, shapes_file = folder / "mapped.nt", folder / "shapes.ttl"
    graph_file.write_text(mapped.serialize(format="nt"), encoding="utf-8")
    shapes_graph().serialize(shapes_file, format="turtle")
    env = dict(os.environ, JIXIAO_CACHE_DIR=str(folder / "cache"))
    cold = dict(os.environ, JIXIAO_CACHE_DIR="")
    jixiao = [str(BIN / "jixiao"), "validate", str(table), "--year", str(year)]
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "jixiao_validate": (jixiao, env),
        "jixiao_validate_cold": (jixiao, cold),
        "jixiao_help": ([str(BIN / "jixiao"), "--help"], env),
    }
    turbo = _turbo()
    if turbo is not None:
        turbo_command = [turbo, "-s", str(shapes_file), "-w", str(graph_file)]
        commands["pyshacl_turbo"] = (turbo_command, env)
    times: dict[str, list[float]] = {key: [] for key in commands}
    load_before = os.getloadavg()[0]
    for round_ in range(runs + 1):
        for key, (command, command_env) in commands.items():
            seconds = _time(command, command_env)
            if round_ > 0:  # the first round warms the page cache and fills jixiao's
                times[key].append(seconds)
    medians = {key: statistics.median(values) for key, values in times.items()}
    result: dict[str, object] = {
        "seed": name,
        "triples": len(mapped),
        "runs": runs,
        "load_average": [load_before, os.getloadavg()[0]],  # 1-minute, before and after
        "median_s": medians,
        "runs_s": times,
        "commands": {
            key: " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command))
            for key, (command, _) in commands.items()
        },
    }
    if "pyshacl_turbo" in medians:
        result["ratio"] = medians["jixiao_validate"] / medians["pyshacl_turbo"]
        result["ratio_cold"] = medians["jixiao_validate_cold"] / medians["pyshacl_turbo"]
    return result


def _load(cli: dict[str, object]) -> str:
    load = cli.get("load_average")
    if not isinstance(load, list):
        return ""
    return (
        f" The machine's load average was {load[0]:.1f} before and {load[1]:.1f} after "
        f"(on {os.cpu_count()} CPUs): compare the ratios, not the times."
    )


def render_cli(cli: dict[str, object]) -> list[str]:
    """The section of BENCHMARKS.md."""
    medians: dict[str, float] = cli["median_s"]  # type: ignore[assignment]
    lines = [
        "## The command line",
        "",
        f"Whole processes, start-up included: median of {cli['runs']} interleaved rounds "
        f"after a warm-up round, for {cli['seed']} ({cli['triples']} triples mapped, "
        "with the vocabulary). pyshacl-turbo validates that mapped graph (N-Triples) with "
        "jixiao's shapes; jixiao reads and maps the table itself. *warm*: with the compiled "
        "shapes' cache; *cold*: without (`JIXIAO_CACHE_DIR=`)." + _load(cli),
        "",
        "| command | median (ms) |",
        "|---|---|",
    ]
    labels = {
        "jixiao_validate": "`jixiao validate TABLE --year Y` (warm)",
        "jixiao_validate_cold": "`jixiao validate TABLE --year Y` (cold)",
        "pyshacl_turbo": "`pyshacl-turbo -s shapes.ttl -w mapped.nt`",
        "jixiao_help": "`jixiao --help`",
    }
    for key, label in labels.items():
        if key in medians:
            lines.append(f"| {label} | {medians[key] * 1000:,.0f} |")
    lines.append("")
    if "ratio" in cli:
        ok = "met" if float(cli["ratio"]) <= TURBO_RATIO_TARGET else "missed"  # type: ignore[arg-type]
        lines.append(
            f"- jixiao ÷ pyshacl-turbo: {cli['ratio']:.2f} warm, {cli['ratio_cold']:.2f} cold "
            f"(target ≤ {TURBO_RATIO_TARGET:.1f} warm: {ok})"
        )
    help_ok = "met" if medians["jixiao_help"] <= HELP_TARGET_S else "missed"
    lines.append(
        f"- `jixiao --help`: {medians['jixiao_help']:.3f} s (target < {HELP_TARGET_S} s: {help_ok})"
    )
    return lines
