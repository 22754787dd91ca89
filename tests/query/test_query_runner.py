"""Where /sparql queries run: killable workers over store snapshots, a bounded queue."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from support.app import WRITE_TOKEN, app_client
from support.servers import BIN

from jixiao.service.query.evaluation import QueryJob
from jixiao.service.query.runner import ThreadRunner, WorkerPool
from jixiao.service.settings import Settings
from jixiao.service.store.base import names_its_dataset
from jixiao.service.store.embedded import EmbeddedStore

pytestmark = pytest.mark.anyio

# Every triple four times over, counted: the first (only) row needs the whole evaluation,
# so nothing short of killing the evaluation stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PROJECTS = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/jixiao/ontology#Project> }"
SEEDS = Path(__file__).parents[2] / "ingest" / "seeds"
JSON = {"accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the 2025 seed table (loaded by the real CLI)."""
    path = tmp_path_factory.mktemp("runner") / "store"
    seed = next(SEEDS.glob("*2025*.txt"))
    command = [str(BIN / "jixiao"), "ingest", str(seed), "--year", "2025", "--store", str(path)]
    subprocess.run(command, check=True, capture_output=True)
    return path


@pytest.fixture
def store_copy(disk_store: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded store for one test (each app holds its store's lock)."""
    return Path(shutil.copytree(disk_store, tmp_path / "store"))


def _settings(store: Path, **changes: object) -> Settings:
    # No /api answers computed ahead: the queries counted here are the test's own.
    values: dict[str, object] = {"write_token": WRITE_TOKEN, "api_precompute": False, **changes}
    return Settings(store=str(store), **values)  # type: ignore[arg-type]


def _pool(client: httpx.AsyncClient) -> WorkerPool:
    pool = client._transport.app.state.queries  # type: ignore[attr-defined]
    assert isinstance(pool, WorkerPool)
    return pool


_ASKED = itertools.count()


async def _count(client: httpx.AsyncClient, query: str = PROJECTS) -> str:
    """The count ``query`` answers, asked afresh (a comment of its own passes the service's
    cache of answers)."""
    text = f"{query}\n# asked {next(_ASKED)}"
    answer = await client.get("/sparql", params={"query": text}, headers=JSON)
    assert answer.status_code == 200, answer.text[:200]
    return str(answer.json()["results"]["bindings"][0]["n"]["value"])


async def _from_the_replica(client: httpx.AsyncClient, query: str = PROJECTS) -> str:
    """Ask ``query`` until the worker's in-memory replica answers it; its count."""
    pool = _pool(client)
    for _ in range(100):
        before = pool.answered_from().get("replica", 0)
        counted = await _count(client, query)
        if pool.answered_from().get("replica", 0) > before:
            return counted
        await asyncio.sleep(0.1)
    raise AssertionError(f"no answer from a replica: {pool.answered_from()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
async def test_a_runaway_query_is_killed_and_the_service_goes_on(store_copy: Path) -> None:
    async with app_client(_settings(store_copy, query_timeout=1.0)) as client:
        pool = client._transport.app.state.queries  # type: ignore[attr-defined]
        assert isinstance(pool, WorkerPool)
        before = pool.pids()
        started = time.monotonic()
        response = await client.get("/sparql", params={"query": RUNAWAY}, headers=JSON)
        assert response.status_code == 503, response.text[:200]
        assert response.json()["error"] == "QueryTimeout"
        assert time.monotonic() - started < 3.0
        # The worker that ran it is gone: killed, not left computing in the background.
        for _ in range(50):
            if any(not _alive(pid) for pid in before):
                break
            await asyncio.sleep(0.1)
        assert any(not _alive(pid) for pid in before)
        after = await client.get("/sparql", params={"query": PROJECTS}, headers=JSON)
        assert after.status_code == 200, after.text
        assert after.json()["results"]["bindings"][0]["n"]["value"] == "19"
        for _ in range(100):  # the replacement worker comes up in the background
            if len(pool.pids()) == 2:
                break
            await asyncio.sleep(0.1)
        assert len(pool.pids()) == 2 and set(pool.pids()) != set(before)


@pytest.mark.slow
async def test_queries_see_every_write_answered_before_them(store_copy: Path) -> None:
    auth = {"authorization": f"Bearer {WRITE_TOKEN}"}
    graph = "https://example.org/runner-test"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    async with app_client(_settings(store_copy)) as client:
        pool = client._transport.app.state.queries  # type: ignore[attr-defined]
        for n in range(1, 4):
            triples = " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(n))
            update = (
                f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}"
            )
            written = await client.post("/sparql", data={"update": update}, headers=auth)
            assert written.status_code == 204
            answer = await client.get("/sparql", params={"query": count}, headers=JSON)
            assert answer.json()["results"]["bindings"][0]["n"]["value"] == str(n)
        # Old snapshots are removed once no worker reads them.
        assert 1 <= len(pool.snapshots()) <= 3
        root = pool.snapshots()[0].parent
        cleanup = await client.post(
            "/sparql", data={"update": f"DROP GRAPH <{graph}>"}, headers=auth
        )
        assert cleanup.status_code == 204
    assert not root.exists()


@pytest.mark.slow
async def test_the_queue_is_bounded(store_copy: Path) -> None:
    """One worker, one waiting place: a third query is refused at once with Retry-After."""
    settings = _settings(store_copy, query_timeout=1.5, query_workers=1, query_queue=1)
    async with app_client(settings) as client:
        running = asyncio.create_task(client.get("/sparql", params={"query": RUNAWAY}))
        await asyncio.sleep(0.3)
        waiting = asyncio.create_task(client.get("/sparql", params={"query": PROJECTS}))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        refused = await client.get("/sparql", params={"query": PROJECTS}, headers=JSON)
        assert time.monotonic() - started < 0.5
        assert refused.status_code == 503
        assert refused.json()["error"] == "ServiceBusy"
        assert refused.headers["retry-after"] == "1"
        assert (await running).status_code == 503  # killed at its limit
        # The waiting query used up its time limit in the queue.
        assert (await waiting).status_code in (200, 503)
        again = await client.get("/sparql", params={"query": PROJECTS}, headers=JSON)
        assert again.status_code == 200


@pytest.mark.slow
async def test_a_query_is_answered_from_the_replica_once_it_is_ready(store_copy: Path) -> None:
    async with app_client(_settings(store_copy, query_workers=1)) as client:
        assert await _count(client) == "19"
        assert _pool(client).answered_from() == {"snapshot": 1}  # the copy has only begun
        assert await _from_the_replica(client) == "19"


@pytest.mark.slow
async def test_after_a_write_the_stale_replica_answers_nothing(store_copy: Path) -> None:
    """Each write: the next query sees it (answered on disk: the replica is of an older
    snapshot), and so does the replica of the new snapshot once it is ready."""
    auth = {"authorization": f"Bearer {WRITE_TOKEN}"}
    graph = "https://example.org/replica-test"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    async with app_client(_settings(store_copy, query_workers=1)) as client:
        pool = _pool(client)
        assert await _from_the_replica(client, count) == "0"
        for n in range(1, 4):
            update = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:s{n}> <urn:p> {n} }} }}"
            written = await client.post("/sparql", data={"update": update}, headers=auth)
            assert written.status_code == 204
            on_disk = pool.answered_from()["snapshot"]
            assert await _count(client, count) == str(n)
            assert pool.answered_from()["snapshot"] == on_disk + 1
            assert await _from_the_replica(client, count) == str(n)


