"""``GET /id/…`` and ``GET /ontology``: negotiation, twins, pages, and bad paths.

The app runs in process on an in-memory store seeded with the two bundled tables (the real
ingest pipeline, series included). What ``/id`` serves is checked against the whole-dataset
dump, parsed independently by rdflib, and the pages against the data they show.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from support.app import seeded_app_client
from support.pool import shared_pool_taken

from jixiao.ontology import vocabulary_graph

pytestmark = pytest.mark.anyio

BASE = "https://w3id.org/jixiao/id/"
JX = "https://w3id.org/jixiao/ontology#"
DOC_2023 = "doc/3b2fd9b0080e/2023"
PROJECT = f"{DOC_2023}/project/1"
ONLY_OBJECT = f"{BASE}test/only-an-object"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
RDF_MEDIA = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with seeded_app_client(
        extra_update=(
            "INSERT DATA { GRAPH <urn:test:extra> { <https://example.org/thing> "
            f"<http://www.w3.org/2000/01/rdf-schema#seeAlso> <{ONLY_OBJECT}> }} }}"
        )
    ) as c:
        yield c


@pytest.fixture(scope="module")
async def dataset(client: httpx.AsyncClient) -> list[ox.Quad]:
    """The whole dataset, from the dump (parsed, not queried)."""
    response = await client.get("/dumps/dataset.nq.gz")
    assert response.status_code == 200
    return list(ox.parse(gzip.decompress(response.content), format=ox.RdfFormat.N_QUADS))


def _expected(dataset: list[ox.Quad], iri: str) -> Graph:
    """What /id should serve for ``iri``: every triple naming it as subject or object."""
    node = ox.NamedNode(iri)
    lines = [
        f"{q.subject} {q.predicate} {q.object} ." for q in dataset if node in (q.subject, q.object)
    ]
    return Graph().parse(data="\n".join(lines), format="nt")


def _parse(text: str, media: str) -> Graph:
    """rdflib reads Turtle and N-Triples; JSON-LD goes through pyoxigraph's parser."""
    if media != "application/ld+json":
        return Graph().parse(data=text, format=RDF_MEDIA[media])
    triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.JSON_LD)
    return Graph().parse(data="\n".join(f"{t} ." for t in triples), format="nt")


