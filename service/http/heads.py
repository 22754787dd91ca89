"""Request heads of a bounded size, checked below the app, as uvicorn reads them.

uvicorn's httptools protocol gathers a request's URL by concatenating the pieces the parser
hands it, and its headers without a limit: a 100 MB URL took 12 s of the event loop (every
other request waited as long) and half a gigabyte. :func:`bounded_protocol` is that protocol
counting the bytes of each request's head (its request line and headers) as they arrive: past
``max_head_bytes`` the request is answered 414 (mostly its line) or 431 (its headers) in the
one JSON error shape, and the connection closed, before the parser sees more.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["bounded_protocol"]


def bounded_protocol(max_head_bytes: int) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol refusing a request head past ``max_head_bytes``."""

    class BoundedHeads(HttpToolsProtocol):
        _head_bytes = 0
        _in_head = True  # from a request's first byte to the end of its headers
        _refused = False

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_bytes, self._in_head = 0, True

        def on_headers_complete(self) -> None:
            self._in_head = False
            super().on_headers_complete()

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            super().data_received(data)
            if self._in_head:  # counted once parsed: at most one read past the limit
                self._head_bytes += len(data)
                if self._head_bytes > max_head_bytes:
                    self._refuse()

        def _refuse(self) -> None:
            self._refused = True
            line = len(self.url) * 2 > self._head_bytes
            status, reason, error, what = (
                (414, "URI Too Long", "UriTooLong", "request line")
                if line
                else (431, "Request Header Fields Too Large", "HeadersTooLarge", "headers")
            )
            message = (
                f"the request's {what} ran past {max_head_bytes} bytes, the most a request's "
                "head may take (setting JIXIAO_MAX_HEAD_BYTES); send a long query in a POST body"
            )
            body = json.dumps({"error": error, "message": message}).encode()
            self.logger.warning("refused a request head past %d bytes (%d)", max_head_bytes, status)
            self.transport.write(
                f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            self.transport.close()

    return BoundedHeads
