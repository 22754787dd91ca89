"""What the app holds, typed: its settings, store and query runner.

:func:`~.app.create_app` puts them on ``app.state`` (the store and the runner when the app
starts); routes take them as dependencies — ``settings: AppSettings``, ``store: AppStore``,
``queries: AppQueries`` — and helpers that have only the request call the ``*_of`` functions,
so neither mypy nor a reader loses track of a setting between the CLI and a route.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from jixiao.service.query.runner import QueryRunner
from jixiao.service.settings import Settings
from jixiao.service.store.base import Store

__all__ = ["AppQueries", "AppSettings", "AppStore", "queries_of", "settings_of", "store_of"]


def settings_of(request: Request) -> Settings:
    """The settings the app was made with."""
    return cast(Settings, request.app.state.settings)


def store_of(request: Request) -> Store:
    """The store the app opened when it started."""
    return cast(Store, request.app.state.store)


def queries_of(request: Request) -> QueryRunner:
    """What runs ``/sparql`` queries: worker processes, or a thread for a remote store."""
    return cast(QueryRunner, request.app.state.queries)


AppSettings = Annotated[Settings, Depends(settings_of)]
AppStore = Annotated[Store, Depends(store_of)]
AppQueries = Annotated[QueryRunner, Depends(queries_of)]