@pytest.mark.slow
@pytest.mark.parametrize("most", [0, 100])
async def test_no_replica_of_a_store_larger_than_the_setting(store_copy: Path, most: int) -> None:
    """0 means never; 100 quads is less than the seed store holds."""
    store = EmbeddedStore(store_copy)
    pool = WorkerPool(store, workers=1, queue=0, replica_max_triples=most)
    job = QueryJob(PROJECTS, formats={"solutions": "json"})
    try:
        await asyncio.to_thread(pool.start)
        for _ in range(10):
            answer = await pool.run(job, timeout=10.0)
            assert b'"19"' in answer.payload
            await asyncio.sleep(0.1)
        assert pool.answered_from() == {"snapshot": 10}
    finally:
        pool.close()
        store.close()


@pytest.mark.slow
async def test_a_worker_killed_with_its_replica_comes_back(store_copy: Path) -> None:
    async with app_client(_settings(store_copy, query_workers=1, query_timeout=1.0)) as client:
        pool = _pool(client)
        assert await _from_the_replica(client) == "19"
        (killed,) = pool.pids()
        late = await client.get("/sparql", params={"query": RUNAWAY}, headers=JSON)
        assert late.status_code == 503 and late.json()["error"] == "QueryTimeout"
        before = pool.answered_from()
        for attempt in range(50):  # the one slot comes back with the replacement worker
            text = f"{PROJECTS}\n# attempt {attempt}"
            answer = await client.get("/sparql", params={"query": text}, headers=JSON)
            if answer.status_code == 200:
                break
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == "19"
        # by the new worker, from disk or from the copy it began before it was ready
        assert sum(pool.answered_from().values()) == sum(before.values()) + 1
        assert killed not in pool.pids() and not _alive(killed)
        assert await _from_the_replica(client) == "19"


