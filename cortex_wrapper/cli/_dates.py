"""``--since`` / ``--until`` values: relative (``7d``, ``12h``) or absolute (``2026-11-01``, ISO-8601)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from dataclasses import dataclass

_RELATIVE = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
DATE_HELP = (
    "relative (30m, 12h, 7d, 2w: that long before now) or absolute (2026-11-01, 2026-11-01T12:00:00, "
    "with an offset or Z; no offset means UTC)"
)


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
    """Parse a date option; ``argparse.ArgumentTypeError`` when it is neither form."""
    value = text.strip()
    relative = _RELATIVE.fullmatch(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return When(text, ago=dt.timedelta(**{_UNITS[unit]: amount}))
    if value.lower() == "now":
        return When(text, ago=dt.timedelta(0))
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use {DATE_HELP}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return When(text, at=moment.astimezone(dt.UTC))


def now_utc() -> dt.datetime:
    """The current time, UTC, to the second: the anchor of relative dates such as ``7d``."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
