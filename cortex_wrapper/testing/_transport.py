"""FakeCortex without sockets: the same app behind an httpx transport, sync and async."""

from __future__ import annotations

from urllib.parse import parse_qsl

import httpx

from ._http import App, Incoming


def _incoming(request: httpx.Request) -> Incoming:
    return Incoming(
        method=request.method,
        path=request.url.path,
        query=tuple(parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)),
        headers=tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw),
    )


def _answer(app: App, request: httpx.Request) -> httpx.Response:
    reply = app(_incoming(request))
    if reply is None:  # a dropped connection, as httpx reports one from a real socket
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body))), *reply.headers]
    return httpx.Response(reply.status, headers=headers, content=reply.body, request=request)


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport (sync and async) that hands each request to a ``FakeCortex`` in this process."""

    def __init__(self, app: App) -> None:
        self._app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` as the fake's server would."""
        request.read()
        return _answer(self._app, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` as the fake's server would (the app runs inline: it never blocks on I/O)."""
        await request.aread()
        return _answer(self._app, request)
