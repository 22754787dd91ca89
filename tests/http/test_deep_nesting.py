"""Deep nesting is refused before any parser reads it (issue 13, findings 3 and 8).

Oxigraph's SPARQL parser recurses on the native stack once per level: about 3,000 nested
``{ }`` overflowed it (SIGSEGV), which killed the whole server over ``:memory:`` (queries run
in its threads) and over a disk store with an update, and killed a worker (a 503) with a
query. Now every query and update deeper than ``max_query_depth`` is a 400 naming the limit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.app import WRITE_TOKEN
from support.servers import BIN
from support.sync_app import Client, service

from jixiao.service.bench.processes import free_port, running
from jixiao.service.query.runner import WorkerPool

AUTH = {"authorization": f"Bearer {WRITE_TOKEN}", "content-type": "application/sparql-update"}
PROJECTS = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def deep(kind: str, bracket: str, depth: int) -> str:
    """A query or update nesting ``bracket`` ``depth`` levels deep (valid SPARQL)."""
    if bracket == "{":
        inner = "{" * depth + "}" * depth
        return f"SELECT * WHERE {inner}" if kind == "query" else f"INSERT {{ }} WHERE {inner}"
    inner = "(" * depth + "1" + ")" * depth
    where = f"WHERE {{ FILTER({inner}) }}"
    return f"SELECT * {where}" if kind == "query" else f"DELETE {{ ?s ?p ?o }} {where}"


def _send(client: Client | httpx.Client, kind: str, text: str) -> httpx.Response:
    if kind == "query":
        return client.post("/sparql", data={"query": text})
    return client.post("/sparql", content=text.encode(), headers=AUTH)


@pytest.mark.parametrize("depth", [3000, 5000])
@pytest.mark.parametrize("bracket", ["{", "("])
@pytest.mark.parametrize("kind", ["query", "update"])
def test_deep_nesting_is_a_400_naming_the_limit(
    served: Client, kind: str, bracket: str, depth: int
) -> None:
    response = _send(served, kind, deep(kind, bracket, depth))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "BadRequest"
    assert "deeper than 100 levels" in body["message"] and "max_query_depth" in body["message"]
    assert served.get("/healthz").status_code == 200
    assert served.get("/sparql", params={"query": PROJECTS}).status_code == 200


@pytest.mark.parametrize("kind", ["query", "update"])
def test_the_limit_is_the_setting(tmp_path: Path, kind: str) -> None:
    with service("memory", tmp_path, max_query_depth=12) as client:
        at = _send(client, kind, deep(kind, "{", 12))
        over = _send(client, kind, deep(kind, "{", 13))
    assert at.status_code in (200, 204), at.text
    assert over.status_code == 400 and "deeper than 12 levels" in over.json()["message"]


def test_brackets_in_strings_comments_and_iris_do_not_count(tmp_path: Path) -> None:
    text = "SELECT * WHERE { ?s ?p ?o FILTER(?o != '" + "{" * 500 + "') }  # " + "(" * 500 + "\n"
    with service("memory", tmp_path, max_query_depth=5) as client:
        response = client.post("/sparql", data={"query": text})
    assert response.status_code == 200, response.text


def test_a_worker_that_crashes_is_replaced_and_the_client_told_why(tmp_path: Path) -> None:
    """Without the limit the parser overflows its stack in the worker: the client learns that
    the worker died and how, and the next query is answered by its replacement."""
    with service("disk", tmp_path, max_query_depth=1_000_000) as client:
        pool = client.app_state("queries")
        assert isinstance(pool, WorkerPool)
        (before,) = pool.pids()
        response = _send(client, "query", deep("query", "{", 20_000))
        after = client.get("/sparql", params={"query": PROJECTS})
        (replacement,) = pool.pids()
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "WorkerDied"
    assert "killed by SIGSEGV" in response.json()["message"]
    assert "replaced" in response.json()["message"]
    assert after.status_code == 200 and replacement != before


def _deep_jsonld(depth: int) -> bytes:
    inner = '{"@id": "http://example.org/x"}'
    for _ in range(depth):
        inner = '{"@id": "http://example.org/s", "http://example.org/p": ' + inner + "}"
    return inner.encode()


def _deep_triple_terms(depth: int) -> bytes:
    inner = "<http://example.org/s> <http://example.org/p> <http://example.org/o>"
    nested = "<<( " * depth + inner + " )>>" * depth
    return f"<http://example.org/s> <http://example.org/p> {nested} .".encode()


DEEP_BODIES = [
    ("application/ld+json", _deep_jsonld(5000)),
    ("text/turtle", _deep_triple_terms(100_000)),
]


@pytest.mark.parametrize(("media", "body"), DEEP_BODIES, ids=["json-ld", "turtle"])
def test_a_deep_rdf_body_is_a_400_and_writes_nothing(
    served: Client, media: str, body: bytes
) -> None:
    response = served.post(
        "/store?graph=urn:jixiao:test:deep",
        content=body,
        headers={"authorization": AUTH["authorization"], "content-type": media},
    )
    assert response.status_code == 400, response.text
    assert "max_query_depth" in response.json()["message"]
    assert served.get("/store?graph=urn:jixiao:test:deep").status_code == 404
    assert served.get("/healthz").status_code == 200


@contextlib.contextmanager
def _serve(store: str) -> Iterator[httpx.Client]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "jixiao"), "serve", "--store", store, "--port", str(port)]
    with (
        running(command, f"{url}/healthz", env={"JIXIAO_WRITE_TOKEN": WRITE_TOKEN}) as process,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client
        assert process.poll() is None, "the server died"


@pytest.mark.slow
@pytest.mark.parametrize("store", ["memory", "disk"])
def test_jixiao_serve_lives_through_deep_nesting(tmp_path: Path, store: str) -> None:
    with _serve(":memory:" if store == "memory" else str(tmp_path / "store")) as client:
        for kind in ("query", "update"):
            for bracket in ("{", "("):
                for depth in (3000, 5000):
                    response = _send(client, kind, deep(kind, bracket, depth))
                    assert response.status_code == 400, response.text
        for media, body in DEEP_BODIES:
            headers = {"authorization": AUTH["authorization"], "content-type": media}
            response = client.put(
                "/store?graph=urn:jixiao:test:deep", content=body, headers=headers
            )
            assert response.status_code == 400, response.text
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/sparql", params={"query": PROJECTS}).status_code == 200