def _assert_isomorphic(got: Graph, expected: Graph) -> None:
    if not isomorphic(got, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        extra = sorted(only_got.serialize(format="nt").splitlines())[:10]
        missing = sorted(only_expected.serialize(format="nt").splitlines())[:10]
        pytest.fail(f"graphs differ\nextra: {extra}\nmissing: {missing}")


class _Page(HTMLParser):
    """Links, element ids and table rows of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.rows: dict[str, int] = {}
        self._section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("href"):
            self.hrefs.append(str(found["href"]))
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "section":
            self._section = found.get("id")
        if tag == "tr" and self._section:
            self.rows[self._section] = self.rows.get(self._section, 0) + 1


def _page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


# ── negotiation ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (HTML["Accept"], "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("*/*", "text/turtle"),
        ("", "text/turtle"),
    ],
)
async def test_id_negotiates(client: httpx.AsyncClient, accept: str, media: str) -> None:
    response = await client.get(f"/id/{PROJECT}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    pages_vary = ", Accept-Language, Cookie" if media == "text/html" else ""  # their words
    assert response.headers["vary"] == "Accept" + pages_vary
    links = response.headers["link"]
    for suffix, twin in ((".ttl", "text/turtle"), (".jsonld", "application/ld+json")):
        assert f'</id/{PROJECT}{suffix}>; rel="alternate"; type="{twin}"' in links
    assert f'</id/{PROJECT}.nt>; rel="alternate"; type="application/n-triples"' in links


@pytest.mark.parametrize(
    ("suffix", "media"),
    [
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
        (".html", "text/html"),
    ],
)
async def test_suffix_overrides_accept(client: httpx.AsyncClient, suffix: str, media: str) -> None:
    response = await client.get(f"/id/{PROJECT}{suffix}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert "link" in response.headers


async def test_unacceptable_media_type_is_406(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/id/{PROJECT}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"] == "NotAcceptable"
    assert "text/turtle" in response.json()["message"]


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld", ".nt"])
@pytest.mark.parametrize("rest", [PROJECT, DOC_2023, f"{PROJECT}/indicator/2/annual"])
async def test_rdf_is_the_resource_and_its_incoming_triples(
    client: httpx.AsyncClient, dataset: list[ox.Quad], rest: str, suffix: str
) -> None:
    response = await client.get(f"/id/{rest}{suffix}")
    assert response.status_code == 200
    media = response.headers["content-type"].split(";")[0]
    _assert_isomorphic(_parse(response.text, media), _expected(dataset, BASE + rest))


async def test_project_rdf_has_the_mapped_facts(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/id/{PROJECT}.ttl")
    graph = Graph().parse(data=response.text, format="turtle")
    project = URIRef(BASE + PROJECT)
    label = graph.value(project, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    assert label == Literal("科普经费", lang="zh")
    assert graph.value(project, URIRef(JX + "budgetYear")).toPython() == 2023  # type: ignore[union-attr]
    assert len(set(graph.objects(project, URIRef(JX + "hasIndicator")))) == 8


# ── pages ─────────────────────────────────────────────────────────────────────────────────


async def test_project_page(client: httpx.AsyncClient, dataset: list[ox.Quad]) -> None:
    response = await client.get(f"/id/{PROJECT}", headers=HTML)
    assert response.status_code == 200
    text = response.text
    page = _page(text)
    assert re.search(r'<h1 id="label">科普经费</h1>', text)
    # the indicators table: a header row and one row per indicator, in position order
    assert page.rows["indicators"] == 1 + 8
    assert "output indicators" in text and "全年开展科普活动的次数不少于1000次" in text
    assert '<span class="cmp" title="jx:atLeast">≥</span> 1000 <span class="unit">次</span>' in text
    positions = re.findall(r'<td class="num">(\d+)</td>\s*<td><a href="/ontology#category', text)
    assert positions == [str(n) for n in range(1, 9)]
    # every property and incoming link, linked; labels of linked resources shown
    assert "budget year" in text and "jx:budgetYear" in text
    assert "广州市科学技术协会" in text  # the funding unit, by its label
    assert f'href="/id/{DOC_2023}"' in text
    assert 'href="/ontology#Project"' in text
    assert page.ids >= {"properties", "incoming", "indicators"}
    # the RDF twins are linked from the page too
    assert f'<link rel="alternate" type="text/turtle" href="/id/{PROJECT}.ttl">' in text


async def test_every_local_link_on_a_page_resolves(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/id/{PROJECT}", headers=HTML)
    mine = ("/id/", "/ontology", "/static/", "/.well-known/void")
    local = sorted({h.split("#")[0] for h in _page(response.text).hrefs if h.startswith(mine)})
    assert len(local) > 15
    for href in local:
        followed = await client.get(href, headers=HTML)
        assert followed.status_code == 200, href


async def test_project_page_shows_its_series(client: httpx.AsyncClient) -> None:
    query = f"""PREFIX jx: <{JX}>
    SELECT ?p (COUNT(?m) AS ?n) WHERE {{ ?p jx:series ?s . ?m jx:series ?s }}
    GROUP BY ?p HAVING (COUNT(?m) > 1) ORDER BY ?p LIMIT 1"""
    answer = await client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    bindings = answer.json()["results"]["bindings"]
    if not bindings:
        pytest.skip("the seed data has no series with more than one member")
    project, members = bindings[0]["p"]["value"], int(bindings[0]["n"]["value"])
    response = await client.get("/id/" + project.removeprefix(BASE), headers=HTML)
    page = _page(response.text)
    assert page.rows["series"] == 1 + members
    assert "(this page)" in response.text
    assert "2023" in response.text and "2025" in response.text


async def test_document_page_lists_units_and_projects(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/id/{DOC_2023}", headers=HTML)
    assert response.status_code == 200
    page = _page(response.text)
    assert page.rows["units"] == 1 + 4
    assert page.rows["projects"] == 1 + 45
    assert "科普经费" in response.text


async def test_department_page_links_its_documents(client: httpx.AsyncClient) -> None:
    response = await client.get("/id/dept/3b2fd9b0080e", headers=HTML)
    assert response.status_code == 200
    assert f'href="/id/{DOC_2023}"' in response.text
    assert "广州市科学技术协会" in response.text


async def test_a_resource_known_only_as_an_object_is_served(client: httpx.AsyncClient) -> None:
    rest = ONLY_OBJECT.removeprefix(BASE)
    page = await client.get(f"/id/{rest}", headers=HTML)
    assert page.status_code == 200
    assert "https://example.org/thing" in page.text
    turtle = await client.get(f"/id/{rest}.ttl")
    assert turtle.status_code == 200
    assert "https://example.org/thing" in turtle.text


# ── bad paths ─────────────────────────────────────────────────────────────────────────────

BAD_PATHS = [
    "/id/nothing/here",
    "/id/",
    "/id/doc",
    "/id/a%20b",
    "/id/a%3Eb%3C",
    "/id/%22quoted%22",
    "/id/x%00y",
    "/id/%7Bbrace%7D.ttl",
    "/id/%FF",  # not UTF-8: decoded to U+FFFD, which no IRI may hold (was a 400 with a
    "/id/%FF.ttl",  # parse position of an internal query)
    "/id/a%EF%BF%BEb",
    f"/id/{PROJECT}/indicator/999",
    f"/id/{PROJECT}/indicator/999.jsonld",
]


@pytest.mark.parametrize("path", BAD_PATHS)
async def test_unknown_paths_are_404_json(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"
    assert set(response.json()) == {"error", "message"}


@pytest.mark.parametrize("path", BAD_PATHS)
async def test_unknown_paths_are_404_html_for_browsers(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>404 — Not found</h1>" in response.text
    assert "Traceback" not in response.text


# ── the vocabulary ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("media", list(RDF_MEDIA))
async def test_ontology_rdf_is_the_vocabulary(client: httpx.AsyncClient, media: str) -> None:
    response = await client.get("/ontology", headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    pages_vary = ", Accept-Language, Cookie" if media == "text/html" else ""  # their words
    assert response.headers["vary"] == "Accept" + pages_vary
    assert '</ontology.ttl>; rel="alternate"; type="text/turtle"' in response.headers["link"]
    _assert_isomorphic(_parse(response.text, media), vocabulary_graph())


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/ontology.ttl", "text/turtle"),
        ("/ontology.nt", "application/n-triples"),
        ("/ontology.jsonld", "application/ld+json"),
        ("/ontology.html", "text/html"),
    ],
)
async def test_ontology_suffixes(client: httpx.AsyncClient, path: str, media: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media


async def test_ontology_page_has_an_anchor_for_every_term(client: httpx.AsyncClient) -> None:
    response = await client.get("/ontology", headers=HTML)
    assert response.status_code == 200
    page = _page(response.text)
    vocabulary = vocabulary_graph()
    terms = {
        str(s).removeprefix(JX)
        for s in vocabulary.subjects()
        if isinstance(s, URIRef) and str(s).startswith(JX)
    }
    categories = {
        "category-" + str(s).rsplit("/", 1)[-1]
        for s in vocabulary.subjects()
        if str(s).startswith("https://w3id.org/jixiao/indicator-category/")
    }
    assert len(terms) > 50 and len(categories) > 10
    assert terms <= page.ids, sorted(terms - page.ids)
    assert categories <= page.ids, sorted(categories - page.ids)
    text = response.text
    # domain and range, the comparators with their signs, the category tree with codes
    assert re.search(
        r'id="hasIndicator">.*?href="/ontology#Project".*?href="/ontology#Indicator"', text, re.S
    )
    assert '<td class="cmp">≥</td>' in text
    assert re.search(
        r'id="category-22"><span class="code">22</span> <span lang="zh">社会效益指标', text
    )


async def test_unknown_ontology_suffix_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/ontology.exe")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


async def test_ontology_406(client: httpx.AsyncClient) -> None:
    response = await client.get("/ontology", headers={"Accept": "application/pdf"})
    assert response.status_code == 406


async def test_pages_are_made_in_threads_of_their_own() -> None:
    """Under load the pages waiting for a thread are a queue: made in the shared pool they
    held up the short jobs every other route sends there (issue 15's mixed load). With the
    shared pool taken, a page is still made."""
    async with seeded_app_client() as client, shared_pool_taken():
        page = await client.get(f"/id/{PROJECT}", headers={"Accept": "text/html"})
    assert page.status_code == 200