async def test_threads_serve_an_in_memory_store_behind_the_same_queue() -> None:
    """Threads cannot be killed, but they sit behind the same bound: with one thread busy
    and no waiting place, a second query is refused at once."""
    triples = " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(250))
    # ~1.7 s of counting here: longer than the limit, short enough not to linger.
    slow = "SELECT (COUNT(*) AS ?n) FROM <urn:g> WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    settings = Settings(
        store=":memory:",
        write_token=WRITE_TOKEN,
        query_workers=1,
        query_queue=0,
        query_timeout=0.3,
        api_precompute=False,  # nothing else takes the one worker
    )
    async with app_client(settings) as client:
        assert isinstance(client._transport.app.state.queries, ThreadRunner)  # type: ignore[attr-defined]
        written = await client.post(
            "/sparql",
            data={"update": f"INSERT DATA {{ GRAPH <urn:g> {{ {triples} }} }}"},
            headers={"authorization": f"Bearer {WRITE_TOKEN}"},
        )
        assert written.status_code == 204
        running = asyncio.create_task(client.get("/sparql", params={"query": slow}))
        await asyncio.sleep(0.1)
        refused = await client.get("/sparql", params={"query": "ASK {}"}, headers=JSON)
        assert refused.status_code == 503 and refused.json()["error"] == "ServiceBusy"
        late = await running
        assert late.status_code == 503 and late.json()["error"] == "QueryTimeout"
        for _ in range(150):  # the slot comes back when the thread is done
            answer = await client.get("/sparql", params={"query": "ASK {}"}, headers=JSON)
            if answer.status_code == 200:
                break
            await asyncio.sleep(0.1)
        assert answer.status_code == 200


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("select * from named <urn:g> { graph ?g { ?s ?p ?o } }", True),
        ("CONSTRUCT { ?s ?p ?o } FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("PREFIX ex: <urn:x:> SELECT * FROM ex:g { ?s ?p ?o }", True),
        ("ASK FROM <urn:g> {}", True),
        ('SELECT * WHERE { ?s ?p "FROM <urn:x>" }', False),
        ("SELECT * WHERE { ?s ?p '''a\nFROM <b>''' }", False),
        ("PREFIX ex: <urn:x:> SELECT * { ?s ex:from ?o }", False),
        ("PREFIX from: <urn:x:> SELECT * { ?s from:x ?o }", False),
        ("SELECT * { ?s <urn:FROM> ?o } # FROM <urn:g>", False),
        ("SELECT * { { SELECT * { ?s ?p ?o } } }", False),
    ],
)
def test_a_query_naming_its_dataset_is_told_apart(query: str, names: bool) -> None:
    assert names_its_dataset(query) is names


async def test_from_in_the_query_overrides_the_union_default_graph() -> None:
    """The default graph is the union of all graphs — unless the query says FROM."""
    update = (
        "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> 1 } GRAPH <urn:h> { <urn:b> <urn:p> 2 } }"
    )
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s <urn:p> ?o }}"
    async with app_client(Settings(store=":memory:", write_token=WRITE_TOKEN)) as client:
        await client.post(
            "/sparql", data={"update": update}, headers={"authorization": f"Bearer {WRITE_TOKEN}"}
        )
        counts = []
        for dataset in ("", "FROM <urn:g>", "FROM <urn:g> FROM <urn:h>"):
            answer = await client.get(
                "/sparql", params={"query": count.format(dataset)}, headers=JSON
            )
            counts.append(answer.json()["results"]["bindings"][0]["n"]["value"])
    assert counts == ["2", "1", "2"]


def test_closing_while_a_worker_is_starting_stops_it_too(
    store_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker replacing a killed one starts on a thread of its own; the service closing
    meanwhile neither fails on the process not started yet nor leaves it running."""
    import threading
    from multiprocessing.context import SpawnProcess

    pool = WorkerPool(EmbeddedStore(store_copy), workers=1, queue=0)
    launch = SpawnProcess._Popen
    starting, go_on = threading.Event(), threading.Event()
    started: list[SpawnProcess] = []

    def slow(process: SpawnProcess) -> object:
        starting.set()
        go_on.wait(10)
        started.append(process)
        return launch(process)

    monkeypatch.setattr(SpawnProcess, "_Popen", staticmethod(slow))
    failures: list[BaseException] = []

    def close() -> None:
        try:
            pool.close()
        except BaseException as error:  # the test reports it
            failures.append(error)

    spawner = threading.Thread(target=pool._spawn)
    spawner.start()
    assert starting.wait(10)
    closer = threading.Thread(target=close)
    closer.start()
    closer.join(10)
    go_on.set()
    spawner.join(10)
    assert not failures
    assert started
    for process in started:
        process.join(5)
        assert not process.is_alive()
