"""A large body stalls nobody (issue 13, finding 4): on a real ``jixiao serve``, ``/healthz``
answers quickly while a ~9 MB body is being read and parsed, and a write without a token is
refused before its body is read.

Timing is judged against the large request's own time, so a loaded machine slows both: while
a body blocked the event loop, ``/healthz`` waited almost as long as the large request took.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from support.app import WRITE_TOKEN
from support.servers import BIN, Server

from jixiao.service.bench.processes import free_port, running

pytestmark = pytest.mark.slow

BODIES = {
    "query that does not parse": (
        "application/sparql-query",
        ("SELECT * WHERE { " + "?s ?p ?o . " * 800_000).encode(),  # no closing brace
    ),
    "form update without a token": (
        "application/x-www-form-urlencoded",
        b"update=" + b"INSERT+DATA+%7B+%3Ca%3E+%3Cb%3E+1+%7D+%3B+" * 200_000,
    ),
    "direct update without a token": (
        "application/sparql-update",
        b"INSERT DATA { <a> <b> 1 } ; " * 350_000,
    ),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """On disk, as published: queries are parsed in the workers (Oxigraph holds the GIL while
    it parses, so over ``:memory:`` a 9 MB query text holds the server's process too)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    store = tmp_path_factory.mktemp("large-bodies") / "store"
    command = [str(BIN / "jixiao"), "serve", "--store", str(store), "--port", str(port)]
    env = {"JIXIAO_WRITE_TOKEN": WRITE_TOKEN, "JIXIAO_QUERY_TIMEOUT": "60"}
    with running(command, f"{url}/healthz", env=env):
        yield Server(url, WRITE_TOKEN)


def _while_sending(server: Server, content_type: str, body: bytes) -> tuple[float, int, float]:
    """(seconds the large request took, its status, the slowest /healthz meanwhile)."""
    done: dict[str, float] = {}

    def send() -> None:
        started = time.monotonic()
        response = httpx.post(
            f"{server.url}/sparql",
            content=body,
            headers={"content-type": content_type},
            timeout=120,
        )
        done["seconds"], done["status"] = time.monotonic() - started, response.status_code

    sender = threading.Thread(target=send)
    sender.start()
    slowest = 0.0
    with httpx.Client(base_url=server.url, timeout=120) as client:
        while sender.is_alive():
            started = time.monotonic()
            assert client.get("/healthz").status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.02)
    sender.join()
    return done["seconds"], int(done["status"]), slowest


@pytest.mark.parametrize("case", list(BODIES))
def test_healthz_answers_while_a_large_body_is_processed(server: Server, case: str) -> None:
    content_type, body = BODIES[case]
    assert len(body) > 8_000_000
    seconds, status, slowest = _while_sending(server, content_type, body)
    assert status == (401 if "without a token" in case else 400)
    assert slowest < max(1.0, seconds / 3), (seconds, slowest)


def test_a_direct_update_without_a_token_is_refused_before_its_body_is_read(
    server: Server,
) -> None:
    content_type, body = BODIES["direct update without a token"]
    started = time.monotonic()
    refused = httpx.post(
        f"{server.url}/sparql", content=body, headers={"content-type": content_type}, timeout=120
    )
    small = httpx.post(
        f"{server.url}/sparql",
        content=b"INSERT DATA { <a> <b> 1 }",
        headers={"content-type": content_type},
        timeout=120,
    )
    assert refused.status_code == small.status_code == 401
    assert time.monotonic() - started < 3.0
