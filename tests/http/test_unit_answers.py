"""``/api`` answered from each question's answer for every funding unit, computed ahead.

The same bodies as the app that asks the query runner each time (``JIXIAO_API_PRECOMPUTE``
off), for every question, pair of years, year and funding unit of a synthetic corpus, within
the row cap and cut at it; asked without a query once computed; computed again after a write.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from support.app import WRITE_TOKEN, app_client
from support.pool import shared_pool_taken

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.synthetic import generate_corpus
from jixiao.service.answers.by_unit import UnitCuts, base_questions
from jixiao.service.answers.canned import load_queries
from jixiao.service.http.routes import api
from jixiao.service.pipeline.corpus import ingest_corpus, sources_in
from jixiao.service.query.evaluation import QueryJob
from jixiao.service.settings import Settings
from jixiao.service.store.embedded import EmbeddedStore

pytestmark = pytest.mark.anyio

QUESTIONS = ("recurring", "amount-changes", "new-and-discontinued", "target-changes", "target-met")


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus of a few years and many units, on disk."""
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, triples=40_000, seed=16)
    path = tmp_path_factory.mktemp("store") / "store"
    store = EmbeddedStore(path)
    ingest_corpus(sources_in([folder]), store, IriMinter(), workers=0)
    store.close()
    return path


def _copy(store: Path, tmp_path: Path, name: str) -> str:
    copy = tmp_path / name
    shutil.copytree(store, copy)
    return str(copy)


async def _ready(client: httpx.AsyncClient, seconds: float = 120) -> dict[str, int]:
    """Waits until /healthz says every answer for every unit is computed; its progress."""
    for _ in range(int(seconds * 10)):
        warmed = (await client.get("/healthz")).json().get("apiAnswers")
        if warmed and warmed["computed"] == warmed["questions"]:
            return warmed
        await asyncio.sleep(0.1)
    raise AssertionError(f"the answers for every unit were not computed in {seconds} s")


async def _site(client: httpx.AsyncClient) -> tuple[list[int], list[str]]:
    prefix = "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
    prefix += "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    found = []
    for text in (
        "SELECT DISTINCT ?v { ?d a jx:BudgetDocument ; jx:budgetYear ?v } ORDER BY ?v",
        "SELECT DISTINCT ?v { ?u a jx:FundingUnit ; rdfs:label ?v } ORDER BY ?v",
    ):
        answer = await client.post(
            "/sparql",
            data={"query": prefix + text},
            headers={"Accept": "application/sparql-results+json"},
        )
        found.append([b["v"]["value"] for b in answer.json()["results"]["bindings"]])
    return [int(y) for y in found[0]], found[1]


def _asks(years: list[int], units: list[str]) -> list[tuple[str, dict[str, str]]]:
    """Every question for every pair of years (or year) and none, with and without units."""
    pairs = [(a, b) for a in years for b in years if a < b]
    out: list[tuple[str, dict[str, str]]] = []
    for unit in [None, *units]:
        named = {} if unit is None else {"unit": unit}
        out.append(("recurring", named))
        for a, b in pairs:
            for question in ("amount-changes", "new-and-discontinued", "target-changes"):
                out.append((question, {"yearA": str(a), "yearB": str(b), **named}))
        for year in [None, *years]:
            out.append(("target-met", named if year is None else {"year": str(year), **named}))
    return out


