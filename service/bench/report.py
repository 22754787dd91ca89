"""BENCHMARKS.md from the benchmark's results (see :mod:`.bench`, :mod:`.scale`)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from jixiao.service.bench.cli import render_cli

__all__ = ["render"]

# Targets of issue #6, checked against each run's figures.
HTTP_VS_OXIGRAPH = 1.5  # every canned query over HTTP within 1.5× of bare Oxigraph (at 1M)
VS_RDFLIB = 20.0  # and at least 20× faster than rdflib in memory
REPLICA_WAIT_S = 300.0  # how long the bench waits for the query workers' replicas
INGEST_1M_S = 60.0
P99_S = 3.0


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.1f}"


def _s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:,.2f}"


def _seeds(rows: list[Mapping[str, Any]]) -> list[str]:
    lines = [
        "## The seed tables",
        "",
        "Medians of 5, side by side. *validate* is the compiled shapes on Oxigraph (the default "
        "engine); *pySHACL* the reference engine on the same graph; *CLI* is `jixiao validate "
        "FILE --year Y` end to end (process start included). Ingest = read, map, validate, "
        "load and link, into a fresh store.",
        "",
        "| seed | projects | indicators | triples | read+map (ms) | validate (ms) "
        "| pySHACL (ms) | CLI validate (ms) | ingest, disk (ms) | ingest, memory (ms) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['seed']} | {r['projects']} | {r['indicators']} | {r['triples']} "
            f"| {_ms(r['read_map_s'])} | {_ms(r['validate_s'])} "
            f"| {_ms(r.get('validate_pyshacl_s'))} | {_ms(r.get('validate_cli_s'))} "
            f"| {_ms(r['ingest_disk_s'])} | {_ms(r['ingest_memory_s'])} |"
        )
    return lines


def _ingest(sizes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = [
        "## Ingest, validation and linking of synthetic corpora",
        "",
        "`jixiao ingest CORPUS` in a child process (read, map and validate in 2 worker "
        "processes, load batch by batch, link once); peak memory is the largest resident set "
        "of the loader and of a worker. Validation alone is re-measured on the mapped "
        "documents (median of 3; 1 at 5M); linking is one full rebuild of the series graph "
        "(median of 3).",
        "",
        "| size | files | triples | rows | ingest (s) | triples/s | rows/s | peak MB "
        "(loader / worker) | validation (s) | linking (s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, size in sizes.items():
        ingest, validation, linking = size["ingest"], size["validation"], size["linking"]
        seconds = float(ingest["seconds"])
        lines.append(
            f"| {label} | {size['files']} | {ingest['triples']:,} | {ingest['rows']:,} "
            f"| {_s(seconds)} | {ingest['triples'] / seconds:,.0f} "
            f"| {ingest['rows'] / seconds:,.0f} "
            f"| {ingest['peak_rss_mb']:,.0f} / {ingest['peak_worker_rss_mb']:,.0f} "
            f"| {_s(validation['median_s'])} | {_s(linking['median_s'])} |"
        )
    return lines


def _replicas(size: Mapping[str, Any]) -> str:
    """What the HTTP column timed: in-memory replicas, or on-disk snapshots if no replica was
    in use when timing began (older results carry no flag: then the wait ran to its cap)."""
    if "replica_ready_s" not in size:
        return "timed once both query workers answer from their in-memory replicas"
    waited = size["replica_ready_s"]
    if size.get("replicas_ready", waited < REPLICA_WAIT_S - 1):
        return (
            "timed once both query workers answer from their in-memory replicas "
            f"({waited:.0f} s after the server started)"
        )
    return (
        "timed from the query workers' on-disk snapshots: no in-memory replica was in use "
        f"{waited:.0f} s after the server started (a store of more than "
        "`JIXIAO_QUERY_REPLICA_MAX_TRIPLES` quads, 5M by default, is not copied)"
    )


def _queries(label: str, size: Mapping[str, Any]) -> list[str]:
    queries = size["queries"]
    rdflib = queries.get("rdflib", {}).get("queries", {})
    runs = max(record.get("runs", 0) for record in queries["in_process"].values())
    lines = [
        f"### {label}: {size['ingest']['triples']:,} triples",
        "",
        f"Median (p95) in ms of {runs} runs after a warm-up; rdflib one run. *×Oxigraph* = "
        "jixiao over HTTP ÷ bare Oxigraph (target ≤ 1.5); *rdflib÷* = rdflib ÷ jixiao over "
        "HTTP (target ≥ 20; “>” where rdflib did not finish in its limit). *In process* "
        "is Oxigraph on the on-disk store; *jixiao HTTP* is `jixiao serve`, "
        + _replicas(size)
        + ", each run a new text so that no answer comes from the answer cache; *bare "
        "Oxigraph* is `oxigraph serve-read-only` on the same store on disk.",
        "",
        "| query | rows | in process | jixiao HTTP | bare Oxigraph | rdflib | ×Oxigraph "
        "| rdflib÷ |",
        "|---|---|---|---|---|---|---|---|",
    ]
    if "rdflib" in queries:
        lines.insert(4, f"rdflib loaded the dump in {_s(queries['rdflib']['load_s'])} s.\n")
    for name, local in queries["in_process"].items():
        http, bare = queries["http"][name], queries["oxigraph"][name]
        ratio = http["median_s"] / bare["median_s"] if bare["median_s"] else float("nan")
        baseline = rdflib.get(name)
        if baseline is None:
            rdf, speedup = "–", "–"
        elif "more_than_s" in baseline:
            rdf = f"> {baseline['more_than_s'] * 1000:,.0f}"
            speedup = f"> {baseline['more_than_s'] / http['median_s']:,.0f}"
        else:
            rdf = _ms(baseline["median_s"])
            speedup = f"{baseline['median_s'] / http['median_s']:,.0f}"
        rows = local["rows"]
        agree = "" if rows == http["rows"] == bare["rows"] else " ≠"
        lines.append(
            f"| {name} | {rows}{agree} | {_ms(local['median_s'])} ({_ms(local['p95_s'])}) "
            f"| {_ms(http['median_s'])} ({_ms(http['p95_s'])}) "
            f"| {_ms(bare['median_s'])} ({_ms(bare['p95_s'])}) | {rdf} | {ratio:.2f} "
            f"| {speedup} |"
        )
    return lines


def _load(sizes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = [
        "## Concurrent clients",
        "",
        "A bounded, self-stopping load generator (`python -m jixiao.service.bench.loadgen`) on "
        "loopback against `jixiao serve`: closed-loop clients, each sending its next request "
        "when the last is answered; `/id/` pages (HTML and Turtle) and a canned query. "
        "The canned query is the same text from every client, so after its first evaluation "
        "following a write it is answered from the answer cache, as it would be in service. "
        f"Target: p99 under {P99_S:g} s, zero errors.",
        "",
        "| size | clients | kind | requests | errors | req/s | median (ms) | p95 (ms) | p99 (ms) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, size in sizes.items():
        load = size.get("load")
        if not load:
            continue
        for kind, summary in [("all", load["overall"]), *load["kinds"].items()]:
            lines.append(
                f"| {label} | {load['clients']} | {kind} | {summary['count']:,} "
                f"| {sum(summary['errors'].values())} | {summary['throughput']:,.0f} "
                f"| {_ms(summary['median'])} | {_ms(summary['p95'])} | {_ms(summary['p99'])} |"
            )
    return lines


def _growth(sizes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    labels = list(sizes)
    if len(labels) < 2:
        return []
    lines = [
        "## Growth with size",
        "",
        "Time ratio ÷ size ratio between consecutive sizes: 1 is linear, above 1 "
        "super-linear. Queries: the sum of the medians of every canned query, in process "
        "(on disk at every size) and on bare Oxigraph (the engine alone); over HTTP too, "
        "but a size whose replicas were not ready was answered from disk, so that column "
        "compares unlike things.",
        "",
        "| from → to | size × | ingest | validation | linking | queries in process "
        "| queries, bare Oxigraph | queries over HTTP |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for a, b in itertools.pairwise(labels):
        small, large = sizes[a], sizes[b]
        grow = large["ingest"]["triples"] / small["ingest"]["triples"]

        def ratio(get: Any, small: Any = small, large: Any = large, grow: float = grow) -> str:
            return f"{get(large) / get(small) / grow:.2f}"

        def total(engine: str) -> Any:
            return lambda s: sum(q["median_s"] for q in s["queries"][engine].values())

        lines.append(
            f"| {a} → {b} | {grow:.1f} | {ratio(lambda s: s['ingest']['seconds'])} "
            f"| {ratio(lambda s: s['validation']['median_s'])} "
            f"| {ratio(lambda s: s['linking']['median_s'])} | {ratio(total('in_process'))} "
            f"| {ratio(total('oxigraph'))} | {ratio(total('http'))} |"
        )
    return lines


def _targets(sizes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    size = sizes.get("1M")
    if size is None:
        return []
    queries = size["queries"]
    ratios = [
        queries["http"][n]["median_s"] / queries["oxigraph"][n]["median_s"] for n in queries["http"]
    ]
    lines = ["## Targets at 1M triples", ""]
    lines.append(
        f"- Every canned query over HTTP within {HTTP_VS_OXIGRAPH}× of bare Oxigraph on disk "
        f"(synthetic corpus, row cap lifted): worst "
        f"{max(ratios):.2f}× — {'met' if max(ratios) <= HTTP_VS_OXIGRAPH else 'NOT met'}."
    )
    rdflib = queries.get("rdflib", {}).get("queries", {})
    if rdflib:
        speedups = []
        for name, baseline in rdflib.items():
            ours = queries["http"][name]["median_s"]
            seconds = baseline.get("median_s", baseline.get("more_than_s"))
            speedups.append(seconds / ours)
        lines.append(
            f"- At least {VS_RDFLIB:g}× faster than rdflib in memory: least {min(speedups):,.0f}× "
            f"— {'met' if min(speedups) >= VS_RDFLIB else 'NOT met'}."
        )
    seconds = float(size["ingest"]["seconds"])
    lines.append(
        f"- Ingest of the 1M corpus under {INGEST_1M_S:g} s: {seconds:.1f} s — "
        f"{'met' if seconds < INGEST_1M_S else 'NOT met'}."
    )
    validation = float(size["validation"]["median_s"])
    lines.append(
        f"- Validation of 1M triples under 60 s (issue #3): {validation:.1f} s — "
        f"{'met' if validation < 60 else 'NOT met'}."
    )
    load = size.get("load")
    if load:
        p99 = load["overall"]["p99"]
        errors = sum(load["overall"]["errors"].values())
        met = p99 < P99_S and errors == 0
        lines.append(
            f"- {load['clients']} concurrent clients on pages and one canned query (which the "
            f"answer cache serves): p99 {p99:.2f} s, {errors} errors — "
            f"{'met' if met else 'NOT met'}."
        )
    return lines


def _when(sizes: Mapping[str, Mapping[str, Any]]) -> str:
    """When the synthetic corpora's sections (ingest, canned queries, one-query load) were
    measured: a run with ``--merge`` may keep them from an earlier run."""
    said = []
    for label, size in sizes.items():
        started = size.get("started")
        when = (
            f"{started['measured_at']} at {started['commit']}, load average "
            f"{started['load_average']:.1f}"
            if started
            else "an earlier run (no date recorded)"
        )
        said.append(f"{label} {when}")
    return (
        "The sections *Ingest, validation and linking of synthetic corpora*, *Canned queries* "
        "and *Concurrent clients* (and the first lines of the targets) were measured: "
        + "; ".join(said)
        + ". The sections of issue 15 (both corpora) say when they were measured."
    )


def render(
    results: Mapping[str, Any], targets: list[str] | None = None, sections: list[str] | None = None
) -> str:
    """The whole BENCHMARKS.md; ``targets``: more lines of the targets at 1M; ``sections``:
    more sections, before the growth with size."""
    machine = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` ({machine['cpus']} CPUs, {machine['machine']}, Python "
        f"{machine['python']}). Every figure of one table was measured side by side in one "
        "run; the machine is noisy, so compare ratios within a run, not numbers across runs. "
        "Raw figures: `bench-results.json`.",
        "",
    ]
    sizes = results.get("sizes", {})
    if sizes and results.get("corpora"):
        lines += [_when(sizes), ""]
    found = [*_targets(sizes), *(targets or [])]
    if found and not found[0].startswith("## "):
        found.insert(0, "")
        found.insert(0, "## Targets at 1M triples")
    lines += [*found, ""]
    if results.get("seeds"):
        lines += [*_seeds(results["seeds"]), ""]
    if results.get("cli"):
        lines += [*render_cli(results["cli"]), ""]
    if sizes:
        lines += [*_ingest(sizes), ""]
        lines += ["## Canned queries", ""]
        for label, size in sizes.items():
            lines += [*_queries(label, size), ""]
        lines += [*_load(sizes), ""]
    lines += [*(sections or []), ""]
    if sizes:
        lines += [*_growth(sizes), ""]
    return "\n".join(lines).rstrip() + "\n"
