"""Reading the seed tables and refusing what is not a table."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.ingest.errors import InputError, LayoutError
from jixiao.ingest.indicators import IndicatorCellError, split_indicators
from jixiao.ingest.reader import read_table
from jixiao.ingest.text import clean_amount, clean_text

SEEDS = Path(__file__).resolve().parents[2] / "ingest" / "seeds"
SEED_2023 = SEEDS / "gzast-2023-project-performance-targets.txt"
SEED_2025 = SEEDS / "gzast-2025-project-performance-targets.txt"
MINI = Path(__file__).parents[1] / "data" / "mini-2024.txt"


def read(path: Path):
    return read_table(path.read_bytes(), path.name)


# --- cleaning --------------------------------------------------------------------------------

CLEANING = [
    ("<p>科普经费</p>", "科普经费"),
    (
        "<p>1、产出指标: 资金及时发放率, 年度指标值: 100%。</p>",
        "1、产出指标：资金及时发放率，年度指标值：100%。",
    ),
    ("实施周期指标值:进度 \\geq 50%", "实施周期指标值：进度≥50%"),
    ("实施周期指标值: \\geq 0", "实施周期指标值：≥0"),
    ("<2小时", "<2小时"),  # a value, not a tag
    (">95%", ">95%"),
    (
        "低于5%(活动投诉率=投诉次数÷参加活动人次×100%)",
        "低于5%（活动投诉率=投诉次数÷参加活动人次×100%）",
    ),
    ("生师比控制在18:1以内", "生师比控制在18:1以内"),  # a ratio keeps its colon
    ("一期: 各项数据", "一期：各项数据"),
    ("策略。 教学管理", "策略。教学管理"),
    ("产业学院发展项目(双高)", "产业学院发展项目（双高）"),
    ("举办IT应用系统开发大赛", "举办IT应用系统开发大赛"),
    ("A&amp;B", "A&B"),
    ("１２３％", "123%"),
]


@pytest.mark.parametrize(("raw", "clean"), CLEANING)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_amount() -> None:
    assert clean_amount("<p>2, 501. 00</p>") == Decimal("2501.00")
    assert clean_amount("37,331.72") == Decimal("37331.72")
    assert clean_amount("") is None
    assert clean_amount("  ") is None
    with pytest.raises(ValueError, match="not an amount"):
        clean_amount("约100")


# --- the seeds -------------------------------------------------------------------------------


def test_seed_2023_structure() -> None:
    table = read(SEED_2023)
    assert table.department == "广州市科学技术协会"
    assert table.title == "项目支出绩效目标表（含转移支付项目）"
    assert table.amount_unit == "万元"
    assert table.total is not None
    assert table.total.amounts.total == Decimal("37331.72")
    assert table.total.amounts.special_account == Decimal("4820.67")
    assert [u.name for u in table.units] == [
        "广州市科学技术协会",
        "广州市科学技术发展中心",
        "广州市科学技术协会创新与交流中心",
        "广州科技贸易职业学院",
    ]
    assert len(table.projects) == 45
    assert sum(len(p.indicators) for p in table.projects) == 367
    assert [p.row_number for p in table.projects] == list(range(1, 46))
    assert {p.indicators[0].layout for p in table.projects} == {"labelled"}
    # every indicator of the 2023 layout has a level-1 category and no level 2
    assert all(i.level2_text is None for p in table.projects for i in p.indicators)


def test_seed_2025_structure() -> None:
    table = read(SEED_2025)
    assert len(table.units) == 3
    assert len(table.projects) == 19
    assert sum(len(p.indicators) for p in table.projects) == 145
    assert all(i.period is not None and i.level2_code for p in table.projects for i in p.indicators)
    assert [p.name for p in table.projects].count("广州科学馆") == 2


def test_seed_indicator_counts_match_the_raw_numbering() -> None:
    """Every "N、category" start in the raw text is one indicator: none lost, none invented."""
    for path, pattern in (
        (SEED_2023, r"\d+、(?:产出|效益|满意度|成本)指标\s*[：:]"),
        (SEED_2025, r"\d+、\d-"),
    ):
        raw = path.read_text(encoding="utf-8")
        table = read(path)
        assert sum(len(p.indicators) for p in table.projects) == len(re.findall(pattern, raw))


def test_unit_subtotals_add_up_in_the_seeds() -> None:
    for path in (SEED_2023, SEED_2025):
        table = read(path)
        for unit in table.units:
            projects = [p for p in table.projects if p.unit is unit]
            assert projects, unit.name
            for column in range(4):
                assert unit.amounts.as_tuple()[column] == sum(
                    p.amounts.as_tuple()[column] for p in projects
                ), (path.name, unit.name, column)


def test_amounts_with_spaced_digits_and_tags() -> None:
    project = read(SEED_2023).projects[2]
    assert project.name == "“科创中国”创新枢纽城市建设经费"
    assert project.amounts.total == Decimal("2501.00")
    assert project.amounts.special_account is None
    assert project.amounts.as_tuple()[2] == Decimal(0)


def test_numbering_restart_is_kept() -> None:
    project = next(p for p in read(SEED_2023).projects if p.line == 35)
    assert [i.written_number for i in project.indicators] == [1, 2, 3, 4, 5, 1]
    assert [i.position for i in project.indicators] == [1, 2, 3, 4, 5, 6]
    assert project.indicators[-1].name == "按合同项目运维人员到位率"


def test_values_with_digits_and_separators_inside() -> None:
    project = next(p for p in read(SEED_2023).projects if p.name == "服务科技工作者经费")
    organising = project.indicators[13]
    assert organising.name == "组织能力建设"
    # the value itself contains "3.学术引领能力建设：" and "①…；②…": one indicator, not three
    assert "3.学术引领能力建设：①开展不少于30场次" in organising.annual
    assert len(project.indicators) == 16


def test_name_separated_by_full_stop() -> None:
    project = next(p for p in read(SEED_2023).projects if p.line == 23)
    assert project.indicators[2].name == "机关团体内部治安保卫工作"
    assert project.indicators[2].annual == "符合机关团体内部治安保卫工作要求"


def test_coded_layout_parts() -> None:
    project = read(SEED_2025).projects[5]  # 科协大院维修项目
    first, third, fourth = project.indicators[0], project.indicators[2], project.indicators[3]
    assert (first.level1_code, first.level1_text, first.level2_code, first.level2_text) == (
        "1",
        "产出指标",
        "11",
        "数量指标",
    )
    assert (first.period, first.annual) == ("90%以上", "90%以上")
    assert third.annual == "一小时内"
    assert fourth.name == "消防、安防、安全生产等工作效果"  # trailing 。 is a separator
    assert (fourth.level2_code, fourth.level2_text) == ("22", "社会效益")


def test_latex_comparison_in_2025() -> None:
    project = read(SEED_2025).projects[7]  # the second 广州科学馆
    assert project.indicators[0].annual == "进度≥50%"
    assert project.indicators[2].period == "≥0"


# --- encodings and line endings ----------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("gb18030"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace("\n", "\r").encode("gb18030"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "crlf", "cr-gb18030"],
)
def test_encodings_and_line_endings_read_alike(encode) -> None:
    text = SEED_2025.read_text(encoding="utf-8")
    expected = read(SEED_2025)
    table = read_table(encode(text), "x.txt")
    assert [(p.name, p.amounts, p.goal, p.indicators) for p in table.projects] == [
        (p.name, p.amounts, p.goal, p.indicators) for p in expected.projects
    ]


# --- bad input ---------------------------------------------------------------------------------


def _mini() -> str:
    return MINI.read_text(encoding="utf-8")


BAD_INPUT = [
    ("empty", b"", "empty", None),
    ("blank", b"\n\n  \n", "empty", None),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", None),
    ("not-gb18030", b"\xff\xfe\xfd\x81\x30", "neither UTF-8 nor GB18030", None),
    ("no-header", "部门名称：示例局\n一些文字\n".encode(), "no header row", None),
    ("no-department", _mini().replace("部门名称：示例局", "").encode(), "department", None),
    ("truncated-row", _mini()[: _mini().index("保障系统运行")].encode(), "columns", 12),
    (
        "bad-amount",
        _mini().replace("10.50\t\t10.50", "10.50\t\t约10").encode(),
        "not an amount",
        12,
    ),
    ("unknown-layout", _mini().replace("1、1-产出指标；13", "一、产出：13").encode(), "layout", 12),
    ("missing-annual", _mini().replace("；年度指标值:一小时内", "").encode(), "年度指标值", 12),
    ("no-projects", "\n".join(_mini().splitlines()[:9]).encode(), "no project rows", None),
    ("other-unit", _mini().replace("单位：万元", "单位：元").encode(), "万元", None),
]


@pytest.mark.parametrize(
    ("name", "data", "message", "line"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_is_refused_with_location(
    name: str, data: bytes, message: str, line: int | None
) -> None:
    with pytest.raises(InputError) as caught:
        read_table(data, "bad.txt")
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith("bad.txt")
    assert message in text
    if line is not None:
        assert caught.value.location.line == line
        assert f"line {line}" in text


def test_unknown_layout_names_the_column() -> None:
    data = _mini().replace("1、1-产出指标；13", "一、产出：13").encode()
    with pytest.raises(InputError) as caught:
        read_table(data, "bad.txt")
    assert caught.value.location.column == 7
    assert "绩效指标" in str(caught.value)


def test_bad_input_count() -> None:
    assert len(BAD_INPUT) == 12


def test_split_indicators_refuses_text_before_first() -> None:
    with pytest.raises(IndicatorCellError):
        split_indicators("说明：1、产出指标：a，年度指标值：1。")
    assert split_indicators("") == ()


def test_layout_error_is_an_input_error() -> None:
    assert issubclass(LayoutError, InputError)
