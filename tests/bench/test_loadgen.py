"""The load generator: bounded, self-stopping, and honest about errors.

Against the real ``jixiao serve`` (the ``jixiao_server`` fixture), a port nobody listens on,
and a listener that never answers; short runs, so the whole file takes seconds.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
from support.servers import Server

from jixiao.service.bench.loadgen import LoadResult, RequestSpec, Summary, main, run_load, site_mix
from jixiao.service.bench.processes import free_port

pytestmark = pytest.mark.slow


def _consistent(summary: Summary) -> None:
    assert summary.count == summary.ok + sum(summary.errors.values())
    assert 0 <= summary.median <= summary.p95 <= summary.p99 <= summary.max


def _all_consistent(result: LoadResult) -> None:
    _consistent(result.overall)
    for summary in result.kinds.values():
        _consistent(summary)
    assert result.count == sum(s.count for s in result.kinds.values())
    assert result.overall.ok == sum(s.ok for s in result.kinds.values())


def test_a_mixed_run_stops_by_itself_and_counts_a_404_as_an_error(jixiao_server: Server) -> None:
    mix = site_mix(jixiao_server.url, resources=3)
    assert {s.kind for s in mix} == {"id-html", "id-turtle", "api-recurring", "sparql-recurring"}
    missing = RequestSpec("/id/no/such/resource", "missing", weight=2.0)
    started = time.monotonic()
    result = run_load(jixiao_server.url, [*mix, missing], clients=20, duration=2.0, warmup=0.2)
    elapsed = time.monotonic() - started
    assert elapsed < 2.2 + 10.0  # warm-up + duration, then at most one request's time limit
    assert result.stopped_by == "duration" and result.window == 2.0
    _all_consistent(result)
    assert result.kinds["missing"].count > 0
    assert result.kinds["missing"].errors == {"HTTP 404": result.kinds["missing"].count}
    for kind in ("id-html", "id-turtle", "api-recurring", "sparql-recurring"):
        assert result.kinds[kind].count > 0 and result.kinds[kind].errors == {}, kind
    assert result.errors == {"HTTP 404": result.kinds["missing"].count}
    assert result.throughput == pytest.approx(result.count / 2.0)
    assert result.warmup_requests > 0 and result.generator_cpu > 0


def test_the_request_budget_stops_a_run_exactly(jixiao_server: Server) -> None:
    result = run_load(
        jixiao_server.url, ["/healthz"], clients=5, duration=30.0, max_requests=40, warmup=0
    )
    assert result.stopped_by == "max_requests"
    assert result.count == result.overall.ok == 40
    assert result.window < 30.0


def test_two_generator_processes_are_merged(jixiao_server: Server) -> None:
    result = run_load(
        jixiao_server.url, ["/healthz"], clients=6, duration=0.5, warmup=0, processes=2
    )
    assert result.processes == 2 and result.clients == 6
    assert result.stopped_by == "duration" and result.count > 0 and result.errors == {}
    _all_consistent(result)


def test_an_unreachable_server_is_all_errors_and_still_stops_on_time() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    started = time.monotonic()
    result = run_load(url, ["/healthz"], clients=10, duration=0.5, warmup=0, request_timeout=1.0)
    assert time.monotonic() - started < 0.5 + 1.0 + 2.0
    assert result.count > 0 and result.overall.ok == 0
    assert result.errors == {"ConnectError": result.count}
    _all_consistent(result)


@pytest.fixture
def silent_listener() -> Iterator[str]:
    """A port that accepts connections (the kernel's backlog) but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_server_that_never_answers_times_out_and_still_stops_on_time(
    silent_listener: str,
) -> None:
    started = time.monotonic()
    result = run_load(
        silent_listener, ["/slow"], clients=8, duration=0.6, warmup=0, request_timeout=0.5
    )
    assert time.monotonic() - started < 0.6 + 0.5 + 2.0
    assert result.count >= 8 and result.overall.ok == 0
    assert set(result.errors) <= {"Timeout", "ReadTimeout"}
    assert 0.5 <= result.overall.median <= result.max < 1.5
    _all_consistent(result)


def test_the_command_line_prints_a_table(
    jixiao_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [jixiao_server.url, "--clients", "4", "--duration", "0.3", "--warmup", "0"]
    assert main([*argv, "--path", "health=/healthz", "--path", "/nothing"]) == 0
    out = capsys.readouterr().out
    assert "health" in out and "/nothing" in out and "HTTP 404" in out
    assert main([*argv, "--path", "/healthz", "--max-requests", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["count"] == 3
