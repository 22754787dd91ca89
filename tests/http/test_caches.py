"""Pages and canned answers are cached per store until its next write — and not a write longer."""

from __future__ import annotations

import httpx
import pytest
from fastapi import Request
from support.app import WRITE_TOKEN, app_client

from jixiao.service.errors import StoreError
from jixiao.service.http.routes import api
from jixiao.service.query.evaluation import Answer, QueryJob
from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

BASE = "https://w3id.org/jixiao/id/"
AUTH = {"authorization": f"Bearer {WRITE_TOKEN}"}


async def _write(client: httpx.AsyncClient, update: str) -> None:
    response = await client.post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 204


async def test_a_write_is_seen_by_the_next_page() -> None:
    settings = Settings(store=":memory:", write_token=WRITE_TOKEN)
    async with app_client(settings) as client:
        missing = await client.get("/id/test/thing", headers={"accept": "text/turtle"})
        assert missing.status_code == 404
        again = await client.get("/id/test/thing", headers={"accept": "text/turtle"})
        assert again.status_code == 404  # answered from the cache this time
        update = (
            f"INSERT DATA {{ GRAPH <urn:g> {{ <{BASE}test/thing> "
            f'<http://www.w3.org/2000/01/rdf-schema#label> "第一"@zh }} }}'
        )
        assert (
            await client.post("/sparql", data={"update": update}, headers=AUTH)
        ).status_code == 204
        found = await client.get("/id/test/thing", headers={"accept": "text/turtle"})
        assert found.status_code == 200 and "第一" in found.text
        rename = (
            f"DELETE DATA {{ GRAPH <urn:g> {{ <{BASE}test/thing> "
            f'<http://www.w3.org/2000/01/rdf-schema#label> "第一"@zh }} }} ; '
            f"INSERT DATA {{ GRAPH <urn:g> {{ <{BASE}test/thing> "
            f'<http://www.w3.org/2000/01/rdf-schema#label> "第二"@zh }} }}'
        )
        assert (
            await client.post("/sparql", data={"update": rename}, headers=AUTH)
        ).status_code == 204
        renamed = await client.get("/id/test/thing", headers={"accept": "text/turtle"})
        assert "第二" in renamed.text and "第一" not in renamed.text


def _count_queries(monkeypatch: pytest.MonkeyPatch, fail_first: int = 0) -> list[str]:
    """The canned queries the /api routes run from now on, by name (the first
    ``fail_first`` fail as a busy store would)."""
    real, ran = api.evaluate_question, []

    async def counted(request: Request, name: str, job: QueryJob) -> Answer:
        ran.append(name)
        if len(ran) <= fail_first:
            raise StoreError("the store is busy")
        return await real(request, name, job)

    monkeypatch.setattr(api, "evaluate_question", counted)
    return ran


async def test_an_answer_is_kept_until_the_next_write(monkeypatch: pytest.MonkeyPatch) -> None:
    ran = _count_queries(monkeypatch)
    # No /api answers computed ahead (tests/http/test_unit_answers.py): the test's queries.
    settings = Settings(store=":memory:", write_token=WRITE_TOKEN, api_precompute=False)
    async with app_client(settings) as client:
        first = await client.get("/api/recurring")
        again = await client.get("/api/recurring")
        assert first.status_code == again.status_code == 200
        assert first.content == again.content and ran == ["recurring-series"]
        csv = await client.get("/api/recurring", params={"format": "csv"})
        assert csv.text.startswith("unitName,") and len(ran) == 2  # a body of its own
        await _write(client, f"INSERT DATA {{ GRAPH <urn:g> {{ <{BASE}x> <{BASE}p> 1 }} }}")
        assert (await client.get("/api/recurring")).status_code == 200
        assert len(ran) == 3


async def test_a_failed_answer_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    ran = _count_queries(monkeypatch, fail_first=1)
    async with app_client(Settings(store=":memory:", api_precompute=False)) as client:
        failed = await client.get("/api/recurring")
        assert failed.status_code == 503 and failed.json()["error"] == "StoreError"
        assert (await client.get("/api/recurring")).status_code == 200
        assert ran == ["recurring-series", "recurring-series"]
