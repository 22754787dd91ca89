"""The seed-multiplied bench corpus: deterministic, valid, the arithmetic kept, the seeds'
artefacts kept, departments renamed, projects recurring (some renamed) and linked."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.series import ProjectInfo, link_series
from jixiao.ingest.mapping import MappedDocument, map_table
from jixiao.ingest.model import SourceTable
from jixiao.ingest.reader import read_table
from jixiao.ingest.synthetic import main as synthetic_main
from jixiao.ingest.synthetic.seeded import (
    YEARS,
    generate_seeded_corpus,
    plan_seeded,
    seeded_table,
)
from jixiao.ingest.targets import parse_target
from jixiao.shapes.validate import validate_documents

DEPARTMENTS = 2


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_seeded_corpus(tmp_path_factory.mktemp("seeded"), departments=DEPARTMENTS)


@pytest.fixture(scope="module")
def tables(corpus: list[Path]) -> list[tuple[Path, SourceTable, MappedDocument]]:
    minter = IriMinter()
    out = []
    for path in corpus:
        table = read_table(path.read_bytes(), path.name)
        out.append((path, table, map_table(table, int(path.stem[-4:]), minter)))
    return out


def test_one_table_per_department_and_year_the_same_bytes_each_time(
    corpus: list[Path], tmp_path: Path
) -> None:
    assert [p.name for p in corpus] == [
        f"seeded-{k:03d}-{y}.txt" for k in range(DEPARTMENTS) for y in YEARS
    ]
    again = generate_seeded_corpus(tmp_path, departments=DEPARTMENTS)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in corpus]
    other = plan_seeded(DEPARTMENTS, seed=1)[1]
    assert seeded_table(other, 2021, seed=1) != corpus[DEPARTMENTS * 0 + 9].read_text("utf-8")


def test_every_table_validates_without_a_violation(
    tables: list[tuple[Path, SourceTable, MappedDocument]],
) -> None:
    reports = validate_documents([m for _, _, m in tables], base_iri=IriMinter().base)
    for (path, _, _), report in zip(tables, reports, strict=True):
        assert report.counts["Violation"] == 0, path.name
        assert report.conforms, path.name


def test_the_arithmetic_is_kept(tables: list[tuple[Path, SourceTable, MappedDocument]]) -> None:
    for path, table, _ in tables:
        for row in (*table.projects, *table.units):
            total, fiscal, special, other = row.amounts.as_tuple()
            assert total == fiscal + special + other > 0, (path.name, row)
        for unit in table.units:
            rows = [p.amounts.as_tuple() for p in table.projects if p.unit is unit]
            sums = [sum(column, Decimal(0)) for column in zip(*rows, strict=True)]
            assert sums == list(unit.amounts.as_tuple()), (path.name, unit.name)
        assert table.total is not None
        units = [u.amounts.as_tuple() for u in table.units]
        sums = [sum(column, Decimal(0)) for column in zip(*units, strict=True)]
        assert sums == list(table.total.amounts.as_tuple()), path.name


def test_the_seeds_artefacts_are_kept(corpus: list[Path]) -> None:
    raw = "".join(p.read_text("utf-8") for p in corpus)
    assert re.search(r"<p>\d{1,3}(, \d{3})*\. \d{2}</p>", raw)  # "2, 501. 00"
    assert "<p>1、产出指标：" in raw and "\n\n" in raw
    assert "年度指标值：" in raw and "年度指标值:" in raw  # both layouts


def test_departments_and_their_units_are_renamed(
    tables: list[tuple[Path, SourceTable, MappedDocument]],
) -> None:
    departments = {t.department for _, t, _ in tables}
    assert len(departments) == DEPARTMENTS and "广州市科学技术协会" in departments
    units_of: dict[str, set[str]] = {}
    for _, table, _ in tables:
        units_of.setdefault(table.department, set()).update(u.name for u in table.units)
    first, second = units_of.values()
    assert not first & second  # no funding unit shared between departments
    renamed = next(d for d in departments if d != "广州市科学技术协会")
    assert renamed in units_of[renamed]


def test_years_and_indicator_numbers_move(
    tables: list[tuple[Path, SourceTable, MappedDocument]],
) -> None:
    names_2019 = {p.name for path, t, _ in tables if path.stem.endswith("2019") for p in t.projects}
    assert any("2019-2020" in n for n in names_2019), names_2019
    assert not any("2023-2024" in n for n in names_2019)
    targets: dict[tuple[str, str, str, int], list[Decimal | None]] = {}
    for _path, table, _ in tables:
        for project in table.projects:
            for indicator in project.indicators:
                key = (table.department, project.unit.name, project.name, indicator.position)
                targets.setdefault(key, []).append(parse_target(indicator.annual).value)
    changes = Counter(
        "same" if a == b else "changed"
        for values in targets.values()
        for a, b in pairwise(values)
        if a is not None and b is not None
    )
    assert changes["same"] > 20 and changes["changed"] > 20, changes


def test_projects_recur_some_renamed_and_are_linked(
    tables: list[tuple[Path, SourceTable, MappedDocument]],
) -> None:
    minter = IriMinter()
    projects = []
    for path, table, _ in tables:
        iri = minter.document(table.department, int(path.stem[-4:]))
        for row in table.projects:
            projects.append(
                ProjectInfo(
                    str(minter.project(iri, row.row_number)),
                    table.department,
                    row.unit.name,
                    int(path.stem[-4:]),
                    row.row_number,
                    row.name,
                )
            )
    series = link_series(projects)
    recurring = [s for s in series if len({p.year for p in s.members}) >= 3]
    assert len(recurring) > 20
    renamed = [s for s in recurring if len({p.name for p in s.members}) > 1]
    assert renamed, "no project drifted in name and was still linked"
    counts = Counter(len({p.year for p in s.members}) for s in series)
    assert counts[len(YEARS)] > 0 and sum(n for k, n in counts.items() if k < len(YEARS)) > 0


def test_the_size_asked_for_and_the_command_line(tmp_path: Path) -> None:
    plan = plan_seeded(31)
    assert len({d.name for d in plan}) == 31  # the 31 departments × 2019–2025
    written = generate_seeded_corpus(tmp_path / "a", triples=60_000)
    assert len(written) % len(YEARS) == 0 and 1 <= len(written) // len(YEARS) <= 3
    minter = IriMinter()
    mapped = sum(
        len(map_table(read_table(p.read_bytes(), p.name), int(p.stem[-4:]), minter).triples)
        for p in written
    )
    assert 50_000 <= mapped <= 95_000
    assert synthetic_main([str(tmp_path / "b"), "--triples", "30000", "--from-seeds"]) == 0
    assert sorted(p.name for p in (tmp_path / "b").iterdir())[0] == "seeded-000-2019.txt"
