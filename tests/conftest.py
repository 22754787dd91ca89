"""Fixtures only (helpers are in ``tests/support/``):

* ``anyio_backend`` — asyncio, for ``@pytest.mark.anyio`` tests.
* ``seeded_store`` — a store directory with both seed tables (session-wide).
* ``jixiao_server`` — a real ``jixiao serve`` subprocess on a seeded temporary store
  (session-wide; its base URL and write token as a :class:`Server`).
* ``oxigraph_server`` — a real ``oxigraph serve --union-default-graph`` subprocess.
* ``served`` — the app over ``:memory:`` and on disk, called from plain tests (``sync_app``).
* ``stop_validation_worker`` — stops the app's validation worker process (if an upload
  started one) after the module's tests: ``pytest.mark.usefixtures`` it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.app import WRITE_TOKEN
from support.servers import BIN, Server

from jixiao.service.bench.processes import free_port, running
from jixiao.shapes import validate
from jixiao.shapes.compiled import cache as compiled_cache


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def shapes_compiled_in_memory() -> Iterator[None]:
    """A command run in process (``cli.main``) turns on the on-disk cache of compiled shapes
    for the rest of the process, and the shapes it loads from there (their blank nodes named
    anew) stay in memory: after such a test, the next ones compile in memory again, as the
    server does, so the engine's results name the same shape nodes as pySHACL's."""
    yield
    if compiled_cache._state["folder"] is not None:
        compiled_cache.use_cache_dir(None)
        validate._compiled.cache_clear()
        validate._vocabulary_triples.cache_clear()


@pytest.fixture(scope="module", params=["memory", "disk"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """The real app over an in-memory, then an on-disk store, for plain (not async) tests:
    a ``sync_app.Client`` (one query worker, the write token of ``support.app``)."""
    from support.sync_app import service

    with service(request.param, tmp_path_factory.mktemp(request.param)) as client:
        yield client


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
    before any test module is collected (see ``support/hypothesis_profiles.py``)."""
    import support.hypothesis_profiles  # noqa: F401


@pytest.fixture(scope="module")
def stop_validation_worker() -> Iterator[None]:
    yield
    from jixiao.service.http.routes.validate import shutdown_worker

    shutdown_worker()
