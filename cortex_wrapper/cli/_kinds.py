"""The three exportable record kinds: operation, timestamp, identity and CSV columns of each, from the operation table."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .._operations import AUDIT_LOGS, NOTIFICATION_LOGS, NOTIFICATION_RUNS, Operation

_JSON_TYPES: dict[str, dict[str, str]] = {
    "int": {"type": "integer"}, "number": {"type": "number"}, "bool": {"type": "boolean"},
    "array": {"type": "array"}, "object": {"type": "object"}, "datetime": {"type": "string", "format": "date-time"},
}


@dataclass(frozen=True)
class Kind:
    """One record kind the CLI exports (a subcommand)."""

    command: str
    noun: str
    operation: Operation[Any]
    method: str
    time_field: str
    table_columns: tuple[str, ...]

    @property
    def ordered(self) -> bool:
        """True when the API takes ``orderBy`` (so an export can run oldest first)."""
        return "order_by" in self.operation.params

    @cached_property
    def properties(self) -> Mapping[str, Any]:
        """The record's fields (wire name -> its JSON type), as the operation table describes them."""
        return {f.wire: _JSON_TYPES.get(f.kind, {"type": "string"}) for f in self.operation.spec.fields}

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Every property of the record schema: the timestamp first, then the spec's order. A fixed CSV header."""
        return (self.time_field, *(name for name in self.properties if name != self.time_field))

    def timestamp(self, record: Any) -> dt.datetime | None:
        """The record's timestamp (``timestamp`` or ``dateCreated``), None when it has none."""
        field = next(f.name for f in self.operation.spec.fields if f.wire == self.time_field)
        value = getattr(record, field, None)
        return value if isinstance(value, dt.datetime) else None

    def identity(self, record: Any, wire: Mapping[str, Any]) -> str:
        """What tells two records apart: the id, else (audit logs) a SHA-256 of the record's canonical JSON."""
        field = self.operation.id_field
        if field is not None:
            return f"id:{getattr(record, field)}"
        canonical = json.dumps(wire, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


AUDIT = Kind(
    "audit", "audit log entries", AUDIT_LOGS, "audit_logs", "timestamp",
    ("timestamp", "action", "objectType", "objectIdentifier", "actorIdentifier", "ipAddress"),
)
NOTIFICATIONS = Kind(
    "notifications", "notification logs", NOTIFICATION_LOGS, "notification_logs", "dateCreated",
    ("dateCreated", "id", "type", "medium", "status", "recipientType", "recipientChannel", "recipientEmail",
     "failedReason", "ignoredReason"),
)
RUNS = Kind(
    "runs", "notification runs", NOTIFICATION_RUNS, "notification_runs", "dateCreated",
    ("dateCreated", "id", "notificationType", "medium", "status", "deliveredCount", "failedReason",
     "ignoredReason", "summary"),
)
KINDS: dict[str, Kind] = {kind.command: kind for kind in (AUDIT, NOTIFICATIONS, RUNS)}
