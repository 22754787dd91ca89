"""``/sparql`` pages of an ordered answer (a final ``LIMIT``/``OFFSET``) are cut from one
evaluation of the whole answer, their *base*, kept until the store's next write: each page is
what the engine gives for the sliced text, in every result format, and the base is evaluated
once for many pages. Not from the base: pages past the rows kept of a base the row cap cut,
and texts that are no such page (no ORDER BY, VALUES after the slice, ASK, CONSTRUCT,
volatile functions)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from support.counted import Counted

from jixiao.ingest.iris import IriMinter
from jixiao.service.answers.canned import CannedQuery, load_queries
from jixiao.service.http.app import create_app
from jixiao.service.pipeline import load as loader
from jixiao.service.query import pages
from jixiao.service.query.runner import WorkerPool
from jixiao.service.settings import Settings
from jixiao.service.store.cache import lookups

pytestmark = pytest.mark.anyio

TOKEN = "s3cret"
FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
JSON = "application/sparql-results+json"
QUERIES = sorted(load_queries().values(), key=lambda q: q.name)


class Served:
    """The real app over both seed tables in memory, its runner counted."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.runner = Counted(app, delay=0.05)

    async def ask(self, text: str, accept: str = JSON, **params: str) -> httpx.Response:
        response = await self.client.post(
            "/sparql", data={"query": text, **params}, headers={"accept": accept}
        )
        assert response.status_code == 200, response.text
        return response

    def engine(self, text: str, accept: str = JSON, **graphs: list[str]) -> bytes:
        """What the engine itself gives for ``text`` (the union default graph, as served)."""
        result = self.app.state.store.query(text, **graphs)
        assert isinstance(result, ox.QuerySolutions)
        out = result.serialize(format=FORMATS[accept])
        assert out is not None
        return out

    def lookups(self) -> tuple[int, int]:
        return lookups(self.app.state.store).get("sparql-pages", (0, 0))

    async def write(self, update: str) -> None:
        response = await self.client.post(
            "/sparql", data={"update": update}, headers={"authorization": f"Bearer {TOKEN}"}
        )
        assert response.status_code == 204, response.text


def serving(max_rows: int = 10_000, **changes: object) -> AbstractAsyncContextManager[Served]:
    @asynccontextmanager
    async def served() -> AsyncIterator[Served]:
        # No /api answers computed ahead (they answer canned bases too): the runs counted
        # are the pages' own, unless a test asks for them.
        values = {"store": ":memory:", "write_token": TOKEN, "max_rows": max_rows}
        values |= {"api_precompute": False, **changes}
        settings = Settings(**values)  # type: ignore[arg-type]
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            minter = IriMinter(settings.base_iri)
            for data, name, year in loader.seed_files():
                loader.ingest_bytes(data, name, year, app.state.store, minter)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                yield Served(app, client)

    return served()


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    async with serving() as served:
        yield served


def rows_of(served: Served, text: str) -> int:
    result = served.app.state.store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    return sum(1 for _ in result)


def sliced(text: str, tail: str) -> str:
    return f"{text.rstrip()}\n{tail}\n"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
async def test_every_page_of_a_canned_query_is_the_engines_answer_from_one_evaluation(
    served: Served, query: CannedQuery
) -> None:
    text = query.text
    rows = rows_of(served, text)
    tails = [
        "LIMIT 5",
        "LIMIT 5 OFFSET 3",
        "OFFSET 3 LIMIT 5",
        "offset 2",
        "LIMIT 0",
        f"LIMIT 10 OFFSET {rows + 5}",  # past the end
        f"OFFSET {max(rows - 2, 0)} LIMIT 10",  # across the end
        "LIMIT 4 OFFSET 1 # the second page\n# of four rows",
    ]
    for tail in tails:
        for accept in FORMATS:
            page = sliced(text, tail)
            response = await served.ask(page, accept)
            assert response.content == served.engine(page, accept), (tail, accept)
            assert "x-jixiao-truncated" not in response.headers
    base = sliced(text, "")[:-1]
    assert served.runner.runs == [base]  # once, for every page in every format
    assert served.lookups() == (len(tails) * len(FORMATS) - 1, 1)


