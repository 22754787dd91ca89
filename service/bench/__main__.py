"""``make bench``: measured figures, written to BENCHMARKS.md and bench-results.json.

Figures are medians of repeated runs measured side by side in one process; the machine is
noisy, so compare ratios within one run rather than numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.mapping import MappedDocument, map_table
from jixiao.ingest.reader import read_table
from jixiao.service.bench.cli import bench_cli
from jixiao.service.bench.corpora import CORPORA, SECTIONS, bench_corpus, stamp
from jixiao.service.bench.report import render
from jixiao.service.bench.report_corpora import render_corpora
from jixiao.service.bench.scale import bench_size
from jixiao.service.pipeline.load import ingest_bytes, seed_files
from jixiao.service.store.embedded import EmbeddedStore
from jixiao.shapes.validate import validate_document

__all__ = ["main"]

REPEAT = 5
BIN = Path(sys.executable).parent


def _median(run: Callable[[], object], repeat: int = REPEAT) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def bench_seeds() -> list[dict[str, object]]:
    """Per seed: read+map time, and ingest time into a fresh on-disk and in-memory store."""
    minter = IriMinter()
    rows: list[dict[str, object]] = []
    for data, name, year in seed_files():
        table = read_table(data, name)
        mapped = map_table(table, year, minter)

        def read_map_once(d: bytes = data, n: str = name, y: int = year) -> None:
            map_table(read_table(d, n), y, minter)

        read_map, _ = _median(read_map_once)

        def ingest_disk(d: bytes = data, n: str = name, y: int = year) -> None:
            with tempfile.TemporaryDirectory() as tmp:
                store = EmbeddedStore(Path(tmp) / "store")
                ingest_bytes(d, n, y, store, minter)
                store.close()
                del store  # RocksDB ends its background work (compactions) before rmtree

        def ingest_memory(d: bytes = data, n: str = name, y: int = year) -> None:
            ingest_bytes(d, n, y, EmbeddedStore(None), minter)

        def validate_once(m: MappedDocument = mapped) -> None:
            validate_document(m, base_iri=minter.base)

        def validate_reference(m: MappedDocument = mapped) -> None:
            validate_document(m, base_iri=minter.base, engine="pyshacl")

        def validate_cli(d: bytes = data, n: str = name, y: int = year) -> None:
            with tempfile.TemporaryDirectory() as tmp:
                source = Path(tmp) / n
                source.write_bytes(d)
                command = [str(BIN / "jixiao"), "validate", str(source), "--year", str(y)]
                subprocess.run(command, check=True, capture_output=True)

        validation, _ = _median(validate_once)
        reference, _ = _median(validate_reference)
        cli, _ = _median(validate_cli)
        disk, disk_runs = _median(ingest_disk)
        memory, _ = _median(ingest_memory)
        rows.append(
            {
                "seed": name,
                "year": year,
                "units": len(table.units),
                "projects": len(table.projects),
                "indicators": sum(len(p.indicators) for p in table.projects),
                "triples": len(mapped.triples) + len(mapped.organization_triples),
                "read_map_s": read_map,
                "validate_s": validation,
                "validate_pyshacl_s": reference,
                "validate_cli_s": cli,
                "ingest_disk_s": disk,
                "ingest_disk_runs_s": disk_runs,
                "ingest_memory_s": memory,
            }
        )
    return rows


SIZES = {"100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m jixiao.service.bench")
    parser.add_argument(
        "--sizes",
        default=os.environ.get("JIXIAO_BENCH_SIZES", "100k,1M,5M"),
        help="corpus sizes, comma-separated (100k, 1M, 5M); empty for the seeds only",
    )
    parser.add_argument("--rdflib-up-to", default="1M", help="largest size rdflib is run at")
    parser.add_argument("--clients", type=int, default=300, help="load-test clients (0: none)")
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--load-up-to", default="1M", help="largest size the load test runs at")
    parser.add_argument(
        "--sections",
        default="seeds,cli,sizes," + ",".join(SECTIONS),
        help="what to run, comma-separated: seeds, cli (whole jixiao processes beside "
        "pyshacl-turbo), sizes (the synthetic corpus: ingest, validation, linking, canned "
        "queries, 300 clients on one query), and on each corpus of --corpora: first-asks "
        "(each /api question with new parameters on a fresh server), mixed (300 clients "
        "asking different questions), anchor (beside Oxigraph in memory)",
    )
    parser.add_argument(
        "--corpora",
        default=",".join(CORPORA),
        help="the corpora of first-asks, mixed and anchor: synthetic, seeded (the seed "
        "tables multiplied)",
    )
    parser.add_argument("--mixed-seconds", type=float, default=30.0, help="mixed-load seconds")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the figures of --json that this run does not measure again",
    )
    parser.add_argument("--cli-runs", type=int, default=10, help="rounds of the cli section")
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"))
    args = parser.parse_args(argv)
    sections = set(args.sections.split(","))
    unknown = sections - {"seeds", "cli", "sizes", *SECTIONS}
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    labels = [s for s in args.sizes.split(",") if s]
    sizes = labels if "sizes" in sections else []
    per_corpus = sections & set(SECTIONS)
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.machine(),
        },
        "sizes": {},
    }
    if args.merge and args.json.exists():
        results = _merged(json.loads(args.json.read_text(encoding="utf-8")), results)
    if "seeds" in sections:
        results["seeds"] = bench_seeds()
    if "cli" in sections:
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-cli-") as tmp:
            results["cli"] = bench_cli(Path(tmp), runs=args.cli_runs)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        for label in labels:
            triples = _size(label)
            if label in sizes:
                started = stamp()
                results["sizes"][label] = bench_size(
                    triples,
                    Path(tmp),
                    rdflib=triples <= _size(args.rdflib_up_to),
                    load_clients=args.clients if triples <= _size(args.load_up_to) else 0,
                    load_seconds=args.load_seconds,
                    validation_runs=3 if triples <= 1_000_000 else 1,
                    rdflib_skip=_timed_out(results),
                )
                results["sizes"][label]["started"] = started
                _write(results, args.out, args.json)
            for kind in [c for c in args.corpora.split(",") if c] if per_corpus else []:
                reuse = kind == "synthetic" and label in sizes
                found = bench_corpus(
                    kind,
                    triples,
                    Path(tmp),
                    per_corpus,
                    clients=args.clients,
                    seconds=args.mixed_seconds,
                    store=Path(tmp) / f"store-{triples}" if reuse else None,
                    ingest=results["sizes"][label]["ingest"] if reuse else None,
                )
                corpus = results.setdefault("corpora", {}).setdefault(kind, {})
                corpus[label] = measured_over(corpus.get(label, {}), found)
                _write(results, args.out, args.json)
    _write(results, args.out, args.json)
    print(args.out.read_text(encoding="utf-8"))


def measured_over(earlier: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """A corpus size's figures: each section ``found`` measured replaces the earlier one
    whole, the sections it did not measure are kept. (Merged key by key, an earlier run's
    error counts stayed in a section measured again without errors.)"""
    return {**earlier, **found}


def _merged(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``new`` laid over it, dictionaries merged key by key."""
    out = dict(base)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def _timed_out(results: dict[str, object]) -> set[str]:
    """The queries rdflib ran out of time on at the sizes measured so far."""
    names = set()
    for size in results["sizes"].values():  # type: ignore[attr-defined]
        for name, record in size["queries"].get("rdflib", {}).get("queries", {}).items():
            if "more_than_s" in record:
                names.add(name)
    return names


def _size(label: str) -> int:
    """A size: one of :data:`SIZES` or a number of triples."""
    return SIZES[label] if label in SIZES else int(label)


def _write(results: dict[str, Any], out: Path, json_path: Path) -> None:
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    targets, sections = render_corpora(results)
    out.write_text(render(results, targets, sections), encoding="utf-8")


if __name__ == "__main__":
    main()
