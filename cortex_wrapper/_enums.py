"""Runtime enum drift: warn once per (enum, value) when a response carries an unknown value."""

from __future__ import annotations

import enum
import logging
import threading
import warnings
from typing import Any

import attrs

from ._errors import UnknownEnumValueWarning

logger = logging.getLogger("cortex_wrapper")

_seen: set[tuple[str, Any]] = set()
_seen_lock = threading.Lock()
_fields_cache: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _fields_cache.get(cls)
    if names is None:
        names = _fields_cache[cls] = tuple(f.name for f in attrs.fields(cls) if f.name != "additional_properties")
    return names


def warn_unknown_enums(model: Any) -> None:
    """Walk a parsed model; warn (``UnknownEnumValueWarning``) and log each new unknown enum value once."""
    for name in _fields(type(model)):
        value = getattr(model, name)
        if isinstance(value, enum.Enum):
            if getattr(value, "is_unknown", False):
                _report(type(model).__name__, name, value)
        elif isinstance(value, list):
            for element in value:
                if attrs.has(type(element)):
                    warn_unknown_enums(element)
        elif attrs.has(type(value)):
            warn_unknown_enums(value)


def _report(model: str, field: str, value: enum.Enum) -> None:
    key = (type(value).__qualname__, value.value)
    with _seen_lock:
        if key in _seen:
            return
        _seen.add(key)
    text = (
        f"{model}.{field} carries {value.value!r}, which no vendored Cortex doc version lists for "
        f"{type(value).__name__}; kept as an unknown member"
    )
    logger.warning(text)
    warnings.warn(text, UnknownEnumValueWarning, stacklevel=2)


def reset_seen() -> None:
    """Forget which unknown values were reported (for tests)."""
    with _seen_lock:
        _seen.clear()
