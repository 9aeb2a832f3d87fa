"""``--since`` / ``--until`` values: relative (``7d``, ``12h``) or absolute (``2026-11-01``, ISO-8601).

Relative forms are the CLI's own; absolute ones go through the library's parser (``_params.parse_utc``), so the
command line takes exactly what ``start_time=...`` takes, and reads a time without an offset as UTC alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from dataclasses import dataclass

from .._params import parse_utc

_RELATIVE = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|[smhdw])", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
DATE_HELP = (
    "relative (30m, 12h, 7d, 2w: that long before now) or absolute (2026-11-01, 2026-11-01T12:00:00, "
    "with an offset or Z; no offset means UTC), within the years 1 to 9999 in UTC"
)
UTC_MAX = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class When:
    """A point in time as given on the command line: ``ago`` before now, or ``at`` (aware, UTC)."""

    text: str
    ago: dt.timedelta | None = None
    at: dt.datetime | None = None

    def resolve(self, now: dt.datetime) -> dt.datetime:
        """The moment, relative ones counted back from ``now``."""
        if self.at is not None:
            return self.at
        assert self.ago is not None
        return now - self.ago


def parse_when(text: str) -> When:
    """Parse a date option; ``argparse.ArgumentTypeError`` when it is neither form, or out of range."""
    value = text.strip()
    relative = _RELATIVE.fullmatch(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        try:
            when = When(text, ago=dt.timedelta(**{_UNITS[unit]: amount}))
            when.resolve(now_utc())  # its earliest value: resolved later, against a later now, it is later
        except OverflowError:
            raise argparse.ArgumentTypeError(f"{text!r} is out of range: it reaches back before the year 1") from None
        return when
    if value.lower() == "now":
        return When(text, ago=dt.timedelta(0))
    try:
        return When(text, at=parse_utc(value))  # no offset means UTC, as for the records' own times
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use {DATE_HELP}") from None
    except OverflowError:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range: outside the years 1 to 9999 in UTC") from None


def parse_duration(text: str) -> dt.timedelta:
    """A duration option (``--lag 5m``, ``--interval 30s``, ``0``); ``argparse.ArgumentTypeError`` otherwise."""
    value = text.strip()
    if value == "0":
        return dt.timedelta(0)
    found = _DURATION.fullmatch(value)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration: use 500ms, 30s, 5m, 2h, 1d or 0")
    amount, unit = float(found.group(1)), found.group(2).lower()
    try:
        return dt.timedelta(milliseconds=amount) if unit == "ms" else dt.timedelta(**{_UNITS[unit]: amount})
    except OverflowError:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range") from None


def now_utc() -> dt.datetime:
    """The current time, UTC, to the second: the anchor of relative dates such as ``7d``."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
