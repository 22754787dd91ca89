"""First asks on a fresh server, and the anchor beside Oxigraph in memory and on disk, on a
store of the two seed tables of its own (the servers started here are the only ones on it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from support.servers import BIN

from jixiao.service.bench.anchor import bench_anchor, render_anchor
from jixiao.service.bench.corpora import _site_and_texts
from jixiao.service.bench.first_asks import bench_first_asks, render_first_asks
from jixiao.service.bench.mixed import API_QUESTIONS
from jixiao.service.bench.processes import free_port, running
from jixiao.service.bench.scale import _await_replicas
from jixiao.service.bench.warmup import render_warmup

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench-seeded") / "store"
    subprocess.run([str(BIN / "jixiao"), "seed", "--store", str(path)], check=True)
    return path


def _wait(client: httpx.Client, url: str) -> tuple[float, bool]:
    return _await_replicas(client, url, 30)


def test_each_question_is_asked_with_new_parameters_after_start_and_when_ready(
    store: Path,
) -> None:
    site, _ = _site_and_texts(store)
    seen: list[str] = []
    run = bench_first_asks(store, site, _wait, per_question=2, then=seen.append)
    assert seen and seen[0].startswith("http://127.0.0.1:")  # called while the server ran
    assert run["replicas_ready"] is True
    asked = set()
    for phase in ("after_start", "replicas"):
        answers = run[phase]
        assert set(answers) == set(API_QUESTIONS)
        for question, record in answers.items():
            assert record["statuses"] and set(record["statuses"]) == {200}, question
            assert 0 < record["median_s"] <= record["max_s"] < 30
            for params in record["parameters"]:
                key = (question, tuple(sorted(params.items())))
                assert key not in asked  # never the same question twice
                asked.add(key)
    table = "\n".join(render_first_asks({"seeds": run}))
    assert "| seeds | `/api/target-changes` |" in table and "| seeds | **all** |" in table


def test_the_anchor_times_every_query_on_the_three_and_says_what_was_cut(
    store: Path, tmp_path: Path
) -> None:
    _, texts = _site_and_texts(store)
    env = {"JIXIAO_MAX_ROWS": "50"}
    run = bench_anchor(store, tmp_path, texts, _wait, runs=1, env=env, warmup_s=8)
    queries = run["queries"]
    assert set(queries) == set(texts)
    for name, q in queries.items():
        assert q["memory_rows"] == q["disk_rows"], name  # the same quads in both
        if q["memory_rows"] > 50:
            assert q["jixiao_truncated"] and q["jixiao_rows"] == 50, name
        else:
            assert not q["jixiao_truncated"] and q["jixiao_rows"] == q["memory_rows"], name
        assert q["vs_memory"] == pytest.approx(q["jixiao_s"] / q["memory_s"])
    assert queries["target-changes"]["jixiao_truncated"]
    assert run["memory_load_s"] > 0 and not list(tmp_path.glob("*.nq"))  # the dump removed
    table = "\n".join(render_anchor({"seeds": run}))
    assert "| seeds | target-changes | 50 cut (of " in table
    warmup = run["warmup"]  # jixiao watched from its start, before the timing
    asks = warmup["asks"]
    assert asks and {a["query"] for a in asks} <= set(texts)
    assert all(0 <= a["at"] < 8 and a["jixiao"] > 0 and a["memory"] > 0 for a in asks)
    assert warmup["replicas_ready_s"] is not None and 0 < warmup["replicas_ready_s"] < 8
    rendered = "\n".join(render_warmup({"seeds": warmup}, 1.5))
    assert "| seeds | 0–30 | " in rendered


def test_the_wait_for_replicas_ends_soon_when_none_is_coming(store: Path, tmp_path: Path) -> None:
    """With the replica cap below the store's size the workers copy nothing: the wait ends
    after a few rounds of probes, not after its limit (it waited 300 s at 5M)."""
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"JIXIAO_STORE": str(copy), "JIXIAO_PORT": str(port)}
    capped = {**env, "JIXIAO_QUERY_REPLICA_MAX_TRIPLES": "10"}
    with running([str(BIN / "jixiao"), "serve"], f"{url}/healthz", capped), httpx.Client() as c:
        waited, ready = _await_replicas(c, url, 60)
    assert ready is False
    assert waited < 20
    with running([str(BIN / "jixiao"), "serve"], f"{url}/healthz", env), httpx.Client() as c:
        waited, ready = _await_replicas(c, url, 60)
    assert ready is True  # the control: under the cap they come