@pytest.mark.parametrize("ahead", [False, True], ids=["evaluated", "answers computed ahead"])
async def test_pages_of_canned_queries_with_their_parameters_bound(ahead: bool) -> None:
    """As the canned queries are asked with parameters (VALUES rows and FILTERs holding
    typed literals, IRIs): every page is the engine's answer, one evaluation per base at
    most (none where the /api answers computed ahead hold the base)."""
    async with serving(api_precompute=ahead) as served:
        await _canned_pages(served, ahead)


async def _canned_pages(served: Served, ahead: bool) -> None:
    names = served.app.state.store.query(
        "SELECT ?name ?series WHERE { ?series <https://w3id.org/jixiao/ontology#seriesUnit> "
        "?unit . ?unit <http://www.w3.org/2000/01/rdf-schema#label> ?name } LIMIT 1"
    )
    assert isinstance(names, ox.QuerySolutions)
    found = next(iter(names))
    values = {
        "yearA": 2023,
        "yearB": 2025,
        "year": 2023,
        "unitName": found["name"].value,
        "series": found["series"].value,
    }
    bases = []
    for query in QUERIES:
        bound = query.bind({p.name: values[p.name] for p in query.parameters})
        text = query.render(bound)
        bases.append(sliced(text, "")[:-1])
        for tail in ("LIMIT 2", "LIMIT 2 OFFSET 1", "OFFSET 1"):
            page = sliced(text, tail)
            response = await served.ask(page)
            assert response.content == served.engine(page), (query.name, tail)
    if ahead:
        assert sorted(set(served.runner.runs)) == sorted(served.runner.runs)
        assert set(served.runner.runs) <= set(bases)
    else:
        assert served.runner.runs == bases


async def test_pages_asked_at_once_wait_for_one_evaluation(served: Served) -> None:
    text = load_queries()["target-changes"].text
    tails = [f"LIMIT 10 OFFSET {10 * i}" for i in range(12)]
    answers = await asyncio.gather(*(served.ask(sliced(text, t)) for t in tails))
    for tail, response in zip(tails, answers, strict=True):
        assert response.content == served.engine(sliced(text, tail))
    assert len(served.runner.runs) == 1


async def test_pages_of_a_base_cut_at_the_row_cap_are_exact_below_it_and_evaluated_past_it() -> (
    None
):
    async with serving(max_rows=20) as served:
        text = load_queries()["project-amounts"].text
        assert rows_of(served, text) > 40
        base = sliced(text, "")[:-1]
        below = ["LIMIT 10 OFFSET 5", "LIMIT 20", "OFFSET 19 LIMIT 1", "LIMIT 0 OFFSET 5"]
        for tail in below:
            for accept in FORMATS:
                response = await served.ask(sliced(text, tail), accept)
                assert response.content == served.engine(sliced(text, tail), accept)
                assert "x-jixiao-truncated" not in response.headers
        assert served.runner.runs == [base]
        # Past the 20 rows kept: the page is evaluated as it is.
        past = sliced(text, "LIMIT 10 OFFSET 15")
        response = await served.ask(past)
        assert response.content == served.engine(past)
        assert served.runner.runs == [base, past]
        # A page over the row cap is cut at it, as every answer is.
        over = sliced(text, "OFFSET 10")
        response = await served.ask(over)
        assert response.headers["x-jixiao-truncated"] == "true"
        assert response.headers["x-jixiao-max-rows"] == "20"
        whole = ox.parse_query_results(served.engine(over), format=ox.QueryResultsFormat.JSON)
        got = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        assert isinstance(got, ox.QuerySolutions) and isinstance(whole, ox.QuerySolutions)
        assert list(got) == list(whole)[:20]
        assert served.runner.runs == [base, past, over]


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(lambda n: f"SELECT ?s ?o WHERE {{ ?s ?p ?o }} LIMIT {n}", id="no ORDER BY"),
        pytest.param(
            lambda n: (
                f"SELECT ?s ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?o LIMIT {n} VALUES ?o {{ 1 }}"
            ),
            id="VALUES after LIMIT",
        ),
        pytest.param(
            lambda n: (
                "SELECT * WHERE { { SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o "
                f"LIMIT {n} }} }}"
            ),
            id="slice in a subquery",
        ),
        pytest.param(lambda n: f"ASK WHERE {{ ?s ?p ?o }} ORDER BY ?s LIMIT {n}", id="ASK"),
        pytest.param(
            lambda n: f"CONSTRUCT WHERE {{ ?s ?p ?o }} ORDER BY ?s ?o LIMIT {n}",
            id="CONSTRUCT",
        ),
        pytest.param(
            lambda n: f"SELECT ?s (RAND() AS ?r) WHERE {{ ?s ?p ?o }} ORDER BY ?s LIMIT {n}",
            id="volatile",
        ),
        pytest.param(
            lambda n: f"SELECT ?s ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?o # LIMIT {n}",
            id="slice in a comment",
        ),
    ],
)
async def test_no_page_is_cut_from_a_base_for_other_texts(
    served: Served, texts: Callable[[int], str]
) -> None:
    accept = "application/sparql-results+json, text/turtle;q=0.9"
    for n in (3, 4):
        await served.ask(texts(n), accept)
    assert served.runner.runs == [texts(3), texts(4)]
    assert served.lookups() == (0, 0)


