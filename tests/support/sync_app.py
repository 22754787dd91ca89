"""The real app in process, called from plain (not async) tests such as hypothesis ones.

``service(kind, tmp)`` starts ``app_client`` (``conftest.py``) in a blocking portal over an
in-memory (``"memory"``) or on-disk (``"disk"``) store, and gives a :class:`Client` whose
``get``/``post`` are httpx's.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal

from jixiao.service.settings import Settings
from support.app import WRITE_TOKEN, app_client

__all__ = ["Client", "service"]


class Client:
    """httpx's ``get``/``post`` on the app, from any thread."""

    def __init__(self, portal: BlockingPortal, client: httpx.AsyncClient) -> None:
        self._portal, self._client = portal, client

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self._portal.call(functools.partial(self._client.get, url, **kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self._portal.call(functools.partial(self._client.post, url, **kwargs))

    def app_state(self, name: str) -> Any:
        """``app.state.<name>`` (the store, the query runner)."""
        return getattr(self._client._transport.app.state, name)  # type: ignore[attr-defined]


def _settings(store: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "store": store,
        "write_token": WRITE_TOKEN,
        "query_workers": 1,
        "query_replica_max_triples": 0,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@contextlib.contextmanager
def service(kind: str, tmp: Path, **overrides: object) -> Iterator[Client]:
    """The app over ``kind`` (``"memory"`` or ``"disk"``, in ``tmp``), one query worker,
    the write token of ``conftest.py``, and ``overrides`` of the settings."""
    store = ":memory:" if kind == "memory" else str(tmp / "store")
    with start_blocking_portal() as portal:
        running = app_client(_settings(store, **overrides))
        client = portal.call(running.__aenter__)
        try:
            yield Client(portal, client)
        finally:
            portal.call(running.__aexit__, None, None, None)
