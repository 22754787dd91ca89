"""The shared thread pool (anyio's default limiter) with every thread taken: what a route
meets under load, when the pool has a queue."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import anyio


@contextlib.asynccontextmanager
async def shared_pool_taken(seconds: float = 5) -> AsyncIterator[None]:
    """Every thread of the shared pool held for the block, which must end within
    ``seconds`` (``TimeoutError`` if it waits for a thread instead)."""
    shared = anyio.to_thread.current_default_thread_limiter()
    holders = [object() for _ in range(int(shared.total_tokens))]
    for holder in holders:
        await shared.acquire_on_behalf_of(holder)
    try:
        with anyio.fail_after(seconds):
            yield
    finally:
        for holder in holders:
            shared.release_on_behalf_of(holder)
