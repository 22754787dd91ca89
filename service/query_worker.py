"""The query worker process: answers protocol queries over a read-only store snapshot.

Started by :class:`.query_runner.WorkerPool` with the ``spawn`` method, it imports only
pyoxigraph and the light :mod:`.evaluation` (a fresh worker is ready in a fraction of a
second), then answers ``(snapshot, job)`` messages with ``("ok", Answer)`` or
``("error", exception)`` until its pipe closes. The pool kills it (SIGKILL) when a query
runs past its time limit — the one way to stop a native Oxigraph evaluation.
"""

from __future__ import annotations

import math
import signal
from multiprocessing.connection import Connection

import pyoxigraph as ox

from jixiao.ingest.errors import JixiaoError, StoreError

from .evaluation import Answer, QueryJob, QueryResult, evaluate, query_store

__all__ = ["serve"]


def serve(conn: Connection) -> None:
    """Answer jobs from ``conn`` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server; it stops us
    store: ox.Store | None = None
    opened: str | None = None
    while True:
        try:
            snapshot, job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if snapshot != opened:
                store = None  # close the old snapshot before opening the new one
                store = ox.Store.read_only(snapshot)
                opened = snapshot
            assert store is not None
            conn.send(("ok", _run(store, job)))
        except JixiaoError as exc:
            conn.send(("error", exc))
        except Exception as exc:  # never a traceback to the client; the kind is enough
            conn.send(("error", StoreError(f"the query failed ({type(exc).__name__})")))


def _run(store: ox.Store, job: QueryJob) -> Answer:
    def run() -> QueryResult:
        return query_store(
            store,
            job.text,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            base_iri=job.base_iri,
        )

    return evaluate(run, job, deadline=math.inf)  # the pool enforces the deadline
