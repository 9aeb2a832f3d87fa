"""Client-side rate limiting, shared by every thread or task of one client; no I/O."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from ._defaults import RATE_WINDOW_SECONDS


class _Pause:
    """When a 429 lets requests start again: one per token, shared by every client derived from one."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.until = float("-inf")


class RateLimiter:
    """At most ``requests_per_minute`` requests in any window of 60 s, and all held during a 429 pause.

    A sliding-window log: a request may start when fewer than the limit started in
    the 60 s before it, so a short export bursts at full concurrency while a long one
    settles at the limit, and no 60 s window (fixed or sliding) ever holds more than
    the limit. ``reserve()`` books the next slot and returns how long the caller must
    wait before sending; the caller sleeps (sync or async). Thread-safe, never blocks.
    ``with_limit`` gives a limiter with its own window that shares the 429 pause.
    """

    def __init__(self, requests_per_minute: int | None, clock: Callable[[], float], *, pause: _Pause | None = None) -> None:
        self._limit = requests_per_minute
        self._clock = clock
        self._pause = pause or _Pause()
        self._starts: deque[float] = deque()

    @property
    def limit(self) -> int | None:
        """Requests per minute (None: no pacing, only the 429 pauses)."""
        return self._limit

    def with_limit(self, requests_per_minute: int | None) -> RateLimiter:
        """A limiter with another limit and its own window, held by the same 429 pauses as this one."""
        return RateLimiter(requests_per_minute, self._clock, pause=self._pause)

    def reserve(self) -> float:
        """Book a slot; return the seconds to wait before using it (0 when free now)."""
        with self._pause.lock:
            now = self._clock()
            start = max(now, self._pause.until)
            if self._limit:
                if len(self._starts) >= self._limit:
                    start = max(start, self._starts.popleft() + RATE_WINDOW_SECONDS)
                self._starts.append(start)
            return start - now

    def pause(self, seconds: float) -> None:
        """Hold every request for ``seconds`` from now (one 429 pauses them all, derived clients included)."""
        with self._pause.lock:
            self._pause.until = max(self._pause.until, self._clock() + seconds)
