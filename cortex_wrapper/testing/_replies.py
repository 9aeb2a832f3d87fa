"""Response bodies in the shapes the spec documents: ``ErrorResponse``, ``TooManyRequestsProblemDetail``."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus

ERROR_TYPES = {
    400: "BAD_REQUEST",
    401: "UNCATEGORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "BAD_REQUEST",
    408: "REQUEST_TIMEOUT",
    409: "CONFLICT",
    429: "TOO_MANY_REQUESTS",
    500: "UNHANDLED_EXCEPTION",
    504: "REQUEST_TIMEOUT",
}
_HTML = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Reply:
    """A complete HTTP answer; ``records`` counts the records served (for per-record latency)."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    records: int = 0


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def json_reply(status: int, payload: object, content_type: str = "application/json", records: int = 0) -> Reply:
    """A JSON answer."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Reply(status, body, content_type, records=records)


def error(status: int, message: str, request_id: str, error_type: str | None = None) -> Reply:
    """An ``ErrorResponse`` answer."""
    payload = {
        "type": error_type or ERROR_TYPES.get(status, "UNCATEGORIZED"),
        "message": message,
        "requestId": request_id,
        "httpStatus": status,
    }
    return json_reply(status, payload)


def html(status: int) -> Reply:
    """An HTML error page such as a reverse proxy sends."""
    page = _HTML.format(code=status, reason=_reason(status))
    return Reply(status, page.encode(), "text/html; charset=utf-8")


def retry_after_headers(seconds: int, form: str, wall_now: float) -> tuple[tuple[str, str], ...]:
    """The ``Retry-After`` header for ``form`` (none for ``body-only`` and ``none``)."""
    if form == "header":
        return (("Retry-After", str(seconds)),)
    if form == "http-date":
        return (("Retry-After", formatdate(math.ceil(wall_now) + seconds, usegmt=True)),)
    return ()


def too_many_requests(seconds: int, form: str, path: str, wall_now: float) -> Reply:
    """A 429 ``TooManyRequestsProblemDetail`` answer (``application/problem+json``)."""
    payload: dict[str, object] = {
        "type": "about:blank",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "Rate limit exceeded; retry later",
        "instance": path,
    }
    if form != "none":
        payload["retryAfter"] = seconds
        payload["detail"] = f"Rate limit exceeded; retry in {seconds} seconds"
    reply = json_reply(429, payload, "application/problem+json")
    return Reply(429, reply.body, reply.content_type, retry_after_headers(seconds, form, wall_now))
