"""Small shared helpers: hashing and timestamp conversions."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = EPOCH.date()


def splitmix(value: int) -> int:
    """The SplitMix64 finaliser: a fast, well-mixed 64-bit hash of ``value``."""
    value = (value + GOLDEN) & MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK64
    return value ^ (value >> 31)


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@functools.lru_cache(maxsize=4096)  # a dataset's records fall on a few hundred days
def _iso_day(days: int) -> str:
    """``YYYY-MM-DD`` of the day ``days`` after the epoch (OverflowError outside years 1 to 9999, as datetime)."""
    return (_EPOCH_DAY + timedelta(days=days)).isoformat()


def format_ts(micros: int) -> str:
    """Wire form of a timestamp: ``2025-06-30T12:34:56.789Z``.

    Exactly ``(EPOCH + timedelta(microseconds=micros)).isoformat(timespec="milliseconds")`` with ``Z`` for
    ``+00:00`` (milliseconds truncated), built from the day and the time of day: a third of the cost, and
    synthetic records spend more on their timestamps than on any other field.
    """
    days, rest = divmod(micros, 86_400_000_000)
    seconds, us = divmod(rest, 1_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    # %-formatting: a third faster than an f-string's format specs here
    return "%sT%02d:%02d:%02d.%03dZ" % (_iso_day(days), hours, minutes, seconds, us // 1000)  # noqa: UP031
