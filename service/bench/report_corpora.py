"""BENCHMARKS.md's sections of issue 15: both corpora's ingest, the mixed load, the first
asks, the anchor (Oxigraph in memory), growth with size, and their targets at 1M."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from jixiao.service.bench.anchor import ANCHOR_TARGET, render_anchor
from jixiao.service.bench.first_asks import FIRST_ASK_TARGETS, render_first_asks, summary
from jixiao.service.bench.mixed import render_mixed
from jixiao.service.bench.recovery import PAGE_LIMIT_S, WITHIN_S, recovery_met, render_recovery
from jixiao.service.bench.report import INGEST_1M_S, P99_S
from jixiao.service.bench.warmup import render_warmup, warmup_target

__all__ = ["corpus_targets", "render_corpora"]

Corpora = Mapping[str, Mapping[str, Mapping[str, Any]]]


def _ordered(sizes: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    """The sizes, smallest corpus first (a --merge run may have added a smaller one last)."""
    return sorted(sizes.items(), key=lambda item: (item[1].get("ingest") or {}).get("triples", 0))


def render_corpora_ingest(corpora: Corpora) -> list[str]:
    """The ingest of both corpora, for BENCHMARKS.md."""
    lines = [
        "## Ingest of both bench corpora",
        "",
        "*synthetic*: tables written from word pools (`python -m jixiao.ingest.synthetic`); "
        "*seeded*: the two real seed tables multiplied across departments and budget years "
        "2019–2025 (`python -m jixiao.ingest.synthetic --from-seeds`: renamed departments, "
        "drifting project names, varied indicator numbers, arithmetic kept, the seeds' "
        "artefacts kept). `jixiao ingest CORPUS` in a child process: read, map, validate, "
        "load, link the series and compute the cross-year facts. Target at 1M: under "
        f"{INGEST_1M_S:g} s.",
        "",
        "| corpus | size | files | triples | ingest (s) | of which linking and facts (s) "
        "| measured (UTC, commit, load average) |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, sizes in corpora.items():
        for label, size in _ordered(sizes):
            ingest, stamp = size.get("ingest") or {}, size.get("started", {})
            if not ingest:
                continue
            lines.append(
                f"| {kind} | {label} | {ingest.get('documents', size.get('files', '–'))} "
                f"| {ingest['triples']:,} | {ingest['seconds']:.1f} | {ingest['link_s']:.1f} "
                f"| {stamp.get('measured_at', '–')}, {stamp.get('commit', '–')}, "
                f"{stamp.get('load_average', 0):.1f} |"
            )
    return lines


def corpus_targets(corpora: Corpora) -> list[str]:
    """The "Targets at 1M" lines of issue 15, per corpus, met or NOT met."""
    lines = []
    for kind, sizes in corpora.items():
        for label in ("1M", "5M"):
            size = sizes.get(label)
            if not size:
                continue
            mixed, asks, anchor = size.get("mixed"), size.get("first_asks"), size.get("anchor")
            if mixed and label == "1M":
                p99, errors = mixed["overall"]["p99"], sum(mixed["overall"]["errors"].values())
                over = _left_over(mixed)
                met = errors == 0 and p99 <= P99_S and not over
                lines.append(
                    f"- {label} {kind}, {mixed['clients']} clients asking different questions: "
                    f"{errors} errors, p99 {p99:.2f} s{_left_said(mixed)} (target 0 errors, "
                    f"p99 ≤ {P99_S:g} s, and none left having waited longer) — "
                    f"{'met' if met else 'NOT met'}."
                )
            elif mixed:
                p99, errors = mixed["overall"]["p99"], sum(mixed["overall"]["errors"].values())
                lines.append(
                    f"- {label} {kind}, {mixed['clients']} clients asking different questions "
                    f"(reported): {errors} errors, p99 {p99:.2f} s{_left_said(mixed)}."
                )
            if mixed and mixed.get("recovery"):
                lines.append(_recovery_target(f"{label} {kind}", mixed))
            if asks and label in FIRST_ASK_TARGETS:
                median, worst = summary(asks["replicas"])
                top_median, top_worst = FIRST_ASK_TARGETS[label]
                met = median <= top_median and (top_worst is None or worst <= top_worst)
                wanted = f"median ≤ {top_median * 1000:.0f} ms" + (
                    f", worst ≤ {top_worst:g} s" if top_worst else ""
                )
                phase = (
                    "replicas ready"
                    if asks.get("replicas_ready", True)
                    else "second round; replicas off, answered from disk"
                )
                lines.append(
                    f"- {label} {kind}, first asks of the /api questions ({phase}): "
                    f"median {median * 1000:,.0f} ms, worst {worst * 1000:,.0f} ms (target "
                    f"{wanted}) — {'met' if met else 'NOT met'}."
                )
            if anchor:
                worst_name, worst_q = max(
                    anchor["queries"].items(), key=lambda kv: kv[1]["vs_memory"]
                )
                ratio = worst_q["vs_memory"]
                lines.append(
                    f"- {label} {kind}, every canned query over HTTP within {ANCHOR_TARGET:g}× "
                    f"of bare Oxigraph in memory: worst {ratio:.2f}× ({worst_name}) — "
                    f"{'met' if ratio <= ANCHOR_TARGET else 'NOT met'}."
                )
                late = warmup_target(anchor["warmup"]) if anchor.get("warmup") else None
                if late is not None and label == "1M":
                    lines.append(
                        f"- {label} {kind}, the same from 30 s after start, under one client's "
                        f"load: worst {late[0]:.2f}× ({late[1]}) — "
                        f"{'met' if late[0] <= ANCHOR_TARGET else 'NOT met'}."
                    )
            ingest = size.get("ingest")
            if ingest and label == "1M":
                seconds = float(ingest["seconds"])
                lines.append(
                    f"- {label} {kind}, ingest including linking and facts under "
                    f"{INGEST_1M_S:g} s: {seconds:.1f} s — "
                    f"{'met' if seconds < INGEST_1M_S else 'NOT met'}."
                )
    return lines


def _left_over(mixed: Mapping[str, Any]) -> int:
    """Requests left mid-request at the burst's end that had waited longer than the p99
    target: not in the percentiles (never answered), but over the target all the same."""
    return sum(1 for waited in mixed.get("left_waited", []) if waited > P99_S)


def _left_said(mixed: Mapping[str, Any]) -> str:
    left = sum(mixed.get("left", {}).values())
    if not left:
        return ""
    return (
        f" over the answered; {left} left mid-request when the burst ended, "
        f"{_left_over(mixed)} of them after waiting more than {P99_S:g} s"
    )


def _recovery_target(label: str, mixed: Mapping[str, Any]) -> str:
    r = mixed["recovery"]
    after = r["recovered_after_s"]
    back = (
        f"not back within the {r['watched_s']:g} s watched"
        if after is None
        else f"every page from {after:.2f} s on"
    )
    return (
        f"- {label}, after the burst (its {sum(mixed.get('left', {}).values())} clients "
        f"waiting left mid-request) /id/ pages in under {PAGE_LIMIT_S:g} s within "
        f"{WITHIN_S:g} s: {back} ({len(r['probes'])} pages asked every {r['every_s']:g} s, "
        f"median {r['median_s'] * 1000:,.0f} ms, worst {r['max_s'] * 1000:,.0f} ms) — "
        f"{'met' if recovery_met(r) else 'NOT met'}."
    )


def _growth(corpora: Corpora) -> list[str]:
    rows = []
    for kind, sizes in corpora.items():
        measured = [(label, s) for label, s in _ordered(sizes) if s.get("ingest")]
        for (a, small), (b, large) in itertools.pairwise(measured):
            grow = large["ingest"]["triples"] / small["ingest"]["triples"]

            def times(get: Any, small: Any = small, large: Any = large) -> str:
                try:
                    return f"{get(large) / get(small):.2f}"
                except (KeyError, TypeError, ZeroDivisionError):
                    return "–"

            def asks(s: Any) -> float:
                return summary(s["first_asks"]["replicas"])[0]

            rows.append(
                f"| {kind} | {a} → {b} | {grow:.1f} "
                f"| {times(lambda s: s['ingest']['seconds'] / s['ingest']['triples'])} "
                f"| {times(asks)} | {times(lambda s: s['mixed']['overall']['median'])} "
                f"| {times(lambda s: s['mixed']['overall']['p99'])} "
                f"| {times(lambda s: s['mixed']['overall']['throughput'])} |"
            )
    if not rows:
        return []
    return [
        "## Growth with size: ingest, first asks and the mixed load",
        "",
        "Between consecutive sizes of each corpus: *size ×* the growth in triples; *ingest "
        "per triple ×* the growth of ingest time per triple (1: linear); the others how many "
        "times longer (or, for req/s, more) the figure is at the larger size.",
        "",
        "| corpus | from → to | size × | ingest per triple × | first-ask median × "
        "| mixed p50 × | mixed p99 × | mixed req/s × |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ]


def render_corpora(results: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The target lines and the sections of issue 15 from ``results["corpora"]``."""
    corpora: Corpora = results.get("corpora", {})
    if not corpora:
        return [], []

    def runs(key: str) -> dict[str, Mapping[str, Any]]:
        return {
            f"{label} {kind}": size[key]
            for kind, sizes in corpora.items()
            for label, size in _ordered(sizes)
            if size.get(key)
        }

    sections: list[str] = [*render_corpora_ingest(corpora), ""]
    for part in (
        render_mixed(runs("mixed")),
        render_recovery(runs("mixed")),
        render_first_asks(runs("first_asks")),
    ):
        if part:
            sections += [*part, ""]
    anchor = render_anchor(runs("anchor"))
    if anchor:
        warmups = {label: run["warmup"] for label, run in runs("anchor").items() if "warmup" in run}
        sections += [*anchor, "", *render_warmup(warmups, ANCHOR_TARGET)]
    sections += _growth(corpora)
    return corpus_targets(corpora), sections
