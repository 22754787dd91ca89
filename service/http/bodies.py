"""Request and response bodies: the request-body cap, and gzip for large answers.

:func:`read_body` reads a body up to ``max_body_bytes`` (the other limits live where the work
is: the query time limit and the bounded queue of waiting queries in
:mod:`jixiao.service.query.runner`, the row cap in :mod:`jixiao.service.query.evaluation`).

Large answers are compressed once (in a thread, if larger than :data:`INLINE_BYTES`) and kept
with the answer. A canned query's
answer runs to megabytes of JSON that compress 20–30×. Sending it
uncompressed to each of hundreds of clients costs the server (and them) far more than one
compression, so large answers go out with ``Content-Encoding: gzip`` to clients that accept it,
and the compressed body is kept in the answer cache beside (or instead of) the plain one.
Small bodies are not worth it and go out as they are.
"""

from __future__ import annotations

import gzip
import re

import anyio
from anyio import to_thread
from fastapi import Request
from fastapi.responses import Response

from jixiao.service.errors import BodyTooLarge, RequestTimeout

__all__ = ["MIN_BYTES", "accepts_gzip", "gzipped", "read_body", "respond"]

MIN_BYTES = 4096  # smaller bodies go out plain
LEVEL = 5  # 3.6 MB of results JSON: 9 ms at level 3, 20 ms at 6; 23–29× smaller
# Bodies up to this size are compressed on the event loop (0.3 ms for 64 KB of JSON): under
# load, a hop to the shared thread pool, busy with pages, waited seconds (issue 15's mixed
# load at 1M: /api questions for one unit, p50 3.6 s, where recurring's small bodies, sent
# plain, took 0.3 s).
INLINE_BYTES = 64 * 1024
_CODING = re.compile(r"\s*([^\s;,]+)\s*(?:;\s*q\s*=\s*([^\s;,]*))?[^,]*")


def accepts_gzip(request: Request) -> bool:
    """Whether the request's ``Accept-Encoding`` allows gzip (RFC 9110 .12.5.3)."""
    header = request.headers.get("accept-encoding", "")
    q_of: dict[str, float] = {}
    for match in _CODING.finditer(header):
        coding, q = match.group(1).lower(), match.group(2)
        try:
            q_of[coding] = float(q) if q is not None else 1.0
        except ValueError:
            q_of[coding] = 0.0
    return q_of.get("gzip", q_of.get("x-gzip", q_of.get("*", 0.0))) > 0


async def gzipped(body: bytes, gzip_ok: bool) -> bytes | None:
    """``body`` gzip-compressed (in a worker thread), if the client takes gzip and the body is
    large enough to gain; else None: send it as it is."""
    if not gzip_ok or len(body) < MIN_BYTES:
        return None
    if len(body) <= INLINE_BYTES:  # well under a millisecond: less than a thread's hop
        return gzip.compress(body, LEVEL, mtime=0)
    return await to_thread.run_sync(lambda: gzip.compress(body, LEVEL, mtime=0))


def respond(
    body: bytes,
    media_type: str | None,
    *,
    encoding: str | None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The response carrying ``body`` in ``encoding`` (None: as is); it varies by
    ``Accept-Encoding`` either way."""
    out = dict(headers or {})
    vary = [v.strip() for v in out.get("Vary", "").split(",") if v.strip()]
    out["Vary"] = ", ".join([*vary, "Accept-Encoding"])
    if encoding is not None:
        out["Content-Encoding"] = encoding
    return Response(body, media_type=media_type, headers=out)


async def read_body(request: Request, max_bytes: int, timeout: float) -> bytes:
    """The request body; :class:`BodyTooLarge` as soon as it passes ``max_bytes``, and
    :class:`RequestTimeout` if it is not whole within ``timeout`` seconds (a body trickled a
    byte at a time would hold its request for as long as its client liked)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(f"the request body is larger than {max_bytes} bytes")
    chunks, size = [], 0
    try:
        with anyio.fail_after(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes:
                    raise BodyTooLarge(f"the request body is larger than {max_bytes} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise RequestTimeout(
            f"the request body was not whole within {timeout:g} s (setting JIXIAO_BODY_TIMEOUT)"
        ) from None
    return b"".join(chunks)
