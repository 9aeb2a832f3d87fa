"""The export subcommands of ``cortex-logs`` (``audit``, ``notifications``, ...): one per served operation.

A ``Command`` is an operation of the generated table (``cortex_api_client.operations``), presented as the
registry (``cortex_wrapper._registry``) says: every served operation is a command, with no list of them here.
It gives the exporters the operation's timestamp, identity and CSV columns. ("Kind" means only a record kind,
``audit_logs``: the table's ``method_name``.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cortex_api_client.operations import OPERATIONS, OperationSpec
from cortex_api_client.types import parse_datetime

from .._client import CortexClient
from .._cursor import Occurrences as Occurrences  # re-exported: the exporters number audit entries with it
from .._cursor import event_id_of, identity_of
from .._lifecycle import has_lifecycle
from .._operations import params_of, time_bounds
from .._pagination import SyncPager
from .._registry import Presentation, presentation
from .._response import to_model
from .._wire import RawRecord

_JSON_TYPES: dict[str, dict[str, str]] = {
    "int": {"type": "integer"}, "number": {"type": "number"}, "bool": {"type": "boolean"},
    "array": {"type": "array"}, "object": {"type": "object"}, "datetime": {"type": "string", "format": "date-time"},
}


ORIGINAL_CHOICES = ("drop", "keep")
"""``--original``: whether ECS/OCSF events also carry the record as sent (``event.original``, ``raw_data``)."""


@dataclass(frozen=True)
class SiemOptions:
    """What ``--format ecs`` and ``ocsf`` add to each event beyond the record's mapping (``cli._siem``)."""

    original: bool = False
    """``--original keep``: the record as sent, in ``event.original`` (ECS) and ``raw_data`` (OCSF)."""
    tenant: str | None = None
    """The Cortex tenant (``--tenant``, else the base URL's host): ``organization.*``, ``metadata.tenant_uid``."""
    created: bool = False
    """Stamp ``event.created`` with the export time (``cli._siem.export_clock``); off for pinned bytes."""


@dataclass(frozen=True)
class Command:
    """One export subcommand of the CLI (``audit``): an operation of the table, as the registry presents it."""

    operation: OperationSpec[Any]
    siem: SiemOptions = field(default_factory=SiemOptions)
    """The options of its ECS and OCSF events (the CLI sets them from ``--original`` and ``--tenant``)."""

    @cached_property
    def presentation(self) -> Presentation:
        """The registry's presentation of the operation, generic defaults filled in."""
        return presentation(self.operation)

    @property
    def command(self) -> str:
        """The subcommand's name (``audit``)."""
        assert self.presentation.command is not None
        return self.presentation.command

    @property
    def noun(self) -> str:
        """What the records are called (``audit log entries``)."""
        assert self.presentation.noun is not None
        return self.presentation.noun

    @property
    def windowed(self) -> bool:
        """True when the operation has time bounds (``_operations.time_bounds``); False for ``gitops``.

        Only then can an export be narrowed to a window (``--since``, ``--until``) or to what is new since a
        checkpoint (``--checkpoint``, ``--follow`` and their options): without them it is exported in full.
        """
        return time_bounds(self.operation) is not None

    @property
    def time_field(self) -> str | None:
        """The wire name of the record's time (``timestamp``, ``dateCreated``); None for records without one."""
        return self.operation.time_field

    def time_value(self, data: Mapping[str, Any]) -> Any:
        """The value of the record's time field in ``data`` (its wire form), None when it has none."""
        return data.get(self.time_field) if self.time_field is not None else None

    @property
    def table_columns(self) -> tuple[str, ...]:
        """The fields ``--format table`` shows."""
        return self.presentation.table_columns

    def pager(self, client: CortexClient, filters: Mapping[str, Any], page_size: int | None,
              max_pages: int | None) -> SyncPager[Any]:
        """The client's lazy pager for this command's operation (arguments are checked now, before any request)."""
        return client._pager(self.operation, filters, page_size, max_pages, None)

    @property
    def ordered(self) -> bool:
        """True when the API takes ``orderBy`` (so an export can run oldest first)."""
        return "order_by" in params_of(self.operation)

    @cached_property
    def properties(self) -> Mapping[str, Any]:
        """The record's fields (wire name -> its JSON type), as the operation table describes them."""
        return {f.wire: _JSON_TYPES.get(f.value_type, {"type": "string"}) for f in self.operation.fields}

    @cached_property
    def csv_plan(self) -> tuple[tuple[str, str], ...]:
        """Each CSV column and the kind of cell it holds (``text``, ``int``, ``bool`` or ``json``: arrays, objects)."""
        cells = {"integer": "int", "boolean": "bool", "array": "json", "object": "json"}
        return tuple((name, cells.get(self.properties[name].get("type", ""), "text")) for name in self.columns)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Every property of the record schema: the timestamp first, then the spec's order. A fixed CSV header."""
        first = (self.time_field,) if self.time_field is not None else ()
        return (*first, *(name for name in self.properties if name != self.time_field))

    @property
    def retained(self) -> bool:
        """True when Cortex keeps these records only so long (``retention_days``: notification logs and runs)."""
        return self.presentation.retention_days is not None

    @property
    def id_wire(self) -> str | None:
        """The wire name of the record's id (``id``), None for audit entries, which have none."""
        return self.operation.id_wire

    def timestamp(self, record: RawRecord) -> dt.datetime | None:
        """The record's timestamp (``timestamp`` or ``dateCreated``), None when it has none."""
        value = record.data.get(self.time_field) if self.time_field is not None else None
        if not isinstance(value, str):
            return None
        try:
            return parse_datetime(value)  # validated already: a failure here is a time UTC cannot hold
        except (ValueError, OverflowError):
            return None

    @cached_property
    def lifecycle(self) -> bool:
        """True when the records change after they are created (notification logs and runs: ``_lifecycle``)."""
        return has_lifecycle(self.operation.operation_id)

    def identity(self, record: RawRecord) -> str:
        """What tells two records, or two states of one, apart: ``id:<id>``, else ``sha256:<content hash>``.

        Records that change get ``:<status>`` (``id:7:FAILED``: each state is its own); audit entries have no
        id, their identity is the hash of their content (``_cursor.identity_of``).
        """
        return identity_of(self.operation, record.data)

    def legacy_identity(self, record: RawRecord) -> str:
        """The identity version 1 checkpoints wrote: for audit entries, a fingerprint of the model's form."""
        if self.id_wire is not None:
            return self.identity(record)
        model = to_model(self.operation, record.data)
        canonical = json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    def event_id(self, identity: str, occurrence: int) -> str:
        """The stable event id of the record with ``identity``: its id and state, or for audit entries hash and occurrence.

        ``_cursor.event_id_of``: ``7:FAILED`` (each state of a record that changes is its own event), or
        ``<first 32 hex digits of the hash>-<occurrence>``, ``occurrence`` counting identical entries in the
        order they are read.
        """
        return event_id_of(identity, occurrence)


COMMANDS: dict[str, Command] = {command.command: command for command in map(Command, OPERATIONS)}
"""Every served operation, by ``cortex-logs`` command."""
