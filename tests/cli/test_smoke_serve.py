"""Smoke test: a real ``jixiao serve`` subprocess on a seeded store, queried over HTTP."""

from __future__ import annotations

import time

import httpx
import pytest
from support.servers import Server

pytestmark = pytest.mark.slow


def test_serve_answers_over_http(jixiao_server: Server) -> None:
    with httpx.Client(base_url=jixiao_server.url, timeout=10) as client:
        health = client.get("/healthz").json()
        assert health["status"] == "ok" and isinstance(health["answeredFrom"], dict)
        query = (
            "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
            "SELECT (COUNT(?p) AS ?n) WHERE { ?p a jx:Project }"
        )
        answer = client.get("/sparql", params={"query": query})
        assert answer.status_code == 200
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 10
        assert client.get("/sparql", params={"query": "SELECT {"}).status_code == 400
        description = client.get("/sparql", headers={"Accept": "text/turtle"})
        assert "sd:Service" in description.text
        dataset = client.get("/store", headers={"Accept": "application/n-quads"})
        assert dataset.status_code == 200 and b"BudgetDocument" in dataset.content
        refused = client.post(
            "/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}
        )
        assert refused.status_code == 401
        assert "openapi" in client.get("/openapi.json").json()


def test_serve_answers_from_in_memory_replicas_once_copied(jixiao_server: Server) -> None:
    """The workers copy the store into memory in the background as they start; once a copy
    is done queries are answered from it (the same answers as from disk: the runner's
    tests compare them)."""
    query = "SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # run {}"
    answers: set[str] = set()
    with httpx.Client(base_url=jixiao_server.url, timeout=10) as client:
        deadline = time.monotonic() + 60
        run = 0
        while time.monotonic() < deadline:
            run += 1  # a new text each time, so the answer cache does not answer it
            answer = client.get("/sparql", params={"query": query.format(run)})
            answers.add(answer.json()["results"]["bindings"][0]["n"]["value"])
            if client.get("/healthz").json()["answeredFrom"].get("replica", 0) > 0:
                break
            time.sleep(0.2)
        answered = client.get("/healthz").json()["answeredFrom"]
    assert answered.get("replica", 0) > 0, answered
    assert len(answers) == 1
