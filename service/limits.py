"""Bounded work for one request: the request-body cap.

The other limits live where the work is: the query time limit and the bounded queue of
waiting queries in :mod:`.query_runner`, the row cap in :mod:`.evaluation`.
"""

from __future__ import annotations

from fastapi import Request

from jixiao.service.errors import BodyTooLarge

__all__ = ["read_body"]


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, or :class:`BodyTooLarge` as soon as it passes ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(f"the request body is larger than {max_bytes} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(f"the request body is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