async def test_a_write_drops_the_base(served: Served) -> None:
    text = "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?o"
    await served.write("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> 1 . <urn:b> <urn:p> 3 } }")
    first = await served.ask(sliced(text, "LIMIT 1 OFFSET 1"))
    assert first.content == served.engine(sliced(text, "LIMIT 1 OFFSET 1"))
    await served.write("INSERT DATA { GRAPH <urn:g> { <urn:c> <urn:p> 2 } }")
    second = await served.ask(sliced(text, "LIMIT 1 OFFSET 1"))
    assert second.content == served.engine(sliced(text, "LIMIT 1 OFFSET 1"))
    assert second.json()["results"]["bindings"][0]["s"]["value"] == "urn:c"
    base = sliced(text, "")[:-1]
    assert served.runner.runs == [base, base]


async def test_the_dataset_is_part_of_the_base(served: Served) -> None:
    text = "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?o"
    await served.write("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> 1 . <urn:b> <urn:p> 2 } }")
    for tail in ("LIMIT 5", "LIMIT 1 OFFSET 1"):
        page = sliced(text, tail)
        union = await served.ask(page)
        none = await served.ask(page, **{"default-graph-uri": "urn:none"})
        named = await served.ask(page, **{"default-graph-uri": "urn:g"})
        assert union.content == served.engine(page) == named.content
        assert none.content == served.engine(page, default_graphs=["urn:none"])
        assert none.json()["results"]["bindings"] == []
    assert len(served.runner.runs) == 3  # one base per dataset


async def test_a_base_too_large_to_keep_still_answers_its_page(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "KEPT_BYTES", 100)
    text = load_queries()["project-amounts"].text
    for tail in ("LIMIT 3", "LIMIT 3 OFFSET 3"):
        response = await served.ask(sliced(text, tail))
        assert response.content == served.engine(sliced(text, tail))
    base = sliced(text, "")[:-1]
    assert served.runner.runs == [base, base]


async def test_a_large_page_goes_out_gzipped(served: Served) -> None:
    text = load_queries()["target-changes"].text
    page = sliced(text, "LIMIT 200")
    response = await served.client.post(
        "/sparql",
        data={"query": page},
        headers={"accept": JSON, "accept-encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == served.engine(page)
    assert served.runner.runs == [sliced(text, "")[:-1]]


async def test_pages_from_the_query_workers_over_an_on_disk_store(tmp_path: Path) -> None:
    async with serving(store=str(tmp_path / "store"), query_workers=1) as served:
        assert isinstance(served.runner.inner, WorkerPool)
        text = load_queries()["series-projects"].text
        for tail in ("LIMIT 7", "LIMIT 7 OFFSET 7", "OFFSET 60"):
            for accept in FORMATS:
                page = sliced(text, tail)
                response = await served.ask(page, accept)
                assert response.content == served.engine(page, accept), (tail, accept)
        assert served.runner.runs == [sliced(text, "")[:-1]]
