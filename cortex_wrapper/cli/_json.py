"""JSON text of the output formats: compact, non-ASCII as is, strict (no NaN or Infinity token), valid UTF-8."""

from __future__ import annotations

import math
from typing import Any

from .._params import SURROGATE
from .._wire import compact_encoder

__all__ = ["NOT_FINITE_NAMES", "escape_surrogates", "to_json", "without_surrogates"]


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
