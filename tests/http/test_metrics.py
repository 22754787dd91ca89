"""``GET /metrics`` (issue 15, "operators can see it"): the real app's counts move by exactly
what was asked of it, by route template and status; random paths add one bounded series, not
one each; the query runner's stops, refusals, deaths and restarts, the answer caches, the
workers' replicas, the store's size and the validation queue are all there, and the output
parses as Prometheus' text format."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import signal
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.app import WRITE_TOKEN, app_client, seeded_app_client

from jixiao.service.http.app import create_app
from jixiao.service.http.routes.validate import shutdown_worker
from jixiao.service.pipeline.load import seed_files
from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]

AUTH = {"authorization": f"Bearer {WRITE_TOKEN}"}
JSON = {"accept": "application/sparql-results+json"}
# Every triple four times over, counted: nothing short of killing the worker stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PROJECTS = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/jixiao/ontology#Project> }"
REQUESTS = "jixiao_http_requests_total"
DURATIONS = "jixiao_http_request_duration_seconds_count"


def parse(text: str) -> Samples:
    """Every sample of a scrape, by name and labels (parsed by prometheus-client's own
    parser of the text format)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def by_route(samples: Samples, name: str) -> Counter[tuple[str, str, str]]:
    """``name``'s samples by (method, route, status)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for (sample, labels), count in samples.items():
        if sample == name:
            found = dict(labels)
            counts[(found["method"], found["route"], found["status"])] += int(count)
    return counts


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(response.text)


async def until(check: Callable[[], Awaitable[bool]], seconds: float = 20.0) -> None:
    """Wait until ``check()`` holds (what happens in the background: a worker replaced, a
    replica copied), polling."""
    for _ in range(int(seconds / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("it did not happen in time")


def _memory(**changes: object) -> Settings:
    # No /api answers computed ahead: the queries counted here are the test's own.
    return Settings(store=":memory:", write_token=WRITE_TOKEN, api_precompute=False, **changes)  # type: ignore[arg-type]


# ── requests, by route template and status ───────────────────────────────────────────────


async def test_requests_are_counted_by_route_template_and_status_exactly() -> None:
    asked = [
        ("GET", "/healthz", "/healthz", 200),
        ("GET", "/sparql?query=ASK%20%7B%7D", "/sparql", 200),
        ("GET", "/sparql?query=ASK%20%7B%7D", "/sparql", 200),
        ("GET", "/sparql?query=ASK%20%7B", "/sparql", 400),
        ("POST", "/sparql", "/sparql", 401),  # an update without the token
        ("DELETE", "/sparql", "/sparql", 405),
        ("GET", "/id/no/such/thing", "/id/{rest}", 404),
        ("GET", "/store/a/graph", "/store/{path}", 404),
        ("GET", "/static/style.css", "/static/{path}", 200),
        ("GET", "/no/such/page?x=1", "<unmatched>", 404),
    ]
    async with app_client(_memory()) as client:
        before = await scrape(client)
        for method, path, _, status in asked:
            kwargs: dict[str, object] = {}
            if method == "POST":
                kwargs = {"data": {"update": "INSERT DATA { <urn:s> <urn:p> 1 }"}}
            response = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
            assert response.status_code == status, (path, response.text[:200])
        after = await scrape(client)
    expected = Counter((method, route, str(status)) for method, _, route, status in asked)
    expected[("GET", "/metrics", "200")] += 1  # the first scrape (the second is not done)
    for name in (REQUESTS, DURATIONS):
        moved = by_route(after, name)
        moved.subtract(by_route(before, name))
        assert +moved == expected, name
    healthz = {"method": "GET", "route": "/healthz", "status": "200"}
    spent = value(after, "jixiao_http_request_duration_seconds_sum", **healthz)
    assert 0 < spent < 10


async def test_random_paths_add_one_bounded_series_not_one_each() -> None:
    """An attacker asking for 200 random URLs (and inventing methods) must not grow the
    series: the route is a template or ``<unmatched>``, the method one of a fixed set."""
    tokens = [secrets.token_hex(6) for _ in range(200)]
    async with app_client(_memory()) as client:
        await client.get("/healthz")
        before = await scrape(client)
        for i, token in enumerate(tokens):
            # A quarter under a route (counted under its template), the rest under none.
            path = f"/id/{token}/x?{token}=1" if i % 4 == 0 else f"/{token}/{i}?q={token}&{token}"
            method = f"X{token.upper()}" if i % 10 == 0 else "GET"
            response = await client.request(method, path)
            assert response.status_code in (404, 405)
        text = (await client.get("/metrics")).text
        after = parse(text)
    assert not any(token in text for token in tokens)
    new = set(by_route(after, REQUESTS)) - set(by_route(before, REQUESTS))
    assert new <= {
        ("GET", "<unmatched>", "404"),
        ("other", "<unmatched>", "404"),
        ("GET", "/id/{rest}", "404"),
        ("other", "/id/{rest}", "405"),
        ("GET", "/metrics", "200"),
    }, new
    for name, labels in set(after) - set(before):  # the new label sets' counts, buckets, sums
        found = dict(labels)
        assert (found["method"], found["route"], found["status"]) in new, name


# ── the query runner ──────────────────────────────────────────────────────────────────────


@pytest.fixture
def disk(seeded_store: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded store (each app holds its store's lock)."""
    return Path(shutil.copytree(seeded_store, tmp_path / "store"))


