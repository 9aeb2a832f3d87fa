"""Enum drift between Cortex doc versions, queryable at runtime.

An *enum* is named by its site, ``Schema.field`` for a response field (e.g.
``"NotificationRun.medium"``) or ``operationId.parameter`` for a filter (e.g.
``"listNotificationRuns.mediums"``), or given as the generated enum class
(e.g. ``cortex_api_client.models.Medium``; one class serves every site of a concept,
and stands for its first record field's site)::

    from cortex_wrapper import drift
    drift.values("NotificationRun.failedReason")          # every value any version lists
    drift.listed_in("NotificationRun.failedReason", "MISSING_RECIPIENTS")   # ('2024-07',)
    drift.is_known(Medium, "CARRIER_PIGEON")                # False
"""

from __future__ import annotations

import enum
from functools import cache
from typing import Any

import cortex_api_client.models as _models
from cortex_api_client.operations import CORRECTIONS

from ._spec import ENUM_SITES, SPEC_SHA256, SPEC_VERSIONS, EnumSite

__all__ = [
    "SPEC_SHA256",
    "SPEC_VERSIONS",
    "EnumRef",
    "documented_in",
    "enum_class",
    "enums",
    "is_current",
    "is_known",
    "is_open",
    "listed_in",
    "report",
    "site_of",
    "values",
]

EnumRef = str | type[enum.Enum]
"""An enum site name, or a generated enum class."""


@cache
def _class_sites() -> dict[type[enum.Enum], str]:
    """Generated enum class -> its site: a class shared by a concept's sites means its record field's."""
    found: dict[type[enum.Enum], str] = {}
    for site, entry in sorted(ENUM_SITES.items(), key=lambda item: (item[0][0].islower(), item[0])):
        cls = getattr(_models, entry.class_name, None) if entry.class_name else None
        if isinstance(cls, type) and issubclass(cls, enum.Enum):
            found.setdefault(cls, site)  # record fields (Schema.field) sort before filters (operation.param)
    return found


def enums() -> tuple[str, ...]:
    """Every enum site of the served operations and their records, sorted."""
    return tuple(sorted(ENUM_SITES))


def site_of(ref: EnumRef) -> str:
    """The site name of an enum given by site or by generated class; ``KeyError`` if unknown."""
    if isinstance(ref, str):
        if ref not in ENUM_SITES:
            raise KeyError(f"no enum {ref!r}; known: {', '.join(enums())}")
        return ref
    try:
        return _class_sites()[ref]
    except KeyError:
        raise KeyError(f"{ref.__name__} is not a generated Cortex enum") from None


def enum_class(site: str) -> type[enum.Enum] | None:
    """The generated enum class for a site (None for an open parameter such as ``getAuditLogs.objectTypes``)."""
    entry = ENUM_SITES.get(site)
    cls = getattr(_models, entry.class_name, None) if entry is not None and entry.class_name else None
    return cls if isinstance(cls, type) and issubclass(cls, enum.Enum) else None


def _entry(ref: EnumRef) -> EnumSite:
    return ENUM_SITES[site_of(ref)]


def values(ref: EnumRef) -> tuple[str, ...]:
    """Every value any doc version lists (plus corrections), newest version's order first."""
    return _entry(ref).values


def listed_in(ref: EnumRef, value: str) -> tuple[str, ...]:
    """The doc versions that list ``value``; empty for a value only a correction adds, or an unknown one."""
    return _entry(ref).listed_in.get(str(getattr(value, "value", value)), ())


def documented_in(ref: EnumRef) -> tuple[str, ...]:
    """The doc versions that document the enum's operation or schema; the newest decides what is current."""
    return _entry(ref).documented_in


def is_current(ref: EnumRef, value: str) -> bool:
    """Whether the newest version documenting the enum's operation or schema lists ``value``."""
    entry = _entry(ref)
    return bool(entry.documented_in) and entry.documented_in[-1] in listed_in(ref, value)


def is_known(ref: EnumRef, value: str) -> bool:
    """Whether ``value`` is one of the enum's reconciled values (any version, or a correction)."""
    return str(getattr(value, "value", value)) in _entry(ref).listed_in


def is_open(ref: EnumRef) -> bool:
    """Whether the API accepts values beyond the listed ones (the listed values are examples)."""
    return _entry(ref).open


def report() -> dict[str, Any]:
    """The drift data, as plain JSON-ready values.

    ``versions``; per enum site its ``values``, ``listed_in``, ``documented_in`` and ``open``; and the
    ``corrections`` applied (``name``, ``reason``, ``outcome``).
    """
    return {
        "versions": list(SPEC_VERSIONS),
        "enums": {
            site: {"values": list(entry.values), "listed_in": {v: list(vs) for v, vs in entry.listed_in.items()},
                   "documented_in": list(entry.documented_in), "open": entry.open}
            for site, entry in sorted(ENUM_SITES.items())
        },
        "corrections": [{"name": n, "reason": r, "outcome": o} for n, r, o in CORRECTIONS],
    }
