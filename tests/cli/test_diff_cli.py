"""``jixiao diff YEAR_A YEAR_B`` on the seeds: readable table, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from jixiao.service.cli import main


@pytest.fixture(scope="module")
def store(seeded_store: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("diff") / "store"
    shutil.copytree(seeded_store, copy)
    return str(copy)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_table(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "2023", "2025", "--store", store)
    assert code == 0
    assert "广州市科学技术协会 — 2023 → 2025" in out
    assert "recurring projects (9)" in out
    assert re.search(
        r"\n +青少馆运行维护费 → 青少年馆运行维护费 +71\.78 +100 +\+28\.22, \+39\.3%\n", out
    )
    assert re.search(r"\n +increased +工作经费 +出国（境）人数 +11人次 +15人次\n", out)
    assert "促进技术成果转化交易金额 → 促进科技成果转化交易金额" in out
    assert "new in 2025 (2):" in out
    assert "广州科技贸易职业学院 — 2023 → 2025\n  recurring projects (0)" in out


def _columns(line: str) -> int:
    """How many terminal columns ``line`` takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_table_columns_line_up_in_terminal_columns(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "diff", "2023", "2025", "--store", store)
    assert code == 0
    lines = out.splitlines()
    start = lines.index("  recurring projects (9), amounts in 万元:") + 1
    header, rule, *rows = lines[start : start + 11]
    assert header.split() == ["project", "2023", "2025", "change"]
    assert set(rule.strip()) == {"─"}
    assert len(rows) == 9
    # right-aligned amounts: each row's 2025 column ends where the header's does
    end = _columns(header[: header.index("2025") + 4])
    for row in rows:
        cells = re.split(r"\s{2,}", row.strip())
        cut = row.index(cells[2], row.index(cells[1]) + len(cells[1])) + len(cells[2])
        assert _columns(row[:cut]) == end, row
    assert len({_columns(line) for line in (header, rule)}) == 1


def test_unit_json_and_csv(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    unit = "广州市科学技术协会创新与交流中心"
    code, out, _ = run(
        capsys, "diff", "2023", "2025", "--unit", unit, "--format", "json", "--store", store
    )
    assert code == 0
    data = json.loads(out)
    assert (data["yearA"], data["yearB"], data["unit"]) == (2023, 2025, unit)
    assert sorted(r["namesB"] for r in data["recurring"]) == [
        "“广聚英才”计划项目经费",
        "机构运行辅助经费",
        "院士宣传推广服务经费",
    ]
    assert {r["unitName"] for r in data["targetChanges"]} == {unit}
    code, out, _ = run(
        capsys, "diff", "2023", "2025", "--unit", unit, "--format", "csv", "--store", store
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    sections = {r["section"] for r in rows}
    assert sections == {"recurring", "discontinued", "target"}
    assert sum(1 for r in rows if r["section"] == "recurring") == 3


@pytest.mark.parametrize("args", [["2025", "2023"], ["20x3", "2025"], ["2023"]])
def test_usage_errors_exit_2(
    store: str, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = run(capsys, "diff", *args, "--store", store)
    assert code == 2
    assert out == ""
    assert err.startswith("jixiao:") and err.count("\n") == 1


def test_overrides_setting_wins_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(
        '[[different]]\nunit = "广州市科学技术协会"\n'
        'projects = [{ year = 2023, name = "工作经费" }, { year = 2025, name = "工作经费" }]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("JIXIAO_OVERRIDES", str(overrides))
    store = str(tmp_path / "store")
    assert run(capsys, "seed", "--store", store)[0] == 0
    code, out, _ = run(capsys, "diff", "2023", "2025", "--store", store, "--format", "json")
    recurring = {(r["unitName"], r["seriesLabel"]) for r in json.loads(out)["recurring"]}
    assert code == 0
    assert len(recurring) == 14
    assert ("广州市科学技术协会", "工作经费") not in recurring
    monkeypatch.setenv("JIXIAO_OVERRIDES", str(tmp_path / "missing.toml"))
    code, _, err = run(capsys, "seed", "--store", store)
    assert code == 2
    assert "missing.toml" in err
