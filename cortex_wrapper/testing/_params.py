"""Query-string parsing and validation, the way the real API answers bad input (400)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from ._spec import ParamSpec
from ._util import to_micros

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
PAGE_SIZE_MAX = 1000
_INTEGER = re.compile(r"[+-]?\d+")
_SPACE_OFFSET = re.compile(r"(.*\d) (\d{2}:?\d{2})$")

ParamValue = int | bool | str | tuple[int, ...] | tuple[str, ...]


class BadRequest(Exception):
    """A request the API rejects with 400 and an ``ErrorResponse`` body."""

    def __init__(self, message: str, error_type: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type


def parse_datetime(value: str) -> int | None:
    """Parse an ISO 8601 date-time into microseconds since the epoch (naive means UTC); None if invalid.

    Accepts ``Z``, numeric offsets (also ``+`` decoded to a space by form encoding) and fractional seconds.
    A date without a time is not a date-time and is rejected.
    """
    text = value.strip()
    if len(text) < 11 or text[10] not in "Tt ":
        return None
    fixed = _SPACE_OFFSET.fullmatch(text)
    if fixed and len(text) > 19:
        text = f"{fixed.group(1)}+{fixed.group(2)}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return to_micros(moment)


def _convert(spec: ParamSpec, raw: str) -> int | bool | str:
    if spec.item == "int":
        limit = INT32_MAX if not spec.array else INT64_MAX
        if not _INTEGER.fullmatch(raw) or abs(int(raw)) > limit:
            raise BadRequest(f"Failed to convert value '{raw}' of parameter '{spec.name}' to an integer")
        return int(raw)
    if spec.item == "bool":
        if raw.lower() not in ("true", "false"):
            raise BadRequest(f"Failed to convert value '{raw}' of parameter '{spec.name}' to a boolean")
        return raw.lower() == "true"
    if spec.item == "datetime":
        micros = parse_datetime(raw)
        if micros is None:
            raise BadRequest(f"Failed to convert value '{raw}' of parameter '{spec.name}' to an ISO 8601 date-time")
        return micros
    if spec.allowed is not None and raw not in spec.allowed:
        raise BadRequest(
            f"Invalid value '{raw}' for parameter '{spec.name}'; accepted values: {', '.join(sorted(spec.allowed))}"
        )
    return raw


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _parse_one(spec: ParamSpec, raws: list[str]) -> ParamValue | None:
    if spec.array:
        items = [part.strip() for raw in raws for part in raw.split(",")]
        converted = [_convert(spec, item) for item in items if item]
        if not converted:
            return None
        if spec.item == "int":
            return tuple(int(v) for v in converted)
        return tuple(str(v) for v in converted)
    raw = raws[0].strip()
    if not raw and (spec.item != "str" or spec.allowed is not None):
        return None
    return _convert(spec, raw)


def parse_query(specs: Sequence[ParamSpec], pairs: Iterable[tuple[str, str]]) -> dict[str, ParamValue]:
    """Validate the query against the operation's parameters; unknown parameters are ignored.

    Array parameters accept repeated keys and comma-joined values. Dates become microseconds since
    the epoch. ``page`` must be >= 0 and ``pageSize`` within 1..1000. Raises ``BadRequest``.
    """
    grouped = _group(pairs)
    values: dict[str, ParamValue] = {}
    for spec in specs:
        raws = grouped.get(spec.name)
        value = _parse_one(spec, raws) if raws else None
        if value is None:
            if spec.required:
                raise BadRequest(f"Required request parameter '{spec.name}' is not present")
            continue
        values[spec.name] = value
    page = values.get("page")
    if isinstance(page, int) and page < 0:
        raise BadRequest("Parameter 'page' must be greater than or equal to 0", "ILLEGAL_ARGUMENT_ERROR")
    size = values.get("pageSize")
    if isinstance(size, int) and not 1 <= size <= PAGE_SIZE_MAX:
        raise BadRequest(f"Parameter 'pageSize' must be between 1 and {PAGE_SIZE_MAX}", "ILLEGAL_ARGUMENT_ERROR")
    return values
