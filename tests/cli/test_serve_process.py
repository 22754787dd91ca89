"""A real ``jixiao serve`` (issue 13, findings 10 and 11): one JSON access-log line per
request on standard error, saying whether a write token was presented but never the token;
and every process it started — query workers, the validation worker, multiprocessing's
resource tracker — gone once it stops on SIGTERM or on Ctrl-C (SIGINT to the process group,
as a terminal sends it), with no traceback, and even once it is killed (SIGKILL)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.app import WRITE_TOKEN
from support.servers import BIN

from jixiao.service.bench.processes import free_port
from jixiao.service.pipeline.load import seed_files

pytestmark = pytest.mark.slow

SEED_2025 = next(data for data, _, year in seed_files() if year == 2025)


@dataclass
class Serving:
    process: subprocess.Popen[bytes]
    url: str
    stdout: Path
    stderr: Path


@contextmanager
def serving(tmp_path: Path, store: str, **env: str) -> Iterator[Serving]:
    """``jixiao serve`` in a session of its own (so a signal to its group reaches only it
    and its children), its standard output and error in files."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [str(BIN / "jixiao"), "serve", "--store", store, "--port", str(port)],
            env={**os.environ, "JIXIAO_WRITE_TOKEN": WRITE_TOKEN, **env},
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, err.read_text()
            assert time.monotonic() < deadline, "jixiao serve did not come up"
            time.sleep(0.1)
        yield Serving(process, url, out, err)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def descendants(pid: int) -> set[int]:
    """The live processes below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return {p for p in found if alive(p)}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_one_json_access_line_per_request_without_the_token(tmp_path: Path) -> None:
    auth = {"authorization": f"Bearer {WRITE_TOKEN}"}
    with serving(tmp_path, ":memory:") as server, httpx.Client(base_url=server.url) as client:
        time.sleep(0.5)  # the readiness probes are logged too; leave them behind
        mark = server.stderr.stat().st_size
        sent = [
            client.get("/healthz"),
            client.get("/sparql", params={"query": "ASK {}"}),
            client.post(
                "/sparql",
                content=b"INSERT DATA { <http://e/s> <http://e/p> 1 }",
                headers={**auth, "content-type": "application/sparql-update"},
            ),
            client.put("/store", params={"graph": "http://e/g"}, content=b"",
                       headers={"content-type": "text/turtle"}),
            client.get("/no/such/page"),
        ]  # fmt: skip
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
    log = server.stderr.read_bytes()[mark:].decode()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("GET", "/healthz", 200),
        ("GET", "/sparql", 200),
        ("POST", "/sparql", 204),
        ("PUT", "/store", 401),
        ("GET", "/no/such/page", 404),
    ]
    assert [e["token"] for e in lines] == [False, False, True, False, False]
    for entry, response in zip(lines, sent, strict=True):
        assert entry["bytes"] == len(response.content)
        assert isinstance(entry["ms"], float) and entry["ms"] >= 0
    everything = server.stderr.read_text() + server.stdout.read_text()
    assert WRITE_TOKEN not in everything
    assert '"GET /healthz HTTP/1.1"' not in everything  # no second, plain access log


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT to the group", "SIGKILL"])
def test_every_worker_stops_with_the_server(tmp_path: Path, how: str) -> None:
    store = tmp_path / "store"
    with (
        serving(tmp_path, str(store)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        validated = client.post(
            "/validate?year=2025",
            content=SEED_2025,
            headers={"content-type": "text/plain"},
            timeout=120,
        )
        assert validated.status_code == 200
        started = descendants(server.process.pid)
        # two query workers, the validation worker and at least one resource tracker
        assert len(started) >= 4, started
        if how == "SIGINT to the group":
            os.killpg(server.process.pid, signal.SIGINT)
        else:  # SIGKILL: the workers find out by themselves
            server.process.send_signal(getattr(signal, how))
        server.process.wait(timeout=30)  # uvicorn exits by the signal it stopped on
        deadline = time.monotonic() + 15
        while {p for p in started if alive(p)} and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not {p for p in started if alive(p)}
    output = server.stderr.read_text() + server.stdout.read_text()
    assert "Traceback" not in output, output[-3000:]


def test_metrics_are_scraped_from_a_real_server(tmp_path: Path) -> None:
    """``GET /metrics`` of a real ``jixiao serve`` over an on-disk store: Prometheus' text
    format, counting the requests before the scrape, its two query workers, their replicas,
    the store's quads and the server process."""
    with (
        serving(tmp_path, str(tmp_path / "store")) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        for _ in range(3):
            assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert client.get("/no/such/page").status_code == 404
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }

    def requests(route: str, status: str) -> float:
        labels = (("method", "GET"), ("route", route), ("status", status))
        return samples[("jixiao_http_requests_total", labels)]

    assert requests("/sparql", "200") == 3
    assert requests("<unmatched>", "404") == 1
    assert requests("/healthz", "200") >= 1  # the readiness probes
    assert samples[("jixiao_query_workers", ())] == 2
    replicas = {
        dict(k[1])["state"]: v for k, v in samples.items() if k[0] == "jixiao_query_replicas"
    }
    assert sum(replicas.values()) == 2
    assert samples[("jixiao_store_quads", ())] > 0  # the vocabulary
    assert samples[("process_resident_memory_bytes", ())] > 0
    assert samples[("process_cpu_seconds_total", ())] > 0


