"""The three list operations: permissions, which parameter filters which record attribute, page bodies."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from ._params import ParamValue
from ._spec import OperationSpec, operation
from ._store import Row, Selection
from ._util import splitmix

AUDIT = "audit"
NOTIFICATIONS = "notifications"
PERMISSION_LABELS = {AUDIT: "View audit logs", NOTIFICATIONS: "View Notification logs"}
EXTRA_FIELD = "fakeFutureField"


@dataclass(frozen=True)
class Operation:
    """One list operation of the fake."""

    kind: str
    spec: OperationSpec
    permission: str
    filters: Mapping[str, str]
    window: tuple[str, str]
    ordered: bool

    @property
    def permission_label(self) -> str:
        """The permission name as the Cortex UI spells it."""
        return PERMISSION_LABELS[self.permission]


_AUDIT_FILTERS = {
    "actions": "action",
    "objectIdentifiers": "objectIdentifier",
    "objectTypes": "objectType",
    "actorTypes": "actorType",
    "actorApiKeyIdentifiers": "actorApiKeyIdentifier",
    "actorEmails": "actorEmail",
    "actorIpAddresses": "ipAddress",
    "actorRequestTypes": "actorRequestType",
}
_LOG_FILTERS = {
    "notificationRunIds": "runId",
    "notificationTypes": "type",
    "statuses": "status",
    "recipientTypes": "recipientType",
    "recipientEmails": "recipientEmail",
    "recipientEntityIds": "recipientEntityId",
    "recipientChannels": "recipientChannel",
    "mediums": "medium",
    "ignoredReasons": "ignoredReason",
    "failedReasons": "failedReason",
}
_RUN_FILTERS = {
    "notificationTypes": "notificationType",
    "statuses": "status",
    "mediums": "medium",
    "ignoredReasons": "ignoredReason",
    "failedReasons": "failedReason",
}
# Parameters handled outside the attribute filters, per operation.
CONTROL_PARAMS = {
    "audit_logs": {"page", "pageSize", "startTime", "endTime"},
    "notification_logs": {"page", "pageSize", "fromDate", "untilDate", "orderBy"},
    "notification_runs": {"page", "pageSize", "fromDate", "untilDate", "orderBy", "includeObjects",
                          "deliveredOnly", "searchQuery"},
}  # fmt: skip


@cache
def operations() -> dict[str, Operation]:
    """Every operation, by record kind."""
    dated = ("fromDate", "untilDate")
    found = [
        Operation("audit_logs", operation("getAuditLogs"), AUDIT, _AUDIT_FILTERS, ("startTime", "endTime"), False),
        Operation("notification_logs", operation("listNotificationLogs"), NOTIFICATIONS, _LOG_FILTERS, dated, True),
        Operation("notification_runs", operation("listNotificationRuns"), NOTIFICATIONS, _RUN_FILTERS, dated, True),
    ]
    return {op.kind: op for op in found}


@cache
def routes() -> dict[str, Operation]:
    """Every operation, by path."""
    return {op.spec.path: op for op in operations().values()}


def selection(op: Operation, params: Mapping[str, ParamValue]) -> Selection:
    """The store query that the validated ``params`` describe."""
    conditions = tuple(
        (attribute, frozenset(value))
        for name, attribute in op.filters.items()
        if isinstance(value := params.get(name), tuple)
    )
    start, end = params.get(op.window[0]), params.get(op.window[1])
    search = params.get("searchQuery")
    delivered_only = params.get("deliveredOnly", True) if op.kind == "notification_runs" else False
    return Selection(
        start=start if isinstance(start, int) else None,
        end=end if isinstance(end, int) else None,
        conditions=conditions,
        search=search.lower() if isinstance(search, str) and search else None,
        delivered_only=bool(delivered_only),
    )


def page_body(
    op: Operation, params: Mapping[str, ParamValue], total: int, rows: list[Row], extra_field_rate: float, seed: int
) -> dict[str, object]:
    """The 200 body: the page's records in wire form plus ``page``, ``total`` and ``totalPages``."""
    size = params["pageSize"]
    assert isinstance(size, int)
    drop_objects = op.kind == "notification_runs" and not params.get("includeObjects", False)
    extra_key = splitmix(seed ^ 0xE7)
    records: list[dict[str, object]] = []
    for identity, data in rows:
        wire = {key: value for key, value in data.items() if key in op.spec.record_fields}
        if drop_objects:
            wire.pop("notificationObjects", None)
        if extra_field_rate and splitmix(extra_key + identity) / 2.0**64 < extra_field_rate:
            wire[EXTRA_FIELD] = {"addedIn": "a future API version", "flag": True}
        records.append(wire)
    return {
        op.spec.list_key: records,
        "page": params["page"],
        "total": total,
        "totalPages": math.ceil(total / size) if total else 0,
    }