def _disk(store: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "store": str(store),
        "write_token": WRITE_TOKEN,
        "api_precompute": False,  # the queries counted here are the test's own
        **changes,
    }
    return Settings(**values)  # type: ignore[arg-type]


def _pids(client: httpx.AsyncClient) -> list[int]:
    return client._transport.app.state.queries.pids()  # type: ignore[attr-defined,no-any-return]


@pytest.mark.slow
async def test_a_query_past_its_time_limit_counts_a_stop_and_a_restart(disk: Path) -> None:
    settings = _disk(disk, query_workers=1, query_timeout=1.0, query_replica_max_triples=0)
    async with app_client(settings) as client:
        before = await scrape(client)
        late = await client.get("/sparql", params={"query": RUNAWAY}, headers=JSON)
        assert late.status_code == 503 and late.json()["error"] == "QueryTimeout"

        async def replaced() -> bool:
            # The slot is given back (on the event loop) just after the restart is counted.
            scraped = await scrape(client)
            restarted = value(scraped, "jixiao_query_worker_restarts_total") == 1
            return restarted and value(scraped, "jixiao_queries_running") == 0

        await until(replaced)
        after = await scrape(client)
    stops = "jixiao_query_time_limit_stops_total"
    assert value(before, stops, stage="running") == 0
    assert value(after, stops, stage="running") == 1
    assert value(after, stops, stage="queued") == 0
    assert value(after, "jixiao_query_worker_deaths_total") == 0
    assert value(after, "jixiao_query_memory_limit_stops_total") == 0
    assert value(after, "jixiao_queries_running") == 0
    assert value(after, "jixiao_query_workers") == 1


@pytest.mark.slow
async def test_a_killed_worker_counts_a_death_and_a_restart(disk: Path) -> None:
    settings = _disk(disk, query_workers=1, query_replica_max_triples=0)
    async with app_client(settings) as client:
        assert (await client.get("/sparql", params={"query": PROJECTS})).status_code == 200
        (pid,) = _pids(client)
        os.kill(pid, signal.SIGKILL)
        asked = f"{PROJECTS} # after the kill"
        died = await client.get("/sparql", params={"query": asked}, headers=JSON)
        assert died.status_code == 503 and died.json()["error"] == "WorkerDied"
        assert "SIGKILL" in died.json()["message"]

        async def replaced() -> bool:
            return value(await scrape(client), "jixiao_query_worker_restarts_total") == 1

        await until(replaced)
        after = await scrape(client)
        assert pid not in _pids(client)
    assert value(after, "jixiao_query_worker_deaths_total") == 1
    assert value(after, "jixiao_query_time_limit_stops_total", stage="running") == 0


