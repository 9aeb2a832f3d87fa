"""Turning HTTP responses into pages or typed exceptions; no I/O."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from cortex_api_client.operations import OperationSpec

from ._defaults import ERROR_EXCERPT_CHARS, SECRET_HEADERS
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
from ._operations import parse_function
from ._wire import RawRecord, RecordCheck, split_body

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results: ``items`` (deduplicated), ``page`` (0-indexed), ``total`` and ``total_pages``.

    And what a support ticket needs: ``request_id`` (the ``x-request-id`` header, else the body's
    ``requestId``; a token the server echoes in it is masked), ``headers`` (the
    response's, without credentials or cookies), ``retries`` (how many it took) and ``elapsed`` (seconds
    from the first attempt to the accepted response). The body itself is not kept.
    """

    items: list[T]
    page: int
    total: int
    total_pages: int
    request_id: str | None = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    retries: int = 0
    elapsed: float = 0.0


def scrubbed_headers(response: httpx.Response) -> dict[str, str]:
    """The response headers without credentials or cookies, and with the request's token masked."""
    request = request_of(response)
    return {name: masked(value, request) for name, value in response.headers.items() if name not in SECRET_HEADERS}


MASK = "***"


def _credentials(request: httpx.Request | None) -> list[str]:
    """What the request authenticated with (the ``Authorization`` value and the token in it), longest first."""
    if request is None:
        return []
    value = request.headers.get("authorization", "").strip()
    secrets = [value, value.partition(" ")[2].strip()]
    return sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)


def masked(text: str, request: httpx.Request | None) -> str:
    """``text`` (something the server or the transport said) with the request's credentials masked.

    Every piece of server text an exception carries passes through here: a server or proxy that
    echoes the ``Authorization`` header must not put the token into ``str()`` of an error.
    """
    for secret in _credentials(request):
        text = text.replace(secret, MASK)
    return text


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The request behind ``response`` (None for a response built without one)."""
    try:
        return response.request
    except RuntimeError:
        return None


def excerpt(response: httpx.Response) -> str:
    """The start of the body as text, whatever its encoding, credentials masked."""
    text = response.content[: ERROR_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    return masked(text, request_of(response))[:ERROR_EXCERPT_CHARS]


def response_error(message: str, response: httpx.Response, *, body: Any = None, with_excerpt: bool = True
                   ) -> CortexResponseError:
    """``CortexResponseError`` for ``response``: its status, the start of its body, its request id and headers."""
    return CortexResponseError(message, status_code=response.status_code,
                               excerpt=excerpt(response) if with_excerpt else "",
                               request_id=request_id_of(response, body), headers=scrubbed_headers(response))


def request_id_of(response: httpx.Response, body: Any, *, body_first: bool = False) -> str | None:
    """The response's request id, credentials masked: the one place a request id is read.

    The ``x-request-id`` header, else the body's ``requestId`` (``body_first``: the other way round, as an
    API error's ``ErrorResponse`` carries its own). A server that echoes the token in either must not put it
    into a ``Page``, a ``PageFetched`` event or an exception.
    """
    request = request_of(response)
    header = _text(response.headers.get("x-request-id"), request)
    in_body = _text(body.get("requestId"), request) if isinstance(body, Mapping) else None
    return (in_body or header) if body_first else (header or in_body)


def undecodable(response: httpx.Response, error: httpx.DecodingError) -> CortexResponseError:
    """The error for a body that cannot be decoded as its ``Content-Encoding`` says (a corrupt gzip body)."""
    encoding = response.headers.get("content-encoding", "?")
    return response_error(
        f"the body cannot be decoded as Content-Encoding {encoding!r}: {masked(str(error), request_of(response))}",
        response, with_excerpt=False,
    )


def json_body(response: httpx.Response) -> Any:
    """The body as JSON, or None when it is not JSON (HTML from a proxy, empty, truncated)."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _without_nulls(value: Any, depth: int = 3) -> Any:
    """Nulls for optional fields read as absent, in the record and the models nested in it (not deeper).

    ``depth`` bounds the walk to the spec's nesting (record, list, nested object), so a deep value in an
    undocumented field is kept as it is instead of being walked into a ``RecursionError``.
    """
    if depth <= 0:
        return value
    if isinstance(value, dict):
        return {k: _without_nulls(v, depth - 1) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v, depth - 1) for v in value]
    return value


_checks: dict[OperationSpec[Any], RecordCheck] = {}


def record_check(operation: OperationSpec[Any]) -> RecordCheck:
    """The validation of ``operation``'s records (``_wire.RecordCheck``), built once per operation."""
    check = _checks.get(operation)
    if check is None:
        check = _checks[operation] = RecordCheck(operation)
    return check


def to_model(operation: OperationSpec[Any], data: dict[str, Any]) -> Any:
    """The model of a record ``RecordCheck`` accepted: the model's ``from_dict``, nulls read as absent."""
    return parse_function(operation)(_nulls_dropped(data))