def _sent_raw(url: str, head: bytes, size: int) -> tuple[bytes, float]:
    """``head`` followed by ``size`` bytes of ``A`` on a raw connection, then the end of a
    request; what the server answered, and how long the sending took."""
    import socket

    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        try:
            conn.sendall(head)
            chunk = b"A" * (1 << 16)
            for _ in range(size // len(chunk)):
                conn.sendall(chunk)
            conn.sendall(b"\r\nHost: x\r\n\r\n")
        except OSError:  # closed by the server once it had seen enough
            pass
        answer = b""
        with contextlib.suppress(OSError):
            while part := conn.recv(65536):
                answer += part
    return answer, time.monotonic() - started


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"GET /sparql?query=", b"414"),  # a request line of 32 MB
        (b"GET /healthz HTTP/1.1\r\nX-Padding: ", b"431"),  # a header of 32 MB
    ],
)
def test_an_endless_request_head_is_refused_without_stalling_the_loop(
    tmp_path: Path, head: bytes, status: bytes
) -> None:
    """uvicorn's httptools protocol gathers a request line by concatenating bytes: a 100 MB
    URL took 12 s of the event loop, and /healthz waited 8.4 s meanwhile. A head past
    JIXIAO_MAX_HEAD_BYTES is answered 414 (its line) or 431 (its headers), and closed."""
    with serving(tmp_path, ":memory:") as server:
        worst = 0.0
        stop = threading.Event()

        def probe() -> None:
            nonlocal worst
            with httpx.Client(timeout=60) as client:
                while not stop.is_set():
                    started = time.monotonic()
                    client.get(f"{server.url}/healthz")
                    worst = max(worst, time.monotonic() - started)
                    time.sleep(0.02)

        prober = threading.Thread(target=probe)
        prober.start()
        try:
            answer, _ = _sent_raw(server.url, head, 32 << 20)
        finally:
            stop.set()
            prober.join()
        long_query = "ASK { FILTER (" + " || ".join(["true"] * 5000) + ") }"  # 40 kB, fine
        fine = httpx.get(f"{server.url}/sparql", params={"query": long_query}, timeout=30)
    first_line, _, rest = answer.partition(b"\r\n")
    assert first_line.split()[1] == status, answer[:200]
    body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert set(body) == {"error", "message"} and "JIXIAO_MAX_HEAD_BYTES" in body["message"]
    assert worst < 2.0
    assert fine.status_code == 200


@pytest.mark.parametrize("sent", [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n"])
def test_a_head_that_does_not_arrive_in_time_is_refused(tmp_path: Path, sent: bytes) -> None:
    """A connection that sends nothing, or a head that never ends, was held open for ever
    (enough of them use up the server's file descriptors): past JIXIAO_HEAD_TIMEOUT it is
    answered 408 and closed, and a request on time is answered as ever."""
    import socket

    with serving(tmp_path, ":memory:", JIXIAO_HEAD_TIMEOUT="1") as server:
        host, port = server.url.removeprefix("http://").split(":")
        started = time.monotonic()
        with socket.create_connection((host, int(port)), timeout=20) as conn:
            conn.sendall(sent)
            answer = b""
            while part := conn.recv(65536):
                answer += part
        waited = time.monotonic() - started
        fine = httpx.get(f"{server.url}/healthz", timeout=10)
    first_line, _, rest = answer.partition(b"\r\n")
    assert first_line.split()[1] == b"408", answer[:200]
    body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert body["error"] == "RequestTimeout" and "JIXIAO_HEAD_TIMEOUT" in body["message"]
    assert 0.9 < waited < 10
    assert fine.status_code == 200


def test_a_body_that_does_not_arrive_in_time_is_refused(tmp_path: Path) -> None:
    """A body trickled a byte at a time held its request (and a connection) for as long as
    the client liked: past JIXIAO_BODY_TIMEOUT from the end of the head it is answered 408."""
    import socket

    with serving(tmp_path, ":memory:", JIXIAO_BODY_TIMEOUT="1") as server:
        host, port = server.url.removeprefix("http://").split(":")
        started = time.monotonic()
        with socket.create_connection((host, int(port)), timeout=20) as conn:
            conn.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 100\r\n\r\nASK"
            )
            answer = b""
            with contextlib.suppress(OSError):
                for _ in range(40):  # a byte every 0.1 s: 4 s for the rest, were it let
                    conn.sendall(b" ")
                    time.sleep(0.1)
                    if answer := answer + _ready(conn):
                        break
                while part := conn.recv(65536):
                    answer += part
        waited = time.monotonic() - started
    first_line, _, rest = answer.partition(b"\r\n")
    assert first_line.split()[1] == b"408", answer[:300]
    body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert body["error"] == "RequestTimeout" and "JIXIAO_BODY_TIMEOUT" in body["message"]
    assert waited < 3.5


def _ready(conn: object) -> bytes:
    """What ``conn`` has to read now, without waiting."""
    import select
    import socket

    assert isinstance(conn, socket.socket)
    readable, _, _ = select.select([conn], [], [], 0)
    return conn.recv(65536) if readable else b""
