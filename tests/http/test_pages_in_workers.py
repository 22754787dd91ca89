"""Linked-data pages over an on-disk store are made by the query workers while one of them
holds a replica, and are the very pages the server's process makes itself (over other stores,
or with no replica ready): byte for byte, in HTML (English and Chinese) and every RDF format,
a 404 for a resource the store does not know; kept once made; and a task whose worker passes
the time limit is stopped like a query."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpx
import pyoxigraph as ox
import pytest
from support.tasks import Sleeping

from jixiao.service.errors import QueryTimeout
from jixiao.service.http.app import create_app
from jixiao.service.query.evaluation import QueryJob
from jixiao.service.query.runner import WorkerPool
from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

BASE = "https://w3id.org/jixiao/id/"
ASKS = (
    ("text/html", "en"),
    ("text/html", "zh"),
    ("text/turtle", ""),
    ("application/ld+json", ""),
    ("application/n-triples", ""),
)


def _copy(store: Path, to: Path) -> str:
    shutil.copytree(store, to)
    return str(to)


@pytest.fixture(scope="module")
def paths(seeded_store: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Up to three resources of every class in the seeded store, and one it does not hold."""
    copy = _copy(seeded_store, tmp_path_factory.mktemp("paths") / "store")
    store = ox.Store.read_only(copy)
    found = store.query(
        "SELECT ?s ?t WHERE { GRAPH ?g { ?s a ?t } "
        f'FILTER (STRSTARTS(STR(?s), "{BASE}")) }} ORDER BY ?t ?s',
    )
    assert isinstance(found, ox.QuerySolutions)
    by_class: dict[str, list[str]] = {}
    for row in found:
        subject, kind = row["s"], row["t"]
        assert isinstance(subject, ox.NamedNode) and isinstance(kind, ox.NamedNode)
        chosen = by_class.setdefault(kind.value, [])
        if len(chosen) < 3 and subject.value not in chosen:
            chosen.append(subject.value)
    assert len(by_class) >= 8, by_class.keys()
    iris = sorted({iri for chosen in by_class.values() for iri in chosen})
    return [f"/id/{iri[len(BASE) :]}" for iri in iris] + ["/id/no/such/resource"]


@asynccontextmanager
async def serving(
    store: str, **changes: object
) -> AsyncIterator[tuple[httpx.AsyncClient, WorkerPool]]:
    # No /api answers computed ahead (their queries would keep a worker busy); a worker's
    # replica ready before the first page (unless replicas are off).
    values = {"store": store, "api_precompute": False}
    settings = Settings(**(values | changes))  # type: ignore[arg-type]
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        pool = app.state.queries
        assert isinstance(pool, WorkerPool)
        if settings.query_replica_max_triples > 0:
            await _replica_ready(pool)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client, pool


async def _replica_ready(pool: WorkerPool) -> None:
    """Queries until a worker holds a replica of the store (its first query starts it)."""
    with anyio.fail_after(30):
        while not pool.replica_states()["ready"]:
            await pool.run(QueryJob("ASK {}", formats={"boolean": "json"}), 5)
            await anyio.sleep(0.05)


Page = tuple[int, str | None, bytes]


async def _pages(client: httpx.AsyncClient, paths: list[str]) -> dict[tuple[str, ...], Page]:
    pages: dict[tuple[str, ...], Page] = {}
    for path in paths:
        for media, lang in ASKS:
            headers = {"Accept": media, "Accept-Language": lang or "en"}
            response = await client.get(path, headers=headers)
            pages[(path, media, lang)] = (
                response.status_code,
                response.headers.get("content-type"),
                response.content,
            )
    return pages


def _answers(pool: WorkerPool) -> int:
    return sum(pool.answered_from().values())


