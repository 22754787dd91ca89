"""No JSON-LD context is fetched unless ``JIXIAO_JSONLD_CONTEXT_HOSTS`` allows its host
(issue 13, finding 2): ``POST /validate``, Graph Store writes and ``jixiao validate`` refuse a
document that needs a remote or ``file:`` context, with a line naming the context and
nothing of what was (not) fetched; a loopback listener started here receives no connection.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from support.app import WRITE_TOKEN, app_client
from support.listener import Listener
from support.servers import BIN

from jixiao.service.settings import Settings

SECRET = "jixiao-secret-7f3a9c"
GRAPH = "http://example.org/g"
TURTLE = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> ."

pytestmark = pytest.mark.usefixtures("stop_validation_worker")


@pytest.fixture
def listener() -> Iterator[Listener]:
    context = {"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}
    with Listener(json.dumps(context).encode()) as running:
        yield running


def documents(url: str) -> dict[str, dict[str, object]]:
    """Every place a JSON-LD document can name a context to load."""
    node = {"@id": "http://example.org/s", "name": "x"}
    return {
        "top": {"@context": url, **node},
        "list": {"@context": [{"p": "http://example.org/p"}, url], **node},
        "nested node": {"@id": "http://example.org/s", "http://example.org/p": {"@context": url}},
        "import": {"@context": {"@version": 1.1, "@import": url}, **node},
        "scoped": {"@context": {"@version": 1.1, "t": {"@id": "http://e/t", "@context": url}}},
        "graph": {"@graph": [{"@context": url, **node}]},
    }


def _refusal_names(message: str, url: str) -> None:
    assert url in message and "context" in message.lower()
    rest = message.replace(url, "<url>")  # the port in the URL may read like a status
    for leak in ("Errno", "errno", "Connection refused", "HTTP Error", "404", "urlopen"):
        assert leak not in rest, message


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(store=":memory:", write_token=WRITE_TOKEN)
    async with app_client(settings) as client:
        yield client


@pytest.mark.anyio
@pytest.mark.parametrize("where", list(documents("x")))
async def test_validate_refuses_a_remote_context_and_fetches_nothing(
    client: httpx.AsyncClient, listener: Listener, where: str
) -> None:
    body = json.dumps(documents(listener.url)[where]).encode()
    response = await client.post(
        "/validate", content=body, headers={"content-type": "application/ld+json"}
    )
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error", "message"}
    _refusal_names(response.json()["message"], listener.url)
    assert listener.connections == 0


@pytest.mark.anyio
async def test_validate_never_reads_a_file_context(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    secret = tmp_path / "context.jsonld"
    secret.write_text(json.dumps({"@context": {"name": f"http://{SECRET}/name"}}))
    for url in (secret.as_uri(), str(secret), "context.jsonld"):
        body = json.dumps({"@context": url, "@id": "http://example.org/s", "name": "x"})
        response = await client.post(
            "/validate", content=body, headers={"content-type": "application/ld+json"}
        )
        assert response.status_code == 400, response.text
        assert SECRET not in response.text
        assert url in response.json()["message"]


@pytest.mark.anyio
@pytest.mark.parametrize("where", list(documents("x")))
async def test_graph_store_refuses_a_remote_context_and_keeps_the_graph(
    client: httpx.AsyncClient, listener: Listener, where: str
) -> None:
    auth = {"authorization": f"Bearer {WRITE_TOKEN}"}
    put = await client.put(
        "/store",
        params={"graph": GRAPH},
        content=TURTLE,
        headers={**auth, "content-type": "text/turtle"},
    )
    assert put.status_code in (201, 204)
    body = json.dumps(documents(listener.url)[where]).encode()
    for method in ("PUT", "POST"):
        response = await client.request(
            method,
            "/store",
            params={"graph": GRAPH},
            content=body,
            headers={**auth, "content-type": "application/ld+json"},
        )
        assert response.status_code == 400, response.text
        _refusal_names(response.json()["message"], listener.url)
    kept = await client.get("/store", params={"graph": GRAPH}, headers={"accept": "text/turtle"})
    assert kept.status_code == 200 and "http://example.org/o" in kept.text
    assert listener.connections == 0


async def _validate_with_hosts(hosts: str, context: str) -> httpx.Response:
    settings = Settings(store=":memory:", jsonld_context_hosts=hosts)
    body = {"@context": context, "@id": "http://example.org/s", "name": "x"}
    async with app_client(settings) as client:
        return await client.post(
            "/validate",
            content=json.dumps(body).encode(),
            headers={"content-type": "application/ld+json"},
        )


@pytest.mark.anyio
async def test_an_allowed_host_is_fetched_once_and_used(listener: Listener) -> None:
    response = await _validate_with_hosts(f"127.0.0.1:{listener.port}", listener.url)
    assert response.status_code == 200, response.text
    assert listener.connections == 1


@pytest.mark.anyio
async def test_an_allowed_host_that_fails_is_named_without_its_answer() -> None:
    with Listener(b"<html>not json</html>", status=404) as failing:
        response = await _validate_with_hosts("127.0.0.1", failing.url)
    assert response.status_code == 400, response.text
    _refusal_names(response.json()["message"], failing.url)
    assert "not json" not in response.text


def test_cli_validate_refuses_a_remote_context(tmp_path: Path, listener: Listener) -> None:
    path = tmp_path / "x.jsonld"
    path.write_text(json.dumps(documents(listener.url)["top"]))
    done = subprocess.run(
        [str(BIN / "jixiao"), "validate", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "x.jsonld" in lines[0]
    _refusal_names(lines[0], listener.url)
    assert listener.connections == 0
