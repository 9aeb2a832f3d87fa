"""Resolving and checking the client's configuration, before anything is sent."""

from __future__ import annotations

import functools
import ipaddress
import os
import re
import ssl
import sys
from collections.abc import Mapping
from typing import Any

import httpx

from ._defaults import BASE_URL_ENV_VAR, DEFAULT_BASE_URL, MAX_PAGE_SIZE, MIN_PAGE_SIZE, TOKEN_ENV_VARS
from ._errors import CortexConfigError, InvalidParameterError

_HOST = re.compile(r"[A-Za-z0-9._:-]+")  # a name (IDNA-encoded), IPv4 or IPv6 literal: no spaces, no escapes
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


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
        url = url.copy_with(path=url.path.rstrip("/") or "")  # re-checks the decoded path: %0d%0a is refused here
    except httpx.InvalidURL as exc:
        raise CortexConfigError(f"{source} is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise CortexConfigError(f"{source} must be an absolute http(s) URL such as {DEFAULT_BASE_URL}, got {base_url!r}")
    if not _HOST.fullmatch(url.raw_host.decode("ascii", errors="replace")):
        raise CortexConfigError(f"{source} has an invalid host name {url.host!r}")
    if url.port is not None and not 0 < url.port < 65536:
        raise CortexConfigError(f"{source} has an invalid port {url.port}")
    if url.scheme == "http" and not _is_loopback(url.host):
        raise CortexConfigError(
            f"{source} {base_url!r} is plain http to a non-loopback host: the token would travel unencrypted; use https"
        )
    if url.userinfo:
        raise CortexConfigError(f"{source} must not carry credentials; pass the token as token=...")
    if url.query or url.fragment:
        raise CortexConfigError(f"{source} must not have a query or fragment, got {base_url!r}")
    return url


def check_number(
    name: str, value: object, *, minimum: float, maximum: float | None = None, integer: bool = False,
    allow_none: bool = False,
) -> None:
    """Raise ``CortexConfigError`` unless ``value`` is a finite number >= ``minimum`` (and <= ``maximum``)."""
    if value is None and allow_none:
        return
    kinds: tuple[type, ...] = (int,) if integer else (int, float)
    upper = sys.float_info.max if maximum is None else maximum
    # compared, never converted (float(10**400) raises OverflowError); NaN and infinity fail the comparison
    if isinstance(value, bool) or not isinstance(value, kinds) or not minimum <= value <= upper:  # type: ignore[operator]
        what = "an int" if integer else "a number"
        extra = " or None" if allow_none else ""
        bound = f" and <= {maximum:g}" if maximum is not None else ""
        raise CortexConfigError(f"{name} must be {what} >= {minimum:g}{bound}{extra}, got {value!r:.80}")


def check_page_size(value: object, parameter: str = "page_size") -> int:
    """A page size within the API's 1..1000."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_PAGE_SIZE <= value <= MAX_PAGE_SIZE:
        raise InvalidParameterError(
            parameter, f"must be an int from {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE} (the API's limit), got {value!r}"
        )
    return value


def check_proxy(proxy: object) -> None:
    """Raise ``CortexConfigError`` unless ``proxy`` is None, or an http(s)/socks5 proxy URL (str, URL or Proxy)."""
    if proxy is None or isinstance(proxy, httpx.Proxy):
        return
    if not isinstance(proxy, (str, httpx.URL)):
        raise CortexConfigError(f"proxy must be a URL such as http://proxy:3128, not {type(proxy).__name__}")
    try:
        url = httpx.URL(proxy)
    except httpx.InvalidURL:
        raise CortexConfigError("proxy is not a valid URL (value not shown: it may hold credentials)") from None
    if url.scheme not in PROXY_SCHEMES or not url.host:
        raise CortexConfigError(
            f"proxy must be an absolute {', '.join(PROXY_SCHEMES)} URL such as http://proxy:3128 "
            f"(got scheme {url.scheme!r}; value not shown: it may hold credentials)"
        )


def check_verify(verify: object) -> None:
    """Raise ``CortexConfigError`` unless ``verify`` is a bool, an ``ssl.SSLContext`` or an existing CA bundle path."""
    if isinstance(verify, (bool, ssl.SSLContext)):
        return
    if not isinstance(verify, str):
        raise CortexConfigError(
            f"verify must be True, False, an ssl.SSLContext or a CA bundle path, not {type(verify).__name__}"
        )
    if not verify or not os.path.exists(verify):
        raise CortexConfigError(f"verify: no CA bundle file or directory at {verify!r}")


def tls_verify(verify: ssl.SSLContext | str | bool) -> ssl.SSLContext | str | bool:
    """What to give httpx for ``verify``: for ``True``, one default TLS context per process and CA setting.

    httpx builds a fresh ``ssl.SSLContext`` for every client, and loading the CA bundle costs about 40 ms:
    more than a whole page for a short export, and paid again by every CLI run and every test. The default
    context is immutable once built, so sharing it is safe; ``SSL_CERT_FILE``/``SSL_CERT_DIR`` (which httpx
    honours) are part of the key, so changing them still takes effect.
    """
    if verify is not True:
        return verify
    return _default_tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _default_tls_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    """Httpx's own default context (certifi, or the ``SSL_CERT_*`` variables named by the cache key)."""
    return httpx.create_ssl_context(verify=True)


def check_transport(transport: object, method: str) -> None:
    """Raise ``CortexConfigError`` unless ``transport`` is None or has ``method`` (the sync or async httpx hook)."""
    if transport is not None and not callable(getattr(transport, method, None)):
        expected = "httpx.AsyncBaseTransport" if method == "handle_async_request" else "httpx.BaseTransport"
        raise CortexConfigError(f"transport must be an {expected} (with {method}()), not {type(transport).__name__}")


def check_callable(name: str, value: Any, *, allow_none: bool = False) -> None:
    """Raise ``CortexConfigError`` unless ``value`` is callable (or None when allowed)."""
    if not (callable(value) or (allow_none and value is None)):
        raise CortexConfigError(f"{name} must be callable, not {type(value).__name__}")
