"""Turning HTTP responses into pages or typed exceptions; no I/O."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from ._defaults import ERROR_EXCERPT_CHARS
from ._enums import report_unknown_enums
from ._errors import (
    AuthenticationError,
    BadRequestError,
    CortexAPIError,
    CortexResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from ._operations import Operation

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results: ``items`` (deduplicated), ``page`` (0-indexed), ``total`` and ``total_pages``."""

    items: list[T]
    page: int
    total: int
    total_pages: int


def excerpt(response: httpx.Response) -> str:
    """The start of the body as text, whatever its encoding."""
    return response.content[: ERROR_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")[:ERROR_EXCERPT_CHARS]


def json_body(response: httpx.Response) -> Any:
    """The body as JSON, or None when it is not JSON (HTML from a proxy, empty, truncated)."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _without_nulls(value: Any) -> Any:
    """Nulls for optional fields read as absent; nested objects and lists too."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _parse_item(operation: Operation[T], raw: dict[str, Any]) -> T:
    """Parse one record; nulls (for optional fields, at any depth) are retried as absent."""
    try:
        return operation.parse_item(raw)
    except (KeyError, TypeError, ValueError, AttributeError):
        cleaned = _without_nulls(raw)
        if cleaned == raw:
            raise
        return operation.parse_item(cleaned)


def _int_field(body: Mapping[str, Any], key: str, response: httpx.Response) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CortexResponseError(
            f"page field {key!r} is {value!r}, not an int", status_code=response.status_code, excerpt=excerpt(response)
        )
    return value


def parse_page(operation: Operation[T], response: httpx.Response) -> Page[T]:
    """Parse a 2xx page into models; ``CortexResponseError`` if it is not what the spec says."""
    body = json_body(response)
    status = response.status_code
    if not isinstance(body, dict):
        raise CortexResponseError(
            f"{operation.operation_id}: expected a JSON object", status_code=status, excerpt=excerpt(response)
        )
    raw_items = body.get(operation.list_key)
    if not isinstance(raw_items, list):
        raise CortexResponseError(
            f"{operation.operation_id}: no {operation.list_key!r} list in the body",
            status_code=status,
            excerpt=excerpt(response),
        )
    items = []
    for index, raw in enumerate(raw_items):
        if not isinstance(raw, dict):
            raise CortexResponseError(
                f"{operation.operation_id}: item {index} is not an object", status_code=status, excerpt=excerpt(response)
            )
        try:
            item = _parse_item(operation, raw)
        except KeyError as exc:
            raise CortexResponseError(
                f"{operation.operation_id}: item {index} lacks required field {exc}", status_code=status,
                excerpt=excerpt(response),
            ) from None
        except (TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise CortexResponseError(
                f"{operation.operation_id}: item {index} does not match the spec ({type(exc).__name__}: {exc})"[:300],
                status_code=status,
                excerpt=excerpt(response),
            ) from None
        items.append(item)
    report_unknown_enums(operation.operation_id)
    return Page(
        items,
        _int_field(body, "page", response),
        _int_field(body, "total", response),
        _int_field(body, "totalPages", response),
    )


_BY_STATUS: dict[int, type[CortexAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: BadRequestError,
    429: RateLimitError,
}


def api_error(
    operation: Operation[Any], response: httpx.Response, *, retry_after: float | None = None, note: str = ""
) -> CortexAPIError:
    """The typed exception for an error response, with the API's type, message and request id."""
    status = response.status_code
    body = json_body(response)
    error_type = message = request_id = details = None
    if isinstance(body, dict):
        error_type = _text(body.get("type"))
        message = _text(body.get("message")) or _text(body.get("detail")) or _text(body.get("title"))
        request_id = _text(body.get("requestId"))
        details = _text(body.get("details"))
    if message is None:
        reason = response.reason_phrase or "error"
        message = f"{reason} (non-JSON body: {excerpt(response)!r})" if response.content else reason
    if note:
        message = f"{message}; {note}"
    request_id = request_id or response.headers.get("x-request-id")
    fields: dict[str, str | None] = {"error_type": error_type, "request_id": request_id, "details": details}
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else CortexAPIError)
    if cls is PermissionDeniedError:
        return PermissionDeniedError(status, message, permission=operation.permission, **fields)
    if cls is RateLimitError:
        return RateLimitError(status, message, retry_after=retry_after, **fields)
    return cls(status, message, **fields)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
