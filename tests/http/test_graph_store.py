"""/store beyond the W3C cases: tokens, the whole dataset, bad bodies, unknown graphs."""

from __future__ import annotations

import pytest
from support.app import WRITE_TOKEN, app_client

from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

AUTH = {"authorization": f"Bearer {WRITE_TOKEN}"}
TURTLE = {"content-type": "text/turtle"}
GRAPH = "/store?graph=http://example.org/g"


def _settings() -> Settings:
    return Settings(store=":memory:", write_token=WRITE_TOKEN)


async def test_writes_need_the_token_reads_do_not() -> None:
    async with app_client(_settings()) as client:
        body = b"<http://example.org/s> <http://example.org/p> 1 ."
        assert (await client.put(GRAPH, content=body, headers=TURTLE)).status_code == 401
        assert (
            await client.delete(GRAPH, headers={"authorization": "Bearer x"})
        ).status_code == 403
        assert (
            await client.put(GRAPH, content=body, headers={**TURTLE, **AUTH})
        ).status_code == 201
        assert (
            await client.put(GRAPH, content=body, headers={**TURTLE, **AUTH})
        ).status_code == 204
        got = await client.get(GRAPH, headers={"accept": "application/n-triples"})
        assert got.status_code == 200 and got.text.count(" .") == 1
        assert (await client.head(GRAPH)).status_code == 200
        assert (await client.delete(GRAPH, headers=AUTH)).status_code == 204
        assert (await client.get(GRAPH)).status_code == 404


async def test_whole_dataset_negotiated() -> None:
    async with app_client(_settings()) as client:
        nquads = await client.get("/store", headers={"accept": "application/n-quads"})
        trig = await client.get("/store", headers={"accept": "application/trig"})
        refused = await client.get("/store", headers={"accept": "text/turtle"})
    assert nquads.status_code == 200 and b"w3id.org/jixiao/ontology" in nquads.content
    assert trig.headers["content-type"].startswith("application/trig")
    assert refused.status_code == 406


@pytest.mark.parametrize(
    ("path", "headers", "body", "status"),
    [
        (GRAPH, {**AUTH, **TURTLE}, b"this is not turtle", 400),
        (GRAPH, {**AUTH, "content-type": "image/png"}, b"x", 415),
        ("/store?graph=relative", {**AUTH, **TURTLE}, b"", 400),
        ("/store?graph=http://a&default", {**AUTH, **TURTLE}, b"", 400),
    ],
)
async def test_bad_writes(path: str, headers: dict[str, str], body: bytes, status: int) -> None:
    async with app_client(_settings()) as client:
        response = await client.put(path, content=body, headers=headers)
    assert response.status_code == status
    assert set(response.json()) == {"error", "message"}
