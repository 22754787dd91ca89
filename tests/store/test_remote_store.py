"""RemoteStore against a real ``oxigraph serve`` process: ingest, query, graphs, serve;
how the store settings (flavour, paths, credentials) reach it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from support.app import WRITE_TOKEN, app_client, seeded_app_client
from support.servers import BIN, Server

from jixiao.ingest.errors import UsageError
from jixiao.service.settings import Settings
from jixiao.service.store.factory import open_store
from jixiao.service.store.remote import RemoteStore

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


def query_csv(
    url: str, text: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``jixiao query --store URL --format csv TEXT`` (with ``env`` added to ours)."""
    return subprocess.run(
        [str(BIN / "jixiao"), "query", "--store", url, "--format", "csv", text],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_cli_ingest_and_query_against_remote(oxigraph_server: Server) -> None:
    seeded = subprocess.run(
        [str(BIN / "jixiao"), "seed", "--store", oxigraph_server.url],
        capture_output=True,
        text=True,
    )
    assert seeded.returncode == 0, seeded.stderr
    counted = query_csv(
        oxigraph_server.url,
        "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a jx:BudgetDocument }",
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


@pytest.mark.parametrize(
    ("url", "options", "expected"),
    [
        ("http://h:7878", {}, ("/query", "/update", "/store")),
        ("http://h:3030/ds", {"flavour": "fuseki"}, ("/ds/query", "/ds/update", "/ds/data")),
        ("http://h:8890/", {"flavour": "virtuoso"}, ("/sparql", "/sparql", "/sparql-graph-crud")),
        (
            "http://h:8890",
            {"flavour": "virtuoso", "user": "u", "password": "p"},
            ("/sparql-auth", "/sparql-auth", "/sparql-graph-crud-auth"),
        ),
        ("http://h:7001", {"flavour": "qlever", "token": "t"}, ("/", "/", "/")),
        (
            "http://h:8890",
            {"flavour": "virtuoso", "query_path": "q", "store_path": "/other/crud"},
            ("/q", "/sparql", "/other/crud"),
        ),
    ],
)
def test_flavours_and_paths_lay_out_the_endpoints(
    url: str, options: dict[str, str], expected: tuple[str, str, str]
) -> None:
    store = RemoteStore(url, **options)  # type: ignore[arg-type]
    urls = (store.query_url, store.update_url, store.store_url)
    assert tuple(httpx.URL(u).path for u in urls) == expected
    store.close()


def test_store_settings_reach_the_remote_store() -> None:
    settings = Settings(
        store="http://h:3030/ds",
        store_flavour="fuseki",
        store_update_path="/ds/write",
        store_user="jixiao",
        store_password="secret",
    )
    store = open_store(settings.store, settings=settings)
    assert isinstance(store, RemoteStore)
    assert (store.query_url, store.update_url) == (
        "http://h:3030/ds/query",
        "http://h:3030/ds/write",
    )
    assert "secret" not in repr(settings)
    store.close()
    with pytest.raises(UsageError, match="unknown store flavour 'stardog'"):
        open_store("http://h:5820", settings=Settings(store_flavour="stardog"))


def test_cli_takes_flavour_and_paths_from_the_environment(oxigraph_server: Server) -> None:
    def count(**env: str) -> subprocess.CompletedProcess[str]:
        return query_csv(oxigraph_server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", env)

    wrong = count(JIXIAO_STORE_FLAVOUR="virtuoso", JIXIAO_STORE_QUERY_PATH="nowhere")
    assert wrong.returncode == 3
    assert "/nowhere" in wrong.stderr and "JIXIAO_STORE_QUERY_PATH" in wrong.stderr
    right = count(JIXIAO_STORE_FLAVOUR="virtuoso")  # oxigraph answers on /sparql too
    assert right.returncode == 0, right.stderr
    assert right.stdout.splitlines() == ["n", "0"]


def test_large_writes_go_in_chunks_or_staged(remote: RemoteStore, oxigraph_server: Server) -> None:
    graph = URIRef("http://example.org/big")
    ex = "http://example.org/"
    triples: list[tuple[Node, Node, Node]] = [
        (URIRef(f"{ex}s{i}"), P, Literal(f"值{i}")) for i in range(2500)
    ]
    node = BNode()
    triples += [(graph, P, node), (node, P, Literal("blank"))]
    remote.replace_graphs([(graph, triples)])  # three INSERT DATA and one INSERT … WHERE {}
    assert len(remote.read_graph(str(graph))) == 2502
    staged = RemoteStore(oxigraph_server.url, max_update_bytes=40_000)
    staged.replace_graphs([(graph, triples[1000:])], add=[(G1, [(G1, P, Literal(1))])])
    staged.close()
    back = remote.read_graph(str(graph))
    assert len(back) == 1502
    shared = [t.object for t in back if isinstance(t.object, ox.BlankNode)]
    assert [t.subject for t in back if isinstance(t.subject, ox.BlankNode)] == shared
    assert remote.named_graphs() == [str(graph), str(G1)]  # no staging graph left
    assert [t.object.value for t in remote.read_graph(str(G1))] == ["1"]


def test_credentials_go_the_way_the_server_asks() -> None:
    from jixiao.service.store.remote import _ServerChosenAuth

    seen: list[str | None] = []

    def basic_only(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization"))
        if request.headers.get("Authorization", "").startswith("Basic "):
            return httpx.Response(200)
        return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="x"'})

    with httpx.Client(
        transport=httpx.MockTransport(basic_only), auth=_ServerChosenAuth("u", "p")
    ) as client:
        assert client.get("http://h/").status_code == 200
        assert client.get("http://h/").status_code == 200
    assert [s and s.split()[0] for s in seen] == [None, "Basic", "Basic"]  # then up front


@pytest.mark.anyio
async def test_api_answers_from_the_facts_written_to_the_remote_store(
    oxigraph_server: Server,
) -> None:
    """The seeds loaded into ``oxigraph serve`` by the CLI carry their cross-year facts, and
    /api/target-changes answers from them as it does from the embedded store."""
    seeded = subprocess.run(
        [str(BIN / "jixiao"), "seed", "--store", oxigraph_server.url],
        capture_output=True,
        text=True,
    )
    assert seeded.returncode == 0, seeded.stderr
    question = {"yearA": "2023", "yearB": "2025", "unit": "广州市科学技术协会"}
    async with app_client(Settings(store=oxigraph_server.url)) as client:
        remote = await client.get("/api/target-changes", params=question)
    async with seeded_app_client() as client:
        embedded = await client.get("/api/target-changes", params=question)
    assert remote.status_code == embedded.status_code == 200, remote.text
    rows = remote.json()["rows"]
    assert len(rows) > 50
    assert {row["change"] for row in rows} >= {"increased", "unchanged", "added", "removed"}
    key = lambda row: sorted((k, str(v)) for k, v in row.items())  # noqa: E731
    assert sorted(rows, key=key) == sorted(embedded.json()["rows"], key=key)
