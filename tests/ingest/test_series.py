"""Series linking on synthetic data: names, several years, renames, splits, overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.ingest.errors import InputError
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.graph import series_triples
from jixiao.ingest.linking.names import Method, compare_names, normalize_name
from jixiao.ingest.linking.overrides import parse_overrides
from jixiao.ingest.linking.series import (
    IndicatorInfo,
    ProjectInfo,
    Series,
    link_indicators,
    link_series,
)

UNIT = "某单位"


def project(year: int, row: int, name: str, *indicators: str, unit: str = UNIT) -> ProjectInfo:
    iri = f"http://x/{unit}/{year}/{row}"
    inds = tuple(
        IndicatorInfo(f"{iri}/i/{n}", n, text, "output") for n, text in enumerate(indicators, 1)
    )
    return ProjectInfo(iri, "部门", unit, year, row, name, Decimal(1), inds)


def groups(series: list[Series]) -> set[tuple[tuple[int, str], ...]]:
    return {tuple((p.year, p.name) for p in s.members) for s in series}


NAME_CASES = [
    ("“广聚英才计划”项目经费", "“广聚英才”计划项目经费", Method.NORMALIZED),
    ("青少馆运行维护费", "青少年馆运行维护费", Method.NORMALIZED),
    (
        "某中心2023-2024年信息化运维项目（2023）",
        "某中心2025-2026年信息化运维项目",
        Method.NORMALIZED,
    ),
    ("某中心2022年-2023年运维项目(2022)", "某中心2024年—2025年运维项目", Method.NORMALIZED),
    ("院士宣传及成果推广工作经费", "院士宣传推广服务经费", Method.SIMILAR),
    ("工作经费", "工作经费", Method.EXACT),
]


@pytest.mark.parametrize(("a", "b", "method"), NAME_CASES)
def test_compare_names(a: str, b: str, method: Method) -> None:
    found, score = compare_names(a, b)
    assert found is method
    assert score >= 0.7


def test_name_cases_ran() -> None:
    assert len(NAME_CASES) == 6


def test_unrelated_names_score_low() -> None:
    assert compare_names("档案整理及财务咨询服务经费", "其他运行经费")[1] < 0.3
    assert compare_names("科协大院消防改造项目", "科协大院维修项目")[1] < 0.7
    assert (
        normalize_name("2023年科技馆免费开放补助资金（粤财科教〔2022〕224号）")
        == "科技馆免费开放补助资金"
    )


def test_three_years_with_rename_split_and_gap() -> None:
    projects = [
        project(2021, 1, "科普经费"),
        project(2021, 2, "院士宣传及成果推广工作经费"),
        project(2021, 3, "平台建设项目"),
        project(2022, 1, "科普经费"),
        project(2022, 2, "院士宣传推广服务经费"),  # reworded
        project(2023, 1, "科普经费"),  # split in two of one name
        project(2023, 2, "科普经费"),
        project(2023, 3, "院士宣传推广服务经费"),
        project(2023, 4, "平台建设项目"),  # back after a gap
        project(2023, 5, "两新组织党建专项工作经费"),  # new
    ]
    series = link_series(projects)
    assert groups(series) == {
        ((2021, "科普经费"), (2022, "科普经费"), (2023, "科普经费"), (2023, "科普经费")),
        (
            (2021, "院士宣传及成果推广工作经费"),
            (2022, "院士宣传推广服务经费"),
            (2023, "院士宣传推广服务经费"),
        ),
        ((2021, "平台建设项目"), (2023, "平台建设项目")),
        ((2023, "两新组织党建专项工作经费"),),
    }
    reworded = next(s for s in series if s.label.startswith("院士"))
    assert [(k.matched.year, k.method, k.score) for k in reworded.links] == [
        (2021, Method.SIMILAR, 0.748),
        (2022, Method.EXACT, 1.0),
    ]


def test_same_name_in_another_unit_is_another_project() -> None:
    series = link_series(
        [project(2023, 1, "机构运行辅助经费"), project(2025, 1, "机构运行辅助经费", unit="乙单位")]
    )
    assert len(series) == 2
    assert all(len(s.years) == 1 for s in series)


def test_threshold_leaves_a_project_alone() -> None:
    projects = [project(2023, 1, "科协大院消防改造项目"), project(2025, 1, "科协大院维修项目")]
    assert len(link_series(projects)) == 2
    assert len(link_series(projects, threshold=0.5)) == 1


def test_one_series_takes_one_similar_group_the_strongest() -> None:
    projects = [
        project(2023, 1, "院士宣传及成果推广工作经费"),
        project(2025, 1, "院士宣传推广服务经费"),
        project(2025, 2, "院士宣传及成果推广工作经费"),
    ]
    series = link_series(projects)
    assert ((2023, "院士宣传及成果推广工作经费"), (2025, "院士宣传及成果推广工作经费")) in groups(
        series
    )


OVERRIDES = """
[[same]]
unit = "某单位"
projects = [
  { year = 2023, name = "档案整理及财务咨询服务经费" },
  { year = 2025, name = "其他运行经费" },
]

