"""What the app holds, typed: its settings, store, query runner, the limit on answers
computed at once, and (when ``/metrics`` is on) its metrics and the store's count.

:func:`~.app.create_app` hands them to :func:`keep` (the store, the runner and the limiter
when the app starts), which puts them on ``app.state``; routes take them as dependencies —
``settings: AppSettings``, ``store: AppStore``, ``queries: AppQueries`` — and helpers that
have only the request call the ``*_of`` functions, so neither mypy nor a reader loses track
of a setting between the CLI and a route. This is the one module that touches ``app.state``
(a test holds every other to it).
"""

from __future__ import annotations

from typing import Annotated, NamedTuple, cast

import anyio
from fastapi import Depends, FastAPI, Request

from jixiao.service.metrics import Metrics
from jixiao.service.query.runner import QueryRunner
from jixiao.service.settings import Settings
from jixiao.service.store.base import Store
from jixiao.service.store.size import QuadCount

__all__ = [
    "AppComputing",
    "AppQueries",
    "AppSettings",
    "AppStore",
    "Held",
    "computing_of",
    "held",
    "keep",
    "metrics_of",
    "paging_of",
    "queries_of",
    "settings_of",
    "store_of",
]


def keep(
    app: FastAPI,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    queries: QueryRunner | None = None,
    computing: anyio.CapacityLimiter | None = None,
    paging: anyio.CapacityLimiter | None = None,
    metrics: Metrics | None = None,
    quad_count: QuadCount | None = None,
) -> None:
    """Hold what is given on ``app.state`` (what is not given is left as it is)."""
    given = {
        "settings": settings,
        "store": store,
        "queries": queries,
        "computing": computing,
        "paging": paging,
        "metrics": metrics,
        "quad_count": quad_count,
    }
    for name, value in given.items():
        if value is not None:
            setattr(app.state, name, value)


def settings_of(request: Request) -> Settings:
    """The settings the app was made with."""
    return cast(Settings, request.app.state.settings)


def store_of(request: Request) -> Store:
    """The store the app opened when it started."""
    return cast(Store, request.app.state.store)


def queries_of(request: Request) -> QueryRunner:
    """What runs ``/sparql`` queries: worker processes, or a thread for a remote store."""
    return cast(QueryRunner, request.app.state.queries)


def computing_of(request: Request) -> anyio.CapacityLimiter:
    """The limit on ``/api`` answers turned into bodies at once (made when the app starts)."""
    return cast(anyio.CapacityLimiter, request.app.state.computing)


def paging_of(request: Request) -> anyio.CapacityLimiter:
    """The limit on linked-data pages made at once, in threads of their own (made when the
    app starts): a page costs milliseconds of SPARQL, and under load the pages waiting must
    not stand in the way of the short jobs every other route sends to the shared pool."""
    return cast(anyio.CapacityLimiter, request.app.state.paging)


def metrics_of(request: Request) -> Metrics:
    """The app's metrics (its ``/metrics`` route exists only when they do)."""
    return cast(Metrics, request.app.state.metrics)


class Held(NamedTuple):
    """What a scrape reads from an app as it is at that moment: each ``None`` until the
    app has started (or, for ``quad_count``, when ``/metrics`` is off)."""

    store: Store | None
    queries: QueryRunner | None
    quad_count: QuadCount | None


def held(app: FastAPI) -> Held:
    """What ``app`` holds now (see :class:`Held`)."""
    state = app.state
    return Held(
        getattr(state, "store", None),
        getattr(state, "queries", None),
        getattr(state, "quad_count", None),
    )


# As dependencies, the getters above in coroutines: FastAPI runs a dependency that is a plain
# function in its thread pool, a hop there and back for reading an attribute.


async def _settings(request: Request) -> Settings:
    return settings_of(request)


async def _store(request: Request) -> Store:
    return store_of(request)


async def _queries(request: Request) -> QueryRunner:
    return queries_of(request)


async def _computing(request: Request) -> anyio.CapacityLimiter:
    return computing_of(request)


AppSettings = Annotated[Settings, Depends(_settings)]
AppStore = Annotated[Store, Depends(_store)]
AppQueries = Annotated[QueryRunner, Depends(_queries)]
AppComputing = Annotated[anyio.CapacityLimiter, Depends(_computing)]
