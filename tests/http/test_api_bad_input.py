"""Bad input on /api: a clear 400 or an empty answer with the parameters echoed, never a 500;
unknown parameters refused; the query time limit holds."""

from __future__ import annotations

import pytest
from support.app import app_client, seeded_app_client

from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

QUESTIONS = ("/api/amount-changes", "/api/new-and-discontinued", "/api/target-changes")
NOT_YEARS = ["x", "2023.5", "1e3", "", " ", "-2023", "99999", "0x7e7", "二〇二三", "2025"]


async def test_years_that_are_not_years_are_400() -> None:
    """Not a year, out of range, or not earlier than yearB (the last): 400 with the one
    error shape, for each question and either year."""
    async with seeded_app_client() as client:
        for path in QUESTIONS:
            for year in NOT_YEARS:
                for params in ({"yearA": year, "yearB": "2025"}, {"yearA": "2023", "yearB": year}):
                    if params == {"yearA": "2023", "yearB": "2025"}:
                        continue
                    response = await client.get(path, params=params)
                    assert response.status_code == 400, (path, params, response.text)
                    assert set(response.json()) == {"error", "message"}


@pytest.mark.parametrize("path", QUESTIONS)
async def test_a_pair_or_unit_without_data_is_an_empty_answer_with_its_parameters(
    path: str,
) -> None:
    async with seeded_app_client() as client:
        no_pair = await client.get(path, params={"yearA": "2001", "yearB": "2002"})
        no_unit = await client.get(
            path, params={"yearA": "2023", "yearB": "2025", "unit": "没有这个单位"}
        )
    assert no_pair.status_code == no_unit.status_code == 200
    assert no_pair.json()["rows"] == [] and no_unit.json()["rows"] == []
    assert no_pair.json()["parameters"] == {"yearA": 2001, "yearB": 2002}
    assert no_unit.json()["parameters"] == {
        "yearA": 2023,
        "yearB": 2025,
        "unitName": "没有这个单位",
    }


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/recurring", {"unitName": "广州市科学技术协会"}),
        ("/api/amount-changes", {"yearA": "2023", "yearB": "2025", "unitName": "x"}),
        ("/api/new-and-discontinued", {"yearA": "2023", "yearB": "2025", "year": "2024"}),
        ("/api/target-changes", {"yearA": "2023", "yearB": "2025", "yeara": "2023"}),
        ("/api/queries", {"q": "1"}),
    ],
)
async def test_unknown_parameters_are_400(path: str, params: dict[str, str]) -> None:
    async with seeded_app_client() as client:
        response = await client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "UsageError"
    unknown = (set(params) - {"yearA", "yearB", "unit"}).pop()
    assert unknown in response.json()["message"]


async def test_known_parameters_still_answer() -> None:
    async with seeded_app_client() as client:
        response = await client.get(
            "/api/recurring", params={"unit": "广州市科学技术协会", "format": "csv"}
        )
    assert response.status_code == 200 and response.text.startswith("unitName,")


async def test_the_time_limit_holds_for_api() -> None:
    """An /api question runs as /sparql queries do, within JIXIAO_QUERY_TIMEOUT: 503 past it."""
    async with app_client(Settings(store=":memory:", query_timeout=1e-9)) as client:
        response = await client.get("/api/target-changes", params={"yearA": 2023, "yearB": 2025})
        sparql = await client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    assert sparql.status_code == 503
    assert response.status_code == 503, response.text
    assert set(response.json()) == {"error", "message"}
