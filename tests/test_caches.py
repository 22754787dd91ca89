"""Pages and canned answers are cached per store until its next write — and not a write longer."""

from __future__ import annotations

import httpx
import pytest
from conftest import WRITE_TOKEN, app_client

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
