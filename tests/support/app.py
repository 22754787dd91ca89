"""The app in process: ``app_client(settings)`` — an ``httpx.AsyncClient`` on the real app
(lifespan run), for ``@pytest.mark.anyio`` tests — and ``seeded_app_client()`` over both seed
tables in memory."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from jixiao.ingest.iris import IriMinter
from jixiao.service.http.app import create_app
from jixiao.service.pipeline import load as loader
from jixiao.service.settings import Settings

__all__ = ["WRITE_TOKEN", "app_client", "seeded_app_client"]

WRITE_TOKEN = "test-token"


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
    base_url: str = "http://testserver", extra_update: str | None = None, **changes: object
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the real app over an in-memory store holding both seed tables
    (plus ``extra_update``, a SPARQL update run after seeding), with settings ``changes``."""
    settings = Settings(store=":memory:", **changes)  # type: ignore[arg-type]
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        for data, name, year in loader.seed_files():
            loader.ingest_bytes(data, name, year, app.state.store, IriMinter(settings.base_iri))
        if extra_update:
            app.state.store.update(extra_update)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client
