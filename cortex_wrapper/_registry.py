"""How each served operation is presented: the one registry, keyed by ``operationId``.

The generated operation table (``cortex_api_client.operations``) is the one description of what an operation
*is*: its path, filters, record fields, time bounds and id. What is only *presentation* lives here: the
``cortex-logs`` command and its words, the table's columns, how long Cortex keeps the records, the SIEM
dataset and mapping, and what FakeCortex and the sandbox serve. Every item has a generic default derived from
the table, so that an operation with no entry (one a maintainer has just added to
``[tool.cortex-wrapper] operations``) works everywhere; an entry only refines the defaults.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from cortex_api_client.operations import OperationSpec

_TABLE_FIELD_TYPES = ("datetime", "enum", "str", "int", "number", "bool")
"""Field types a table cell shows well (not arrays or objects)."""
TABLE_COLUMNS = 8
"""How many columns ``--format table`` shows by default: a terminal's width of them."""
DEFAULT_SANDBOX_COUNT = 1_000
"""Records of an operation the sandbox holds, over its 90 days, when the registry says nothing."""


@dataclass(frozen=True)
class Presentation:
    """The presentation of one operation; ``None`` (or empty) means the generic default of ``presentation()``."""

    command: str | None = None
    """The ``cortex-logs`` command (``audit``); default: the method name in kebab case (``gitops-logs``)."""
    noun: str | None = None
    """What its records are called in messages (``audit log entries``); default: from the operation's summary."""
    table_columns: tuple[str, ...] = ()
    """The wire fields ``--format table`` shows; default: the time field, the id, then the first scalar fields."""
    retention_days: int | None = None
    """How long Cortex keeps the records (None: not known to expire); a longer gap in an incremental export may
    have lost records."""
    siem: str = "generic"
    """Which ECS/OCSF mapping describes its records: ``audit``, ``notification_log``, ``notification_run`` or
    ``generic`` (every field under ``cortex.*``, the record's time as the event's)."""
    dataset: str | None = None
    """The SIEM dataset (``event.dataset``, OCSF ``metadata.log_name``); default: ``cortex.<method name>``."""
    permission_alias: str | None = None
    """FakeCortex's short name of the permission (``FakeCortex(tokens={"tok": {"audit"}})``)."""
    records: str = "generic"
    """The synthetic records FakeCortex and the sandbox serve: ``audit_logs``, ``notification_logs``,
    ``notification_runs`` (hand-made, realistic) or ``generic`` (from the record's fields)."""
    sandbox_count: int = DEFAULT_SANDBOX_COUNT
    """How many records the sandbox holds over its 90 days (its rhythm: one every 90 days / count)."""
    filter_fields: Mapping[str, str] = field(default_factory=dict)
    """FakeCortex: the record field a filter tests, where it is not the filter's singular (``notificationTypes``
    tests ``type``): a field, or a path into nested ones (``repository.repositoryName``, ``files[].entity.tag``
    for the ``tag`` of each item's ``entity``; ``p|q`` for either). A ``true`` boolean filter keeps the records
    whose path holds some value (``errorOnly``: ``files[].error``). Default: the filter's singular, else every
    nested field of its name."""
    internal_fields: frozenset[str] = frozenset()
    """FakeCortex: attributes its records keep for filtering that the API never serves."""


REGISTRY: Mapping[str, Presentation] = {
    "getAuditLogs": Presentation(
        command="audit", noun="audit log entries",
        table_columns=("timestamp", "action", "objectType", "objectIdentifier", "actorIdentifier", "ipAddress"),
        siem="audit", dataset="cortex.audit", permission_alias="audit", records="audit_logs", sandbox_count=3_000,
        filter_fields={"actorIpAddresses": "ipAddress"},
        internal_fields=frozenset({"actorType", "actorRequestType", "actorEmail", "actorApiKeyIdentifier"}),
    ),
    "listNotificationLogs": Presentation(
        command="notifications", noun="notification logs",
        table_columns=("dateCreated", "id", "type", "medium", "status", "recipientType", "recipientChannel",
                       "recipientEmail", "failedReason", "ignoredReason"),
        retention_days=30, siem="notification_log", dataset="cortex.notification_log",
        permission_alias="notifications", records="notification_logs", sandbox_count=4_000,
        filter_fields={"notificationTypes": "type", "notificationRunIds": "runId"},
    ),
    "listNotificationRuns": Presentation(
        command="runs", noun="notification runs",
        table_columns=("dateCreated", "id", "notificationType", "medium", "status", "deliveredCount",
                       "failedReason", "ignoredReason", "summary"),
        retention_days=30, siem="notification_run", dataset="cortex.notification_run",
        permission_alias="notifications", records="notification_runs", sandbox_count=1_000,
    ),
    # GitOps logs: records drawn from the schema (no hand-made recipes); the API filters nested fields

    "listGitOpsLogs": Presentation(
        command="gitops", noun="GitOps logs", table_columns=("dateCreated", "commit", "repository", "files"),
        dataset="cortex.gitops", permission_alias="gitops", sandbox_count=500,
        filter_fields={"repository": "repository.repositoryName", "sha": "commit", "file": "files[].fileName",
                       "errorOnly": "files[].error", "scorecardTag": "files[].scorecard.tag",
                       "workflowTag": "files[].workflow.tag", "tag": "files[].entity.tag"},
    ),
}
"""The refinements, by ``operationId``. Cortex keeps notification logs and runs 30 days (its docs' Notification
logs page); the sandbox's counts give an audit entry about every 45 minutes, a notification log every half hour
and a run every two hours."""


def kebab(name: str) -> str:
    """``audit_logs`` -> ``audit-logs``."""
    return name.replace("_", "-")


def _noun(spec: OperationSpec[Any]) -> str:
    """``Retrieve notification runs`` -> ``notification runs``; ``Retrieve GitOps logs`` -> ``GitOps logs``."""
    summary = re.sub(r"^(retrieve|list|get)\s+", "", spec.summary.strip(), flags=re.IGNORECASE)
    if not summary:
        return spec.method_name.replace("_", " ")
    first = summary.split()[0]
    return summary if any(c.isupper() for c in first[1:]) else summary[:1].lower() + summary[1:]


def _table_columns(spec: OperationSpec[Any]) -> tuple[str, ...]:
    time = spec.time_field if any(f.wire == spec.time_field for f in spec.fields) else None
    ident = spec.id_wire
    first = [name for name in (time, ident) if name is not None]
    rest = [f.wire for f in spec.fields if f.value_type in _TABLE_FIELD_TYPES and f.wire not in first]
    return tuple([*first, *rest][:TABLE_COLUMNS])


@cache
def presentation(spec: OperationSpec[Any]) -> Presentation:
    """The presentation of ``spec``: its registry entry with every unset item given its generic default."""
    entry = REGISTRY.get(spec.operation_id, Presentation())
    return replace(
        entry,
        command=entry.command or kebab(spec.method_name),
        noun=entry.noun or _noun(spec),
        table_columns=entry.table_columns or _table_columns(spec),
        dataset=entry.dataset or f"cortex.{spec.method_name}",
    )
