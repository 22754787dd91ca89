"""A query worker has a memory limit (issue 13, finding 5).

Doubling a string with ``BIND(CONCAT(?a, ?a))`` reached 860 MB in 3.5 s with nothing but the
time limit to stop it. Now a worker process may use ``query_worker_memory_mb``: a query that
needs more is stopped, answered with a 503 that says so, and its worker replaced.
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from support.sync_app import service

from jixiao.service.query.runner import WorkerPool
from jixiao.service.query.worker import worker_memory

PROJECTS = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def doubling(times: int) -> str:
    """A query whose one string doubles ``times`` times: 16 bytes × 2^times."""
    binds = ['BIND("0123456789abcdef" AS ?s0)']
    binds += [f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(times)]
    return f"SELECT (STRLEN(?s{times}) AS ?n) WHERE {{ {' '.join(binds)} }}"


def test_a_query_over_the_limit_is_stopped_and_its_worker_replaced(tmp_path: Path) -> None:
    with service("disk", tmp_path, query_worker_memory_mb=300, query_timeout=20) as client:
        pool = client.app_state("queries")
        assert isinstance(pool, WorkerPool)
        (before,) = pool.pids()
        within = client.get("/sparql", params={"query": doubling(20)})  # 16 MB
        over = client.get("/sparql", params={"query": doubling(27)})  # 2 GB
        after = client.get("/sparql", params={"query": PROJECTS})
        (replacement,) = pool.pids()
        scraped = client.get("/metrics").text
    assert within.status_code == 200, within.text
    assert within.json()["results"]["bindings"][0]["n"]["value"] == str(16 << 20)
    assert over.status_code == 503, over.text
    body = over.json()
    assert body["error"] == "QueryMemoryLimit"
    assert "300 MB" in body["message"] and "query_worker_memory_mb" in body["message"]
    assert after.status_code == 200 and replacement != before
    counted = {
        sample.name: sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if not sample.labels
    }
    assert counted["jixiao_query_memory_limit_stops_total"] == 1
    assert counted["jixiao_query_worker_restarts_total"] == 1
    assert counted["jixiao_query_worker_deaths_total"] == 0


def test_the_default_limit_is_a_share_of_half_the_memory() -> None:
    import os

    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert worker_memory(0, 2) == total // 4
    assert worker_memory(300, 2) == 300 << 20
