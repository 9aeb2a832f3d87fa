"""Servers that misbehave in ways ``FakeCortex`` does not.

* httpx transports wrapping its in-process one: pass one as ``CortexClient(token=fake.token,
  base_url="https://cortex.fake", transport=...)``; the fake's own behaviour (filters, pages, scripted faults) is
  unchanged, these only change what reaches it or what comes back;
* ``verbatim``: a real HTTP server on 127.0.0.1 answering each request with the bytes a function gives, for a
  ``cortex-logs`` process, or for bodies the fake would never write (``NaN``, a corrupt gzip stream).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from cortex_wrapper.testing import FakeCortex


class OrderIgnored(httpx.BaseTransport):
    """A server that ignores ``orderBy``: the parameter never reaches the fake, which then pages newest first."""

    def __init__(self, fake: FakeCortex) -> None:
        self.inner = fake.transport()
        self.asked: list[list[str]] = []
        """The ``orderBy`` values each request carried (so a test can see that ``ASC`` was asked for)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Drop ``orderBy`` and hand the request to the fake."""
        self.asked.append(request.url.params.get_list("orderBy"))
        url = request.url.copy_remove_param("orderBy")
        return self.inner.handle_request(httpx.Request(request.method, url, headers=request.headers))


class InvertedWindowRefused(httpx.BaseTransport):
    """A server that answers 400 to a time window whose start is after its end (``FakeCortex`` answers it empty).

    ``windows`` keeps every window asked for, as (start, end) datetimes (None when a bound is not sent).
    """

    def __init__(self, fake: FakeCortex, lower: str = "fromDate", upper: str = "untilDate") -> None:
        self.inner = fake.transport()
        self.lower, self.upper = lower, upper
        self.windows: list[tuple[dt.datetime | None, dt.datetime | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """400 when the window is inverted, else the fake's answer."""
        low, high = (_moment(request.url.params.get(name)) for name in (self.lower, self.upper))
        self.windows.append((low, high))
        if low is not None and high is not None and low > high:
            body = {"type": "BAD_REQUEST", "message": f"{self.lower} must not be after {self.upper}",
                    "requestId": "inverted-window", "httpStatus": 400}
            return httpx.Response(400, json=body, request=request)
        return self.inner.handle_request(request)


def _moment(text: str | None) -> dt.datetime | None:
    """A bound as the client sends it (UTC, no offset), as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC) if text else None


Answer = tuple[int, dict[str, str], bytes]
"""A response: status, headers (``Content-Length`` is added, and ``Content-Type: application/json`` to a body that
has none), body."""


@contextlib.contextmanager
def verbatim(answer: Callable[[httpx.Request], Answer | None]) -> Iterator[str]:
    """A server on 127.0.0.1 answering each GET with ``answer(request)`` as it is; its base URL.

    ``request`` holds the URL as sent (path and query) and the request's headers. ``None`` drops the connection
    without an answer, as a failing load balancer does.
    """

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            request = httpx.Request("GET", f"http://127.0.0.1{self.path}", headers=dict(self.headers))
            answered = answer(request)
            if answered is None:
                self.close_connection = True  # dropped: no answer at all
                return
            status, headers, body = answered
            self.send_response(status)
            for name, value in ({"Content-Type": "application/json", **headers} if body else headers).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
