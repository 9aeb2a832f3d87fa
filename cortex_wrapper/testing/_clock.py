"""``VirtualClock``: monotonic time that only sleeping advances, shared by a fake and its clients."""

from __future__ import annotations

import threading


class VirtualClock:
    """A monotonic clock that advances only when something sleeps on it: tests wait for nothing.

    Call it for the time (pass it as ``clock``); pass ``sleep`` to ``CortexClient`` and ``FakeCortex`` and
    ``asleep`` to ``AsyncCortexClient``. A client waiting out a ``Retry-After`` of 30 s returns at once and
    the fake's rate limiter sees 30 s pass. ``sleeps`` lists every wait, in order. Thread-safe.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        """The current time, in seconds."""
        with self._lock:
            return self._now

    def __repr__(self) -> str:
        return f"<VirtualClock now={self():.3f} sleeps={len(self.sleeps)}>"

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (not recorded in ``sleeps``)."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, not {seconds}")
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Record the wait and advance time by it, at once."""
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(seconds, 0.0)

    async def asleep(self, seconds: float) -> None:
        """``sleep``, then a checkpoint of the running event loop (asyncio or trio), so cancellation still lands."""
        import anyio  # here: a sync-only test never imports it

        self.sleep(seconds)
        await anyio.sleep(0)