@pytest.mark.slow
async def test_running_queued_and_refused_queries(disk: Path) -> None:
    """One worker, one waiting place: a runaway query runs, a second waits, a third is
    refused; then the first stops at its limit, and the second is answered or stops too."""
    settings = _disk(
        disk, query_workers=1, query_queue=1, query_timeout=2.0, query_replica_max_triples=0
    )
    async with app_client(settings) as client:
        running = asyncio.create_task(client.get("/sparql", params={"query": RUNAWAY}))

        async def one_running() -> bool:
            return value(await scrape(client), "jixiao_queries_running") == 1

        await until(one_running)
        waiting = asyncio.create_task(client.get("/sparql", params={"query": PROJECTS}))

        async def one_waiting() -> bool:
            return value(await scrape(client), "jixiao_queries_queued") == 1

        await until(one_waiting)
        refused = await client.get("/sparql", params={"query": PROJECTS}, headers=JSON)
        assert refused.status_code == 503 and refused.json()["error"] == "ServiceBusy"
        during = await scrape(client)
        assert (await running).status_code == 503
        waited = await waiting

        async def settled() -> bool:
            return value(await scrape(client), "jixiao_queries_running") == 0

        await until(settled)
        after = await scrape(client)
    assert value(during, "jixiao_queries_running") == 1
    assert value(during, "jixiao_queries_queued") == 1
    assert value(during, "jixiao_queries_refused_total") == 1
    assert value(after, "jixiao_queries_queued") == 0
    # The second stopped too, if it did: in the queue, or as it got the worker back late.
    stops = "jixiao_query_time_limit_stops_total"
    running_stops, queued_stops = (value(after, stops, stage=s) for s in ("running", "queued"))
    assert running_stops >= 1
    assert running_stops + queued_stops == (2 if waited.status_code == 503 else 1)


async def test_a_query_stopped_in_a_thread_counts_a_stop() -> None:
    """Over an in-memory store (threads, which cannot be killed) the stop is counted too."""
    triples = " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(120))
    slow = "SELECT (COUNT(*) AS ?n) FROM <urn:g> WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    async with app_client(_memory(query_workers=1, query_timeout=0.05)) as client:
        update = {"update": f"INSERT DATA {{ GRAPH <urn:g> {{ {triples} }} }}"}
        assert (await client.post("/sparql", data=update, headers=AUTH)).status_code == 204
        late = await client.get("/sparql", params={"query": slow}, headers=JSON)
        assert late.status_code == 503 and late.json()["error"] == "QueryTimeout"
        after = await scrape(client)
    assert value(after, "jixiao_query_time_limit_stops_total", stage="running") == 1
    assert value(after, "jixiao_query_worker_restarts_total") == 0  # no workers here


# ── the answer caches ─────────────────────────────────────────────────────────────────────


def _moved(before: Samples, after: Samples, kind: str) -> dict[str, int]:
    name = f"jixiao_answer_cache_{kind}_total"
    caches = ("sparql", "sparql-gzip", "sparql-pages", "api", "api-gzip", "api-every-unit", "pages")
    moved = {c: int(value(after, name, cache=c) - value(before, name, cache=c)) for c in caches}
    return {cache: count for cache, count in moved.items() if count}


