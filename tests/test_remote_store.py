"""RemoteStore against a real ``oxigraph serve`` process: ingest, query, graphs, serve."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from conftest import BIN, WRITE_TOKEN, Server, app_client
from rdflib import Literal, URIRef

from jixiao.service.remote import RemoteStore
from jixiao.service.settings import Settings

pytestmark = pytest.mark.slow

G1, G2 = URIRef("http://example.org/g1"), URIRef("http://example.org/g2")
P = URIRef("http://example.org/p")


@pytest.fixture
def remote(oxigraph_server: Server) -> Iterator[RemoteStore]:
    store = RemoteStore(oxigraph_server.url)
    yield store
    store.close()


def test_replace_graphs_query_and_union(remote: RemoteStore) -> None:
    store = remote
    store.replace_graphs([(G1, [(G1, P, Literal(1))])], add=[(G2, [(G2, P, Literal("二"))])])
    store.replace_graphs([(G1, [(G1, P, Literal(3))])])
    assert store.named_graphs() == [str(G1), str(G2)]
    rows = list(store.query("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s"))
    assert [(r["s"].value, r["o"].value) for r in rows] == [(str(G1), "3"), (str(G2), "二")]
    only = store.query("SELECT ?o { ?s ?p ?o }", default_graphs=[str(G2)])
    assert [r["o"].value for r in only] == ["二"]
    assert bool(store.query("ASK { GRAPH <http://example.org/g1> { ?s ?p 3 } }"))
    triples = list(store.query("CONSTRUCT WHERE { ?s <http://example.org/p> ?o }"))
    assert len(triples) == 2 and all(isinstance(t, ox.Triple) for t in triples)
    with pytest.raises(Exception, match="refused"):
        store.query("SELECT {")


def test_graph_level_operations(remote: RemoteStore) -> None:
    store = remote
    triple = ox.Triple(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.BlankNode())
    store.write_graph("http://example.org/g", [triple], replace=True)
    assert store.has_graph("http://example.org/g")
    assert len(store.read_graph("http://example.org/g")) == 1
    store.write_graph("http://example.org/g", [triple], replace=False)
    assert len(store.read_graph("http://example.org/g")) == 2
    store.write_graph(None, [triple], replace=True)
    assert len(store.read_graph(None)) == 1
    assert b"http://a" in store.dump_dataset(ox.RdfFormat.N_QUADS)
    store.drop_graph("http://example.org/g")
    assert not store.has_graph("http://example.org/g")


def test_cli_ingest_and_query_against_remote(oxigraph_server: Server) -> None:
    seeded = subprocess.run(
        [str(BIN / "jixiao"), "seed", "--store", oxigraph_server.url],
        capture_output=True,
        text=True,
    )
    assert seeded.returncode == 0, seeded.stderr
    counted = subprocess.run(
        [
            str(BIN / "jixiao"),
            "query",
            "--store",
            oxigraph_server.url,
            "--format",
            "csv",
            "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
            "SELECT (COUNT(?d) AS ?n) WHERE { ?d a jx:BudgetDocument }",
        ],
        capture_output=True,
        text=True,
    )
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.splitlines() == ["n", "2"]


@pytest.mark.anyio
async def test_serve_over_a_remote_store(oxigraph_server: Server) -> None:
    settings = Settings(store=oxigraph_server.url, write_token=WRITE_TOKEN)
    async with app_client(settings) as client:
        put = await client.put(
            "/store?graph=http://example.org/x",
            content=b"<http://example.org/s> <http://example.org/p> 'v' .",
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {WRITE_TOKEN}"},
        )
        assert put.status_code == 201, put.text
        answer = await client.get(
            "/sparql",
            params={"query": "SELECT ?o WHERE { <http://example.org/s> ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200
        assert answer.json()["results"]["bindings"][0]["o"]["value"] == "v"
        graph = await client.get(
            "/store?graph=http://example.org/x", headers={"Accept": "text/turtle"}
        )
        assert graph.status_code == 200 and "example.org/s" in graph.text
