"""The command line as CI scripts call it: exit codes, one-line errors, nothing half-loaded."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.service.cli import main
from jixiao.service.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
SEED_2023 = ROOT / "ingest" / "seeds" / "gzast-2023-project-performance-targets.txt"
SEED_2025 = ROOT / "ingest" / "seeds" / "gzast-2025-project-performance-targets.txt"
MINI = Path(__file__).parents[1] / "data" / "mini-2024.txt"
COUNTS = """PREFIX jx: <https://w3id.org/jixiao/ontology#>
SELECT ?year (COUNT(DISTINCT ?unit) AS ?units) (COUNT(DISTINCT ?p) AS ?projects)
       (COUNT(?i) AS ?indicators)
WHERE { ?p a jx:Project ; jx:budgetYear ?year ; jx:fundingUnit ?unit ; jx:hasIndicator ?i }
GROUP BY ?year ORDER BY ?year"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "jixiao"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=120)


def test_ingest_both_seeds_then_query(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    for path, year in ((SEED_2023, "2023"), (SEED_2025, "2025")):
        done = run("ingest", str(path), "--year", year, "--store", store)
        assert done.returncode == 0, done.stderr
        assert f"({year})" in done.stdout
    done = run("query", "--store", store, "--format", "csv", COUNTS)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows == [
        {"year": "2023", "units": "4", "projects": "45", "indicators": "367"},
        {"year": "2025", "units": "3", "projects": "19", "indicators": "145"},
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "nope.txt", "--year", "2023"], "no such file"),
        (["ingest", str(MINI), "--year", "twenty"], "not a budget year"),
        (["ingest", str(MINI), "--year", "20234"], "not a budget year"),
        (["ingest", str(ROOT / "README.md")], "--year"),  # no year in its name
        (["ingest", str(ROOT / "pyproject.toml"), "--year", "2024"], "no header row"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main([*args, "--store", str(tmp_path / "s")] if args[0] == "ingest" else args)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def _triple_count(store: Path, capsys: pytest.CaptureFixture[str]) -> object:
    """The store's triples counted by ``jixiao query`` (its JSON answer)."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert main(["query", "--store", str(store), "--format", "json", count]) == 0
    return json.loads(capsys.readouterr().out)


def test_bad_input_loads_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert main(["ingest", str(MINI), "--year", "2024", "--store", str(store)]) == 0
    capsys.readouterr()
    before = _triple_count(store, capsys)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(
        MINI.read_bytes().replace("1、1-产出指标；13".encode(), "一、产出：13".encode())
    )
    assert main(["ingest", str(broken), "--year", "2024", "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "broken.txt:12" in err and "绩效指标" in err
    assert _triple_count(store, capsys) == before


def test_every_command_closes_the_store_it_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened with ``with``: closed when the command ends, a refused table (exit 2) too."""
    opened: list[int] = []  # ids: a reference kept here would keep the store's lock held
    closed: list[int] = []
    real_init, real_close = EmbeddedStore.__init__, EmbeddedStore.close

    def init(self: EmbeddedStore, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        opened.append(id(self))

    def close(self: EmbeddedStore) -> None:
        closed.append(id(self))
        real_close(self)

    monkeypatch.setattr(EmbeddedStore, "__init__", init)
    monkeypatch.setattr(EmbeddedStore, "close", close)
    store = str(tmp_path / "store")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(
        MINI.read_bytes().replace("1、1-产出指标；13".encode(), "一、产出：13".encode())
    )
    commands = [
        (["ingest", str(MINI), "--year", "2024", "--store", store], 0),
        (["ingest", str(broken), "--year", "2024", "--store", store], 2),
        (["query", "--store", store, "--format", "json", "ASK { ?s ?p ?o }"], 0),
        (["query", "--store", store, "--format", "ntriples", "ASK { ?s ?p ?o }"], 2),
        (["diff", "2023", "2024", "--store", store], 0),
    ]
    for argv, code in commands:
        assert main(argv) == code, argv
        assert len(opened) == len(closed) and opened[-1] == closed[-1], argv
    assert len(opened) == len(commands)
    capsys.readouterr()


def test_query_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    assert main(["ingest", str(MINI), "--year", "2024", "--store", store]) == 0
    capsys.readouterr()
    select = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE "
        "{ ?p a <https://w3id.org/jixiao/ontology#Project> ; rdfs:label ?l } ORDER BY ?l"
    )
    assert main(["query", "--store", store, "--format", "json", select]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [b["l"]["value"] for b in data["results"]["bindings"]] == ["培训经费", "运维经费"]
    assert main(["query", "--store", store, "--format", "tsv", select]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "?l"
    assert main(["query", "--store", store, "--format", "table", select]) == 0
    table = capsys.readouterr().out
    assert "培训经费" in table and "(2 rows)" in table
    construct = (
        "CONSTRUCT { ?p a ?t } WHERE "
        "{ ?p a ?t . FILTER(?t = <https://w3id.org/jixiao/ontology#Project>) }"
    )
    assert main(["query", "--store", store, "--format", "ntriples", construct]) == 0
    assert capsys.readouterr().out.count("\n") == 2
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert main(["query", "--store", store, "--format", "json", f"@{query_file}"]) == 0
    assert json.loads(capsys.readouterr().out)["boolean"] is True


def test_malformed_query_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "--store", str(tmp_path / "s")]) == 0
    assert main(["query", "--store", str(tmp_path / "s"), "SELECT WHERE {"]) == 2
    err = capsys.readouterr().err
    assert "malformed query" in err and "Traceback" not in err


def test_help_lists_the_commands() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in ("ingest", "query", "serve", "seed"):
        assert command in done.stdout
    assert "Exit codes" in done.stdout