async def test_a_repeated_question_is_a_cache_hit() -> None:
    plain = {"accept-encoding": "identity", **JSON}
    first = "SELECT ?p { ?p a <https://w3id.org/jixiao/ontology#Project> } LIMIT 1"
    async with seeded_app_client(api_precompute=False) as client:  # the test's lookups only

        async def ask(path: str, **headers: str) -> None:
            response = await client.get(path, params=params, headers=headers)
            assert response.status_code == 200, response.text[:200]

        params = {"query": first}
        found = (await client.get("/sparql", params=params, headers=plain)).json()
        project = found["results"]["bindings"][0]["p"]["value"].split("/id/", 1)[1]
        params = {"query": PROJECTS}
        before = await scrape(client)
        for _ in range(2):
            await ask("/sparql", **plain)
        middle = await scrape(client)
        for _ in range(2):  # httpx takes gzip: the compressed answers' cache first
            await ask("/sparql", **JSON)
        after_sparql = await scrape(client)
        params = {}
        for _ in range(2):
            await ask("/api/recurring", **{"accept-encoding": "identity"})
            await ask(f"/id/{project}", accept="text/turtle")
        after = await scrape(client)
    assert _moved(before, middle, "misses") == {"sparql": 1}
    assert _moved(before, middle, "hits") == {"sparql": 1}
    assert _moved(middle, after_sparql, "misses") == {"sparql-gzip": 1}
    assert _moved(middle, after_sparql, "hits") == {"sparql": 1, "sparql-gzip": 1}
    # /api/recurring for every unit: kept compressed only (decompressed for this client)
    assert _moved(after_sparql, after, "misses") == {"api-every-unit": 1, "pages": 1}
    assert _moved(after_sparql, after, "hits") == {"api-every-unit": 1, "pages": 1}


async def test_pages_of_one_ordered_answer_count_in_the_sparql_pages_cache() -> None:
    ordered = (
        "PREFIX jx: <https://w3id.org/jixiao/ontology#> SELECT ?p { ?p a jx:Project } ORDER BY ?p"
    )
    plain = {"accept-encoding": "identity", **JSON}
    async with seeded_app_client() as client:
        before = await scrape(client)
        for tail in ("LIMIT 2", "LIMIT 2 OFFSET 2", "OFFSET 4 LIMIT 2"):
            query = {"query": f"{ordered} {tail}"}
            response = await client.get("/sparql", params=query, headers=plain)
            assert response.status_code == 200, response.text[:200]
        after = await scrape(client)
    moved = {kind: _moved(before, after, kind) for kind in ("hits", "misses")}
    sparql = {k: {c: n for c, n in v.items() if c.startswith("sparql")} for k, v in moved.items()}
    assert sparql == {"misses": {"sparql": 3, "sparql-pages": 1}, "hits": {"sparql-pages": 2}}


# ── replicas, the store's size, validation jobs ───────────────────────────────────────────


def _replicas(samples: Samples) -> dict[str, int]:
    states = ("off", "loading", "ready", "stale")
    counts = {s: int(value(samples, "jixiao_query_replicas", state=s)) for s in states}
    return {state: count for state, count in counts.items() if count}


@pytest.mark.slow
async def test_replica_states_follow_the_copies_and_the_writes(disk: Path) -> None:
    async with app_client(_disk(disk, query_workers=1)) as client:
        # The worker copies the store as it starts, before any query names it.
        assert _replicas(await scrape(client)) in ({"loading": 1}, {"ready": 1})

        async def ready() -> bool:
            return _replicas(await scrape(client)) == {"ready": 1}

        await until(ready)
        assert (await client.get("/sparql", params={"query": PROJECTS})).status_code == 200
        update = {"update": "INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> 1 } }"}
        assert (await client.post("/sparql", data=update, headers=AUTH)).status_code == 204
        assert _replicas(await scrape(client)) == {"stale": 1}
        asked = f"{PROJECTS} # after the write"
        assert (await client.get("/sparql", params={"query": asked})).status_code == 200
        assert _replicas(await scrape(client)) in ({"loading": 1}, {"ready": 1})
        await until(ready)
        answered = await scrape(client)
    assert value(answered, "jixiao_query_answers_total", copy="replica") == 1  # the first
    assert value(answered, "jixiao_query_answers_total", copy="snapshot") == 1  # after the write


@pytest.mark.slow
async def test_no_replica_is_off(disk: Path) -> None:
    async with app_client(_disk(disk, query_workers=2, query_replica_max_triples=0)) as client:
        assert (await client.get("/sparql", params={"query": PROJECTS})).status_code == 200
        await asyncio.sleep(0.5)
        assert _replicas(await scrape(client)) == {"off": 2}


