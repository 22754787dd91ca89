"""Was the target met? The canned query and ``/api/target-met`` on the real self-evaluation.

The 2021 项目支出绩效自评表 of 渝中区就业和人才中心 puts the actual value (全年完成值) beside
each of its 16 targets; the graph answers for each: met, not met, or undetermined.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.app import app_client
from test_api import _sparql_rows

from jixiao.service.answers.canned import load_queries
from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

REAL = Path(__file__).parents[1] / "data" / "real-tables"
SELF_EVALUATION = REAL / "chongqing-yuzhong-jiuye-2021-project-selfeval.xlsx"
UNIT = "渝中区就业和人才中心"
# position → (target, actual, verdict, compared as), as the table says
VERDICTS = {
    1: ("1", "3", "met", "number"),  # ≥1 个
    2: ("95", "100", "met", "percentage"),
    7: ("39500", "49358", "met", "number"),  # ≥39500 人
    8: ("100", "100", "met", "percentage"),  # = 100 %
    10: ("90", "90", "met", "percentage"),  # ≥90 %, reached exactly
    11: ("90", "0.88", "not met", "percentage"),  # 预算执行率: 0.88 is 88 %
    12: ("合规", "合规", "met", "same words"),
    13: ("有效", "较有效", "undetermined", None),
    16: ("健全", "较健全", "undetermined", None),
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the self-evaluation and a department-level table (no actual values)."""
    store = tmp_path_factory.mktemp("met") / "store"
    jixiao = str(Path(sys.executable).parent / "jixiao")
    for path in (SELF_EVALUATION, REAL / "zhanjiang-rsj-2024-dept-overall.xlsx"):
        subprocess.run(
            [jixiao, "ingest", str(path), "--store", str(store)], check=True, capture_output=True
        )
    return store


@pytest.fixture
def store(loaded: Path, tmp_path: Path) -> Path:
    """A copy per test (an open store holds its directory's lock)."""
    shutil.copytree(loaded, tmp_path / "store")
    return tmp_path / "store"


async def test_the_graph_says_which_targets_were_met(store: Path) -> None:
    query = load_queries()["target-met"]
    async with app_client(Settings(store=str(store))) as client:
        api = await client.get("/api/target-met", params={"year": "2021", "unit": UNIT})
        sparql = await client.post(
            "/sparql",
            content=query.render(query.bind({"year": 2021, "unitName": UNIT})).encode(),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
    assert api.status_code == 200, api.text
    rows = api.json()["rows"]
    assert rows == _sparql_rows(sparql.json())
    assert [r["position"] for r in rows] == list(range(1, 17))
    for row in rows:
        if row["position"] in VERDICTS:
            expected = VERDICTS[row["position"]]
            assert (row["target"], row["actual"], row["met"], row["comparedAs"]) == expected
    verdicts = [r["met"] for r in rows]
    assert (verdicts.count("met"), verdicts.count("not met")) == (13, 1)
    budget = next(r for r in rows if r["indicatorName"] == "预算执行率")
    assert (budget["targetNumber"], budget["actualNumber"], budget["weight"]) == (90, 88, 8)


async def test_only_indicators_with_an_actual_value_and_the_parameters_filter(store: Path) -> None:
    async with app_client(Settings(store=str(store))) as client:
        every = await client.get("/api/target-met")
        other_year = await client.get("/api/target-met", params={"year": "2024"})
        as_csv = await client.get("/api/target-met", params={"format": "csv"})
        not_a_year = await client.get("/api/target-met", params={"year": "soon"})
    assert len(every.json()["rows"]) == 16  # the 2024 table's 19 targets have no actual value
    assert other_year.json()["rows"] == []
    assert as_csv.text.splitlines()[0].startswith("year,unitName,project,projectName,indicator")
    assert len(as_csv.text.strip().splitlines()) == 17
    assert not_a_year.status_code == 400
    assert set(not_a_year.json()) == {"error", "message"}
