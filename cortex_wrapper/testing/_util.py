"""Small shared helpers: hashing and timestamp conversions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


def format_ts(micros: int) -> str:
    """Wire form of a timestamp: ``2025-06-30T12:34:56.789Z``."""
    moment = EPOCH + timedelta(microseconds=micros)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
