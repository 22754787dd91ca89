"""``jixiao validate`` and the validation step of ``jixiao ingest``: reports and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import SH

from jixiao.service.cli import main
from jixiao.service.pipeline.load import seed_files
from jixiao.service.store.factory import open_store
from jixiao.shapes.validate import parse_rdf

SEED_2025 = next(data for data, _, year in seed_files() if year == 2025)
SEED_NAME = "gzast-2025-project-performance-targets.txt"


@pytest.fixture(scope="module")
def seed_2025(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / SEED_NAME
    path.write_bytes(SEED_2025)
    return path


@pytest.fixture(scope="module")
def broken_2025(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2025 seed with one project's 总计 0.01 too high (工作经费, line 13: 13.25 → 13.26)."""
    text = SEED_2025.decode("utf-8")
    assert text.count("\n工作经费\t13.25\t13.25\t") == 1
    path = tmp_path_factory.mktemp("broken") / "broken-2025.txt"
    path.write_text(text.replace("\n工作经费\t13.25\t", "\n工作经费\t13.26\t"), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_seed_conforms_with_warnings(capsys: pytest.CaptureFixture[str], seed_2025: Path) -> None:
    code, out, _ = run(capsys, "validate", str(seed_2025), "--year", "2025")
    assert code == 0
    assert out.startswith(f"{SEED_NAME} (2025): conforms: 0 violations, ")
    assert "project “广州科学馆” (line 22, row 8)" in out
    code, _, _ = run(capsys, "validate", str(seed_2025), "--year", "2025", "--fail-on", "warning")
    assert code == 1


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_rdf_report_formats(capsys: pytest.CaptureFixture[str], seed_2025: Path, fmt: str) -> None:
    code, out, _ = run(capsys, "validate", str(seed_2025), "--year", "2025", "--format", fmt)
    assert code == 0
    graph = parse_rdf(out.encode("utf-8"), fmt)
    assert len(list(graph.subjects(None, SH.ValidationReport))) == 1


def test_a_broken_amount_is_a_violation_naming_the_project(
    capsys: pytest.CaptureFixture[str], broken_2025: Path
) -> None:
    code, out, _ = run(capsys, "validate", str(broken_2025), "--year", "2025")
    assert code == 1
    assert "does not conform: 2 violations" in out
    assert "project “工作经费” (line 13, row 2)" in out
    assert "total 13.26 is not fiscal + special account + other funds = 13.25" in out
    assert "the unit's total 18393.63 is not the sum of its projects, 18393.64" in out


def _count(store_dir: Path, year: int) -> tuple[int, str]:
    store = open_store(str(store_dir), read_only=True)
    query = f"""PREFIX jx: <https://w3id.org/jixiao/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT (COUNT(*) AS ?n) (SAMPLE(?total) AS ?t) WHERE {{
            ?d jx:budgetYear {year} . GRAPH ?d {{ ?s ?p ?o }}
            OPTIONAL {{ ?w rdfs:label "工作经费"@zh ; jx:budgetYear {year} ;
                          jx:amountTotal ?total }} }}"""
    (row,) = list(store.query(query))  # type: ignore[arg-type]
    store.close()
    return int(row["n"].value), row["t"].value if row["t"] is not None else ""


def test_ingest_refuses_a_broken_amount_and_loads_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seed_2025: Path, broken_2025: Path
) -> None:
    store = tmp_path / "store"
    code, out, _ = run(capsys, "ingest", str(seed_2025), "--year", "2025", "--store", str(store))
    assert code == 0, out
    before = _count(store, 2025)
    assert before[0] > 3000
    assert before[1] == "13.25"

    code, out, err = run(
        capsys, "ingest", str(broken_2025), "--year", "2025", "--store", str(store)
    )
    assert code == 1
    assert "project “工作经费” (line 13, row 2)" in out
    assert "total 13.26 is not fiscal + special account + other funds = 13.25" in out
    assert "refused, nothing loaded: 2 violations" in err
    assert _count(store, 2025) == before


def test_ingest_fail_on_warning_refuses_a_seed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seed_2025: Path
) -> None:
    store = tmp_path / "store"
    code, _, err = run(
        capsys, "ingest", str(seed_2025), "--year", "2025", "--store", str(store),
        "--fail-on", "warning",
    )  # fmt: skip
    assert code == 1
    assert "refused, nothing loaded: 0 violations" in err


def test_rdf_files_are_validated_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "dept.ttl"
    path.write_text(
        "<https://example.org/d> a <https://w3id.org/jixiao/ontology#Department> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "部门"@zh .',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert "an instance must be an IRI under the configured base" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["validate", "no-such-file.txt", "--year", "2025"], "no-such-file.txt: no such file"),
        (["validate", "{unnamed}"], "unnamed.txt: no budget year in its name; give --year"),
        (["validate", "{seed}", "--year", "1800"], "not a budget year: 1800"),
        (["validate", "{bad_ttl}"], "not valid turtle RDF"),
        (["validate", "{table}", "--year", "2025"], "table.txt"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    seed_2025: Path,
    argv: list[str],
    expected: str,
) -> None:
    bad_ttl = tmp_path / "bad.ttl"
    bad_ttl.write_text("<a> <b> .", encoding="utf-8")
    table = tmp_path / "table.txt"
    table.write_bytes(b"\xff\xfe not a table")
    unnamed = tmp_path / "unnamed.txt"
    unnamed.write_bytes(SEED_2025)
    paths = {
        "{seed}": str(seed_2025),
        "{bad_ttl}": str(bad_ttl),
        "{table}": str(table),
        "{unnamed}": str(unnamed),
    }
    code, out, err = run(capsys, *(paths.get(a, a) for a in argv))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert expected in err
