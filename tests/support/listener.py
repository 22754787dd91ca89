"""A loopback HTTP listener that counts the connections it receives: what a test starts to
prove that the service under test reaches out (or, mostly, that it does not)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, body: bytes, status: int) -> None:
        self.body, self.status, self.connections = body, status, 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self) -> tuple[socket.socket, object]:
        accepted = super().get_request()
        with self.lock:
            self.connections += 1
        return accepted


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Listener:
    """``with Listener(body) as listener:`` — answers every GET with ``body``; its ``url``,
    ``port`` and the number of ``connections`` accepted so far."""

    def __init__(self, body: bytes = b"{}", status: int = 200) -> None:
        self._server = _Server(body, status)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/context.jsonld"

    @property
    def connections(self) -> int:
        with self._server.lock:
            return self._server.connections

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
