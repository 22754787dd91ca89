"""The measures of issue 15 on both bench corpora, at each size.

Two corpora: ``synthetic`` (:func:`jixiao.ingest.synthetic.generate_corpus`, tables from word
pools) and ``seeded`` (:func:`jixiao.ingest.synthetic.seeded.generate_seeded_corpus`, the
real seed tables multiplied across departments and years). For each, at each size,
:func:`bench_corpus` generates and ingests it (``jixiao ingest`` in a child: read, map,
validate, load, link the series and compute the cross-year facts), samples what to ask about
from the store, and runs the sections asked for:

- ``first-asks``: :func:`.first_asks.bench_first_asks` on a fresh server, then
- ``mixed``: :func:`.mixed.run_mixed` on that same server (replicas ready), and after its
  burst how soon ``/id/`` pages are fast again (:mod:`.recovery`);
- ``anchor``: :func:`.anchor.bench_anchor`, jixiao beside Oxigraph in memory and on disk.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jixiao.service.bench.anchor import bench_anchor
from jixiao.service.bench.first_asks import bench_first_asks
from jixiao.service.bench.mixed import Site, run_mixed, sample_site
from jixiao.service.bench.report import REPLICA_WAIT_S
from jixiao.service.bench.scale import _await_replicas, _ingest, canned_texts

__all__ = ["CORPORA", "SECTIONS", "bench_corpus", "stamp"]

CORPORA = ("synthetic", "seeded")
SECTIONS = ("first-asks", "mixed", "anchor")


def _generate(kind: str, triples: int, folder: Path) -> int:
    """Write corpus ``kind`` of about ``triples`` triples into ``folder``: its file count."""
    if kind == "synthetic":
        from jixiao.ingest.synthetic import generate_corpus

        return len(generate_corpus(folder, triples=triples, seed=0))
    if kind == "seeded":
        from jixiao.ingest.synthetic.seeded import generate_seeded_corpus

        return len(generate_seeded_corpus(folder, triples=triples, seed=0))
    raise ValueError(f"unknown corpus {kind!r} (one of {', '.join(CORPORA)})")


def _rows(store_path: Path) -> Any:
    from jixiao.service.store.embedded import EmbeddedStore

    store = EmbeddedStore(store_path, read_only=True)

    def rows(text: str) -> list[tuple[str | None, ...]]:
        return [
            tuple(None if t is None else str(getattr(t, "value", t)) for t in solution)
            for solution in store.query(text)  # type: ignore[union-attr]
        ]

    return store, rows


def _site_and_texts(store_path: Path) -> tuple[Site, dict[str, str]]:
    store, rows = _rows(store_path)
    try:
        return sample_site(rows, per_class=2_000), canned_texts(rows)
    finally:
        store.close()


def stamp() -> dict[str, object]:
    """When, at which commit and under what load a measure began."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit,
        "load_average": os.getloadavg()[0],
    }


def bench_corpus(
    kind: str,
    triples: int,
    workdir: Path,
    sections: set[str],
    *,
    clients: int = 300,
    seconds: float = 30.0,
    store: Path | None = None,
    ingest: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Corpus ``kind`` at about ``triples`` triples: its ingest and the ``sections`` asked
    for. ``store`` and ``ingest``: a store of that corpus ingested already, and its figures."""
    out: dict[str, object] = {"started": stamp()}
    if store is None:
        corpus, store = workdir / f"{kind}-corpus-{triples}", workdir / f"{kind}-store-{triples}"
        out["files"] = _generate(kind, triples, corpus)
        ingest = _ingest(corpus, store)
        print(f"[{kind} {triples}] ingest {ingest}", flush=True)
    out["ingest"] = dict(ingest or {})
    site, texts = _site_and_texts(store)

    def wait(client: Any, url: str) -> tuple[float, bool]:
        return _await_replicas(client, url, REPLICA_WAIT_S)

    def mixed(url: str) -> dict[str, object]:
        return run_mixed(url, site, clients=clients, duration=seconds, recovery={})

    if "first-asks" in sections or "mixed" in sections:
        run = bench_first_asks(store, site, wait, then=mixed if "mixed" in sections else None)
        if "mixed" in sections:
            out["mixed"] = run.pop("then")
        if "first-asks" in sections:
            out["first_asks"] = run
        print(f"[{kind} {triples}] first asks / mixed done", flush=True)
    if "anchor" in sections:
        out["anchor"] = bench_anchor(store, workdir, texts, wait)
        print(f"[{kind} {triples}] anchor done", flush=True)
    out["ended"] = stamp()
    return out
