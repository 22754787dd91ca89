"""Real server subprocesses: where the installed commands are (:data:`BIN`) and what a
running server is (:class:`Server`); ``free_port`` and ``running`` are
:mod:`jixiao.service.bench.processes`'."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BIN", "Server"]

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Server:
    """A running server subprocess."""

    url: str
    token: str | None = None
