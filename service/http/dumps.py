"""Dumps of the store written to files once per state of the store, and sent from there
(``/dumps/…`` and the whole dataset of ``GET /store``).

Over a store that counts its writes (the embedded one), a dump (:func:`~jixiao.service.answers.
void.write_dump`) is written to a gzip-compressed file the first time it is asked for and kept
until the store's next write; everyone asking meanwhile waits for that one writing and is
sent the file. The whole dataset took 22 s of CPU to dump at a million triples, in the
server's process, and anyone may start many downloads at once: one file is written at a time,
and a file of an earlier state is removed a minute after a newer one is written (a download
of it under way goes on: the open file outlives its name).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import shutil
import tempfile
import threading
import time
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

from anyio import to_thread

from jixiao.service.answers import void as described
from jixiao.service.store.base import Store
from jixiao.service.store.cache import StoreCache

__all__ = ["dump_file", "inflated"]

_FILES: StoreCache[Path] = StoreCache(64, name="dumps")
_WRITING = threading.Lock()
_STALE_AFTER_S = 60.0
_READ = 1 << 16


@functools.cache
def _directory() -> Path:
    path = Path(tempfile.mkdtemp(prefix="jixiao-dumps-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _written(store: Store, generation: int, graph: str | None, form: str) -> Path:
    key = hashlib.sha256(f"{form} {graph or ''}".encode()).hexdigest()[:16]
    path = _directory() / f"{id(store)}-{generation}-{key}.gz"
    with _WRITING:
        described.write_dump(store, graph, path, form=form)
        for old in _directory().glob(f"{id(store)}-*.gz"):
            with contextlib.suppress(OSError, ValueError):
                stale = int(old.name.split("-")[1]) < generation
                if stale and time.time() - old.stat().st_mtime > _STALE_AFTER_S:
                    old.unlink()
    return path


async def dump_file(store: Store, graph: str | None, *, form: str = "nquads") -> Path | None:
    """The gzip-compressed dump of ``graph`` (None: every graph) in ``form`` (see
    :func:`~jixiao.service.answers.void.dump_chunks`) of the store as it is now; None over a
    store that does not count its writes (a remote one)."""
    generation = getattr(store, "generation", None)
    if not isinstance(generation, int):
        return None
    return await _FILES.aget(store, (graph, form), lambda: _written(store, generation, graph, form))


async def inflated(path: Path) -> AsyncIterator[bytes]:
    """The content of the gzip-compressed file ``path``, decompressed chunk by chunk."""
    inflate = zlib.decompressobj(wbits=31)
    with path.open("rb") as source:
        while chunk := await to_thread.run_sync(source.read, _READ):
            yield inflate.decompress(chunk)
    yield inflate.flush()
