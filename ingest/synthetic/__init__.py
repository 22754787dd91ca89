"""A deterministic synthetic corpus of 项目支出绩效目标表, to exercise the pipeline at scale.

:func:`generate_corpus` writes source tables in exactly the text format of ``ingest/seeds/``
(what :func:`~jixiao.ingest.reader.read_table` reads) for many departments × budget years
× funding units × projects × indicators, so that reading, target parsing, mapping, validation,
loading, series linking and querying can be run on 100 k, 1 M or 5 M triples. Only the
random generator ``random.Random`` seeded from the seed decides anything: the same seed
always gives the same bytes, on any machine.

What the tables look like, as in the seeds: Chinese department names (广州市科学技术局,
广州市天河区教育局 …) with one to six funding units each; both indicator layouts (labelled,
as in 2023; coded, as in 2025; a department switches between years); target values such as
``≥95%``, ``\\geq 90%``, ``不少于20场``, ``<2小时``, ``约3000人次``, ``90%-95%``, grade lists and
plain text; extraction artefacts (``<p>`` tags, spaced amounts ``2, 501. 00``, half-width
punctuation). Amounts are kept in hundredths of 万元 (integers), so every 总计 is exactly
财政拨款 + 财政专户拨款 + 其他资金, every unit subtotal the sum of its projects and 合计 the
sum of the units. Across years most projects recur with drifting amounts and targets; some
are renamed in ways the series linker
(:mod:`jixiao.ingest.linking.series`) still links (contract periods, year
and file-number tags, 运维/运行维护, moved quotes, a changed generic word); some are new and
some are discontinued.

:func:`plan_corpus` picks the departments, years, units and projects for a requested number
of triples; :func:`department_tables` is what one department's tables say, year by year
(with each project's lineage, for tests); :func:`write_corpus` renders and writes them one
department at a time, counting the triples :func:`~jixiao.ingest.mapping.map_table` will
give for each.

The work is split by job: :mod:`.vocabulary` (the word pools and target forms),
:mod:`.plan` (departments, years, units and project counts),
:mod:`.tables` (what each table says), :mod:`.render` (a table as source
text) and :mod:`.triple_counts` (what map_table writes per part); this module writes
the corpus and is its public face and command line:

    python -m jixiao.ingest.synthetic OUT_DIR --triples N [--seed S] [--from-seeds]

``--from-seeds`` writes the other bench corpus instead, the real seed tables multiplied
across departments and years (:mod:`.seeded`).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jixiao.ingest.synthetic.plan import CorpusPlan, DepartmentPlan, UnitPlan, plan_corpus
from jixiao.ingest.synthetic.render import render_table
from jixiao.ingest.synthetic.tables import (
    SyntheticIndicator,
    SyntheticProject,
    SyntheticTable,
    SyntheticUnit,
    department_tables,
)
from jixiao.ingest.synthetic.vocabulary import TARGET_FORMS

__all__ = [
    "TARGET_FORMS",
    "CorpusFile",
    "CorpusPlan",
    "DepartmentPlan",
    "SyntheticIndicator",
    "SyntheticProject",
    "SyntheticTable",
    "SyntheticUnit",
    "UnitPlan",
    "department_tables",
    "generate_corpus",
    "main",
    "plan_corpus",
    "render_table",
    "write_corpus",
]


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One written source table."""

    path: Path
    department: str
    year: int
    layout: str
    projects: int
    indicators: int
    triples: int  # what map_table gives for it, counted while writing


def write_corpus(plan: CorpusPlan, out_dir: Path) -> list[CorpusFile]:
    """Write every table of ``plan`` as ``{department slug}-{year}.txt``, and ``manifest.json``.

    One department is held in memory at a time.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[CorpusFile] = []
    for department in plan.departments:
        rng = random.Random(f"jixiao-synthetic-text:{plan.seed}:{department.index}")
        for table in department_tables(department):
            data, triples = render_table(table, rng)
            path = out_dir / f"{department.slug}-{table.year}.txt"
            path.write_bytes(data)
            projects = table.projects
            indicators = sum(len(p.indicators) for p in projects)
            file = CorpusFile(
                path, table.department, table.year, table.layout, len(projects), indicators,
                triples,
            )  # fmt: skip
            files.append(file)
    manifest = {
        "seed": plan.seed,
        "triples": sum(f.triples for f in files),
        "files": [
            {
                "file": f.path.name,
                "department": f.department,
                "year": f.year,
                "layout": f.layout,
                "projects": f.projects,
                "indicators": f.indicators,
                "triples": f.triples,
            }
            for f in files
        ],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (out_dir / "manifest.json").write_text(text, encoding="utf-8")
    return files


def generate_corpus(out_dir: Path, *, triples: int, seed: int = 0) -> list[CorpusFile]:
    """Plan and write a corpus of about ``triples`` mapped triples (see :func:`plan_corpus`)."""
    return write_corpus(plan_corpus(triples, seed=seed), out_dir)


def summary(files: Sequence[CorpusFile]) -> str:
    """One line: files, departments, years, projects, indicators, triples."""
    years = sorted({f.year for f in files})
    span = f"{years[0]}–{years[-1]}" if years else "none"
    return (
        f"{len(files)} files, {len({f.department for f in files})} departments, "
        f"{len(years)} budget years ({span}), {sum(f.projects for f in files):,} projects, "
        f"{sum(f.indicators for f in files):,} indicators, "
        f"~{sum(f.triples for f in files):,} triples"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jixiao.ingest.synthetic",
        description="Write a deterministic synthetic corpus of 项目支出绩效目标表 source tables.",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="directory to write into")
    parser.add_argument(
        "--triples", type=int, required=True, help="about how many mapped triples to produce"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--from-seeds",
        action="store_true",
        help="multiply the real seed tables across departments and years instead "
        "(jixiao.ingest.synthetic.seeded)",
    )
    args = parser.parse_args(argv)
    if args.triples <= 0:
        parser.error("--triples must be positive")
    started = time.perf_counter()
    if args.from_seeds:
        from jixiao.ingest.synthetic.seeded import generate_seeded_corpus

        paths = generate_seeded_corpus(args.out_dir, triples=args.triples, seed=args.seed)
        elapsed = time.perf_counter() - started
        print(f"wrote {len(paths)} tables multiplied from the seeds to {args.out_dir} "
              f"in {elapsed:.1f} s")  # fmt: skip
        return 0
    files = generate_corpus(args.out_dir, triples=args.triples, seed=args.seed)
    elapsed = time.perf_counter() - started
    print(f"wrote {summary(files)} to {args.out_dir} in {elapsed:.1f} s")
    return 0
