"""The embedded store's size in quads, for ``GET /metrics``: counted once per write, in the
background, never on every scrape.

Counting is a SPARQL ``COUNT`` that Oxigraph evaluates natively without holding the
interpreter (``len()`` on a store holds it throughout), in a thread of its own; at a few
million quads it takes seconds, so a scrape is answered with the latest count while the next
one runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future

import pyoxigraph as ox

from jixiao.service.store.embedded import EmbeddedStore

__all__ = ["QuadCount"]

# The store's own default graph and every named graph: each quad once.
_COUNT = "SELECT (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


class QuadCount:
    """How many quads ``store`` held at its latest count, and of which write generation."""

    def __init__(self, store: EmbeddedStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self.quads: int | None = None  # None until the first count ends
        self._generation = -1  # of the count in ``quads``
        self._counting: Future[None] | None = None

    async def refresh(self, wait: float) -> None:
        """Start a count if the store was written since the latest one (unless one is under
        way), and wait at most ``wait`` seconds for the count under way to end."""
        counting = self._start()
        if counting is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(counting)), wait)

    def _start(self) -> Future[None] | None:
        with self._lock:
            generation = self._store.generation
            if self._counting is None and generation != self._generation:
                self._counting = Future()
                self._counting.set_running_or_notify_cancel()
                threading.Thread(
                    target=self._count,
                    args=(generation, self._counting),
                    name="jixiao-quad-count",
                    daemon=True,
                ).start()
            return self._counting

    def _count(self, generation: int, done: Future[None]) -> None:
        quads: int | None = None
        with contextlib.suppress(Exception):  # a store closed meanwhile: counted next time
            solutions = self._store.raw.query(_COUNT)
            assert isinstance(solutions, ox.QuerySolutions)
            n = next(solutions)["n"]
            assert isinstance(n, ox.Literal)
            quads = int(n.value)
        with self._lock:
            if quads is not None:
                self.quads, self._generation = quads, generation
            self._counting = None
        done.set_result(None)