def _nulls_dropped(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its nulls (nested ones too): a null optional field reads as absent, as the check reads it."""
    if any(value is None or type(value) in (list, dict) for value in data.values()):
        cleaned: dict[str, Any] = _without_nulls(data)
        return cleaned
    return data


def _validated(operation: OperationSpec[Any], datas: list[Any], response: httpx.Response,
               body: Mapping[str, Any]) -> bool:
    """Check a page's records (``RecordCheck``); ``CortexResponseError`` naming the first that does not fit.

    Returns whether some record holds a null (read as absent).
    """
    check = record_check(operation)
    try:  # the common case, every record at once; a page that does not fit is judged again, record by record
        if not set(map(type, datas)) <= {dict}:
            raise TypeError("an item is not an object")
        return check.page(datas)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError):
        for index, data in enumerate(datas):
            _checked(operation, index, data, response, body, check)
    return True


def _int_field(body: Mapping[str, Any], key: str, response: httpx.Response) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise response_error(f"page field {key!r} is {value!r}, not an int", response, body=body)
    return value


def parse_page(operation: OperationSpec[Any], response: httpx.Response) -> Page[Any]:
    """Parse a 2xx page into models; ``CortexResponseError`` if it is not what the spec says.

    Each record is validated as ``parse_raw_page`` validates it (``RecordCheck``), then built. Unknown enum
    values are recorded (``cortex_api_client.types.UNKNOWN_ENUM_VALUES``); the pager reports them.
    """
    body = json_body(response)
    if not isinstance(body, dict):
        raise response_error(f"{operation.operation_id}: expected a JSON object", response)
    raw_items = body.get(operation.list_key)
    if not isinstance(raw_items, list):
        raise response_error(f"{operation.operation_id}: no {operation.list_key!r} list in the body", response, body=body)
    nulls = _validated(operation, raw_items, response, body)
    parse = parse_function(operation)
    try:
        items = [parse(_nulls_dropped(raw)) for raw in raw_items] if nulls else list(map(parse, raw_items))
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError):  # a model stricter than the check
        items = [_checked(operation, index, raw, response, body, functools.partial(to_model, operation))
                 for index, raw in enumerate(raw_items)]
    return _page(items, body, response)


def parse_raw_page(operation: OperationSpec[Any], response: httpx.Response) -> Page[RawRecord]:
    """Parse a 2xx page into ``RawRecord`` items, each validated as ``parse_page`` validates it (``RecordCheck``).

    The same bodies are accepted, and the same errors raised, as by ``parse_page``; the records keep
    the text they came in.
    """
    content = response.content
    try:
        envelope, records = split_body(content.decode(json.detect_encoding(content), "surrogatepass"),
                                       operation.list_key)
    except (ValueError, UnicodeDecodeError, RecursionError, IndexError):
        raise response_error(f"{operation.operation_id}: expected a JSON object", response) from None
    if records is None:
        raise response_error(f"{operation.operation_id}: no {operation.list_key!r} list in the body", response,
                             body=envelope)
    _validated(operation, [record.data for record in records], response, envelope)
    return _page(records, envelope, response)


def _checked(operation: OperationSpec[Any], index: int, raw: Any, response: httpx.Response, body: Mapping[str, Any],
             parse: Callable[[dict[str, Any]], R]) -> R:
    """``parse(raw)``: item ``index`` of the page, or the ``CortexResponseError`` that says why it does not fit."""
    name = operation.operation_id
    if not isinstance(raw, dict):
        raise response_error(f"{name}: item {index} is not an object", response, body=body)
    try:
        return parse(raw)
    except KeyError as exc:
        raise response_error(f"{name}: item {index} lacks required field {exc}", response, body=body) from None
    except (TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
        raise response_error(
            f"{name}: item {index} does not match the spec ({type(exc).__name__}: {exc})"[:300], response, body=body,
        ) from None


def _page(items: list[Any], body: Mapping[str, Any], response: httpx.Response) -> Page[Any]:
    return Page(
        items,
        _int_field(body, "page", response),
        _int_field(body, "total", response),
        _int_field(body, "totalPages", response),
        request_id=request_id_of(response, body),
        headers=scrubbed_headers(response),
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
    operation: OperationSpec[Any], response: httpx.Response, *, retry_after: float | None = None, note: str = ""
) -> CortexAPIError:
    """The typed exception for an error response, with the API's type, message and request id."""
    status = response.status_code
    body = json_body(response)
    request = request_of(response)
    error_type = message = details = None
    if isinstance(body, dict):
        error_type = _text(body.get("type"), request)
        message = (_text(body.get("message"), request) or _text(body.get("detail"), request)
                   or _text(body.get("title"), request))
        details = _text(body.get("details"), request)
    if message is None:
        reason = response.reason_phrase or "error"
        if not response.content:
            message = reason
        elif body is None:
            message = f"{reason} (non-JSON body: {excerpt(response)!r})"
        else:
            message = f"{reason} (a JSON body that is not an ErrorResponse: {excerpt(response)!r})"
    if note:
        message = f"{message}; {note}"
    fields: dict[str, Any] = {"error_type": error_type, "request_id": request_id_of(response, body, body_first=True),
                              "details": details,
                              "headers": scrubbed_headers(response)}
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else CortexAPIError)
    if cls is PermissionDeniedError:
        return PermissionDeniedError(status, message, permission=operation.permission, **fields)
    if cls is RateLimitError:
        return RateLimitError(status, message, retry_after=retry_after, **fields)
    return cls(status, message, **fields)


def _text(value: Any, request: httpx.Request | None) -> str | None:
    return masked(value, request) if isinstance(value, str) and value else None
