"""Smoke test: a real ``jixiao serve`` subprocess on a seeded store, queried over HTTP."""

from __future__ import annotations

import httpx
import pytest
from conftest import Server

pytestmark = pytest.mark.slow


def test_serve_answers_over_http(jixiao_server: Server) -> None:
    with httpx.Client(base_url=jixiao_server.url, timeout=10) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
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
