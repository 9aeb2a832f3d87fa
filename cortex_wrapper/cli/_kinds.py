"""The three exportable record kinds: operation, timestamp, identity and CSV columns of each, from the operation table."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cortex_api_client.types import parse_datetime

from .._client import CortexClient
from .._operations import AUDIT_LOGS, NOTIFICATION_LOGS, NOTIFICATION_RUNS, Operation
from .._pagination import SyncPager
from .._response import parse_record
from .._wire import RawRecord, compact_encoder

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
    method: Callable[[CortexClient], Callable[..., SyncPager[Any]]]
    """The client method that lists this kind, e.g. ``CortexClient.audit_logs`` (typed, unlike a getattr)."""
    time_field: str
    table_columns: tuple[str, ...]

    def pager(self, client: CortexClient, filters: Mapping[str, Any], page_size: int | None,
              max_pages: int | None) -> SyncPager[Any]:
        """The client's lazy pager for this kind (arguments are checked now, before any request)."""
        return self.method(client)(**filters, page_size=page_size, max_pages=max_pages)

    @property
    def ordered(self) -> bool:
        """True when the API takes ``orderBy`` (so an export can run oldest first)."""
        return "order_by" in self.operation.params

    @cached_property
    def properties(self) -> Mapping[str, Any]:
        """The record's fields (wire name -> its JSON type), as the operation table describes them."""
        return {f.wire: _JSON_TYPES.get(f.value_type, {"type": "string"}) for f in self.operation.spec.fields}

    @cached_property
    def csv_plan(self) -> tuple[tuple[str, str], ...]:
        """Each CSV column and the kind of cell it holds (``text``, ``int``, ``bool`` or ``json``: arrays, objects)."""
        cells = {"integer": "int", "boolean": "bool", "array": "json", "object": "json"}
        return tuple((name, cells.get(self.properties[name].get("type", ""), "text")) for name in self.columns)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Every property of the record schema: the timestamp first, then the spec's order. A fixed CSV header."""
        return (self.time_field, *(name for name in self.properties if name != self.time_field))

    @property
    def retained(self) -> bool:
        """True for the kinds Cortex keeps only ``NOTIFICATION_RETENTION_DAYS`` (notification logs and runs)."""
        return self.command in ("notifications", "runs")

    @cached_property
    def id_wire(self) -> str | None:
        """The wire name of the record's id (``id``), None for audit entries, which have none."""
        field = self.operation.id_field
        return next(f.wire for f in self.operation.spec.fields if f.name == field) if field else None

    def timestamp(self, record: RawRecord) -> dt.datetime | None:
        """The record's timestamp (``timestamp`` or ``dateCreated``), None when it has none."""
        value = record.data.get(self.time_field)
        if not isinstance(value, str):
            return None
        try:
            return parse_datetime(value)  # validated already: a failure here is a time UTC cannot hold
        except (ValueError, OverflowError):
            return None

    def identity(self, record: RawRecord) -> str:
        """What tells two records apart: ``id:<id>``, else (audit entries) ``sha256:<content hash>``."""
        if self.id_wire is not None:
            return f"id:{record.data.get(self.id_wire)}"
        return "sha256:" + content_hash(record.data)

    def legacy_identity(self, record: RawRecord) -> str:
        """The identity version 1 checkpoints wrote: for audit entries, a fingerprint of the model's form."""
        if self.id_wire is not None:
            return self.identity(record)
        model = parse_record(self.operation, record.data)
        canonical = json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    def event_id(self, identity: str, occurrence: int) -> str:
        """The stable event id of the record with ``identity``: the API's id; for audit entries hash and occurrence.

        ``occurrence`` counts identical entries (the same bot reading the same object in the same
        millisecond) in the order they are read: ``<first 32 hex digits of the hash>-<occurrence>``.
        """
        if identity.startswith("id:"):
            return identity[3:]
        return f"{identity.removeprefix('sha256:')[:EVENT_HASH_DIGITS]}-{occurrence}"


EVENT_HASH_DIGITS = 32
"""Hex digits of the content hash in an audit entry's event id: 128 bits."""


_CANONICAL = compact_encoder(ensure_ascii=True, sort_keys=True)


def content_hash(data: Mapping[str, Any]) -> str:
    r"""SHA-256 (hex) of the record's canonical JSON: keys sorted, compact, ASCII (``\uXXXX`` escapes).

    Computed from the record as sent, so anyone holding the record can recompute it.
    """
    return hashlib.sha256(_CANONICAL(data).encode()).hexdigest()


class Occurrences:
    """Numbers identical records in the order they are read (the occurrence of an audit entry's event id)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def next(self, identity: str) -> int:
        """How many records with ``identity`` came before this one."""
        count = self._seen.get(identity, 0)
        self._seen[identity] = count + 1
        return count


AUDIT = Kind(
    "audit", "audit log entries", AUDIT_LOGS, lambda client: client.audit_logs, "timestamp",
    ("timestamp", "action", "objectType", "objectIdentifier", "actorIdentifier", "ipAddress"),
)
NOTIFICATIONS = Kind(
    "notifications", "notification logs", NOTIFICATION_LOGS, lambda client: client.notification_logs,
    "dateCreated",
    ("dateCreated", "id", "type", "medium", "status", "recipientType", "recipientChannel", "recipientEmail",
     "failedReason", "ignoredReason"),
)
RUNS = Kind(
    "runs", "notification runs", NOTIFICATION_RUNS, lambda client: client.notification_runs,
    "dateCreated",
    ("dateCreated", "id", "notificationType", "medium", "status", "deliveredCount", "failedReason",
     "ignoredReason", "summary"),
)
KINDS: dict[str, Kind] = {kind.command: kind for kind in (AUDIT, NOTIFICATIONS, RUNS)}
