"""``/.well-known/void`` and the dumps: the description matches what the dumps hold."""

from __future__ import annotations

import asyncio
import gzip
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCAT, VOID
from support.app import seeded_app_client

from jixiao.service.answers import void as void_module

pytestmark = pytest.mark.anyio

SD_NAME = URIRef("http://www.w3.org/ns/sparql-service-description#name")
SITE = "http://testserver/"
DATASET = URIRef(SITE + ".well-known/void#dataset")


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with seeded_app_client(SITE) as c:
        yield c


@pytest.fixture(scope="module")
async def void(client: httpx.AsyncClient) -> Graph:
    response = await client.get("/.well-known/void")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


async def _quads(client: httpx.AsyncClient, url: str) -> list[ox.Quad]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/gzip"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return list(ox.parse(gzip.decompress(response.content), format=ox.RdfFormat.N_QUADS))


async def test_dataset_description(client: httpx.AsyncClient, void: Graph) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    assert (DATASET, VOID.sparqlEndpoint, URIRef(SITE + "sparql")) in void
    assert (DATASET, VOID.dataDump, URIRef(SITE + "dumps/dataset.nq.gz")) in void
    vocabularies = set(void.objects(DATASET, VOID.vocabulary))
    assert URIRef("https://w3id.org/jixiao/ontology#") in vocabularies
    quads = await _quads(client, "/dumps/dataset.nq.gz")
    assert void.value(DATASET, VOID.triples).toPython() == len(quads)  # type: ignore[union-attr]
    distribution = void.value(DATASET, DCAT.distribution)
    assert void.value(distribution, DCAT.downloadURL) == URIRef(SITE + "dumps/dataset.nq.gz")
    partitions = {
        void.value(p, VOID["class"]): void.value(p, VOID.entities).toPython()  # type: ignore[union-attr]
        for p in void.objects(DATASET, VOID.classPartition)
    }
    assert partitions[URIRef("https://w3id.org/jixiao/ontology#Project")] == 45 + 19


async def test_one_subset_per_named_graph_with_its_own_dump(
    client: httpx.AsyncClient, void: Graph
) -> None:
    quads = await _quads(client, "/dumps/dataset.nq.gz")
    sizes = Counter(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
    subsets = list(void.objects(DATASET, VOID.subset))
    assert len(subsets) == len(sizes) >= 4
    documents = 0
    for subset in subsets:
        graph = str(void.value(subset, SD_NAME))
        assert void.value(subset, VOID.triples).toPython() == sizes[graph]  # type: ignore[union-attr]
        url = str(void.value(void.value(subset, DCAT.distribution), DCAT.downloadURL))
        dumped = await _quads(client, url.removeprefix(SITE.rstrip("/")))
        assert len(dumped) == sizes[graph]
        assert {q.graph_name.value for q in dumped} == {graph}  # type: ignore[union-attr]
        if "/doc/" in graph:
            documents += 1
            assert (
                url
                == SITE + "dumps/" + graph.removeprefix("https://w3id.org/jixiao/id/") + ".nq.gz"
            )
    assert documents == 2


@pytest.mark.parametrize(
    ("accept", "fmt"), [("application/ld+json", "json-ld"), ("application/n-triples", "nt")]
)
async def test_void_negotiates(client: httpx.AsyncClient, accept: str, fmt: str) -> None:
    response = await client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    if fmt == "nt":
        graph = Graph().parse(data=response.text, format="nt")
        assert (DATASET, RDF.type, VOID.Dataset) in graph
    else:
        triples = list(ox.parse(response.content, format=ox.RdfFormat.JSON_LD))
        assert any(t.subject == ox.NamedNode(str(DATASET)) for t in triples)


async def test_void_406(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"] == "NotAcceptable"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/dumps/graph.nq.gz", 400),
        ("/dumps/graph.nq.gz?graph=", 400),
        ("/dumps/graph.nq.gz?graph=urn:no:such:graph", 404),
        ("/dumps/graph.nq.gz?graph=%3Ebad", 404),
        ("/dumps/doc/000000000000/1999.nq.gz", 404),
        ("/dumps/doc/3b2fd9b0080e/2023.ttl", 404),
    ],
)
async def test_bad_dump_requests(client: httpx.AsyncClient, url: str, status: int) -> None:
    response = await client.get(url)
    assert response.status_code == status
    assert set(response.json()) == {"error", "message"}


