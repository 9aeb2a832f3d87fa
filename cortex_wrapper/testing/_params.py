"""Query-string parsing and validation, the way the real API answers bad input (400).

Each parameter is the operation table's own description (``cortex_api_client.operations.Parameter``): its
wire name, value type, arity, whether it is required, and its enum site (an enum that is not open accepts
the values some doc version lists). ``page`` and ``pageSize``, which the table leaves out, are checked here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from cortex_api_client.operations import ENUM_SITES, Parameter

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


_PAGING = (Parameter("page", "page", "int", False, True, None, ""),
           Parameter("pageSize", "page_size", "int", False, True, None, ""))
"""The paging parameters, which every list operation takes and the operation table leaves out."""


def _allowed(param: Parameter) -> tuple[str, ...] | None:
    """The values an enum parameter accepts (every doc version's); None for any value (text, an open enum)."""
    site = ENUM_SITES.get(param.site) if param.site else None
    return site.values if site is not None and not site.open and param.value_type == "enum" else None


def _convert(param: Parameter, raw: str) -> int | bool | str:
    if param.value_type == "int":
        limit = INT32_MAX if not param.many else INT64_MAX
        if not _INTEGER.fullmatch(raw) or abs(int(raw)) > limit:
            raise BadRequest(f"Failed to convert value '{raw}' of parameter '{param.wire}' to an integer")
        return int(raw)
    if param.value_type == "bool":
        if raw.lower() not in ("true", "false"):
            raise BadRequest(f"Failed to convert value '{raw}' of parameter '{param.wire}' to a boolean")
        return raw.lower() == "true"
    if param.value_type == "datetime":
        micros = parse_datetime(raw)
        if micros is None:
            raise BadRequest(f"Failed to convert value '{raw}' of parameter '{param.wire}' to an ISO 8601 date-time")
        return micros
    allowed = _allowed(param)
    if allowed is not None and raw not in allowed:
        raise BadRequest(
            f"Invalid value '{raw}' for parameter '{param.wire}'; accepted values: {', '.join(sorted(allowed))}"
        )
    return raw


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _parse_one(param: Parameter, raws: list[str]) -> ParamValue | None:
    if param.many:
        items = [part.strip() for raw in raws for part in raw.split(",")]
        converted = [_convert(param, item) for item in items if item]
        if not converted:
            return None
        if param.value_type == "int":
            return tuple(int(v) for v in converted)
        return tuple(str(v) for v in converted)
    raw = raws[0].strip()
    if not raw and (param.value_type in ("int", "bool", "datetime") or _allowed(param) is not None):
        return None
    return _convert(param, raw)


def parse_query(parameters: Sequence[Parameter], pairs: Iterable[tuple[str, str]]) -> dict[str, ParamValue]:
    """Validate the query against the operation's parameters (and ``page``/``pageSize``); others are ignored.

    Values are keyed by wire name. Array parameters accept repeated keys and comma-joined values. Dates become
    microseconds since the epoch. ``page`` must be >= 0 and ``pageSize`` within 1..1000. Raises ``BadRequest``.
    """
    grouped = _group(pairs)
    values: dict[str, ParamValue] = {}
    for param in (*parameters, *_PAGING):
        raws = grouped.get(param.wire)
        value = _parse_one(param, raws) if raws else None
        if value is None:
            if param.required:
                raise BadRequest(f"Required request parameter '{param.wire}' is not present")
            continue
        values[param.wire] = value
    page = values.get("page")
    if isinstance(page, int) and page < 0:
        raise BadRequest("Parameter 'page' must be greater than or equal to 0", "ILLEGAL_ARGUMENT_ERROR")
    size = values.get("pageSize")
    if isinstance(size, int) and not 1 <= size <= PAGE_SIZE_MAX:
        raise BadRequest(f"Parameter 'pageSize' must be between 1 and {PAGE_SIZE_MAX}", "ILLEGAL_ARGUMENT_ERROR")
    return values
