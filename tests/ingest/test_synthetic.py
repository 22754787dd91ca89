"""The synthetic corpus: deterministic, readable, the size asked for, valid, linkable."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, pairwise
from pathlib import Path

import pytest

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.names import Method, compare_names
from jixiao.ingest.linking.series import ProjectInfo, link_series
from jixiao.ingest.mapping import MappedDocument, map_table
from jixiao.ingest.model import SourceTable
from jixiao.ingest.reader import read_table
from jixiao.ingest.synthetic import (
    TARGET_FORMS,
    CorpusFile,
    department_tables,
    generate_corpus,
    plan_corpus,
)
from jixiao.ingest.synthetic.vocabulary import DOMAIN_TOPICS, GENERIC_TOPICS, IT_TOPIC
from jixiao.ingest.targets import Comparator, parse_target
from jixiao.ingest.text import clean_text
from jixiao.shapes.validate import validate_document

TRIPLES = 30_000
SEED = 7


@dataclass(frozen=True)
class Document:
    file: CorpusFile
    table: SourceTable
    mapped: MappedDocument

    @property
    def triples(self) -> int:
        return len(self.mapped.triples) + len(self.mapped.organization_triples)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[CorpusFile]:
    return generate_corpus(tmp_path_factory.mktemp("corpus"), triples=TRIPLES, seed=SEED)


@pytest.fixture(scope="module")
def documents(corpus: list[CorpusFile]) -> list[Document]:
    out = []
    for file in corpus:
        table = read_table(file.path.read_bytes(), file.path.name)
        out.append(Document(file, table, map_table(table, file.year)))
    return out


def _contents(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_same_seed_same_bytes(corpus: list[CorpusFile], tmp_path: Path) -> None:
    again = generate_corpus(tmp_path, triples=TRIPLES, seed=SEED)
    assert [f.path.name for f in again] == [f.path.name for f in corpus]
    first = _contents(corpus[0].path.parent)
    assert len(first) == len(corpus) + 1  # and manifest.json
    assert _contents(tmp_path) == first


def test_other_seed_other_corpus(corpus: list[CorpusFile], tmp_path: Path) -> None:
    generate_corpus(tmp_path, triples=TRIPLES, seed=SEED + 1)
    first, other = _contents(corpus[0].path.parent), _contents(tmp_path)
    assert set(first) != set(other) or any(first[name] != other[name] for name in first)


def test_files_carry_department_and_year(corpus: list[CorpusFile]) -> None:
    out_dir = corpus[0].path.parent
    for file in corpus:
        assert re.fullmatch(rf"[a-z0-9-]+-{file.year}\.txt", file.path.name)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [(m["file"], m["department"], m["year"]) for m in manifest["files"]] == [
        (f.path.name, f.department, f.year) for f in corpus
    ]
    assert manifest["triples"] == sum(f.triples for f in corpus)
    assert len({f.department for f in corpus}) >= 3
    years = Counter(f.department for f in corpus)
    assert max(years.values()) >= 3  # some department over several years


def test_every_file_reads_and_maps_to_the_counted_triples(documents: list[Document]) -> None:
    for doc in documents:
        assert doc.table.department == doc.file.department
        assert len(doc.table.projects) == doc.file.projects
        assert sum(len(p.indicators) for p in doc.table.projects) == doc.file.indicators
        assert doc.triples == doc.file.triples, doc.file.path.name
    total = sum(doc.triples for doc in documents)
    assert abs(total - TRIPLES) <= 0.15 * TRIPLES


def test_amounts_add_up_exactly(documents: list[Document]) -> None:
    for doc in documents:
        table = doc.table
        for row in (*table.projects, *table.units):
            total, fiscal, special, other = row.amounts.as_tuple()
            assert total == fiscal + special + other > 0
        for unit in table.units:
            rows = [p.amounts.as_tuple() for p in table.projects if p.unit is unit]
            assert [sum(column, Decimal(0)) for column in zip(*rows, strict=True)] == list(
                unit.amounts.as_tuple()
            )
        assert table.total is not None
        units = [u.amounts.as_tuple() for u in table.units]
        assert [sum(column, Decimal(0)) for column in zip(*units, strict=True)] == list(
            table.total.amounts.as_tuple()
        )


def test_looks_like_the_seeds(documents: list[Document]) -> None:
    records = [r for d in documents for p in d.table.projects for r in p.indicators]
    layouts = Counter(r.layout for r in records)
    assert layouts["labelled"] > 100 and layouts["coded"] > 100
    raw = "".join(d.file.path.read_bytes().decode("utf-8", "replace") for d in documents)
    for artefact in ("<p>", "\\geq", "年度指标值:", "年度指标值：", "财政专户"):
        assert artefact in raw, artefact
    assert re.search(r"<p>\d{1,3}(, \d{3})*\. \d{2}</p>", raw)  # "2, 501. 00"
    targets = [parse_target(r.annual) for r in records]
    comparators = Counter(t.comparator for t in targets)
    for comparator in Comparator:
        assert comparators[comparator] > 0, comparator
    raws = {t.raw for t in targets}
    assert "优、良、中、差" in raws
    assert comparators[None] > len(targets) / 10  # text targets
    sizes = [len(p.indicators) for d in documents for p in d.table.projects]
    assert min(sizes) >= 3 and max(sizes) <= 15
    units = [len(d.table.units) for d in documents]
    assert max(units) <= 6


def test_documents_validate_without_violations(documents: list[Document]) -> None:
    checked = 0
    for layout in ("labelled", "coded"):
        doc = min((d for d in documents if d.file.layout == layout), key=lambda d: d.triples)
        report = validate_document(doc.mapped)
        violations = [r.message("zh") for r in report.results if r.severity == "Violation"]
        assert violations == [], doc.file.path.name
        checked += 1
    assert checked == 2


def test_series_link_recurring_and_renamed_projects(
    corpus: list[CorpusFile], documents: list[Document]
) -> None:
    minter = IriMinter()
    by_file = {d.file.path.name: d for d in documents}
    projects: list[ProjectInfo] = []
    lineage: dict[str, tuple[str, int]] = {}
    for department in plan_corpus(TRIPLES, seed=SEED).departments:
        for synthetic_table in department_tables(department):
            doc = by_file[f"{department.slug}-{synthetic_table.year}.txt"]
            iri = minter.document(doc.table.department, doc.file.year)
            for row, made in zip(doc.table.projects, synthetic_table.projects, strict=True):
                info = ProjectInfo(
                    str(minter.project(iri, row.row_number)), doc.table.department,
                    row.unit.name, doc.file.year, row.row_number, row.name,
                )  # fmt: skip
                projects.append(info)
                lineage[info.iri] = (department.slug, made.lineage)
    assert len(projects) == sum(f.projects for f in corpus)
    series = link_series(projects)
    member_of = {p.iri: i for i, s in enumerate(series) for p in s.members}
    history: dict[tuple[str, int], list[ProjectInfo]] = {}
    for project in projects:
        history.setdefault(lineage[project.iri], []).append(project)
    recurring = renamed = 0
    for rows in history.values():
        rows.sort(key=lambda p: p.year)
        for before, after in pairwise(rows):
            assert member_of[before.iri] == member_of[after.iri], (before.name, after.name)
            recurring += 1
            renamed += before.name != after.name
    assert recurring > 50 and renamed > 10
    for s in series:  # and no series mixes two projects
        assert len({lineage[p.iri] for p in s.members}) == 1, s.label
    methods = Counter(link.method for s in series for link in s.links)
    assert methods[Method.EXACT] and methods[Method.NORMALIZED] and methods[Method.SIMILAR]
    assert len(series) > len(history) / 2  # some new, some discontinued: not one long series


@pytest.mark.parametrize("kind", sorted(TARGET_FORMS))
def test_target_forms_parse_as_declared(kind: str) -> None:
    unit = {"count": "场", "crowd": "人次"}.get(kind, "")
    for pattern, added in TARGET_FORMS[kind]:
        for n, a, b, m in ((90, 80, 95, 3000), (20, 10, 24, 500)):
            text = clean_text(pattern.format(n=n, a=a, b=b, m=m, u=unit))
            t = parse_target(text)
            found = [t.comparator, t.value, t.min_value, t.max_value, t.unit]
            assert sum(v is not None for v in found) == added, text


def test_target_kinds_ran() -> None:
    assert len(TARGET_FORMS) == 16


def test_project_topics_are_not_alike() -> None:
    """No two topics of a department's pool are alike enough for the linker to join them."""
    for domain, topics in DOMAIN_TOPICS.items():
        pool = (*GENERIC_TOPICS, *topics, IT_TOPIC)
        assert len(set(pool)) == len(pool), domain
        for a, b in combinations(pool, 2):
            assert compare_names(f"{a}经费", f"{b}经费")[1] < 0.7, (a, b)


def test_plans_for_the_benchmark_sizes() -> None:
    for triples in (100_000, 1_000_000, 5_000_000):
        plan = plan_corpus(triples, seed=0)
        assert abs(plan.estimated_triples - triples) <= 0.02 * triples
        assert plan == plan_corpus(triples, seed=0)
        assert len({d.slug for d in plan.departments}) == len(plan.departments)
    assert len(plan.departments) > 200 and plan.files > 800
    assert plan_corpus(100_000, seed=1) != plan_corpus(100_000, seed=0)
    with pytest.raises(ValueError):
        plan_corpus(0)


def _command_line(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "jixiao.ingest.synthetic", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_command_line(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    run = _command_line(str(out), "--triples", "5000", "--seed", "3")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 1
    assert re.match(
        r"wrote \d+ files, \d+ departments, \d+ budget years .* ~[\d,]+ triples", lines[0]
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.glob("*.txt")) == sorted(m["file"] for m in manifest["files"])
    bad = _command_line(str(out), "--triples", "0")
    assert bad.returncode == 2 and "--triples" in bad.stderr