[[different]]
unit = "某单位"
note = "two different projects that happen to share a name"
projects = [ { year = 2023, name = "工作经费" }, { year = 2025, name = "工作经费" } ]

[[different]]
unit = "某单位"
projects = [
  { year = 2025, name = "广州科学馆", row = 3 },
  { year = 2025, name = "广州科学馆", row = 4 },
]
"""


def test_overrides_win() -> None:
    overrides = parse_overrides(OVERRIDES)
    assert len(overrides) == 3
    projects = [
        project(2023, 1, "档案整理及财务咨询服务经费"),
        project(2023, 2, "工作经费"),
        project(2023, 3, "广州科学馆"),
        project(2025, 1, "其他运行经费"),
        project(2025, 2, "工作经费"),
        project(2025, 3, "广州科学馆"),
        project(2025, 4, "广州科学馆"),
    ]
    series = link_series(projects, overrides)
    assert groups(series) == {
        ((2023, "档案整理及财务咨询服务经费"), (2025, "其他运行经费")),
        ((2023, "工作经费"),),
        ((2025, "工作经费"),),
        ((2023, "广州科学馆"), (2025, "广州科学馆")),
        ((2025, "广州科学馆"),),
    }
    curated = next(s for s in series if s.label.startswith("档案"))
    assert [(k.method, k.score) for k in curated.links] == [(Method.CURATED, 1.0)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[same]]\nunit = 'u'\nprojects = []", "exactly two"),
        ("[[same]]\nprojects = [{year=1,name='a'},{year=2,name='b'}]", "'unit'"),
        ("[[maybe]]\nunit = 'u'", "unknown section"),
        ("[[same]\n", "not valid TOML"),
        ("[[same]]\nunit='u'\nprojects=[{year='x',name='a'},{year=2,name='b'}]", "'year'"),
    ],
)
def test_bad_overrides_say_where(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_overrides(text, "o.toml")


def test_indicator_continuity_by_name_and_similarity() -> None:
    projects = [
        project(2023, 1, "科创经费", "促进技术成果转化交易金额", "参展商满意度", "培训人次"),
        project(2024, 1, "科创经费", "参展商满意度", "促进科技成果转化交易金额", "培训场次"),
        project(2025, 1, "科创经费", "促进科技成果转化交易金额"),
    ]
    links = link_indicators(link_series(projects))
    found = {(k.project.year, k.indicator.name, k.earlier.name, k.method) for k in links}
    assert found == {
        (2024, "参展商满意度", "参展商满意度", Method.EXACT),
        (2024, "促进科技成果转化交易金额", "促进技术成果转化交易金额", Method.SIMILAR),
        (2025, "促进科技成果转化交易金额", "促进科技成果转化交易金额", Method.EXACT),
    }  # 培训人次 / 培训场次 (0.75) stay apart


def _triples(projects: list[ProjectInfo]) -> set[tuple[object, ...]]:
    series = link_series(projects)
    return set(series_triples(series, link_indicators(series), IriMinter()))


def test_deterministic_and_stable_when_a_later_year_is_added() -> None:
    two = [
        project(2023, 1, "工作经费", "出国（境）人数"),
        project(2023, 2, "科普经费"),
        project(2024, 1, "工作经费", "出国（境）人数"),
    ]
    third = [project(2025, 1, "工作经费", "出国（境）人数"), project(2025, 2, "新项目")]
    before = _triples(two)
    assert before == _triples(list(reversed(two)))
    after = _triples(two + third)
    assert before <= after
    assert len(after - before) > 0
