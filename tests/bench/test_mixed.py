"""The mixed, randomised workload against a real ``jixiao serve`` on the seed tables: short
runs (2 s, 5 clients), so the file takes seconds."""

from __future__ import annotations

import random
from collections import Counter

import httpx
import pytest
from support.servers import Server

from jixiao.service.answers.canned import load_queries
from jixiao.service.bench.loadgen import RequestSpec, run_load
from jixiao.service.bench.mixed import (
    API_QUESTIONS,
    MIX,
    http_rows,
    mixed_requests,
    render_mixed,
    run_mixed,
    sample_site,
    sparql_text,
)

pytestmark = pytest.mark.slow


def test_the_site_sample_holds_real_resources_years_and_units(jixiao_server: Server) -> None:
    site = sample_site(http_rows(jixiao_server.url), per_class=40)
    assert site.years == (2023, 2025)
    assert "广州市科学技术协会" in site.units
    assert set(site.paths) == {"Project", "Indicator", "FundingUnit", "ProjectSeries"}
    assert all(site.paths.values())
    for path in (paths[0] for paths in site.paths.values()):
        response = httpx.get(jixiao_server.url + path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, path


def test_the_requests_come_in_the_mix_and_mostly_differ(jixiao_server: Server) -> None:
    site = sample_site(http_rows(jixiao_server.url), per_class=40)
    specs = mixed_requests(site, 2_000, seed=1)
    kinds = Counter(s.kind for s in specs)
    assert set(kinds) == set(MIX)
    assert kinds["id"] / len(specs) == pytest.approx(0.45, abs=0.04)
    assert sum(n for k, n in kinds.items() if k != "id") / len(specs) == pytest.approx(0.55, 0.1)
    assert specs == mixed_requests(site, 2_000, seed=1)  # deterministic by seed
    sparql = {s.form["query"] for s in specs if s.form}
    assert len(sparql) > 0.9 * kinds["sparql"]  # varying text: few repeat
    asked = [(s.path, tuple(s.headers.items())) for s in specs if s.kind == "id"]
    pages = 2 * len(site.all_paths)  # each in HTML and Turtle
    assert len(set(asked[:pages])) > 0.6 * min(pages, len(asked))


def test_every_varied_sparql_text_is_answered(jixiao_server: Server) -> None:
    site = sample_site(http_rows(jixiao_server.url), per_class=20)
    rng = random.Random(3)
    rows = http_rows(jixiao_server.url)
    for query in load_queries().values():
        text = sparql_text(query, site, rng)
        assert "LIMIT" in text and "OFFSET" in text
        rows(text)  # raises on 4xx/5xx


def test_a_short_mixed_run_answers_every_class_without_errors(jixiao_server: Server) -> None:
    site = sample_site(http_rows(jixiao_server.url), per_class=40)
    run = run_mixed(jixiao_server.url, site, clients=5, duration=2.0, warmup=0.2, seed=2)
    kinds = run["kinds"]
    assert set(kinds) == {"id", "sparql", *(f"api/{q}" for q in API_QUESTIONS)}
    for kind, summary in kinds.items():
        assert summary["count"] > 0 and summary["errors"] == {}, kind
    overall = run["overall"]
    assert overall["ok"] == overall["count"] > 20
    assert 0.0 <= run["repeated_fraction"] < 1.0
    table = "\n".join(render_mixed({"seeds": run}))
    assert "| seeds | api/target-changes |" in table and "repeated" in table


def test_dealt_requests_repeat_only_once_the_list_is_used_up(jixiao_server: Server) -> None:
    specs = [RequestSpec(f"/healthz?n={i}", "probe") for i in range(30)]
    short = run_load(
        jixiao_server.url, specs, clients=3, duration=30, max_requests=30, warmup=0, deal=True
    )
    assert short.count == 30 and short.repeated == 0
    longer = run_load(
        jixiao_server.url, specs, clients=3, duration=30, max_requests=50, warmup=0, deal=True
    )
    assert longer.count == 50 and longer.repeated == 20
    drawn = run_load(jixiao_server.url, specs, clients=3, duration=30, max_requests=50, warmup=0)
    assert drawn.repeated >= 20
