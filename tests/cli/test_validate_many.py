"""``jixiao validate FILE… DIR…``: many files in one run, and the formats CI tools read.

The JUnit report is checked against ``tests/data/ci/junit.xsd`` (written from the documented
format, with xmlschema) and the SARIF report against ``tests/data/ci/sarif-2.1.0-subset.json``
(the part of SARIF 2.1.0 jixiao writes, with jsonschema).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import xmlschema
from rdflib.namespace import SH

from jixiao.service.cli import main
from jixiao.service.pipeline.load import seed_files
from jixiao.shapes.ci_reports import FileOutcome, github
from jixiao.shapes.validate import parse_rdf

DATA = Path(__file__).parents[1] / "data" / "ci"
SEEDS = {year: (data, name) for data, name, year in seed_files()}
BROKEN_LINE = 13  # 工作经费 in the 2025 seed
UNIT_LINE = 11  # the subtotal of its funding unit (its total no longer adds up)


def _broken_2025() -> bytes:
    text = SEEDS[2025][0].decode("utf-8")
    assert text.count("\n工作经费\t13.25\t13.25\t") == 1
    return text.replace("\n工作经费\t13.25\t", "\n工作经费\t13.26\t").encode("utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seed that conforms, a broken table, a file that is no table, an RDF file."""
    path = tmp_path_factory.mktemp("tables")
    (path / SEEDS[2023][1]).write_bytes(SEEDS[2023][0])
    (path / "broken-2025.txt").write_bytes(_broken_2025())
    (path / "notes-2025.txt").write_bytes(b"\xff\xfe not a table")
    (path / "department.ttl").write_text(
        "<https://example.org/d> a <https://w3id.org/jixiao/ontology#Department> .",
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_folder_reports_each_file_and_sums_up(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    code, out, err = run(capsys, "validate", folder)
    assert code == 2  # one file could not be read; the others were still checked
    (line,) = err.splitlines()
    assert line.startswith(f"jixiao: {folder / 'notes-2025.txt'}")
    assert f"{SEEDS[2023][1]} (2023): conforms: 0 violations" in out
    assert "broken-2025.txt (2025): does not conform: 2 violations" in out
    assert "project “工作经费” (line 13, row 2)" in out
    assert "department.ttl: does not conform" in out
    assert (
        out.rstrip()
        .splitlines()[-1]
        .startswith("4 files: 1 pass, 2 fail, 1 unreadable; 4 violations, ")
    )


def test_exit_1_without_unreadable_files_and_0_when_all_conform(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    seed, broken = folder / SEEDS[2023][1], folder / "broken-2025.txt"
    assert run(capsys, "validate", seed, broken)[0] == 1
    code, out, _ = run(capsys, "validate", seed, seed)
    assert code == 0
    assert "2 files: 2 pass, 0 fail, 0 unreadable" in out
    assert run(capsys, "validate", seed, seed, "--fail-on", "warning")[0] == 1


def test_years_come_from_year_then_manifest_then_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_bytes(SEEDS[2023][0])
    (tmp_path / "b-2025.txt").write_bytes(SEEDS[2025][0])
    (tmp_path / "manifest.json").write_text(
        json.dumps({"files": [{"file": "a.txt", "year": 2023}]}), encoding="utf-8"
    )
    code, out, _ = run(capsys, "validate", tmp_path)
    assert code == 0
    assert "a.txt (2023): conforms" in out and "b-2025.txt (2025): conforms" in out
    code, out, _ = run(capsys, "validate", tmp_path, "--year", "2024")
    assert "a.txt (2024)" in out and "b-2025.txt (2024)" in out


def test_a_missing_file_and_an_empty_folder_are_named_and_the_rest_checked(
    capsys: pytest.CaptureFixture[str], folder: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "validate", tmp_path / "gone-2025.txt", tmp_path, folder / SEEDS[2023][1]
    )
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0] == f"jixiao: {tmp_path / 'gone-2025.txt'}: no such file"
    assert lines[1] == f"jixiao: {tmp_path}: no tables or RDF files in this folder"
    assert "(2023): conforms" in out


def test_turtle_of_several_files_is_one_graph_of_their_reports(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    seed, broken = folder / SEEDS[2023][1], folder / "broken-2025.txt"
    code, out, err = run(capsys, "validate", seed, broken, "--format", "turtle")
    assert code == 1
    graph = parse_rdf(out.encode("utf-8"), "turtle")
    assert len(set(graph.subjects(None, SH.ValidationReport))) == 2
    assert "2 files: 1 pass, 1 fail" in err  # the summary keeps out of the Turtle


def test_junit_is_valid_and_names_the_broken_row(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    code, out, _ = run(capsys, "validate", folder, "--format", "junit")
    assert code == 2
    xmlschema.XMLSchema(DATA / "junit.xsd").validate(out)
    root = ET.fromstring(out.encode("utf-8"))
    suites = {Path(s.get("name", "")).name: s for s in root.iter("testsuite")}
    assert set(suites) == {SEEDS[2023][1], "broken-2025.txt", "notes-2025.txt", "department.ttl"}
    broken = suites["broken-2025.txt"]
    failures = [c for c in broken.iter("testcase") if c.find("failure") is not None]
    assert broken.get("failures") == "2" == str(len(failures))
    assert {c.get("line") for c in failures} == {str(BROKEN_LINE), str(UNIT_LINE)}
    assert all(c.get("file") == str(folder / "broken-2025.txt") for c in failures)
    messages = [c.find("failure").get("message", "") for c in failures]  # type: ignore[union-attr]
    assert any("total 13.26 is not fiscal + special account + other funds" in m for m in messages)
    seed = suites[SEEDS[2023][1]]
    assert seed.get("failures") == "0" and int(seed.get("tests", "0")) > 0
    warned = [c for c in seed.iter("testcase") if c.find("system-out") is not None]
    assert len(warned) == int(seed.get("tests", "0"))  # warnings pass, with the message
    assert all(c.find("system-out").text.startswith("warning: ") for c in warned)  # type: ignore[union-attr]
    unreadable = suites["notes-2025.txt"]
    assert unreadable.get("errors") == "1"
    assert root.get("errors") == "1"
    assert root.get("failures") == str(sum(int(s.get("failures", "0")) for s in suites.values()))


def test_junit_fail_on_warning_fails_the_warnings(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    seed = folder / SEEDS[2023][1]
    code, out, _ = run(capsys, "validate", seed, "--format", "junit", "--fail-on", "warning")
    assert code == 1
    xmlschema.XMLSchema(DATA / "junit.xsd").validate(out)
    root = ET.fromstring(out.encode("utf-8"))
    cases = list(root.iter("testcase"))
    assert cases and all(c.find("failure") is not None for c in cases)
    assert root.get("failures") == str(len(cases))


_COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def test_github_annotations_point_at_file_and_line(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    code, out, _ = run(capsys, "validate", folder, "--format", "github")
    assert code == 2
    lines = out.splitlines()
    parsed = [_COMMAND.match(line) for line in lines]
    assert lines and all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    errors = [m for m in parsed if m and m.group(1) == "error"]
    broken = [m for m in errors if "broken-2025.txt" in (m.group(2) or "")]
    assert len(broken) == 2
    properties = dict(p.split("=", 1) for p in (broken[0].group(2) or "").split(","))
    assert properties["file"] == str(folder / "broken-2025.txt")
    assert properties["line"] in {str(BROKEN_LINE), str(UNIT_LINE)}
    assert properties["title"].startswith("jixiao violation%3A jxsh%3A")
    assert "%0A" in broken[0].group(3) and "\n" not in broken[0].group(3)  # en%0Azh
    assert any("notes-2025.txt" in (m.group(2) or "") for m in errors)
    assert sum(1 for m in parsed if m and m.group(1) == "warning") > 30


def test_github_escapes_what_the_runner_reads() -> None:
    outcome = FileOutcome("a,b:c%.txt", error="100% wrong\r\nsecond line")
    assert github([outcome]).decode("utf-8") == (
        "::error file=a%2Cb%3Ac%25.txt,title=jixiao%3A unreadable::100%25 wrong%0D%0Asecond line\n"
    )


def test_sarif_is_valid_and_locates_results(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    code, out, _ = run(capsys, "validate", folder, "--format", "sarif")
    assert code == 2
    document = json.loads(out)
    schema = json.loads((DATA / "sarif-2.1.0-subset.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    (sarif_run,) = document["runs"]
    errors = [r for r in sarif_run["results"] if r["level"] == "error"]
    assert len(errors) == 4  # two in the broken table, two in the RDF file
    lines = {
        r["locations"][0]["physicalLocation"].get("region", {}).get("startLine") for r in errors
    }
    assert BROKEN_LINE in lines
    rule_ids = {rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in sarif_run["results"]} == rule_ids
    (invocation,) = sarif_run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "notes-2025.txt" in json.dumps(invocation["toolExecutionNotifications"])


@pytest.mark.parametrize("fmt", ["junit", "github", "sarif"])
def test_one_conforming_file_in_ci_formats_exits_0(
    capsys: pytest.CaptureFixture[str], folder: Path, fmt: str
) -> None:
    code, out, err = run(capsys, "validate", folder / SEEDS[2023][1], "--format", fmt)
    assert code == 0
    assert err == ""
    assert "::error" not in out and 'level": "error' not in out and "<failure" not in out


def test_an_unknown_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    code, out, err = run(capsys, "validate", folder, "--format", "xunit")
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and "invalid choice: 'xunit'" in err
