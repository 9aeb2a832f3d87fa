"""A per-token rate limiter driven by an injectable clock."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` requests per token in any window of ``per_seconds`` seconds.

    Fixed windows (the default) are aligned on multiples of ``per_seconds`` of the fake's clock;
    ``sliding=True`` counts the requests of the last ``per_seconds`` seconds instead. Rejected
    requests do not count.
    """

    requests: int
    per_seconds: float = 60.0
    sliding: bool = False

    def __post_init__(self) -> None:
        if self.requests < 1 or self.per_seconds <= 0:
            raise ValueError("RateLimit needs requests >= 1 and per_seconds > 0")


class RequestCounter:
    """Counts requests per key; ``acquire`` answers the wait in seconds when over the limit."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._fixed: dict[str, tuple[int, int]] = {}
        self._sliding: dict[str, deque[float]] = {}

    def acquire(self, key: str) -> int | None:
        """Admit one request of ``key`` (None) or return the whole seconds until it would be admitted (>= 1)."""
        with self._lock:
            now = self._clock()
            if self.limit.sliding:
                return self._acquire_sliding(key, now)
            return self._acquire_fixed(key, now)

    def _acquire_fixed(self, key: str, now: float) -> int | None:
        window = math.floor(now / self.limit.per_seconds)
        current, used = self._fixed.get(key, (window, 0))
        if current != window:
            used = 0
        if used >= self.limit.requests:
            return max(1, math.ceil((window + 1) * self.limit.per_seconds - now))
        self._fixed[key] = (window, used + 1)
        return None

    def _acquire_sliding(self, key: str, now: float) -> int | None:
        times = self._sliding.setdefault(key, deque())
        while times and times[0] <= now - self.limit.per_seconds:
            times.popleft()
        if len(times) >= self.limit.requests:
            return max(1, math.ceil(times[0] + self.limit.per_seconds - now))
        times.append(now)
        return None
