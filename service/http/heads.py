"""Request heads of a bounded size and time, checked below the app, as uvicorn reads them.

uvicorn's httptools protocol gathers a request's URL by concatenating the pieces the parser
hands it, and its headers, without a limit: a 100 MB URL took 12 s of the event loop (every
other request waited as long) and half a gigabyte. Nor does it bound the time a head takes: a
connection that sends a byte now and then, or nothing, is held open for ever, and enough of
them use up the process's file descriptors. :func:`bounded_protocol` is that protocol counting
the bytes of each request's head (its request line and headers) as they arrive, and timing
it from the connection's start or the request's first byte: past ``max_head_bytes`` the
request is answered 414 (mostly its line) or 431 (its headers), past ``head_timeout``
seconds 408, in the one JSON error shape, and the connection closed.
"""

from __future__ import annotations

import asyncio
import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["bounded_protocol"]

_REASONS = {408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


def bounded_protocol(max_head_bytes: int, head_timeout: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol refusing a request head past ``max_head_bytes``, or not
    whole within ``head_timeout`` seconds."""

    class BoundedHeads(HttpToolsProtocol):
        _head_bytes = 0
        _in_head = True  # from a request's first byte to the end of its headers
        _refused = False
        _timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._time_head()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_timer()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_bytes, self._in_head = 0, True
            self._time_head()

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._stop_timer()
            super().on_headers_complete()

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            super().data_received(data)
            if self._in_head:  # counted once parsed: at most one read past the limit
                self._head_bytes += len(data)
                if self._head_bytes > max_head_bytes:
                    line = len(self.url) * 2 > self._head_bytes
                    what = "request line" if line else "headers"
                    self._refuse(
                        414 if line else 431,
                        "UriTooLong" if line else "HeadersTooLarge",
                        f"the request's {what} ran past {max_head_bytes} bytes, the most a "
                        "request's head may take (setting JIXIAO_MAX_HEAD_BYTES); send a long "
                        "query in a POST body",
                    )

        def _time_head(self) -> None:
            self._stop_timer()
            self._timer = self.loop.call_later(head_timeout, self._too_slow)

        def _stop_timer(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _too_slow(self) -> None:
            self._timer = None
            if self._in_head and not self._refused and not self.transport.is_closing():
                self._refuse(
                    408,
                    "RequestTimeout",
                    f"the request's head was not whole within {head_timeout:g} s "
                    "(setting JIXIAO_HEAD_TIMEOUT)",
                )

        def _refuse(self, status: int, error: str, message: str) -> None:
            self._refused = True
            self._stop_timer()
            body = json.dumps({"error": error, "message": message}).encode()
            self.logger.warning("refused a request head: %d %s", status, error)
            self.transport.write(
                f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            self.transport.close()

    return BoundedHeads
