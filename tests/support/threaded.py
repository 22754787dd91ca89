"""The real app served by uvicorn on a loopback socket, in a thread of the test process:
``threaded_server(settings)`` gives its URL and the app (whose ``state`` the test can read,
e.g. the query runner's counts) — for tests that need a real connection, such as a client
that closes it before its answer."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import uvicorn
from fastapi import FastAPI

from jixiao.service.bench.processes import free_port
from jixiao.service.http.app import create_app
from jixiao.service.settings import Settings

__all__ = ["ThreadedServer", "threaded_server"]


@dataclass(frozen=True)
class ThreadedServer:
    url: str
    host: str
    port: int
    app: FastAPI


@contextlib.contextmanager
def threaded_server(settings: Settings, start_seconds: float = 60.0) -> Iterator[ThreadedServer]:
    """Serve ``settings``' app on 127.0.0.1 until the block ends (its lifespan run: the
    store opened, the query workers started and stopped)."""
    app = create_app(settings)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="jixiao-test-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_seconds
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the app did not start on {url}")
        time.sleep(0.05)
    try:
        httpx.get(f"{url}/healthz", timeout=start_seconds).raise_for_status()
        yield ThreadedServer(url, "127.0.0.1", port, app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
