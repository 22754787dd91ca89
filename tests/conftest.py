"""Shared fixtures: the app in process, free ports, real server subprocesses.

* ``app_client(settings)`` — an ``httpx.AsyncClient`` on the real app (lifespan run), for
  ``@pytest.mark.anyio`` tests.
* ``free_port()`` — a free loopback port.
* ``jixiao_server`` — a real ``jixiao serve`` subprocess on a seeded temporary store
  (session-wide; its base URL and write token as a :class:`Server`).
* ``oxigraph_server`` — a real ``oxigraph serve --union-default-graph`` subprocess.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from jixiao.ingest.iris import IriMinter
from jixiao.service.bench.processes import free_port, running
from jixiao.service.http.app import create_app
from jixiao.service.pipeline import load as loader
from jixiao.service.settings import Settings

BIN = Path(sys.executable).parent
WRITE_TOKEN = "test-token"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@contextlib.asynccontextmanager
async def app_client(
    settings: Settings, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the real app, in process, with its lifespan (store open/close)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


@contextlib.asynccontextmanager
async def seeded_app_client(
    base_url: str = "http://testserver", extra_update: str | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the real app over an in-memory store holding both seed tables
    (plus ``extra_update``, a SPARQL update run after seeding)."""
    settings = Settings(store=":memory:")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        for data, name, year in loader.seed_files():
            loader.ingest_bytes(data, name, year, app.state.store, IriMinter(settings.base_iri))
        if extra_update:
            app.state.store.update(extra_update)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


@dataclass(frozen=True)
class Server:
    """A running server subprocess."""

    url: str
    token: str | None = None


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store directory with the two seed tables loaded (by the real CLI)."""
    store = tmp_path_factory.mktemp("seeded") / "store"
    subprocess.run(
        [str(BIN / "jixiao"), "seed", "--store", str(store)], check=True, capture_output=True
    )
    return store


@pytest.fixture(scope="session")
def jixiao_server(seeded_store: Path) -> Iterator[Server]:
    """``jixiao serve`` on the seeded store, on a free port, with a write token."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "jixiao"), "serve", "--store", str(seeded_store), "--port", str(port)]
    with running(command, f"{url}/healthz", env={"JIXIAO_WRITE_TOKEN": WRITE_TOKEN}) as _:
        yield Server(url, WRITE_TOKEN)


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[Server]:
    """``oxigraph serve`` on an empty store in ``tmp_path``, union default graph on."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        str(BIN / "oxigraph"),
        "serve",
        "--location",
        str(tmp_path / "oxigraph"),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    with running(command, f"{url}/query?query=ASK%7B%7D") as _:
        yield Server(url)


def pytest_configure(config: pytest.Config) -> None:
    """Load the Hypothesis profile named by ``JIXIAO_HYPOTHESIS_PROFILE`` (``make fuzz``)
    before any test module is collected (see ``hypothesis_profiles.py``)."""
    import hypothesis_profiles  # noqa: F401
