"""Server processes started by the benchmark and the tests: a free port, run until done.

One place for starting a server (``jixiao serve``, ``oxigraph serve``, ``virtuoso-t``),
waiting until it answers over HTTP, and stopping it — terminate, then kill if it lingers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

__all__ = ["free_port", "running"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(probe: str) -> bool:
    try:
        return httpx.get(probe, timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


@contextmanager
def running(
    command: list[str],
    probe: str,
    env: dict[str, str] | None = None,
    *,
    seconds: float = 60,
    cwd: Path | None = None,
    output: IO[bytes] | int = subprocess.DEVNULL,
    ready: Callable[[str], bool] = _answers,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` until the block ends; ``probe`` (a URL) is polled until ``ready``.

    ``RuntimeError`` if the process exits or does not answer within ``seconds``; its output
    goes to ``output`` (a file, or nowhere).
    """
    process = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + seconds
        while not ready(probe):
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}: {probe}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not come up: {probe}")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