async def test_the_store_size_is_its_quads_counted_again_after_a_write() -> None:
    async with app_client(_memory()) as client:
        store = client._transport.app.state.store  # type: ignore[attr-defined]
        first = value(await scrape(client), "jixiao_store_quads")
        assert first == len(store) > 0
        triples = " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(3))
        update = {"update": f"INSERT DATA {{ GRAPH <urn:g> {{ {triples} }} }}"}
        assert (await client.post("/sparql", data=update, headers=AUTH)).status_code == 204
        assert value(await scrape(client), "jixiao_store_quads") == first + 3
        assert value(await scrape(client), "jixiao_store_quads") == first + 3  # kept


@pytest.mark.slow
async def test_validation_jobs_running_and_queued() -> None:
    seed = next(data for data, _, year in seed_files() if year == 2023)
    try:
        async with app_client(_memory()) as client:

            async def validate() -> httpx.Response:
                return await client.post(
                    "/validate?year=2023",
                    content=seed,
                    headers={"content-type": "text/plain"},
                    timeout=300,
                )

            jobs = [asyncio.create_task(validate()) for _ in range(2)]

            async def both_in() -> bool:
                samples = await scrape(client)
                running = value(samples, "jixiao_validation_jobs", state="running")
                return (
                    running == 1 and value(samples, "jixiao_validation_jobs", state="queued") == 1
                )

            await until(both_in, seconds=120)
            assert [(await job).status_code for job in jobs] == [200, 200]
            after = await scrape(client)
    finally:
        shutdown_worker()
    assert value(after, "jixiao_validation_jobs", state="running") == 0
    assert value(after, "jixiao_validation_jobs", state="queued") == 0


# ── the route itself ──────────────────────────────────────────────────────────────────────


async def test_metrics_off_is_a_404_and_no_route_in_the_schema() -> None:
    async with app_client(_memory(metrics=False)) as client:
        response = await client.get("/metrics")
        assert response.status_code == 404 and response.json()["error"] == "NotFound"
        schema = (await client.get("/openapi.json")).json()
    assert "/metrics" not in schema["paths"]


async def test_the_schema_lists_metrics_beside_healthz() -> None:
    async with app_client(_memory()) as client:
        paths = (await client.get("/openapi.json")).json()["paths"]
    assert paths["/metrics"]["get"]["tags"] == paths["/healthz"]["get"]["tags"] == ["operations"]
    assert "text/plain" in paths["/metrics"]["get"]["responses"]["200"]["content"]


async def test_each_app_has_its_own_registry() -> None:
    """Many apps in one process (as in tests) neither clash nor share counts."""
    first, second = create_app(_memory()), create_app(_memory())
    async with first.router.lifespan_context(first), second.router.lifespan_context(second):
        one = httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://a")
        two = httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://b")
        async with one, two:
            for _ in range(3):
                await one.get("/healthz")
            ones, twos = await scrape(one), await scrape(two)
    healthz = {"method": "GET", "route": "/healthz", "status": "200"}
    assert value(ones, REQUESTS, **healthz) == 3
    assert value(twos, REQUESTS, **healthz) == 0
    assert value(ones, "process_resident_memory_bytes") > 0


@pytest.mark.slow
async def test_the_readme_names_every_metric_and_no_other(tmp_path: Path) -> None:
    """The README's table of metrics against a scrape of an app over an on-disk store (which
    has query workers and replicas)."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Metrics", 1)[1].split("\n## ", 1)[0]
    documented = {
        name
        for line in table.splitlines()
        if line.startswith("| `jixiao_")
        for name in re.findall(r"`(jixiao_\w+)`", line.split(" | ")[0])
    }
    async with app_client(_disk(tmp_path / "store", query_workers=1)) as client:
        response = await client.get("/metrics")
    exposed = {
        family.name + ("_total" if family.type == "counter" else "")
        for family in text_string_to_metric_families(response.text)
        if family.name.startswith("jixiao_")
    }
    assert documented == exposed