@pytest.fixture
async def both(
    corpus_store: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """The app answering from the answers for every unit, once they are computed, and the
    app asking the query runner each time; with the row cap the test gives as the fixture's
    parameter (default: the setting's default)."""
    cap = getattr(request, "param", None)
    rows = {"max_rows": cap} if cap else {}
    ahead = Settings(store=_copy(corpus_store, tmp_path, "ahead"), **rows)
    live = Settings(store=_copy(corpus_store, tmp_path, "live"), api_precompute=False, **rows)
    async with app_client(ahead) as fast, app_client(live) as slow:
        await _ready(fast)
        assert "apiAnswers" not in (await slow.get("/healthz")).json()
        yield fast, slow


async def test_every_question_for_every_unit_is_answered_as_the_query_answers(
    both: tuple[httpx.AsyncClient, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = both
    years, units = await _site(fast)
    assert len(years) >= 3 and len(units) >= 10
    asked = []
    real = api.evaluate_question

    async def counted(request: object, name: str, job: object) -> object:
        asked.append(request.app is fast._transport.app)  # type: ignore[attr-defined]
        return await real(request, name, job)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "evaluate_question", counted)
    compared = 0
    for question, params in _asks(years, units[:6] + units[-2:]):
        mine = await fast.get(f"/api/{question}", params=params)
        theirs = await slow.get(f"/api/{question}", params=params)
        assert mine.status_code == theirs.status_code == 200, (question, params, mine.text)
        assert mine.content == theirs.content, (question, params)
        compared += bool(mine.json()["rows"])
    assert compared > 100  # most asks have rows
    assert not any(asked), "the app answering ahead asked the query runner"
    assert len(asked) > 100  # the other app asked it every time


@pytest.mark.parametrize("both", [7], indirect=True)
async def test_answers_past_the_row_cap_are_cut_as_the_query_cuts_them(
    both: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    fast, slow = both
    years, units = await _site(fast)
    truncated = 0
    for question, params in _asks(years, units[:3]):
        mine = await fast.get(f"/api/{question}", params=params)
        theirs = await slow.get(f"/api/{question}", params=params)
        assert mine.content == theirs.content, (question, params)
        truncated += mine.json()["truncated"]
    assert truncated > 10


async def test_an_unknown_unit_csv_and_plain_bodies_answer_as_the_query_does(
    both: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    fast, slow = both
    years, units = await _site(fast)
    for params in (
        {"yearA": str(years[0]), "yearB": str(years[-1]), "unit": "没有这个单位"},
        {"yearA": str(years[0]), "yearB": str(years[-1]), "unit": units[0], "format": "csv"},
        {"yearA": str(years[0]), "yearB": str(years[-1]), "format": "csv"},
    ):
        mine = await fast.get("/api/target-changes", params=params)
        theirs = await slow.get("/api/target-changes", params=params)
        assert mine.status_code == 200 and mine.content == theirs.content, params
    # The answer for every unit, kept compressed, to a client that takes no gzip.
    zipped = await fast.get("/api/recurring")
    plain = await fast.get("/api/recurring", headers={"accept-encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers and plain.content == zipped.content


async def test_a_write_computes_them_again(corpus_store: Path, tmp_path: Path) -> None:
    settings = Settings(store=_copy(corpus_store, tmp_path, "s"), write_token=WRITE_TOKEN)
    async with app_client(settings) as client:
        before = await _ready(client)
        years, units = await _site(client)
        params = {"yearA": str(years[0]), "yearB": str(years[1]), "unit": units[0]}
        rows = (await client.get("/api/amount-changes", params=params)).json()["rows"]
        assert rows
        # The unit is renamed: its rows leave its old name and answer to the new one.
        update = (
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "DELETE { GRAPH ?g { ?u rdfs:label ?n } } "
            'INSERT { GRAPH ?g { ?u rdfs:label "改名单位"@zh } } '
            f'WHERE {{ GRAPH ?g {{ ?u rdfs:label ?n FILTER (?n = "{units[0]}"@zh) }} }}'
        )
        done = await client.post(
            "/sparql",
            data={"update": update},
            headers={"Authorization": f"Bearer {WRITE_TOKEN}"},
        )
        assert done.status_code == 204, done.text
        gone = (await client.get("/api/amount-changes", params=params)).json()["rows"]
        assert gone == []  # at once, whether computed again yet or not
        after = await _ready(client)
        assert after["questions"] == before["questions"]
        renamed = {**params, "unit": "改名单位"}
        answer = (await client.get("/api/amount-changes", params=renamed)).json()["rows"]
        assert [r["series"] for r in answer] == [r["series"] for r in rows]


def test_cuts_keep_each_units_rows_in_order_and_cut_them() -> None:
    payload = b'?unitName\t?n\n"b"@zh\t1\n"a"@zh\t2\n"b"@zh\t3\n\t4\n"b"@zh\t5\n'
    cuts = UnitCuts.of(payload)
    assert cuts is not None and cuts.rows == 5
    assert cuts.tsv('"b"@zh', 10) == (b'?unitName\t?n\n"b"@zh\t1\n"b"@zh\t3\n"b"@zh\t5\n', False)
    assert cuts.tsv('"b"@zh', 2) == (b'?unitName\t?n\n"b"@zh\t1\n"b"@zh\t3\n', True)
    assert cuts.tsv(None, 10) == (payload, False)
    assert cuts.tsv(None, 1) == (b'?unitName\t?n\n"b"@zh\t1\n', True)
    assert not cuts.knows('"c"@zh') and cuts.knows(None)
    assert UnitCuts.of(b"?n\n1\n") is None  # no unit column


def test_base_questions_are_every_pair_year_or_none() -> None:
    asked = base_questions(
        {
            "pairs": ["yearA", "yearB", "unitName"],
            "year": ["year", "unitName"],
            "once": ["unitName"],
            "other": ["year"],
        },
        [2021, 2023, 2022],
    )
    assert asked == [
        ("pairs", {"yearA": 2021, "yearB": 2022}),
        ("pairs", {"yearA": 2021, "yearB": 2023}),
        ("pairs", {"yearA": 2022, "yearB": 2023}),
        ("year", {"year": None}),
        ("year", {"year": 2021}),
        ("year", {"year": 2022}),
        ("year", {"year": 2023}),
        ("once", {}),
    ]


@pytest.mark.parametrize("both", [None, 7], indirect=True)
async def test_canned_queries_posted_to_sparql_are_answered_from_them(
    both: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    """A canned query as rendered, posted to /sparql (in each result format, within the row
    cap and past it): the engine's answer, byte for byte, without a query."""
    fast, slow = both
    years, units = await _site(fast)
    runner = fast._transport.app.state.queries  # type: ignore[attr-defined]
    ran: list[str] = []
    real = runner.run

    async def counted(job: QueryJob, timeout: float) -> object:
        ran.append(job.text)
        return await real(job, timeout)

    runner.run = counted
    queries = load_queries()
    asked = 0
    for name, values in [
        ("target-changes", {"yearA": years[0], "yearB": years[-1], "unitName": units[1]}),
        ("amount-changes", {"yearA": years[0], "yearB": years[1]}),
        ("new-and-discontinued", {"yearA": years[1], "yearB": years[2], "unitName": units[2]}),
        ("recurring-series", {"unitName": units[3]}),
        ("target-met", {"year": years[0]}),
        ("target-met", {"unitName": "没有这个单位"}),  # no rows, a unit the store lacks
    ]:
        query = queries[name]
        text = query.render(query.bind(values))
        for accept in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ):
            headers = {"Accept": accept}
            mine = await fast.post("/sparql", data={"query": text}, headers=headers)
            theirs = await slow.post("/sparql", data={"query": text}, headers=headers)
            assert mine.status_code == theirs.status_code == 200, (name, mine.text[:200])
            assert mine.content == theirs.content, (name, values, accept)
            for header in ("x-jixiao-truncated", "x-jixiao-max-rows", "content-type"):
                assert mine.headers.get(header) == theirs.headers.get(header), header
            asked += 1
    assert asked == 24
    # Only the unit the store lacks was asked of the engine (its answer: no rows).
    assert all("没有这个单位" in text for text in ran), len(ran)


async def test_a_units_answer_once_computed_takes_no_thread(
    corpus_store: Path, tmp_path: Path
) -> None:
    """The shared thread pool is where linked-data pages are made: under load it has a
    queue, and a unit's answer computed ahead, which needs no thread, must not wait in it
    (a route dependency in a thread did, for a second under issue 15's mixed load)."""
    settings = Settings(store=_copy(corpus_store, tmp_path, "store"))
    async with app_client(settings) as client:
        await _ready(client)
        _, units = await _site(client)
        async with shared_pool_taken():
            asked = [
                await client.get(f"/api/{question}", params={**values, "unit": units[1]})
                for question, values in [
                    ("recurring", {}),
                    ("amount-changes", {"yearA": "2020", "yearB": "2021"}),
                    ("target-met", {}),
                ]
            ]
    assert [response.status_code for response in asked] == [200, 200, 200]
    assert all(response.json()["rows"] for response in asked[:1])


async def test_a_query_that_only_opens_like_a_canned_one_takes_no_thread(
    corpus_store: Path, tmp_path: Path
) -> None:
    """A text opening with a comment, as canned queries do, is told apart from them on the
    event loop (a thread's hop cost a millisecond: issue 15's anchor, a 6 ms query)."""
    settings = Settings(store=_copy(corpus_store, tmp_path, "store"))
    async with app_client(settings) as client:
        await _ready(client)
        query = "# not one of the canned queries\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        async with shared_pool_taken():
            answer = await client.post(
                "/sparql", data={"query": query}, headers={"Accept": "text/csv"}
            )
    assert answer.status_code == 200
    assert int(answer.text.split()[1]) > 0


async def test_a_canned_query_whose_answer_is_not_computed_ahead_takes_no_thread(
    corpus_store: Path, tmp_path: Path
) -> None:
    """A canned query recognised on the event loop but answered by no answer computed ahead
    (one without ``?unitName``) goes to the query runner at once, with no thread's hop to
    find that out."""
    settings = Settings(store=_copy(corpus_store, tmp_path, "store"))
    async with app_client(settings) as client:
        await _ready(client)
        query = load_queries()["series-projects"]
        text = query.render(query.bind({}))
        plain = {"Accept": "text/csv", "Accept-Encoding": "identity"}  # not gzipped in one
        async with shared_pool_taken():
            answer = await client.post("/sparql", data={"query": text}, headers=plain)
    assert answer.status_code == 200
    assert len(answer.text.splitlines()) > 1
