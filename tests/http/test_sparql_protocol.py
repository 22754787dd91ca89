"""/sparql beyond the W3C cases: bad input, negotiation, tokens, limits, CORS, access log."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import pytest
from support.app import WRITE_TOKEN, app_client

from jixiao.service.http.negotiation import RDF_OFFERS, SOLUTIONS_OFFERS, negotiate, split_suffix
from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3"
CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _settings(**changes: object) -> Settings:
    # No /api answers computed ahead: the queries counted here are the test's own.
    return Settings(store=":memory:", write_token=WRITE_TOKEN, api_precompute=False, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("accept", "offers", "chosen"),
    [
        (None, SOLUTIONS_OFFERS, "application/sparql-results+json"),
        ("*/*", RDF_OFFERS, "text/turtle"),
        ("text/csv;q=0.9, application/sparql-results+xml", SOLUTIONS_OFFERS,
         "application/sparql-results+xml"),
        ("text/*;q=0.5, text/csv;q=0", SOLUTIONS_OFFERS, "text/tab-separated-values"),
        ("application/ld+json, text/turtle;q=0.8", RDF_OFFERS, "application/ld+json"),
        ("image/png", RDF_OFFERS, None),
        ("text/turtle;q=0", RDF_OFFERS, None),
    ],
)  # fmt: skip
async def test_negotiate(accept: str | None, offers: tuple[str, ...], chosen: str | None) -> None:
    assert negotiate(accept, offers) == chosen


async def test_split_suffix() -> None:
    assert split_suffix("doc/1.ttl") == ("doc/1", "text/turtle")
    assert split_suffix("doc/1.jsonld") == ("doc/1", "application/ld+json")
    assert split_suffix("doc/1") == ("doc/1", None)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
async def test_select_formats(accept: str, media: str) -> None:
    async with app_client(_settings()) as client:
        response = await client.get("/sparql", params={"query": SELECT}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


@pytest.mark.parametrize(
    "accept",
    ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
     "application/trig", "application/n-quads"],
)  # fmt: skip
async def test_construct_formats(accept: str) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5"
    async with app_client(_settings()) as client:
        response = await client.post("/sparql", data={"query": query}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    assert response.content


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("GET", {"params": {"query": "SELECT {"}}, 400),
        ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("GET", {"params": {"update": "CLEAR ALL"}}, 400),
        ("GET", {"params": {"query": "ASK {}"}, "headers": {"accept": "image/png"}}, 406),
        ("POST", {"content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415),
        ("POST", {"content": b"ASK {}"}, 415),
        ("POST", {"content": b"\xff\xfe", "headers": {"content-type": "application/sparql-query"}},
         400),
        ("POST", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
        ("POST", {"data": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
        ("PUT", {}, 405),
        ("GET", {"params": {"query": "SELECT * { SERVICE <http://example.org/s> { ?s ?p ?o } }"}},
         403),
    ],
)  # fmt: skip
async def test_bad_requests(method: str, kwargs: dict[str, object], status: int) -> None:
    async with app_client(_settings()) as client:
        response = await client.request(method, "/sparql", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"} and body["message"]


@pytest.mark.parametrize(
    ("token", "authorization", "status"),
    [
        (WRITE_TOKEN, None, 401),
        (WRITE_TOKEN, "Bearer wrong", 403),
        (None, f"Bearer {WRITE_TOKEN}", 403),
        (WRITE_TOKEN, f"Bearer {WRITE_TOKEN}", 204),
    ],
)
async def test_update_needs_the_token(
    token: str | None, authorization: str | None, status: int
) -> None:
    headers = {"content-type": "application/sparql-update"}
    if authorization:
        headers["authorization"] = authorization
    async with app_client(Settings(store=":memory:", write_token=token)) as client:
        update = "INSERT DATA { GRAPH <http://example.org/g> { <http://a> <http://b> 1 } }"
        response = await client.post("/sparql", content=update.encode(), headers=headers)
        assert response.status_code == status
        ask = await client.get("/sparql", params={"query": "ASK { <http://a> ?p ?o }"})
    assert ask.json()["boolean"] is (status == 204)


async def test_load_is_refused_unless_allowed() -> None:
    headers = {
        "content-type": "application/sparql-update",
        "authorization": f"Bearer {WRITE_TOKEN}",
    }
    async with app_client(_settings()) as client:
        outside = await client.post(
            "/sparql", content=b"LOAD <http://example.org/x.ttl>", headers=headers
        )
        local_file = await client.post(
            "/sparql", content=b"LOAD <file:///etc/passwd>", headers=headers
        )
    assert outside.status_code == 403
    assert local_file.status_code == 400 and "file:///etc/passwd" in local_file.json()["message"]


async def test_row_cap_says_truncated() -> None:
    async with app_client(_settings(max_rows=5)) as client:
        response = await client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        small = await client.get("/sparql", params={"query": SELECT})
    assert response.headers["x-jixiao-truncated"] == "true"
    assert len(response.json()["results"]["bindings"]) == 5
    assert "x-jixiao-truncated" not in small.headers


@pytest.mark.parametrize(
    ("accept", "rows"),
    [
        (
            "application/sparql-results+json",
            lambda body: len(json.loads(body)["results"]["bindings"]),
        ),
        ("application/sparql-results+xml", lambda body: body.count(b"<result>")),
        ("text/csv", lambda body: body.count(b"\r\n") - 1),
        ("text/tab-separated-values", lambda body: body.count(b"\n") - 1),
    ],
)
async def test_an_answer_past_the_row_cap_is_evaluated_once(
    accept: str, rows: Callable[[bytes], int]
) -> None:
    """Cut while it streams: one evaluation, the cap's rows, the same marks as ever."""
    async with app_client(_settings(max_rows=5)) as client:
        store = client._transport.app.state.store  # type: ignore[attr-defined]
        evaluations = []
        query = store.query

        def counted(*args: object, **kwargs: object) -> object:
            evaluations.append(args)
            return query(*args, **kwargs)

        store.query = counted
        response = await client.get(
            "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers={"accept": accept}
        )
    assert len(evaluations) == 1
    assert response.headers["x-jixiao-truncated"] == "true"
    assert response.headers["x-jixiao-max-rows"] == "5"
    assert rows(response.content) == 5


