"""Cross-year answers on the two bundled seeds, checked against a hand-made reading of them.

The expected lists below come from reading both tables side by side (2023 and 2025 of the
Guangzhou Association for Science and Technology), not from the linker's output.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.series import link_series
from jixiao.service.answers.canned import load_queries, run_canned
from jixiao.service.pipeline import load as loader
from jixiao.service.pipeline.linking import fetch_projects
from jixiao.service.store.embedded import EmbeddedStore

KX = "广州市科学技术协会"
FZ = "广州市科学技术发展中心"
JL = "广州市科学技术协会创新与交流中心"
XY = "广州科技贸易职业学院"

# (unit, 2023 names, 2025 names): the series that recur from 2023 to 2025
RECURRING: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (KX, ("工作经费",), ("工作经费",)),
    (KX, ("“科创中国”创新枢纽城市建设经费",), ("“科创中国”创新枢纽城市建设经费",)),
    (KX, ("“广聚英才计划”项目经费",), ("“广聚英才”计划项目经费",)),
    (KX, ("服务科技工作者经费",), ("服务科技工作者经费",)),
    (KX, ("科协大院维修项目",), ("科协大院维修项目",)),
    (KX, ("广州科学馆",), ("广州科学馆", "广州科学馆")),
    (KX, ("科协大院运行维护经费",), ("科协大院运行维护经费",)),
    (KX, ("科学素质提升工程",), ("科学素质提升工程",)),
    (
        KX,
        ("广州市科学技术协会2023-2024年信息化运维项目（2023）",),
        ("广州市科学技术协会2025-2026年信息化运维项目",),
    ),
    (FZ, ("青少馆运行维护费",), ("青少年馆运行维护费",)),
    (FZ, ("科学素质提升工程",), ("科学素质提升工程",)),
    (
        FZ,
        (
            "广州市科学技术发展中心2022年-2023年信息化运行维护服务项目（2022）",
            "广州市科学技术发展中心2023年-2024年信息化运行维护服务项目（2023）",
        ),
        (
            "广州市科学技术发展中心2024年-2025年信息化运维项目",
            "广州市科学技术发展中心2025年-2026年信息化运维项目",
        ),
    ),
    (JL, ("机构运行辅助经费",), ("机构运行辅助经费",)),
    (JL, ("“广聚英才计划项目”经费",), ("“广聚英才”计划项目经费",)),
    (JL, ("院士宣传及成果推广工作经费",), ("院士宣传推广服务经费",)),
]
NOT_CONTINUED_2023 = {
    (KX, "科普经费"),
    (KX, "档案整理及财务咨询服务经费"),
    (KX, "市科协2023年网上科技工作者之家平台升级改造项目"),
    (KX, "科协大院消防改造项目"),
    (FZ, "2023年科技馆免费开放补助资金（粤财科教〔2022〕224号）"),
    (JL, "广州市科协创新与交流中心2023-2024年信息化运维项目（2023）"),
}
NEW_2025 = {(KX, "其他运行经费"), (KX, "两新组织党建专项工作经费")}
XY_PROJECTS_2023 = 23  # every project of 广州科技贸易职业学院 (the unit is absent in 2025)

# (unit, 2023 project, indicator 2023, raw 2023, 2025 indicator, raw 2025, change)
TARGETS = [
    (KX, "工作经费", "出国（境）人数", "11人次", "出国（境）人数", "15人次", "increased"),
    (
        KX,
        "“科创中国”创新枢纽城市建设经费",
        "促进技术成果转化交易金额",
        "全年促成技术成果转化交易金额不少于130亿元",
        "促进科技成果转化交易金额",
        "不少于40亿元",
        "decreased",
    ),
    (KX, "科协大院维修项目", "响应速度", "故障保修一小时内", "响应速度", "一小时内", "unchanged"),
    (KX, "工作经费", "形成交流报告", "形成出国交流报告1篇", "形成交流报告", "2篇", "increased"),
    (
        JL,
        "“广聚英才计划项目”经费",
        "管理服务工作站数量",
        "36家",
        "管理服务工作站数量",
        "20家左右",
        "reworded",
    ),
]


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(None)
    minter = IriMinter()
    for data, name, year in loader.seed_files():
        loader.ingest_bytes(data, name, year, store, minter)
    yield store


def test_linker_reproduces_the_hand_made_list(store: EmbeddedStore) -> None:
    series = link_series(fetch_projects(store))
    found = sorted(
        (
            s.unit,
            tuple(sorted(p.name for p in s.in_year(2023))),
            tuple(sorted(p.name for p in s.in_year(2025))),
        )
        for s in series
        if s.years == [2023, 2025]
    )
    expected = sorted((u, tuple(sorted(a)), tuple(sorted(b))) for u, a, b in RECURRING)
    assert found == expected
    assert len(found) == 15
    assert all(len({p.unit for p in s.members}) == 1 for s in series)
    only_2023 = {(s.unit, p.name) for s in series if s.years == [2023] for p in s.members}
    assert {x for x in only_2023 if x[0] != XY} == NOT_CONTINUED_2023
    assert sum(1 for x in only_2023 if x[0] == XY) == XY_PROJECTS_2023
    only_2025 = {(s.unit, p.name) for s in series if s.years == [2025] for p in s.members}
    assert only_2025 == NEW_2025


def test_the_series_graph_is_in_the_store(store: EmbeddedStore) -> None:
    result = store.query(
        "PREFIX jx: <https://w3id.org/jixiao/ontology#> SELECT (COUNT(*) AS ?n) "
        "WHERE { GRAPH <https://w3id.org/jixiao/id/graph/series> { ?p jx:series ?s } }"
    )
    assert [int(row["n"].value) for row in result] == [64]  # every project, one series each


def test_recurring_query_finds_no_cross_unit_links(store: EmbeddedStore) -> None:
    rows = run_canned(store, load_queries()["amount-changes"], {"yearA": 2023, "yearB": 2025})
    assert len(rows.rows) == len(RECURRING)
    assert {r["unitName"] for r in rows.rows} == {KX, FZ, JL}
    museum = next(r for r in rows.rows if r["seriesLabel"] == "广州科学馆")
    assert (museum["amountA"], museum["projectsB"], museum["amountB"]) == (15293, 2, 16475.95)


def test_new_and_discontinued(store: EmbeddedStore) -> None:
    rows = run_canned(
        store, load_queries()["new-and-discontinued"], {"yearA": 2023, "yearB": 2025}
    ).rows
    new = {(r["unitName"], r["name"]) for r in rows if r["status"] == "new"}
    gone = {(r["unitName"], r["name"]) for r in rows if r["status"] == "discontinued"}
    assert new == NEW_2025
    assert {g for g in gone if g[0] != XY} == NOT_CONTINUED_2023
    assert sum(1 for r in rows if r["status"] == "discontinued" and r["unitName"] == XY) == 23


@pytest.mark.parametrize("case", TARGETS, ids=[t[2] for t in TARGETS])
def test_target_change(store: EmbeddedStore, case: tuple[str, ...]) -> None:
    unit, project, name_a, raw_a, name_b, raw_b, change = case
    rows = run_canned(
        store,
        load_queries()["target-changes"],
        {"yearA": 2023, "yearB": 2025, "unitName": unit},
    ).rows
    hits = [
        r
        for r in rows
        if r["projectNameA"] == project and r["indicatorNameA"] == name_a and r["rawA"] == raw_a
    ]
    assert len(hits) == 1
    assert (hits[0]["indicatorNameB"], hits[0]["rawB"], hits[0]["change"]) == (
        name_b,
        raw_b,
        change,
    )


def test_target_cases_ran() -> None:
    assert len(TARGETS) == 5


def test_added_and_removed_indicators(store: EmbeddedStore) -> None:
    rows = run_canned(
        store, load_queries()["target-changes"], {"yearA": 2023, "yearB": 2025, "unitName": KX}
    ).rows
    work = [r for r in rows if r["seriesLabel"] == "工作经费"]
    added = {r["indicatorNameB"] for r in work if r["change"] == "added"}
    removed = {r["indicatorNameA"] for r in work if r["change"] == "removed"}
    assert added == {"联系港澳代表和科技界人士数量", "联系科技社团和组织数量"}
    assert removed == {"形成调研报告"}