async def test_a_dump_of_many_chunks_streams_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many small chunks: the pyoxigraph iterator must stay on one thread throughout."""
    monkeypatch.setattr(void_module, "_CHUNK", 512)
    async with seeded_app_client() as client:
        response = await client.get("/dumps/dataset.nq.gz")
        count = await client.get(
            "/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"accept": "application/sparql-results+json"},
        )
    assert response.status_code == 200
    lines = gzip.decompress(response.content).decode("utf-8").splitlines()
    assert len(lines) == int(count.json()["results"]["bindings"][0]["n"]["value"]) > 5000


async def test_the_counts_are_made_once_until_the_next_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting every graph and class reads the whole store (2.9 s at a million triples):
    done once per state of the store, not at every request (anyone may ask, and often)."""
    from support.app import WRITE_TOKEN

    from jixiao.service.http.routes import void as void_route

    made: list[object] = []
    real = void_module.dataset_counts

    def counting(store: object) -> void_module.DatasetCounts:
        made.append(store)
        return real(store)  # type: ignore[arg-type]

    monkeypatch.setattr(void_route, "dataset_counts", counting)
    async with seeded_app_client(SITE, write_token=WRITE_TOKEN) as client:
        first = await client.get("/.well-known/void")
        again = await client.get("/.well-known/void", headers={"accept": "application/n-triples"})
        assert first.status_code == again.status_code == 200
        assert len(made) == 1
        graph = "http://example.org/one-more-graph"
        update = f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}> a <{graph}#Thing> }} }}"
        auth = {"authorization": f"Bearer {WRITE_TOKEN}"}
        assert (await client.post("/sparql", data={"update": update}, headers=auth)).is_success
        after = Graph().parse(data=(await client.get("/.well-known/void")).text, format="turtle")
        assert len(made) == 2
        assert URIRef(graph) in set(after.objects(None, SD_NAME))


async def test_a_dump_is_written_once_until_the_next_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole dataset took 22 s of CPU to dump at a million triples, in the server's
    process: written once per state of the store and sent as a file to everyone who asks,
    not made anew for each download (anyone may start many at once)."""
    from support.app import WRITE_TOKEN

    made: list[str | None] = []
    real = void_module.dump_chunks

    def counting(store: object, graph: str | None, *, form: str = "nquads") -> Iterator[bytes]:
        made.append(graph)
        return real(store, graph, form=form)  # type: ignore[arg-type]

    monkeypatch.setattr(void_module, "dump_chunks", counting)
    async with seeded_app_client(SITE, write_token=WRITE_TOKEN) as client:
        first, second = await asyncio.gather(
            client.get("/dumps/dataset.nq.gz"), client.get("/dumps/dataset.nq.gz")
        )
        again = await client.get("/dumps/dataset.nq.gz")
        assert first.status_code == second.status_code == again.status_code == 200
        assert first.content == second.content == again.content
        assert again.headers["content-disposition"] == 'attachment; filename="dataset.nq.gz"'
        assert made == [None]
        quad = "<http://example.org/s> <http://example.org/p> <http://example.org/o> <http://example.org/g>"
        update = f"INSERT DATA {{ GRAPH <http://example.org/g> {{ {quad.rsplit(' ', 1)[0]} }} }}"
        auth = {"authorization": f"Bearer {WRITE_TOKEN}"}
        assert (await client.post("/sparql", data={"update": update}, headers=auth)).is_success
        after = await client.get("/dumps/dataset.nq.gz")
        assert made == [None, None]
    lines = gzip.decompress(after.content).decode("utf-8").splitlines()
    assert f"{quad} ." in lines
    assert len(lines) == len(gzip.decompress(first.content).decode("utf-8").splitlines()) + 1
