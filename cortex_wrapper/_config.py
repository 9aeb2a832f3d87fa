"""Resolving and checking the client's configuration, before anything is sent."""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping

import httpx

from ._defaults import BASE_URL_ENV_VAR, DEFAULT_BASE_URL, MAX_PAGE_SIZE, MIN_PAGE_SIZE, TOKEN_ENV_VARS
from ._errors import CortexConfigError, InvalidParameterError


class Secret:
    """A token that never shows itself: its repr and str are redacted; ``reveal()`` gives it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The token itself, for the Authorization header only."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("a Cortex token cannot be pickled")


def resolve_token(token: str | None, environ: Mapping[str, str] = os.environ) -> Secret:
    """The token passed, else from ``CORTEX_API_TOKEN``, else ``CORTEX_API_KEY``."""
    if token is None:
        token = next((environ[name] for name in TOKEN_ENV_VARS if environ.get(name)), None)
        if token is None:
            raise CortexConfigError(
                "no API token: pass token=... or set " + " or ".join(TOKEN_ENV_VARS) + " in the environment"
            )
    if not isinstance(token, str):
        raise CortexConfigError(f"token must be a str, not {type(token).__name__}")
    token = token.strip()
    if not token:
        raise CortexConfigError("token is empty")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in token) or not token.isascii():
        raise CortexConfigError("token contains whitespace, control or non-ASCII characters (value not shown)")
    return Secret(token)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_base_url(base_url: str | None, environ: Mapping[str, str] = os.environ) -> httpx.URL:
    """The base URL passed, else ``CORTEX_BASE_URL``, else Cortex Cloud; https unless loopback."""
    source = "base_url"
    if base_url is None:
        base_url = environ.get(BASE_URL_ENV_VAR) or None
        source = BASE_URL_ENV_VAR
    if base_url is None:
        return httpx.URL(DEFAULT_BASE_URL)
    if not isinstance(base_url, str):
        raise CortexConfigError(f"{source} must be a str, not {type(base_url).__name__}")
    try:
        url = httpx.URL(base_url.strip())
    except httpx.InvalidURL as exc:
        raise CortexConfigError(f"{source} is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise CortexConfigError(f"{source} must be an absolute http(s) URL such as {DEFAULT_BASE_URL}, got {base_url!r}")
    if url.scheme == "http" and not _is_loopback(url.host):
        raise CortexConfigError(
            f"{source} {base_url!r} is plain http to a non-loopback host: the token would travel unencrypted; use https"
        )
    if url.userinfo:
        raise CortexConfigError(f"{source} must not carry credentials; pass the token as token=...")
    if url.query or url.fragment:
        raise CortexConfigError(f"{source} must not have a query or fragment, got {base_url!r}")
    return url.copy_with(path=url.path.rstrip("/") or "")


def check_number(name: str, value: object, *, minimum: float, integer: bool = False, allow_none: bool = False) -> None:
    """Raise ``CortexConfigError`` unless ``value`` is a finite number >= ``minimum``."""
    if value is None and allow_none:
        return
    kinds: tuple[type, ...] = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(float(value)) or value < minimum:  # type: ignore[arg-type,operator]
        kind = "an int" if integer else "a number"
        extra = " or None" if allow_none else ""
        raise CortexConfigError(f"{name} must be {kind} >= {minimum:g}{extra}, got {value!r}")


def check_page_size(value: object, parameter: str = "page_size") -> int:
    """A page size within the API's 1..1000."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_PAGE_SIZE <= value <= MAX_PAGE_SIZE:
        raise InvalidParameterError(
            parameter, f"must be an int from {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE} (the API's limit), got {value!r}"
        )
    return value
