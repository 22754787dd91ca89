"""A fast start: each command imports what it needs, the compiled shapes are kept on disk, and
a progress bar is drawn on a terminal only."""

from __future__ import annotations

import json
import os
import pickle
import select
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.service.pipeline.load import seed_files
from jixiao.shapes.compiled import cache as compiled_cache
from jixiao.shapes.validate import validate_source

SEEDS = {year: (data, name) for data, name, year in seed_files()}
SERVER_ONLY = ("fastapi", "starlette", "uvicorn", "jinja2", "pyshacl")
PROBE = """
import json, sys
from jixiao.service.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help
    code = exc.code
sys.stdout.flush()
print(json.dumps(sorted(m for m in sys.modules if "." not in m)), file=sys.stderr)
"""


def _modules(*argv: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / SEEDS[2023][1]
    path.write_bytes(SEEDS[2023][0])
    return path


def test_help_imports_no_library_of_jixiao() -> None:
    loaded = _modules("--help")
    assert not loaded & {*SERVER_ONLY, "rdflib", "pyoxigraph", "pydantic", "rich"}


@pytest.mark.parametrize("command", ["validate", "ingest", "query", "diff"])
def test_command_help_imports_nothing_heavy(command: str) -> None:
    assert not _modules(command, "--help") & {*SERVER_ONLY, "rdflib", "pyoxigraph"}


def test_validate_ingest_and_query_import_no_server_nor_pyshacl(
    table: Path, tmp_path: Path
) -> None:
    env = dict(os.environ, JIXIAO_CACHE_DIR=str(tmp_path / "cache"))
    for _ in range(2):  # cold (compiling the shapes), then warm (from the cache)
        assert not _modules("validate", str(table), "--year", "2023", env=env) & {
            *SERVER_ONLY,
            "rich",
        }
    store = str(tmp_path / "store")
    assert not _modules("ingest", str(table), "--store", store, env=env) & set(SERVER_ONLY)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    loaded = _modules("query", "--store", store, "--format", "json", query, env=env)
    assert not loaded & {*SERVER_ONLY, "rich"}


def test_what_is_cached_comes_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []

    def build() -> list[int]:
        built.append("built")
        return [1, 2, 3]

    compiled_cache.use_cache_dir(tmp_path)
    try:
        assert compiled_cache.cached("key", build) == [1, 2, 3]
        assert compiled_cache.cached("key", build) == [1, 2, 3]
        assert built == ["built"]  # the second came from the file
        (kept,) = tmp_path.glob("shapes-*.pickle")
        kept.write_bytes(b"truncated")
        assert compiled_cache.cached("key", build) == [1, 2, 3]
        assert len(built) == 2  # an unreadable file is built anew, and replaced
        assert pickle.loads(kept.read_bytes()) == [1, 2, 3]
        assert compiled_cache.cached("other key", build) == [1, 2, 3]
        assert len(built) == 3 and len(list(tmp_path.glob("shapes-*.pickle"))) == 2
        # a changed source file changes every key
        monkeypatch.setattr(compiled_cache, "_sources_digest", lambda: b"other sources")
        compiled_cache.cached("key", build)
        assert len(built) == 4
    finally:
        compiled_cache.use_cache_dir(None)


def test_the_cli_report_is_the_same_cold_and_warm(table: Path, tmp_path: Path) -> None:
    env = dict(os.environ, JIXIAO_CACHE_DIR=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "jixiao.service.cli", "validate", str(table), "--year", "2023"]
    cold = subprocess.run(command, capture_output=True, env=env, check=True, timeout=120)
    assert len(list((tmp_path / "cache").glob("shapes-*.pickle"))) == 2  # shapes, vocabulary
    warm = subprocess.run(command, capture_output=True, env=env, check=True, timeout=120)
    assert warm.stdout == cold.stdout
    report = validate_source(SEEDS[2023][0], table.name, 2023)
    assert warm.stdout.decode("utf-8") == report.text()


def test_an_unwritable_cache_folder_is_no_error(table: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    env = dict(os.environ, JIXIAO_CACHE_DIR=str(blocked / "cache"))
    command = [sys.executable, "-m", "jixiao.service.cli", "validate", str(table), "--year", "2023"]
    done = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""


def _stderr_on_a_terminal(argv: list[str]) -> tuple[int, str]:
    """Run jixiao with standard error on a pseudo-terminal; (exit code, what it showed)."""
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "jixiao.service.cli", *argv],
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        env=dict(os.environ, COLUMNS="100", TERM="xterm"),
    )
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal's other end closed: the process has ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return process.wait(timeout=120), shown.decode("utf-8", "replace")


def test_a_progress_bar_on_a_terminal_only(table: Path, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    for year, (data, name) in SEEDS.items():
        (folder / name).write_bytes(data)
        assert str(year) in name
    code, shown = _stderr_on_a_terminal(["validate", str(folder)])
    assert code == 0
    assert "files" in shown and "2/2" in shown and "files/s" in shown
    code, shown = _stderr_on_a_terminal(["validate", str(folder), "--quiet"])
    assert code == 0 and shown == ""
    piped = subprocess.run(
        [sys.executable, "-m", "jixiao.service.cli", "validate", str(folder)],
        capture_output=True,
        timeout=120,
    )
    assert piped.returncode == 0 and piped.stderr == b""  # not a terminal: quiet
    store = tmp_path / "store"
    code, shown = _stderr_on_a_terminal(["ingest", str(folder), "--store", str(store)])
    assert code == 0
    assert "tables" in shown and "2/2" in shown


def test_the_parser_offers_the_formats_the_writers_write() -> None:
    from jixiao.service import cli
    from jixiao.service.answers import diff
    from jixiao.service.query import results
    from jixiao.shapes.ci_reports import CI_FORMATS
    from jixiao.shapes.report import RDF_FORMATS

    assert set(cli.QUERY_FORMATS) == {"table", *results.RESULT_FORMATS}
    assert set(cli.RDF_FORMATS) == set(results.RDF_FORMATS)
    assert cli.DIFF_FORMATS == diff.FORMATS
    assert set(cli.VALIDATE_FORMATS) == {"text", *CI_FORMATS, *RDF_FORMATS} - {"ntriples"}


def test_the_table_of_analysed_rules_is_that_of_the_shapes() -> None:
    """shapes/compiled/sparql-analysis.json spares a cold start rdflib's SPARQL parser; it must
    say what parsing says (else: ``python -m jixiao.shapes.compiled.analysis`` writes it anew)."""
    from jixiao.shapes.compiled.analysis import analysed_rules
    from jixiao.shapes.compiled.sparql_rules import ANALYSED
    from jixiao.shapes.validate import shapes_graph

    fresh = analysed_rules(shapes_graph())
    assert len(fresh) >= 10
    assert json.loads(ANALYSED.read_text(encoding="utf-8")) == fresh
