"""Filter arguments: checked, normalised and encoded for the wire, before any request.

The kinds of parameter and their wire names come from the generated operation table, so a
regenerated spec changes what is accepted without touching this module.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
from collections.abc import Iterable, Iterator
from typing import Any

from cortex_api_client.operations import Parameter

from ._defaults import MAX_INT64
from ._errors import DeprecatedEnumValueWarning, DeprecatedFilterWarning, InvalidParameterError
from ._spec import ENUM_SITES
from ._warn import warn_at_caller

Pairs = list[tuple[str, str]]


def choices(param: Parameter) -> tuple[str, ...]:
    """Every value some doc version lists, for an enum parameter (examples, for an open one); else ``()``."""
    return ENUM_SITES[param.site].values if param.site else ()


def encode_param(param: Parameter, value: Any) -> Pairs:
    """Check ``value`` for the table's ``param`` and return its (wire name, text) pairs; ``[]`` for None.

    Enum values must be listed by some doc version (one only older versions list warns), datetimes are
    sent in UTC, ids are int64, text is non-empty and sendable; a list sends each value once, in order.
    Using a parameter the docs deprecate warns (``DeprecatedFilterWarning``).
    """
    if value is None:
        return []
    if param.deprecated:
        warn_at_caller(DeprecatedFilterWarning(
            param.name, f"the Cortex docs mark the parameter {param.wire} deprecated; it is sent anyway, "
            "but the API may stop honouring it"))
    if param.many:
        texts = dict.fromkeys(_one(param, v) for v in _as_list(param.name, value))  # each value once, in order
        return [(param.wire, text) for text in texts]
    return [(param.wire, _one(param, value))]


def _one(param: Parameter, value: Any) -> str:
    if param.value_type == "enum":
        return _enum_value(param, value)
    if param.value_type == "datetime":
        return format_datetime(to_utc(param.name, value))
    if param.value_type == "bool":
        if not isinstance(value, bool):
            raise InvalidParameterError(param.name, f"must be True or False, got {value!r}")
        return "true" if value else "false"
    if param.value_type == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT64:
            raise InvalidParameterError(param.name, f"each value must be an int id from 0 to 2**63-1, got {value!r}")
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(param.name, f"each value must be a non-empty str, got {value!r}")
    reason = unsendable(value)
    if reason is not None:
        raise InvalidParameterError(param.name, f"{reason}, got {value!r}")
    return value


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: text holding one is not UTF-8 (it cannot be sent, or written, as it is)."""


def unsendable(text: str) -> str | None:
    """Why ``text`` cannot go in a query (control characters, lone surrogates), or None when it can."""
    if _CONTROL.search(text):
        return "control characters are not allowed"
    if not text.isascii() and SURROGATE.search(text):
        return "lone surrogates cannot be sent (not UTF-8)"
    return None


_URL_SAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~ "  # as quote_plus keeps them


def query_length(pairs: Pairs) -> int:
    """``len(urllib.parse.urlencode(pairs))``, counted at C speed: a byte ``quote_plus`` escapes takes 3 characters."""
    total = max(len(pairs) - 1, 0)  # the "&"s
    for name, value in pairs:
        for text in (name, value):
            raw = text.encode("utf-8", "surrogatepass")
            total += len(raw) + 2 * len(raw.translate(None, _URL_SAFE))
        total += 1  # "="
    return total


def _as_list(name: str, value: Any) -> Iterator[Any]:
    if isinstance(value, (str, bytes, enum.Enum, int)) or not isinstance(value, Iterable):
        if isinstance(value, bytes):
            raise InvalidParameterError(name, f"must be str values, not bytes: {value!r}")
        yield value
        return
    if isinstance(value, dict):
        raise InvalidParameterError(name, "must be a value or a list of values, not a dict")
    yield from value


def _enum_value(param: Parameter, value: Any) -> str:
    raw = value.value if isinstance(value, enum.Enum) else value
    listed = choices(param)
    if not isinstance(raw, str):
        raise InvalidParameterError(
            param.name, f"must be one of {', '.join(listed)}; got {value!r}", listed
        )
    assert param.site is not None
    entry = ENUM_SITES[param.site]
    if raw not in entry.listed_in:
        close = difflib.get_close_matches(raw.upper(), listed, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise InvalidParameterError(
            param.name, f"{raw!r} is not a value any Cortex doc version lists; {hint}valid: {', '.join(listed)}", listed
        )
    versions = entry.listed_in[raw]
    newest = entry.documented_in[-1] if entry.documented_in else None
    if versions and newest is not None and newest not in versions:
        warn_at_caller(DeprecatedEnumValueWarning(
            param.name, raw, f"{raw!r} is listed only by doc version(s) {', '.join(versions)}, not by "
            f"{newest}, the newest that documents {param.site.split('.')[0]}; sending it anyway",
        ))
    return raw


def _parse_iso(text: str) -> dt.datetime:
    """ISO 8601: ``datetime.fromisoformat`` for the common forms, dateutil's ``isoparse`` for the rest."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        from dateutil.parser import isoparse  # imported on first need: it costs ~20 ms at import

        return isoparse(text)


def _in_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC, naive meaning UTC; ``OverflowError`` past the years 1 to 9999 once in UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def parse_utc(text: str) -> dt.datetime:
    """An ISO-8601 date or datetime string as an aware UTC datetime (no offset means UTC).

    The one parser of absolute dates given by a user: the datetime filters (``start_time=...``) and the
    CLI's ``--since``/``--until`` both use it. ``ValueError`` when ``text`` is not ISO 8601; ``OverflowError``
    when it is, but lies outside the years 1 to 9999 (``9999-12-31T24:00``, or once in UTC).
    """
    return _in_utc(_parse_iso(text.strip()))


def to_utc(name: str, value: Any) -> dt.datetime:
    """A datetime, date or ISO-8601 string as an aware UTC datetime (naive means UTC)."""
    if isinstance(value, str):
        try:
            value = _parse_iso(value.strip())
        except (ValueError, OverflowError):
            raise InvalidParameterError(
                name, f"{value!r} is not an ISO-8601 date or datetime (e.g. 2021-01-01T00:00:00)"
            ) from None
    if isinstance(value, dt.datetime):
        try:
            return _in_utc(value)
        except OverflowError:  # e.g. datetime.max at UTC-5: past year 9999 once in UTC
            raise InvalidParameterError(name, f"{value!r} is outside the years 1 to 9999 once in UTC") from None
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    raise InvalidParameterError(name, f"must be a datetime, a date or an ISO-8601 string, got {value!r}")


def format_datetime(value: dt.datetime) -> str:
    """UTC, no offset, as the docs' example: ``2021-01-01T00:00:00`` (milliseconds when not zero).

    ``isoformat``, not ``strftime``: the C library's ``%Y`` does not pad years before 1000 (``1-01-01``).
    """
    value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
