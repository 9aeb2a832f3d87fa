"""Fault injection: scripted outcomes first, then seeded random draws, one per request in arrival order."""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

RETRY_AFTER_FORMS = ("header", "body-only", "http-date", "none")


@dataclass(frozen=True)
class Outcome:
    """What the fake does with one request, in place of (or before) serving it normally.

    ``status`` 200 serves the request normally (after ``delay`` seconds). Any other status answers
    with that status at once: 429 with a ``TooManyRequestsProblemDetail`` body, anything else with an
    ``ErrorResponse`` body, or an nginx-style ``text/html`` page when ``html`` is set. ``drop`` closes
    the connection without answering. ``retry_after`` (seconds; 429 defaults to 1) is sent as
    ``retry_after_form`` says: ``header`` (header and body), ``body-only`` (body ``retryAfter`` only),
    ``http-date`` (header as an HTTP date, body in seconds) or ``none``.
    """

    status: int = 200
    retry_after: int | None = None
    retry_after_form: str = "header"
    html: bool = False
    drop: bool = False
    delay: float = 0.0

    def __post_init__(self) -> None:
        if self.retry_after_form not in RETRY_AFTER_FORMS:
            raise ValueError(f"retry_after_form must be one of {RETRY_AFTER_FORMS}, not {self.retry_after_form!r}")
        if not 100 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP status code, not {self.status}")

    @classmethod
    def of(cls, item: int | str | Outcome) -> Outcome:
        """Coerce a script item: an ``Outcome``, a status code, ``"drop"`` or ``"html"`` (a 502 HTML page)."""
        if isinstance(item, Outcome):
            return item
        if isinstance(item, int):
            return cls(status=item)
        if item == "drop":
            return cls(drop=True)
        if item == "html":
            return cls(status=502, html=True)
        raise ValueError(f"unknown script item {item!r}; use an Outcome, a status code, 'drop' or 'html'")


@dataclass(frozen=True)
class Faults:
    """Randomised faults, reproducible from ``seed``.

    Request faults: a ``random.Random(seed)`` makes four draws per request, in arrival order (under a
    lock), whatever the outcome; the first picks at most one of drop, HTML error, JSON 5xx, 429, slow
    (``*_rate`` are probabilities, their sum at most 1), the others pick the 5xx status, the
    ``Retry-After`` value within ``retry_after`` (inclusive bounds) and its form in
    ``retry_after_forms``. Scripted outcomes are served before any draw and consume none, so the same
    seed and the same number of requests give the same sequence of statuses.

    Data faults are per record (a hash of the seed and the record), so every request sees the same
    data: ``unknown_enum_rate`` gives records an enum value no doc version lists (``medium``
    ``CARRIER_PIGEON``, audit ``action`` ``ARCHIVE``), ``extra_field_rate`` serves records with a field
    the schema does not have, and ``insert_newest_per_page`` inserts that many new newest records into
    an operation's data before each of its pages is served.
    """

    seed: int = 0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503, 504)
    html_error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after: tuple[int, int] = (1, 1)
    retry_after_forms: tuple[str, ...] = ("header",)
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 1.0
    unknown_enum_rate: float = 0.0
    extra_field_rate: float = 0.0
    insert_newest_per_page: int = 0

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.html_error_rate, self.rate_limit_rate, self.drop_rate, self.slow_rate)
        if any(not 0.0 <= rate <= 1.0 for rate in (*rates, self.unknown_enum_rate, self.extra_field_rate)):
            raise ValueError("fault rates are probabilities between 0 and 1")
        if sum(rates) > 1.0 + 1e-9:
            raise ValueError("error, html error, rate limit, drop and slow rates must sum to at most 1")
        if not self.error_statuses or not self.retry_after_forms:
            raise ValueError("error_statuses and retry_after_forms must not be empty")
        for form in self.retry_after_forms:
            Outcome(retry_after_form=form)
        if not 0 <= self.retry_after[0] <= self.retry_after[1]:
            raise ValueError("retry_after must be (low, high) with 0 <= low <= high")
        if self.insert_newest_per_page < 0:
            raise ValueError("insert_newest_per_page must be >= 0")


class FaultInjector:
    """Decides, per request and thread-safely, whether and how to misbehave."""

    def __init__(self, faults: Faults) -> None:
        self._lock = threading.Lock()
        self._script: deque[Outcome] = deque()
        self.configure(faults)

    def configure(self, faults: Faults) -> None:
        """Switch to ``faults`` and restart its random sequence."""
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)

    def script(self, items: Iterable[int | str | Outcome]) -> None:
        """Queue one-shot outcomes for the next requests, in order."""
        outcomes = [Outcome.of(item) for item in items]
        with self._lock:
            self._script.extend(outcomes)

    def pending(self) -> int:
        """How many scripted outcomes are still queued."""
        with self._lock:
            return len(self._script)

    def next(self) -> tuple[Outcome | None, bool]:
        """The outcome for the next request (None: serve normally) and whether it came from the script."""
        with self._lock:
            if self._script:
                return self._script.popleft(), True
            return self._draw(), False

    def _draw(self) -> Outcome | None:
        faults, rng = self.faults, self._rng
        pick, status_draw, wait_draw, form_draw = rng.random(), rng.random(), rng.random(), rng.random()
        edge = faults.drop_rate
        if pick < edge:
            return Outcome(drop=True)
        edge += faults.html_error_rate
        if pick < edge:
            return Outcome(status=502, html=True)
        edge += faults.error_rate
        if pick < edge:
            return Outcome(status=faults.error_statuses[int(status_draw * len(faults.error_statuses))])
        edge += faults.rate_limit_rate
        if pick < edge:
            low, high = faults.retry_after
            forms = faults.retry_after_forms
            return Outcome(
                status=429,
                retry_after=low + int(wait_draw * (high - low + 1)),
                retry_after_form=forms[int(form_draw * len(forms))],
            )
        edge += faults.slow_rate
        if pick < edge:
            return Outcome(delay=faults.slow_seconds)
        return None
