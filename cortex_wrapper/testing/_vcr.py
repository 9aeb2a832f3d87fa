"""Cassette settings that keep secrets and hosts out of recorded HTTP exchanges (vcrpy / pytest-recording)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from .._defaults import TOKEN_ENV_VARS
from ._fake import DEFAULT_TOKEN

REDACTED = "<REDACTED>"
CASSETTE_HOST = "https://cortex.invalid"
_BEARER = re.compile(rb"(?i)(bearer\s+)[^\s\"'<>,;]+")
_ORIGIN = re.compile(r"^https?://[^/]+")
_SECRET_HEADERS = ("authorization", "cookie", "set-cookie", "x-api-key", "proxy-authorization", "host")
_VOLATILE_HEADERS = ("date", "server")  # differ on every recording or machine, mean nothing on replay


def _secrets(extra: Iterable[str]) -> list[bytes]:
    values = [DEFAULT_TOKEN, *extra, *(os.environ.get(name, "") for name in TOKEN_ENV_VARS)]
    return sorted({v.encode() for v in values if len(v) >= 4}, key=len, reverse=True)


def scrubber(secrets: Iterable[str] = ()) -> Callable[[bytes], bytes]:
    """A function that replaces every secret, and anything after ``Bearer``, with ``<REDACTED>``."""
    known = _secrets(secrets)

    def scrub(data: bytes) -> bytes:
        for secret in known:
            data = data.replace(secret, REDACTED.encode())
        return _BEARER.sub(rb"\1" + REDACTED.encode(), data)

    return scrub


def cassette_config(secrets: Iterable[str] = (), *, host: str = CASSETTE_HOST) -> dict[str, Any]:
    """A ``vcr_config`` for pytest-recording that makes cassettes safe to commit and portable.

    * secret headers (``Authorization``, cookies, ``Host``) are dropped from requests and responses, and
      so are ``Date`` and ``Server`` from responses: re-recording rewrites only what really changed;
    * the token (``secrets``, FakeCortex's default token, ``CORTEX_API_TOKEN`` / ``CORTEX_API_KEY``) and
      any ``Bearer`` credential are replaced by ``<REDACTED>`` in URLs, headers and bodies, also where a
      response echoes them;
    * the scheme, host and port become ``host``, and requests match on method, path and query only, so a
      cassette replays whatever port the recording server had, and fails when the request encoding changes.
    """
    scrub = scrubber(secrets)

    def before_record_request(request: Any) -> Any:
        request.uri = scrub(_ORIGIN.sub(host, request.uri).encode()).decode()
        for name in list(request.headers):
            if name.lower() in _SECRET_HEADERS:
                del request.headers[name]
            else:
                request.headers[name] = scrub(str(request.headers[name]).encode()).decode()
        return request

    def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
        headers = response.get("headers", {})
        for name in list(headers):
            if name.lower() in _SECRET_HEADERS or name.lower() in _VOLATILE_HEADERS:
                del headers[name]
            else:
                headers[name] = [scrub(str(v).encode()).decode() for v in headers[name]]
        body = response.get("body", {}).get("string")
        if isinstance(body, str):
            response["body"]["string"] = scrub(body.encode()).decode()
        elif isinstance(body, bytes):
            response["body"]["string"] = scrub(body)
        return response

    return {
        "before_record_request": before_record_request,
        "before_record_response": before_record_response,
        "match_on": ["method", "path", "query"],
        "decode_compressed_response": True,
    }
