"""Client-side rate limiting, shared by every thread or task of one client; no I/O."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from ._defaults import RATE_WINDOW_SECONDS


class RateLimiter:
    """At most ``requests_per_minute`` requests in any window of 60 s, and all held during a 429 pause.

    A sliding-window log: a request may start when fewer than the limit started in
    the 60 s before it, so a short export bursts at full concurrency while a long one
    settles at the limit, and no 60 s window (fixed or sliding) ever holds more than
    the limit. ``reserve()`` books the next slot and returns how long the caller must
    wait before sending; the caller sleeps (sync or async). Thread-safe, never blocks.
    """

    def __init__(self, requests_per_minute: int | None, clock: Callable[[], float]) -> None:
        self._limit = requests_per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._starts: deque[float] = deque()
        self._paused_until = float("-inf")

    def reserve(self) -> float:
        """Book a slot; return the seconds to wait before using it (0 when free now)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._paused_until)
            if self._limit:
                if len(self._starts) >= self._limit:
                    start = max(start, self._starts.popleft() + RATE_WINDOW_SECONDS)
                self._starts.append(start)
            return start - now

    def pause(self, seconds: float) -> None:
        """Hold every request of the client for ``seconds`` from now (one 429 pauses them all)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
