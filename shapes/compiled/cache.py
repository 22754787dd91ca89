"""The compiled shapes kept on disk between runs, so a ``jixiao validate`` starts fast.

Compiling the shapes parses each SHACL-SPARQL rule with rdflib's SPARQL parser: about 0.3 s
of every run, more than validating a table takes. :func:`cached` keeps what a function built
in a pickle under the cache folder (``JIXIAO_CACHE_DIR``, set by the command line with
:func:`use_cache_dir`; no folder, no cache: the server and the tests compile in memory). The
file's name is a digest of what was asked and of every file the result depends on — the
shapes, the ontology and the code of both packages, the versions of rdflib, pyoxigraph and
Python — so a change to any of them builds anew. A cache file that cannot be read is built
anew too; one that cannot be written is simply not kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

__all__ = ["cached", "use_cache_dir"]

T = TypeVar("T")
_SHAPES = Path(__file__).parents[1]
_PACKAGES = (_SHAPES, _SHAPES / "compiled", _SHAPES.parent / "ontology")
_state: dict[str, Path | None] = {"folder": None}


def use_cache_dir(folder: Path | None) -> None:
    """Keep compiled shapes under ``folder`` (``None``: keep nothing on disk)."""
    _state["folder"] = folder


@cache
def _sources_digest() -> bytes:
    digest = hashlib.sha256()
    for name in ("rdflib", "pyoxigraph"):
        digest.update(f"{name} {version(name)}\n".encode())
    digest.update(platform.python_version().encode())
    for folder in _PACKAGES:
        for path in sorted([*folder.glob("*.py"), *folder.glob("*.ttl")]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def cached(key: str, build: Callable[[], T]) -> T:
    """What ``build()`` returns, from the cache folder when it holds it for ``key``."""
    folder = _state["folder"]
    if folder is None:
        return build()
    digest = hashlib.sha256(_sources_digest() + key.encode()).hexdigest()[:32]
    path = folder / f"shapes-{digest}.pickle"
    try:
        with path.open("rb") as kept:
            value: T = pickle.load(kept)
        return value
    except Exception:  # missing, truncated, from another version: build it again
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as written:
            try:
                pickle.dump(value, written, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                Path(written.name).unlink(missing_ok=True)
                raise
        os.replace(written.name, path)  # whole or absent, even with runs side by side
    except OSError:
        pass  # a read-only home: compile each time
    return value
