"""The value forms of real spreadsheets, and what the national layouts keep as written.

Each case is checked on the real table that holds it (``tests/data/real-tables/``): the
graph says what was written, what it reads as, and the report warns where the reading is
doubtful — never changing the value.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from rdflib import Graph, Literal, URIRef

from jixiao.ingest.errors import InputError
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.national.cells import cell_number, cell_text
from jixiao.ingest.source import read_and_map
from jixiao.ingest.targets import Comparator, parse_target
from jixiao.ontology import JX, JXC, category_for_label
from jixiao.shapes.report import Report
from jixiao.shapes.validate import validate_document

REAL = Path(__file__).parents[1] / "data" / "real-tables"
DEPT_2024 = "zhanjiang-rsj-2024-dept-overall.xlsx"
DEPT_2023 = "zhanjiang-rsj-2023-dept-overall.xlsx"
APPLICATION = "wuhan-donghu-rsj-2020-project-application.xlsx"
SELF_EVALUATION = "chongqing-yuzhong-jiuye-2021-project-selfeval.xlsx"
YEARS = {DEPT_2024: 2024, DEPT_2023: 2023, APPLICATION: 2020, SELF_EVALUATION: 2021}


@cache
def mapped(name: str) -> Graph:
    return read_and_map((REAL / name).read_bytes(), name, YEARS[name], IriMinter()).mapped.graph()


@cache
def report(name: str) -> Report:
    document = read_and_map((REAL / name).read_bytes(), name, YEARS[name], IriMinter()).mapped
    return validate_document(document, title=name)


def indicator(name: str, indicator_name: str) -> URIRef:
    (found,) = mapped(name).subjects(JX.indicatorName, Literal(indicator_name))
    assert isinstance(found, URIRef)
    return found


def value(name: str, indicator_name: str, prop: URIRef = JX.annualTarget) -> dict[str, object]:
    graph = mapped(name)
    node = graph.value(indicator(name, indicator_name), prop)
    return {
        str(p).split("#")[1]: (o.toPython() if isinstance(o, Literal) else o)
        for p, o in graph.predicate_objects(node)
        if str(p).startswith(str(JX))
    }


def warnings(name: str, rule: str, target: str | None = None) -> list[str]:
    """The indicators a warning of ``rule`` names (on ``target``: "annual", "actual")."""
    return [
        r.location.indicator_name or ""
        for r in report(name).results
        if r.shape_name == rule
        and r.severity == "Warning"
        and (target is None or r.location.target == target)
    ]


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        (82800.92000000001, "82800.92"),  # float noise of a published 82800.92
        (72807.38497500001, "72807.384975"),  # six decimals, as published
        (10891.615675, "10891.615675"),
        (750.0, "750"),
        (0.95, "0.95"),
        (1.0, "1"),
        (100000.0, "100000"),
        (0.0000004, "0"),  # below one fen of 万元
        ("  合规 ", "合规"),
        (None, ""),
    ],
)
def test_a_number_cell_is_read_to_six_decimals(stored: object, text: str) -> None:
    assert cell_text(stored) == text  # type: ignore[arg-type]
    if isinstance(stored, float):
        assert cell_number(stored) == Decimal(text)


def test_float_noise_is_the_amount_as_published() -> None:
    graph = mapped(DEPT_2023)
    (field,) = graph.subjects(JX.valueText, Literal("82800.92"))
    assert graph.value(field, JX.amount).toPython() == Decimal("82800.92")  # type: ignore[union-attr]
    assert (
        str(graph.value(field, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == "财政拨款"
    )


@pytest.mark.parametrize(
    ("text", "comparator", "number"),
    [("≧95%", Comparator.AT_LEAST, 95), ("≦5个工作日", Comparator.AT_MOST, 5)],
)
def test_full_width_comparison_signs(text: str, comparator: Comparator, number: int) -> None:
    parsed = parse_target(text)
    assert (parsed.comparator, parsed.value) == (comparator, Decimal(number))


def test_a_full_width_sign_in_a_real_table() -> None:
    target = value(DEPT_2023, "享受创业担保贷款对象满意度")
    assert target["rawValue"] == "≧95%"
    assert target["comparator"] == JX.atLeast
    assert (target["numericValue"], target["unitText"]) == (Decimal(95), "%")


@pytest.mark.parametrize(
    ("name", "indicator_name", "prop", "raw", "percent"),
    [
        (DEPT_2024, "补贴发放准确率", JX.annualTarget, "1", 100),
        (DEPT_2023, "资金在规定时间内下达率", JX.annualTarget, "1", 100),
        (APPLICATION, "仲裁案件法定期限结案率", JX.annualTarget, "0.95", 95),
        (APPLICATION, "培训人员合格率", JX.annualTarget, "1", 100),
        (APPLICATION, "做好服务工作，让服务对象满意", JX.annualTarget, "0.95", 95),  # 满意度
        (SELF_EVALUATION, "预算执行率", JX.actualValue, "0.88", 88),  # unit column %
    ],
)
def test_a_rate_stored_as_a_fraction_is_kept_read_and_warned(
    name: str, indicator_name: str, prop: URIRef, raw: str, percent: int
) -> None:
    found = value(name, indicator_name, prop)
    assert found["rawValue"] == raw
    assert found["numericValue"] == Decimal(raw)  # never changed
    assert found["percentReading"] == Decimal(percent)
    assert indicator_name in warnings(name, "FractionRateShape")


@pytest.mark.parametrize(
    ("name", "indicator_name", "prop"),
    [
        (SELF_EVALUATION, "新增区级创业孵化基地数量", JX.annualTarget),  # 1 个: a count
        (SELF_EVALUATION, "预算执行率", JX.annualTarget),  # 90 (%): a percentage already
        (DEPT_2024, "城镇新增就业人数（人）", JX.annualTarget),
    ],
)
def test_other_numbers_have_no_percent_reading(
    name: str, indicator_name: str, prop: URIRef
) -> None:
    assert "percentReading" not in value(name, indicator_name, prop)
    assert indicator_name not in warnings(name, "FractionRateShape", "annual")


@pytest.mark.parametrize(
    ("name", "indicator_name", "raw"),
    [
        (APPLICATION, "失业人员及就业困难人员再就业人数", "1600人、200人"),
        (APPLICATION, "就业技能及创业培训人数据", "900人、1500人"),
        (DEPT_2023, "城镇新增就业人数（万人）", "根据下达任务目标要求确定"),
        (DEPT_2024, "全市城乡居民养老保险覆盖面", "不低于上年度水平"),
        (DEPT_2024, "对保持就业局势总体稳定发挥的影响", "保持稳定"),
    ],
)
def test_several_values_and_words_keep_their_text_and_get_no_number(
    name: str, indicator_name: str, raw: str
) -> None:
    target = value(name, indicator_name)
    assert target["rawValue"] == raw
    assert not {"numericValue", "minValue", "maxValue", "comparator"} & set(target)


def test_older_category_names_are_alt_labels_of_the_official_concepts() -> None:
    assert category_for_label("环境效益指标", 2) == JXC["23"]
    assert category_for_label("社会公众或服务对象满意度指标", 2) == JXC["31"]
    assert category_for_label("服务对象", 2) == JXC["31"]
    assert category_for_label("产出类指标", 1) == JXC["1"]
    graph = mapped(APPLICATION)
    satisfied = indicator(APPLICATION, "做好服务工作，让服务对象满意")
    assert graph.value(satisfied, JX.level2) == JXC["31"]
    assert str(graph.value(satisfied, JX.level2Text)) == "社会公众或服务对象满意度指标"


def test_a_category_under_the_wrong_level_1_is_kept_as_written_and_warned() -> None:
    graph = mapped(DEPT_2024)
    coverage = indicator(DEPT_2024, "全市城乡居民养老保险覆盖面")
    assert graph.value(coverage, JX.level1) == JXC["2"]  # 效益指标, as written
    assert graph.value(coverage, JX.level2) == JXC["12"]  # 质量指标, as written
    assert str(graph.value(coverage, JX.level2Text)) == "质量指标"
    assert sorted(warnings(DEPT_2024, "Level2UnderLevel1Shape")) == sorted(
        ["全市城乡居民养老保险覆盖面", "扶持创业企业（项目）个数", "服务期满继续在基层就业人数比例",
         "基层服务覆盖范围"]
    )  # fmt: skip
    assert report(DEPT_2024).conforms
    first = report(DEPT_2024).results[0]  # the report names the table, not a project
    assert first.message("en").startswith(
        "department-level target table “湛江市人力资源和社会保障局"
    )
    assert first.message("zh").startswith("部门整体预算绩效目标表“湛江市")


def test_a_category_outside_the_scheme_keeps_its_text_with_a_warning() -> None:
    graph = mapped(SELF_EVALUATION)
    budget = indicator(SELF_EVALUATION, "预算执行率")
    assert graph.value(budget, JX.level1) is None
    assert str(graph.value(budget, JX.level1Text)) == "管理类指标"
    assert len(warnings(SELF_EVALUATION, "UnknownCategoryShape")) == 6  # rows 21-26
    # a level-2 name in the one 指标类型 column: the level-2 text, and its broader level 1
    hubs = indicator(SELF_EVALUATION, "新增区级创业孵化基地数量")
    assert (graph.value(hubs, JX.level1), graph.value(hubs, JX.level2)) == (JXC["1"], JXC["11"])
    assert str(graph.value(hubs, JX.level2Text)) == "数量指标"


def test_the_self_evaluation_gives_comparator_unit_weight_and_actual_in_columns() -> None:
    graph = mapped(SELF_EVALUATION)
    jobs = value(SELF_EVALUATION, "城镇新增就业人数")
    assert (jobs["comparatorText"], jobs["comparator"]) == ("≥", JX.atLeast)
    assert (jobs["numericValue"], jobs["unitText"], jobs["unitColumnText"]) == (
        Decimal(39500),
        "人",
        "人",
    )
    actual = value(SELF_EVALUATION, "城镇新增就业人数", JX.actualValue)
    assert (actual["rawValue"], actual["numericValue"]) == ("49358", Decimal(49358))
    exact = value(SELF_EVALUATION, "零就业家庭帮扶率")
    assert exact["comparator"] == JX.exactly
    words = value(SELF_EVALUATION, "财务监控有效性")
    assert (words["rawValue"], words["comparatorText"], words["unitColumnText"]) == (
        "有效",
        "无",
        "无",
    )
    assert not {"comparator", "numericValue", "unitText"} & set(words)
    assert value(SELF_EVALUATION, "财务监控有效性", JX.actualValue)["rawValue"] == "较有效"
    weights = [w.toPython() for w in graph.objects(None, JX.weight)]  # type: ignore[union-attr]
    assert (len(weights), sum(weights)) == (16, 100)
    project = graph.value(None, JX.amountExecuted, Literal(Decimal(6643)))
    assert graph.value(project, JX.amountTotal).toPython() == Decimal(7574)  # type: ignore[union-attr]


def _workbook(*sheets: dict[str, object]) -> bytes:
    import io

    book = openpyxl.Workbook()
    for i, cells in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = f"表{i + 1}"
        for ref, content in cells.items():
            sheet[ref] = content
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_in_no_known_layout_is_refused_naming_file_and_sheet() -> None:
    data = _workbook({"A1": "人员名单", "A2": "张三", "B2": 3})
    with pytest.raises(InputError) as caught:
        read_and_map(data, "名单.xlsx", 2024, IriMinter())
    message = str(caught.value)
    assert message.startswith("名单.xlsx: sheet 表1: not in a known table layout")
    layouts = (
        "项目支出绩效目标表",
        "部门整体预算绩效目标表",
        "项目绩效目标申报表",
        "项目支出绩效自评表",
    )
    assert all(layout in message for layout in layouts)
    assert "\n" not in message


def test_a_title_of_another_year_is_refused() -> None:
    with pytest.raises(InputError, match="says 2024, not the year given"):
        read_and_map((REAL / DEPT_2024).read_bytes(), DEPT_2024, 2023, IriMinter())


def test_a_workbook_of_two_national_tables_is_refused() -> None:
    import io

    book = openpyxl.load_workbook(REAL / SELF_EVALUATION)
    book.copy_worksheet(book.worksheets[0])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputError, match=r"one table per workbook .* 2 sheets"):
        read_and_map(out.getvalue(), "two.xlsx", 2021, IriMinter())


def test_each_real_sheet_is_told_by_its_words() -> None:
    from jixiao.ingest.national import layout_of
    from jixiao.ingest.readers import read_workbook

    layouts = {
        name: layout_of(read_workbook((REAL / name).read_bytes(), name)[0]) for name in YEARS
    }
    assert layouts == {
        DEPT_2024: "department",
        DEPT_2023: "department",
        APPLICATION: "application",
        SELF_EVALUATION: "self-evaluation",
    }
