"""What happens during a crawl, as typed events for ``on_event`` hooks (the CLI's progress line is one).

``Retrying`` and ``RateLimitPause`` are reported from the thread or task that sends the request (a worker
thread of the sync pager), ``PageFetched`` from the consumer's, as the page is parsed and handed over; so a
hook must be quick and thread-safe. An exception it raises ends the crawl.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageFetched:
    """A page arrived and parsed: ``records`` on it, after ``retries`` retries, ``elapsed`` seconds in all."""

    operation: str
    page: int
    records: int
    elapsed: float
    request_id: str | None
    retries: int


@dataclass(frozen=True)
class Retrying:
    """An attempt failed and will be retried after ``wait`` seconds (``status`` None: no HTTP answer)."""

    operation: str
    page: int
    reason: str
    status: int | None
    attempt: int
    wait: float


@dataclass(frozen=True)
class RateLimitPause:
    """A request waits ``seconds`` before it is sent: the client's pacing, or a 429 that paused the client."""

    operation: str
    page: int
    seconds: float


Event = PageFetched | Retrying | RateLimitPause
"""Everything an ``on_event`` hook receives."""

EventHook = Callable[[Event], None]
"""A function called with each ``Event``."""
