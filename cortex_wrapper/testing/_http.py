"""The HTTP plumbing: a threading server on 127.0.0.1 that hands each request to the fake."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from ._replies import Reply


@dataclass(frozen=True)
class Incoming:
    """A parsed request."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]


App = Callable[[Incoming], Reply | None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeCortex/1.0"
    disable_nagle_algorithm = True  # headers and body go out in two writes: avoid the delayed-ACK stall

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        split = urlsplit(self.path)
        incoming = Incoming(
            method=self.command,
            path=split.path,
            query=tuple(parse_qsl(split.query, keep_blank_values=True)),
            headers=tuple(self.headers.items()),
        )
        reply = cast("Server", self.server).app(incoming)
        if reply is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


class Server(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` with daemon handler threads that can close its open connections."""

    daemon_threads = True
    request_queue_size = 128  # the default listen backlog of 5 stalls bursts of concurrent connections

    def __init__(self, app: App) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._wake, self._waker = socket.socketpair()  # stop_serving() writes; serve() wakes at once, no polling

    def serve(self) -> None:
        """Accept connections until ``stop_serving()`` (each in its own daemon thread)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._wake, selectors.EVENT_READ)
            while all(key.fileobj is not self._wake for key, _ in selector.select()):
                self.handle_request()  # the listening socket is readable: this accepts without waiting

    def stop_serving(self) -> None:
        """End ``serve()`` now (safe from any thread, idempotent)."""
        with contextlib.suppress(OSError):
            self._waker.send(b"\0")

    def server_close(self) -> None:
        """Close the listening socket and the wake-up pair."""
        super().server_close()
        self._wake.close()
        self._waker.close()

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Serve one connection, remembering it so ``close_connections`` can end it."""
        with self._open_lock:
            self._open.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore connections the client broke off (the default prints a traceback)."""

    def close_connections(self) -> None:
        """Shut down every connection still open (idle keep-alive connections included)."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
