"""The three exportable record kinds: operation, timestamp, identity and CSV columns of each, from the spec."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .._operations import AUDIT_LOGS, NOTIFICATION_LOGS, NOTIFICATION_RUNS, Operation
from .._params import snake
from .._spec import spec


def _schema(ref: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec()["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return schema


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
        """The record schema's properties (wire name -> schema), as the reconciled spec declares them."""
        op = spec()["paths"][self.operation.path]["get"]
        body = _schema(op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
        item = _schema(body["properties"][self.operation.list_key]["items"]["$ref"])
        properties: dict[str, Any] = item["properties"]
        return properties

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Every property of the record schema: the timestamp first, then the spec's order. A fixed CSV header."""
        return (self.time_field, *(name for name in self.properties if name != self.time_field))

    def timestamp(self, record: Any) -> dt.datetime | None:
        """The record's timestamp (``timestamp`` or ``dateCreated``), None when it has none."""
        value = getattr(record, snake(self.time_field), None)
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
