"""What to retry and how long to wait: the policy both clients share; no I/O."""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from cortex_api_client.operations import OperationSpec

from ._defaults import BACKOFF_INITIAL, BACKOFF_MAX, RETRYABLE_STATUSES
from ._errors import CortexConnectionError, CortexTimeoutError
from ._response import api_error, json_body, masked, response_error


@dataclass(frozen=True)
class Retry:
    """Wait ``wait`` seconds and try again; ``pause_all``: every request of the client waits too (a 429)."""

    wait: float
    reason: str
    pause_all: bool = False


def parse_retry_after(response: httpx.Response, wall_clock: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait, from the first signal the response carries; None when it carries none.

    ``retry-after-ms``, else ``Retry-After`` (seconds, or an HTTP date in any of RFC 9110's three forms:
    IMF-fixdate, RFC 850 and asctime, all GMT), else the body's ``retryAfter``. An HTTP date is counted
    from ``wall_clock()`` (seconds since the epoch, as ``time.time``): injected, a test never depends on the real time.
    """
    milliseconds = _non_negative(response.headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    header = response.headers.get("retry-after")
    if header is not None:
        seconds = _non_negative(header)
        if seconds is not None:
            return seconds
        try:
            when = email.utils.parsedate_to_datetime(header.strip())
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            if when.tzinfo is None:  # asctime carries no zone; HTTP dates are always GMT
                when = when.replace(tzinfo=dt.UTC)
            return max(0.0, when.timestamp() - wall_clock())
    body = json_body(response)
    if isinstance(body, dict):
        value = body.get("retryAfter")
        # compared, not converted: an int too large for a float (10**400) would raise OverflowError
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= sys.float_info.max:
            return float(value)
    return None


def doubled(initial: float, times: int, cap: float) -> float:
    """``initial * 2**times``, but at most ``cap``: the cap is applied to the exponent first.

    ``cap`` is a wait in seconds (finite, far below the largest float). ``2.0**times`` overflows a float past ``times`` = 1,023 (1,025 failures in a row of a follower, or
    ``max_retries`` over 1,023): the exponent is first cut to the one that already reaches ``cap``.
    """
    if initial >= cap:
        return cap
    if initial <= 0:
        return initial
    enough = math.ceil(math.log2(cap) - math.log2(initial))  # initial * 2**enough >= cap, and < 2 * cap
    return min(math.ldexp(initial, min(max(times, 0), enough)), cap)


def _non_negative(text: str | None) -> float | None:
    """``text`` as a finite number >= 0, else None."""
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


class RetryPolicy:
    """Decides, for each attempt's outcome, whether to return, retry after a wait, or raise.

    ``wall_clock`` (``time.time``) dates an HTTP-date ``Retry-After``; the clients' ``clock`` is monotonic
    and paces requests, it cannot say what time the server's date is from now.
    """

    def __init__(
        self,
        max_retries: int,
        max_retry_wait: float,
        *,
        rng: random.Random | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._rng = rng or random.Random()
        self._wall_clock = wall_clock

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half to all of ``initial * 2**attempt``, capped."""
        ceiling = min(doubled(BACKOFF_INITIAL, attempt, BACKOFF_MAX), self.max_retry_wait)
        return ceiling * (0.5 + self._rng.random() / 2)

    def on_response(self, operation: OperationSpec[Any], response: httpx.Response, attempt: int) -> Retry | None:
        """None to accept a 2xx; a ``Retry``; or raise the typed error."""
        status = response.status_code
        if 200 <= status < 300:
            return None
        if status == 429:
            retry_after = parse_retry_after(response, self._wall_clock)
            if retry_after is not None and retry_after > self.max_retry_wait:
                raise api_error(
                    operation, response, retry_after=retry_after,
                    note=f"the server asks for {retry_after:g}s, over max_retry_wait={self.max_retry_wait:g}s",
                )
            if attempt >= self.max_retries:
                raise api_error(operation, response, retry_after=retry_after, note=f"gave up after {attempt} retries")
            wait = retry_after if retry_after is not None else self.backoff(attempt)
            return Retry(wait, "429 rate limited", pause_all=True)
        if status in RETRYABLE_STATUSES and attempt < self.max_retries:
            retry_after = parse_retry_after(response, self._wall_clock) if status == 503 else None
            wait = min(retry_after, self.max_retry_wait) if retry_after is not None else self.backoff(attempt)
            return Retry(wait, f"{status} server error")
        if 300 <= status < 400:
            raise response_error(
                f"unexpected redirect to {response.headers.get('location', '?')!r}; not followed (check base_url)",
                response, with_excerpt=False,
            )
        note = f"gave up after {attempt} retries" if status in RETRYABLE_STATUSES else ""
        raise api_error(operation, response, note=note)

    def on_error(self, error: httpx.HTTPError, attempt: int) -> Retry:
        """A ``Retry`` for a timeout or dropped connection; else raise the typed error.

        The typed error does not chain the httpx exception: that one carries the request, and
        the request carries the token.
        """
        what = f"{type(error).__name__}: {masked(str(error), _request(error))}".rstrip(": ")
        if isinstance(error, httpx.TimeoutException):
            if attempt < self.max_retries:
                return Retry(self.backoff(attempt), f"timeout ({type(error).__name__})")
            raise CortexTimeoutError(f"no answer in time after {attempt} retries: {what}")
        if isinstance(error, httpx.TransportError) and not isinstance(
            error, (httpx.UnsupportedProtocol, httpx.LocalProtocolError)
        ):
            if attempt < self.max_retries:
                return Retry(self.backoff(attempt), f"connection error ({type(error).__name__})")
            raise CortexConnectionError(f"connection failed after {attempt} retries: {what}")
        raise CortexConnectionError(f"request failed: {what}")


def _request(error: httpx.HTTPError) -> httpx.Request | None:
    try:
        return error.request
    except RuntimeError:
        return None
