"""``make bench``: measured figures, written to BENCHMARKS.md and bench-results.json.

Figures are medians of repeated runs measured side by side in one process; the machine is
noisy, so compare ratios within one run rather than numbers across runs.
"""

from __future__ import annotations

import json
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.mapping import MappedDocument, map_table
from jixiao.ingest.reader import read_table

from .loader import ingest_bytes, seed_files, validate_mapped
from .store import EmbeddedStore

__all__ = ["main"]

REPEAT = 5


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

        def ingest_memory(d: bytes = data, n: str = name, y: int = year) -> None:
            ingest_bytes(d, n, y, EmbeddedStore(None), minter)

        def validate_once(m: MappedDocument = mapped) -> None:
            validate_mapped(m, minter, "bench")

        validation, _ = _median(validate_once)
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
                "ingest_disk_s": disk,
                "ingest_disk_runs_s": disk_runs,
                "ingest_memory_s": memory,
            }
        )
    return rows


def _markdown(rows: list[dict[str, object]]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {platform.machine()} / Python {platform.python_version()}; "
        f"medians of {REPEAT} runs, side by side in one process.",
        "",
        "## Ingest of the seed tables",
        "",
        "Ingest = read + map + load (validation and linking included when present), into a "
        "fresh store each run.",
        "",
        "| seed | year | units | projects | indicators | triples | read+map (ms) "
        "| validate, pySHACL (ms) | ingest, on disk (ms) | ingest, in memory (ms) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['seed']} | {r['year']} | {r['units']} | {r['projects']} | {r['indicators']} "
            f"| {r['triples']} | {float(r['read_map_s']) * 1000:.1f} "  # type: ignore[arg-type]
            f"| {float(r['validate_s']) * 1000:.1f} "  # type: ignore[arg-type]
            f"| {float(r['ingest_disk_s']) * 1000:.1f} "  # type: ignore[arg-type]
            f"| {float(r['ingest_memory_s']) * 1000:.1f} |"  # type: ignore[arg-type]
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    rows = bench_seeds()
    Path("BENCHMARKS.md").write_text(_markdown(rows), encoding="utf-8")
    Path("bench-results.json").write_text(
        json.dumps({"seeds": rows}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(_markdown(rows))


if __name__ == "__main__":
    main()
