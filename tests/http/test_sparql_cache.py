"""``/sparql`` answers are kept until the store's next write: the same query asked by many
clients at once is evaluated once, a write is seen by the next query, and queries whose
answer may change between runs (NOW, RAND, UUID, BNODE) or large answers are not kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from support.counted import Counted

from jixiao.service.http.app import create_app
from jixiao.service.http.routes import sparql
from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

TOKEN = "s3cret"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?o }"
JSON = {"accept": "application/sparql-results+json"}


@pytest.fixture
async def served() -> AsyncIterator[tuple[httpx.AsyncClient, Counted]]:
    app = create_app(Settings(store=":memory:", write_token=TOKEN))
    async with app.router.lifespan_context(app):
        counted = Counted(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c, counted


async def count(client: httpx.AsyncClient, text: str = COUNT) -> int:
    response = await client.get("/sparql", params={"query": text}, headers=JSON)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


async def write(client: httpx.AsyncClient, n: int) -> None:
    update = f"INSERT DATA {{ GRAPH <urn:g> {{ <urn:s{n}> <urn:p> {n} }} }}"
    response = await client.post(
        "/sparql", data={"update": update}, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 204, response.text


async def test_one_query_asked_at_once_by_many_is_evaluated_once(
    served: tuple[httpx.AsyncClient, Counted],
) -> None:
    client, runner = served
    await write(client, 1)
    answers = await asyncio.gather(*(count(client) for _ in range(20)))
    assert answers == [1] * 20
    assert runner.runs == [COUNT]
    assert await count(client) == 1  # kept: no new run
    assert runner.runs == [COUNT]


async def test_a_write_is_seen_by_the_next_query(
    served: tuple[httpx.AsyncClient, Counted],
) -> None:
    client, runner = served
    assert await count(client) == 0
    await write(client, 1)
    assert await count(client) == 1
    await write(client, 2)
    assert await count(client) == 2
    assert len(runner.runs) == 3


async def test_another_format_or_dataset_is_another_answer(
    served: tuple[httpx.AsyncClient, Counted],
) -> None:
    client, runner = served
    await write(client, 1)
    assert await count(client) == 1
    csv = await client.get("/sparql", params={"query": COUNT}, headers={"accept": "text/csv"})
    assert csv.text.split() == ["n", "1"]
    named = await client.get(
        "/sparql", params={"query": COUNT, "default-graph-uri": "urn:none"}, headers=JSON
    )
    assert named.json()["results"]["bindings"][0]["n"]["value"] == "0"
    assert len(runner.runs) == 3


@pytest.mark.parametrize(
    "text",
    [
        "SELECT (NOW() AS ?n) WHERE {}",
        "SELECT (rand() AS ?n) WHERE {}",
        "SELECT (STRUUID() AS ?n) WHERE {}",
        "SELECT ?b WHERE { BIND (BNODE() AS ?b) }",
    ],
)
async def test_an_answer_that_may_change_between_runs_is_not_kept(
    served: tuple[httpx.AsyncClient, Counted], text: str
) -> None:
    client, runner = served
    for _ in range(2):
        response = await client.get("/sparql", params={"query": text}, headers=JSON)
        assert response.status_code == 200
    assert runner.runs == [text, text]


async def test_a_large_answer_is_not_kept(
    served: tuple[httpx.AsyncClient, Counted], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, runner = served
    await write(client, 1)
    monkeypatch.setattr(sparql, "_KEPT_BYTES", 10)
    assert await count(client) == 1
    assert await count(client) == 1
    assert len(runner.runs) == 2


async def test_a_failed_query_is_not_kept(served: tuple[httpx.AsyncClient, Counted]) -> None:
    client, runner = served
    broken = "SELECT * WHERE { ?s ?p }"
    for _ in range(2):
        response = await client.get("/sparql", params={"query": broken}, headers=JSON)
        assert response.status_code == 400
    assert runner.runs == [broken, broken]


async def _fill(client: httpx.AsyncClient, n: int) -> None:
    triples = " ".join(
        f'<urn:s{i}> <urn:label> "label number {i} of a long answer" .' for i in range(n)
    )
    response = await client.post(
        "/sparql",
        data={"update": f"INSERT DATA {{ GRAPH <urn:g> {{ {triples} }} }}"},
        headers={"authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 204, response.text


async def test_a_large_answer_goes_out_gzipped_and_is_kept_compressed(
    served: tuple[httpx.AsyncClient, Counted], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, runner = served
    await _fill(client, 500)
    text = "SELECT ?s ?o WHERE { ?s <urn:label> ?o } ORDER BY ?s"
    # Kept only compressed: the plain answer is over the limit, its gzip body under it.
    monkeypatch.setattr(sparql, "_KEPT_BYTES", 20_000)
    plain = await client.get(
        "/sparql", params={"query": text}, headers={**JSON, "accept-encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept, Accept-Encoding"
    assert len(plain.content) > 20_000
    for _ in range(3):
        packed = await client.get(
            "/sparql", params={"query": text}, headers={**JSON, "accept-encoding": "gzip"}
        )
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.headers["vary"] == "Accept, Accept-Encoding"
        assert packed.content == plain.content  # httpx decompressed it
        assert int(packed.headers["content-length"]) < 20_000
    assert runner.runs == [text, text]
    again = await client.get(
        "/sparql", params={"query": text}, headers={**JSON, "accept-encoding": "identity"}
    )
    assert again.content == plain.content
    assert runner.runs == [text, text, text]


async def test_a_small_answer_goes_out_as_it_is(
    served: tuple[httpx.AsyncClient, Counted],
) -> None:
    client, _ = served
    response = await client.get(
        "/sparql", params={"query": COUNT}, headers={**JSON, "accept-encoding": "gzip"}
    )
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept, Accept-Encoding"
