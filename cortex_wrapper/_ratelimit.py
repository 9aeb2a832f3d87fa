"""Client-side pacing, shared by every thread or task of one client; no I/O."""

from __future__ import annotations

import threading
from collections.abc import Callable


class RateLimiter:
    """Spaces requests ``60 / requests_per_minute`` seconds apart and holds all of them during a 429 pause.

    ``reserve()`` books the next slot and returns how long the caller must wait
    before sending; the caller sleeps (sync or async). Thread-safe, never blocks.
    """

    def __init__(self, requests_per_minute: int | None, clock: Callable[[], float]) -> None:
        self._interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self._clock = clock
        self._lock = threading.Lock()
        self._next_slot = float("-inf")
        self._paused_until = float("-inf")

    def reserve(self) -> float:
        """Book a slot; return the seconds to wait before using it (0 when free now)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_slot, self._paused_until)
            if self._interval:
                self._next_slot = start + self._interval
            return start - now

    def pause(self, seconds: float) -> None:
        """Hold every request of the client for ``seconds`` from now (one 429 pauses them all)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
