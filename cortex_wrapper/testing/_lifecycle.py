"""The notification lifecycle: records created non-final that settle to their final state after a seeded delay.

A notification log is created ``READY`` and becomes ``DELIVERED``, ``FAILED`` or ``IGNORED``; a run is created
``CREATED`` and becomes ``COMPLETED``, ``COMPLETED_WITH_ERRORS``, ``FAILED`` or ``IGNORED``. A record here is held
in its final state together with the moment it settles (its final ``dateUpdated``); before that moment it is
served in its created state (``pending_view``). Its state is therefore a pure function of the record and of
the moment of the request. Audit entries never change.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ._params import parse_datetime

CREATED_STATUS = {"notification_logs": "READY", "notification_runs": "CREATED"}
"""The status a record of each kind is created with (and keeps until it settles)."""
_CLEARED = ("failedReason", "ignoredReason", "errorMessage", "dateDelivered")


@dataclass(frozen=True)
class Lifecycle:
    """How FakeCortex's notification logs and runs change after they are created (``FakeCortex(lifecycle=...)``).

    Each record settles ``delay`` seconds after its ``dateCreated``: a per-record draw, seeded by the fake's
    ``seed`` and the record, log-uniform over ``delay`` (seconds to hours), except a ``late_share`` of records
    drawn uniformly from ``late_delay`` (near a day). Before it settles a record is served in its created state:
    ``READY`` (logs) or ``CREATED`` (runs), ``dateUpdated`` equal to ``dateCreated``, no ``failedReason``,
    ``ignoredReason``, ``errorMessage`` or ``dateDelivered``, a ``deliveredCount`` of 0. From then on it is served
    in its final state forever, ``dateUpdated`` (and ``dateDelivered`` for ``DELIVERED`` logs) at the settle
    moment. Records whose drawn final status is the created one (a few percent) never settle.

    ``supplied=True`` applies the lifecycle to records given to the fake (``notification_logs=``, ``insert``) too:
    such a record is served in its created state until its own ``dateUpdated`` and as given from then on (a
    record without a final status or a ``dateUpdated`` stays as given). Records ``insert_newest`` creates always
    follow the lifecycle when one is set.
    """

    delay: tuple[float, float] = (1.0, 4 * 3600.0)
    late_share: float = 0.02
    late_delay: tuple[float, float] = (20 * 3600.0, 23 * 3600.0)
    supplied: bool = False

    def __post_init__(self) -> None:
        for name, (low, high) in (("delay", self.delay), ("late_delay", self.late_delay)):
            if not (0 < low <= high and math.isfinite(high)):
                raise ValueError(f"Lifecycle.{name} must be (low, high) seconds with 0 < low <= high, got {(low, high)}")
        if not 0.0 <= self.late_share <= 1.0:
            raise ValueError(f"Lifecycle.late_share must be within 0..1, got {self.late_share}")

    @property
    def max_delay_us(self) -> int:
        """The longest delay any record can draw, in microseconds (rounded up)."""
        high = self.delay[1] if self.late_share <= 0 else max(self.delay[1], self.late_delay[1])
        return (math.ceil(high * 1000) + 1) * 1000

    def delay_us(self, share: float, draw: float) -> int:
        """The delay (µs, at least 1 ms) that draws ``share`` (late or not) and ``draw`` (where in the range) give."""
        if share < self.late_share:
            low, high = self.late_delay
            seconds = low + (high - low) * draw
        else:
            low, high = self.delay
            seconds = low * (high / low) ** draw
        return max(1, round(seconds * 1000)) * 1000


def final(kind: str, status: object) -> bool:
    """True when ``status`` is a final status of ``kind`` (one the lifecycle reaches), False for audit entries."""
    created = CREATED_STATUS.get(kind)
    return created is not None and isinstance(status, str) and status != created


def supplied_settle(kind: str, data: Mapping[str, object]) -> int | None:
    """When a supplied record settles (its ``dateUpdated``, µs), or None when it is fixed as given."""
    raw = data.get("dateUpdated")
    if not final(kind, data.get("status")) or not isinstance(raw, str):
        return None
    return parse_datetime(raw)


def pending_view(kind: str, data: Mapping[str, object]) -> dict[str, object]:
    """The record ``data`` (in its final state) as it was created, before it settled (keys keep their order)."""
    view = {key: value for key, value in data.items() if key not in _CLEARED}
    view["status"] = CREATED_STATUS[kind]
    if "dateCreated" in view:
        view["dateUpdated"] = view["dateCreated"]
    if "deliveredCount" in view:
        view["deliveredCount"] = 0
    return view


def pending_get(kind: str, get: Callable[[str], object]) -> Callable[[str], object]:
    """The attribute getter of ``pending_view`` for a record whose final attributes ``get`` returns."""
    created = CREATED_STATUS[kind]

    def pending(name: str) -> object:
        if name == "status":
            return created
        if name in _CLEARED:
            return None
        if name == "deliveredCount":
            return 0 if get(name) is not None else None
        if name == "dateUpdated":
            return get("dateCreated")
        return get(name)

    return pending


LIFECYCLE_ATTRIBUTES = frozenset({"status", "deliveredCount", "dateUpdated", *_CLEARED})
"""The attributes whose value depends on whether a record has settled."""
