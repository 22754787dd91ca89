"""`jixiao ingest` of the real tables in the national layouts, as a CI script calls it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl

REAL = Path(__file__).parents[1] / "data" / "real-tables"
# file → what the ingest says it loaded: funding units, projects, indicators, triples
LOADED = {
    "zhanjiang-rsj-2024-dept-overall.xlsx": (2024, 0, 0, 19, 422),
    "zhanjiang-rsj-2023-dept-overall.xlsx": (2023, 0, 0, 16, 371),
    "wuhan-donghu-rsj-2020-project-application.xlsx": (2020, 1, 1, 13, 425),
    "chongqing-yuzhong-jiuye-2021-project-selfeval.xlsx": (2021, 1, 1, 16, 417),
}
PER_DOCUMENT = """PREFIX jx: <https://w3id.org/jixiao/ontology#>
SELECT ?year ?kind (COUNT(DISTINCT ?i) AS ?indicators) (COUNT(DISTINCT ?t) AS ?tasks)
       (COUNT(DISTINCT ?a) AS ?actuals)
WHERE { ?d a jx:BudgetDocument , ?kind ; jx:budgetYear ?year .
        FILTER (?kind != jx:BudgetDocument)
        { ?d jx:hasIndicator ?i } UNION { ?p jx:document ?d ; jx:hasIndicator ?i }
        OPTIONAL { ?d jx:keyTask ?t } OPTIONAL { ?i jx:actualValue ?a } }
GROUP BY ?year ?kind ORDER BY ?year"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "jixiao"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_each_real_table_loads_with_its_counts(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    for name, (year, units, projects, indicators, triples) in LOADED.items():
        done = run("ingest", str(REAL / name), "--store", store)  # the year from the name
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(
            f"loaded {name} ({year}): {units} funding units, {projects} projects, "
            f"{indicators} indicators, {triples} triples into <"
        ), done.stdout
    done = run("query", "--store", store, "--format", "csv", PER_DOCUMENT)
    assert done.returncode == 0, done.stderr
    rows = [
        (r["year"], r["kind"].rsplit("#", 1)[1], r["indicators"], r["tasks"], r["actuals"])
        for r in csv.DictReader(io.StringIO(done.stdout))
    ]
    assert rows == [
        ("2020", "ProjectApplication", "13", "0", "0"),
        ("2021", "SelfEvaluation", "16", "0", "16"),
        ("2023", "DepartmentTargetTable", "16", "3", "0"),
        ("2024", "DepartmentTargetTable", "19", "3", "0"),
    ]


def test_a_sheet_in_no_known_layout_exits_2_naming_file_and_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "人员"
    sheet["A1"], sheet["A2"], sheet["B2"] = "人员名单", "张三", 3
    path = tmp_path / "roster-2024.xlsx"
    book.save(path)
    store = tmp_path / "store"
    done = run("ingest", str(path), "--store", str(store))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("jixiao: roster-2024.xlsx: sheet 人员: not in a known table layout")
    assert "部门整体预算绩效目标表" in lines[0] and "项目支出绩效自评表" in lines[0]
    assert done.stdout == ""


def test_the_readme_shows_what_the_ingest_says(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    shown = [
        line
        for line in readme.splitlines()
        if line.startswith("loaded ") and line.split()[1] in LOADED
    ]
    assert len(shown) == 3
    for line in shown:
        name = line.split()[1]
        done = run("ingest", str(REAL / name), "--store", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
        assert done.stdout.rsplit(" in ", 1)[0] == line.rsplit(" in ", 1)[0]