async def test_with_no_replica_ready_the_server_makes_the_pages(
    seeded_store: Path, tmp_path: Path, paths: list[str]
) -> None:
    # Answered from disk, the workers have nothing to add to the server's own page, and a
    # page would wait behind the queries they answer (issue 15, 5M: 379 pages past the time
    # limit): the server makes them in its pages' threads.
    store = _copy(seeded_store, tmp_path / "store")
    async with serving(store, query_replica_max_triples=0) as (client, pool):
        answered = _answers(pool)
        made = await _pages(client, paths[:3])
        assert {status for status, _, _ in made.values()} == {200}
        assert _answers(pool) == answered
        assert pool.replica_states()["ready"] == 0


async def test_pages_made_by_the_workers_are_the_servers_own(
    seeded_store: Path, tmp_path: Path, paths: list[str]
) -> None:
    async with serving(_copy(seeded_store, tmp_path / "workers")) as (client, pool):
        before = _answers(pool)
        made_there = await _pages(client, paths)
        answered = _answers(pool) - before
    # With replicas off, the route makes the pages itself.
    store = _copy(seeded_store, tmp_path / "here")
    async with serving(store, query_replica_max_triples=0) as (client, pool):
        made_here = await _pages(client, paths)
        assert _answers(pool) == 0
    assert made_there == made_here
    statuses = [status for status, _, _ in made_here.values()]
    assert statuses.count(404) == len(ASKS)  # the resource it does not hold, only
    assert set(statuses) == {200, 404}
    # Each page once (the HTML page in both languages): all from the workers.
    assert answered == len(made_there)


async def test_a_page_asked_again_is_kept_not_made_again(
    seeded_store: Path, tmp_path: Path, paths: list[str]
) -> None:
    async with serving(_copy(seeded_store, tmp_path / "store")) as (client, pool):
        before = _answers(pool)
        first = await client.get(paths[0], headers={"Accept": "text/turtle"})
        answered = _answers(pool)
        again = await client.get(paths[0], headers={"Accept": "text/turtle"})
        assert (again.status_code, again.content) == (first.status_code, first.content)
        assert _answers(pool) == answered == before + 1


async def test_a_task_past_the_time_limit_is_stopped_and_its_worker_replaced(
    seeded_store: Path, tmp_path: Path
) -> None:
    async with serving(_copy(seeded_store, tmp_path / "store")) as (_, pool):
        quads = len(ox.Store.read_only(str(seeded_store)))
        assert await pool.run_task(Sleeping(0), 5) == quads
        before = set(pool.pids())
        with pytest.raises(QueryTimeout):
            await pool.run_task(Sleeping(60), 0.5)
        assert await pool.run_task(Sleeping(0), 5) == quads  # the other worker answers
        # The stopped worker is replaced on a thread of the pool's, after its kill: the task
        # just answered may come first.
        with anyio.fail_after(30):
            while len(set(pool.pids()) - before) != 1:
                await anyio.sleep(0.05)
        assert len(pool.pids()) == 2
        assert await pool.run_task(Sleeping(0), 5) == quads


async def test_a_series_page_is_made_in_a_worker_once_per_state_of_the_store(
    seeded_store: Path, tmp_path: Path
) -> None:
    """A series page's SPARQL (its projects, then target changes year by year: 0.9-3.7 s at
    1M triples from disk) runs in a query worker, within the time limit, and is kept until
    the store's next write; each language's page is written from what was kept."""
    found = ox.Store.read_only(str(seeded_store)).query(
        "SELECT ?s WHERE { GRAPH ?g { ?p <https://w3id.org/jixiao/ontology#series> ?s } } "
        "ORDER BY ?s LIMIT 1"
    )
    assert isinstance(found, ox.QuerySolutions)
    (series,) = [row["s"].value for row in found]  # type: ignore[union-attr]
    path = "/" + series[len(BASE) :]
    async with serving(_copy(seeded_store, tmp_path / "store")) as (client, pool):
        before = _answers(pool)
        english = await client.get(path, headers={"Accept-Language": "en"})
        answered = _answers(pool)
        chinese = await client.get(path, headers={"Accept-Language": "zh"})
        assert english.status_code == chinese.status_code == 200
        assert english.text != chinese.text
        assert answered == before + 1
        assert _answers(pool) == answered
