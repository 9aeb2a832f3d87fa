"""Enum drift between Cortex doc versions, queryable at runtime.

An *enum* is named by its site, ``Schema.field`` for a response field (e.g.
``"NotificationRun.medium"``) or ``operationId.parameter`` for a filter (e.g.
``"listNotificationRuns.mediums"``), or given as the generated enum class
(e.g. ``cortex_api_client.models.NotificationRunMedium``)::

    from cortex_wrapper import drift
    drift.values("NotificationRun.failedReason")          # every value any version lists
    drift.listed_in("NotificationRun.failedReason", "MISSING_RECIPIENTS")   # ('2024-07',)
    drift.is_known(NotificationRunMedium, "CARRIER_PIGEON")                # False
"""

from __future__ import annotations

import enum
from functools import cache
from typing import Any

import cortex_api_client.models as _models

from ._spec import SPEC_SHA256, SPEC_VERSIONS, drift_data

__all__ = [
    "SPEC_SHA256",
    "SPEC_VERSIONS",
    "EnumRef",
    "enum_class",
    "enums",
    "is_known",
    "is_open",
    "listed_in",
    "report",
    "site_of",
    "values",
]

EnumRef = str | type[enum.Enum]
"""An enum site name, or a generated enum class."""


def _pascal(word: str) -> str:
    return word[:1].upper() + word[1:]


@cache
def _class_sites() -> dict[type[enum.Enum], str]:
    """Generated enum class -> site, by the generator's naming (``Schema`` + ``Field`` [+ ``Item``])."""
    found: dict[type[enum.Enum], str] = {}
    for site in drift_data()["enums"]:
        owner, name = site.split(".", 1)
        for candidate in (_pascal(owner) + _pascal(name), _pascal(owner) + _pascal(name) + "Item"):
            cls = getattr(_models, candidate, None)
            if isinstance(cls, type) and issubclass(cls, enum.Enum):
                found[cls] = site
    return found


def enums() -> tuple[str, ...]:
    """Every enum site the reconciled spec knows, sorted."""
    return tuple(sorted(drift_data()["enums"]))


def site_of(ref: EnumRef) -> str:
    """The site name of an enum given by site or by generated class; ``KeyError`` if unknown."""
    if isinstance(ref, str):
        if ref not in drift_data()["enums"]:
            raise KeyError(f"no enum {ref!r}; known: {', '.join(enums())}")
        return ref
    try:
        return _class_sites()[ref]
    except KeyError:
        raise KeyError(f"{ref.__name__} is not a generated Cortex enum") from None


def enum_class(site: str) -> type[enum.Enum] | None:
    """The generated enum class for a site (None for an open parameter such as ``getAuditLogs.objectTypes``)."""
    return next((cls for cls, s in _class_sites().items() if s == site), None)


def _entry(ref: EnumRef) -> dict[str, Any]:
    entry: dict[str, Any] = drift_data()["enums"][site_of(ref)]
    return entry


def values(ref: EnumRef) -> tuple[str, ...]:
    """Every value any doc version lists (plus corrections), newest version's order first."""
    return tuple(_entry(ref)["values"])


def listed_in(ref: EnumRef, value: str) -> tuple[str, ...]:
    """The doc versions that list ``value``; empty for a value only a correction adds, or an unknown one."""
    return tuple(_entry(ref)["listed_in"].get(str(getattr(value, "value", value)), ()))


def is_known(ref: EnumRef, value: str) -> bool:
    """Whether ``value`` is one of the enum's reconciled values (any version, or a correction)."""
    return str(getattr(value, "value", value)) in _entry(ref)["listed_in"]


def is_open(ref: EnumRef) -> bool:
    """Whether the API accepts values beyond the listed ones (the listed values are examples)."""
    return bool(_entry(ref)["open"])


def report() -> dict[str, Any]:
    """The drift data: ``versions``, per-enum ``enums`` and the ``corrections`` applied."""
    return drift_data()
