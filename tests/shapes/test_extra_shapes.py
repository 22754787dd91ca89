"""``jixiao validate --shapes EXTRA.ttl``: a department's own shapes beside the built-in ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.service.cli import main
from jixiao.service.pipeline.load import seed_files

SEED_2023, SEED_NAME = next((data, name) for data, name, year in seed_files() if year == 2023)
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix jx: <https://w3id.org/jixiao/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dept: <https://example.org/dept/shapes#> .
"""
# One shape the compiled engine runs (sh:minLength), one it does not (sh:maxLength).
DEPARTMENT = (
    PREFIXES
    + """
dept:GoalLengthShape a sh:NodeShape ;
    sh:targetClass jx:Project ;
    sh:property [
        sh:path jx:goal ;
        sh:minLength 60 ;
        sh:message "a project's goal must say at least 60 characters"@en,
                   "项目绩效目标至少 60 个字"@zh ;
    ] .

dept:ShortNameShape a sh:NodeShape ;
    sh:targetClass jx:Project ;
    sh:property [
        sh:path rdfs:label ;
        sh:maxLength 8 ;
        sh:severity sh:Warning ;
        sh:message "a project's name should be at most 8 characters"@en,
                   "项目名称不超过 8 个字"@zh ;
    ] .
"""
)


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / SEED_NAME
    path.write_bytes(SEED_2023)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _results(out: str, message: str) -> int:
    return sum(1 for line in out.splitlines() if line.strip().endswith(message))


def test_extra_shapes_run_on_both_engines_and_the_report_says_which(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, table: Path
) -> None:
    shapes = tmp_path / "dept.ttl"
    shapes.write_text(DEPARTMENT, encoding="utf-8")
    code, out, _ = run(capsys, "validate", table, "--shapes", shapes)
    assert code == 1  # some goals are shorter than 60 characters
    assert out.splitlines()[0] == (
        f"extra shapes from {shapes}: 1 by the compiled engine (dept:GoalLengthShape), "
        "1 by pySHACL (dept:ShortNameShape: sh:maxLength is not supported by the compiled engine)"
    )
    short_goals = _results(out, "a project's goal must say at least 60 characters")
    long_names = _results(out, "a project's name should be at most 8 characters")
    assert short_goals > 0 and long_names > 0
    assert f"does not conform: {short_goals} violations" in out
    # pySHACL alone, on every shape, finds the same
    code, reference, _ = run(capsys, "validate", table, "--shapes", shapes, "--engine", "pyshacl")
    assert code == 1
    assert _results(reference, "a project's goal must say at least 60 characters") == short_goals
    assert _results(reference, "a project's name should be at most 8 characters") == long_names
    assert reference.splitlines()[1] == out.splitlines()[1]  # the same counts
    # (not line for line: where a built-in rule uses SAMPLE, pySHACL's pick varies)


def test_without_extra_shapes_the_seed_conforms(
    capsys: pytest.CaptureFixture[str], table: Path
) -> None:
    code, out, _ = run(capsys, "validate", table)
    assert code == 0
    assert "at least 60 characters" not in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not turtle at all", "the shapes file is not valid turtle RDF"),
        (PREFIXES + "dept:a dept:b dept:c .", "no SHACL shapes in it"),
        (
            PREFIXES + "dept:S a sh:NodeShape ; sh:targetClass jx:Project ; "
            "sh:rule [ a sh:TripleRule ] .",
            "uses sh:TripleRule, which neither engine runs",
        ),
        (
            PREFIXES + "dept:S a sh:NodeShape ; sh:targetClass jx:Project ; "
            "sh:property [ sh:path jx:goal ; sh:minLenght 3 ] .",
            "uses sh:minLenght, which neither engine runs",
        ),
        (
            PREFIXES + "dept:S a sh:NodeShape ; sh:targetClass jx:Project ; "
            'sh:property [ sh:path "goal" ; sh:maxLength 3 ] .',
            "pySHACL cannot run these shapes",
        ),
    ],
)
def test_a_bad_shapes_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, table: Path, text: str, expected: str
) -> None:
    shapes = tmp_path / "extra.ttl"
    shapes.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "validate", table, "--shapes", shapes)
    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"jixiao: {shapes}: ")
    assert expected in line


def test_a_missing_shapes_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, table: Path
) -> None:
    code, _, err = run(capsys, "validate", table, "--shapes", tmp_path / "none.ttl")
    assert code == 2
    assert err == f"jixiao: {tmp_path / 'none.ttl'}: no such file\n"
