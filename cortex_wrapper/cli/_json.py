"""JSON text of the output formats: compact, non-ASCII as is, strict (no NaN or Infinity token), valid UTF-8."""

from __future__ import annotations

import math
import re
from typing import Any

from .._params import SURROGATE
from .._wire import RawRecord, compact_encoder

__all__ = ["NOT_FINITE_NAMES", "escape_surrogates", "event_copy", "record_json", "to_json", "without_constants",
           "without_surrogates"]


def escape_surrogates(text: str) -> str:
    r"""``text`` with each lone surrogate written as its escape, ``\ud800`` (in JSON text: the same string)."""
    return SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


_ENCODE = compact_encoder(ensure_ascii=False, allow_nan=False)
NOT_FINITE_NAMES = ("NaN", "Infinity", "-Infinity")
"""How a number no double holds is written: a JSON string (``"Infinity"``, ``"-Infinity"``, ``"NaN"``)."""


def _finite(value: Any) -> Any:
    """``value`` with each float that is not finite replaced by its name, ``"Infinity"``, ``"-Infinity"`` or ``"NaN"``."""
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def to_json(value: Any) -> str:
    """Compact JSON, non-ASCII as is, lone surrogates as escapes: valid UTF-8 that reads back as ``value``.

    The one JSON encoder of the output formats, and strict: a float that is not finite (a record's ``1e400``
    or ``NaN``, which Python's json reads as inf or nan) has no JSON number, so it is written as a string of
    its name, ``"Infinity"``, ``"-Infinity"`` or ``"NaN"`` (``float()`` of it is the value again): no line
    ever holds the ``Infinity`` or ``NaN`` tokens that strict JSON parsers reject.
    """
    try:
        text = _ENCODE(value)
    except ValueError:  # allow_nan=False: a float that is not finite, somewhere in value
        text = _ENCODE(_finite(value))
    return without_surrogates(text)


def without_surrogates(text: str) -> str:
    """``text`` (JSON text) with each lone surrogate, which no UTF-8 can hold, written as its JSON escape."""
    return text if text.isascii() or not SURROGATE.search(text) else escape_surrogates(text)


_JSON_CONSTANT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?Infinity|NaN)', re.DOTALL)
"""A JSON string (skipped whole), or one of the tokens Python's json reads but JSON lacks (group 1)."""
_NOT_ONE_LINE = re.compile("[\n\r\ud800-\udfff]")


def without_constants(text: str) -> str:
    """JSON text with each ``NaN``, ``Infinity`` or ``-Infinity`` token (outside strings) written as a string."""
    return _JSON_CONSTANT.sub(lambda found: f'"{found[1]}"' if found[1] else found[0], text)


def record_json(record: RawRecord) -> str:
    """The record's JSON text as the API sent it, made one line of valid JSON in UTF-8 (JSONL's line).

    A raw CR or LF is whitespace between tokens, and a raw lone surrogate can only stand in a string: a space,
    and the surrogate's escape, keep the value. A ``NaN`` or ``Infinity`` token, which JSON lacks, is written as
    ``to_json`` writes the value: its name, as a string.
    """
    text = record.text
    if _NOT_ONE_LINE.search(text):
        text = escape_surrogates(text.replace("\r", " ").replace("\n", " "))
    if "NaN" in text or "Infinity" in text:  # two scans at C speed; a hit in a string costs only a closer look
        text = without_constants(text)
    return text


_SCALARS = frozenset({str, int, bool, type(None)})


def event_copy(record: RawRecord) -> str:
    """The record's JSON in an ECS or OCSF event (``cortex.<dataset>``, ``unmapped.cortex``): ``to_json`` of its data.

    When the text as sent is already those bytes it is taken as it is: a flat record sent compact, with no
    escape, no blank, no ``-0``, only strings, integers, booleans and nulls (no float: ``to_json`` writes
    ``1e400`` or ``NaN`` otherwise), and no key sent twice (as many ``":`` as keys; a value holding ``":``
    only costs the slower way). The API sends its records so. Needed: encoding the data again was a quarter
    of an audit entry's OCSF line, and audit OCSF missed the 20 us budget without it (BENCHMARKS.md).
    """
    text, data = record.text, record.data
    if (" " in text or "\\" in text or "\n" in text or "\r" in text or "\t" in text or ":-0" in text
            or text.count('":') != len(data) or not _SCALARS.issuperset(map(type, data.values()))):
        return to_json(data)
    return text
