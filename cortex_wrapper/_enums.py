"""Runtime enum drift: warn once per (enum, value) when a response carries an unknown value."""

from __future__ import annotations

import enum
import logging
import threading
import typing
import warnings
from typing import Any

import attrs
import cortex_api_client.models as _models

from ._errors import UnknownEnumValueWarning

logger = logging.getLogger("cortex_wrapper")

_seen: set[tuple[str, Any]] = set()
_seen_lock = threading.Lock()
_plans: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _plan(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of a model class that hold enums, and those that hold models or lists (walked)."""
    plan = _plans.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls, localns=vars(_models))
        enums, nested = [], []
        for field in attrs.fields(cls):
            if field.name == "additional_properties":
                continue
            args = typing.get_args(hints[field.name]) or (hints[field.name],)
            if any(isinstance(a, type) and issubclass(a, enum.Enum) for a in args):
                enums.append(field.name)
            elif any(typing.get_origin(a) is list or (isinstance(a, type) and attrs.has(a)) for a in args):
                nested.append(field.name)
        plan = _plans[cls] = (tuple(enums), tuple(nested))
    return plan


def warn_unknown_enums(model: Any) -> None:
    """Walk a parsed model; warn (``UnknownEnumValueWarning``) and log each new unknown enum value once."""
    enums, nested = _plan(type(model))
    for name in enums:
        value = getattr(model, name)
        if isinstance(value, enum.Enum) and type(value)._member_map_.get(value._name_) is not value:
            _report(type(model).__name__, name, value)
    for name in nested:
        value = getattr(model, name)
        for element in value if isinstance(value, list) else (value,):
            if attrs.has(type(element)):
                warn_unknown_enums(element)


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