async def test_body_cap() -> None:
    async with app_client(_settings(max_body_bytes=100)) as client:
        response = await client.post(
            "/sparql", content=b"ASK {}" + b" " * 200,
            headers={"content-type": "application/sparql-query"},
        )  # fmt: skip
    assert response.status_code == 413
    assert response.json()["error"] == "BodyTooLarge"


async def test_time_limit_stops_a_runaway_query() -> None:
    """A 4-way cross join of every triple: stopped at the limit, and the service goes on."""
    async with app_client(_settings(query_timeout=0.5, max_rows=10**9)) as client:
        started = time.monotonic()
        response = await client.get("/sparql", params={"query": CROSS_JOIN})
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.text[:200]
        assert response.json()["error"] == "QueryTimeout"
        assert elapsed < 2.0
        after = await client.get("/sparql", params={"query": "ASK {}"})
    assert after.status_code == 200


async def test_cors_and_access_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="jixiao.access")
    async with app_client(_settings(cors_origins="https://example.org")) as client:
        response = await client.get(
            "/sparql", params={"query": "ASK {}"}, headers={"origin": "https://example.org"}
        )
    assert response.headers["access-control-allow-origin"] == "https://example.org"
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "jixiao.access"]
    assert lines and lines[-1]["path"] == "/sparql" and lines[-1]["status"] == 200
    assert isinstance(lines[-1]["ms"], float)


async def test_openapi_documents_the_routes() -> None:
    async with app_client(_settings()) as client:
        schema = (await client.get("/openapi.json")).json()
    assert {"get", "post"} <= set(schema["paths"]["/sparql"])
    assert "put" in schema["paths"]["/store"]
