"""``--format ecs`` and ``--format ocsf``: each record as an Elastic Common Schema or OCSF event, one per line.

The mapping is documented in the README ("Shipping to a SIEM"); the tests validate every event against
the published schemas (ECS 9.4.0 from Elastic's ``@elastic/ecs`` package, OCSF 1.5.0 from
``ocsf-json-schema``). Both carry the stable event id (``event.id``, ``metadata.uid``) and the record
exactly as the API sent it (``event.original``, ``raw_data``); every wire field is also kept whole under
the ``cortex`` namespace (ECS custom fields) or in ``unmapped`` (OCSF). A notification log or run changes
after it is created: each state is its own event (event id ``<id>:<status>``), and the record's own id,
shared by its states, is ``cortex.notification_log.id`` / ``cortex.notification_run.id`` (ECS) and
``metadata.correlation_uid`` (OCSF), for a shipper that keeps the latest state of each record.

* Audit entries are OCSF **Entity Management** (3004): a user or API key created, read, updated or
  deleted a catalog object (activity ids 1-4); in ECS, category ``configuration``.
* Notification logs and runs have no OCSF class of their own (Email Activity would misdescribe Slack,
  Teams and webhooks; System Activity classes need a device). They are the OCSF **Base Event** (0),
  which OCSF defines for events no class describes: time, status (``status_id`` from the delivery
  status), ``status_detail`` (the failed or ignored reason) and ``message`` stay queryable, the rest is
  in ``unmapped``. In ECS, category ``api`` (Cortex calling Slack, Teams or a webhook; ``email`` too
  for the EMAIL medium), type ``info``, ``event.outcome`` from the status.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from cortex_api_client.types import parse_datetime

from .._wire import RawRecord
from ._kinds import Kind

ECS_VERSION = "9.4.0"
"""The ECS version the events conform to (``ecs.version``), as Elastic's ``@elastic/ecs`` package publishes it."""
OCSF_VERSION = "1.5.0"
"""The OCSF schema version the events conform to (``metadata.version``)."""

_ECS_AUDIT_TYPE = {"CREATE": "creation", "READ": "access", "UPDATE": "change", "DELETE": "deletion"}
_OCSF_ACTIVITY = {"CREATE": (1, "Create"), "READ": (2, "Read"), "UPDATE": (3, "Update"), "DELETE": (4, "Delete")}
_SUCCESS = {"DELIVERED", "COMPLETED"}
_FAILURE = {"FAILED", "COMPLETED_WITH_ERRORS"}
_DATASET = {"audit": "cortex.audit", "notifications": "cortex.notification_log", "runs": "cortex.notification_run"}
_CORTEX_KEY = {"audit": "audit", "notifications": "notification_log", "runs": "notification_run"}


def _utc(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return parse_datetime(text).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def _moment(kind: Kind, data: Mapping[str, Any]) -> dt.datetime:
    """When the record happened, in UTC: its time field, else its last update, else now (undated records)."""
    return _utc(data.get(kind.time_field)) or _utc(data.get("dateUpdated")) or dt.datetime.now(dt.UTC)


def _ip(text: Any) -> str | None:
    return _normal_ip(text) if isinstance(text, str) else None


@functools.lru_cache(maxsize=1024)  # a tenant's audit log repeats a few addresses; parsing one costs ~3 us
def _normal_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _outcome(status: Any) -> str:
    return "success" if status in _SUCCESS else "failure" if status in _FAILURE else "unknown"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def ecs_event(kind: Kind, record: RawRecord, event_id: str) -> dict[str, Any]:
    """The record as an ECS event."""
    data = record.data
    moment = _moment(kind, data)
    event: dict[str, Any] = {"kind": "event", "id": event_id, "dataset": _DATASET[kind.command], "provider": "cortex",
                             "module": "cortex", "original": record.text}
    document: dict[str, Any] = {"@timestamp": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                                "ecs": {"version": ECS_VERSION}, "event": event}
    if kind.command == "audit":
        action = str(data.get("action"))
        event.update(category=["configuration"], type=[_ECS_AUDIT_TYPE.get(action, "info")],
                     action=str(action).lower(), outcome="success")
        actor = _text(data.get("actorIdentifier"))
        if actor is not None:
            document["user"] = {"name": actor, **({"email": actor} if "@" in actor else {})}
            document["related"] = {"user": [actor]}
        if (ip := _ip(data.get("ipAddress"))) is not None:
            document["source"] = {"ip": ip}
            document.setdefault("related", {})["ip"] = [ip]
    else:
        status = data.get("status")
        email = data.get("medium") == "EMAIL"
        event.update(category=["api", "email"] if email else ["api"], type=["info"], outcome=_outcome(status),
                     action=f"notification-{'run' if kind.command == 'runs' else 'delivery'}-{str(status).lower()}")
        if reason := _text(data.get("failedReason")) or _text(data.get("ignoredReason")):
            event["reason"] = reason
        if message := _text(data.get("errorMessage")) or _text(data.get("summary")):
            document["message"] = message
        if recipient := _text(data.get("recipientEmail")):
            document["related"] = {"user": [recipient]}
    document["cortex"] = {_CORTEX_KEY[kind.command]: data}
    return document


def ocsf_event(kind: Kind, record: RawRecord, event_id: str) -> dict[str, Any]:
    """The record as an OCSF event: Entity Management (audit entries) or Base Event (notifications)."""
    data = record.data
    moment = _moment(kind, data)
    metadata: dict[str, Any] = {"version": OCSF_VERSION, "uid": event_id, "log_name": _DATASET[kind.command],
                                "product": {"name": "Cortex", "vendor_name": "Cortex"}}
    if isinstance(data.get(kind.time_field), str):
        metadata["original_time"] = data[kind.time_field]
    event: dict[str, Any] = {"time": int(moment.timestamp() * 1000), "metadata": metadata, "severity_id": 1,
                             "severity": "Informational", "raw_data": record.text, "unmapped": {"cortex": data}}
    if kind.command == "audit":
        action = str(data.get("action"))
        activity, name = _OCSF_ACTIVITY.get(action, (99, "Other"))
        event.update(class_uid=3004, class_name="Entity Management", category_uid=3,
                     category_name="Identity & Access Management", activity_id=activity,
                     activity_name=name if activity != 99 else str(action), type_uid=300400 + activity,
                     status_id=1, status="Success",
                     entity={"name": str(data.get("objectIdentifier")), "uid": str(data.get("objectIdentifier")),
                             "type": str(data.get("objectType"))})
        if actor := _text(data.get("actorIdentifier")):
            event["actor"] = {"user": {"name": actor, **({"email_addr": actor} if "@" in actor else {})}}
        if (ip := _ip(data.get("ipAddress"))) is not None:
            event["src_endpoint"] = {"ip": ip}
    else:
        if (record_id := data.get("id")) is not None:
            metadata["correlation_uid"] = str(record_id)  # the record's own id: every state of it shares it
        status = data.get("status")
        outcome = _outcome(status)
        status_id = {"success": 1, "failure": 2}.get(outcome, 0)
        event.update(class_uid=0, class_name="Base Event", category_uid=0, category_name="Uncategorized",
                     activity_id=99, activity_name="Notification run" if kind.command == "runs" else "Notification",
                     type_uid=99, status_id=status_id, status={1: "Success", 2: "Failure"}.get(status_id, "Unknown"),
                     status_code=str(status))
        if reason := _text(data.get("failedReason")) or _text(data.get("ignoredReason")):
            event["status_detail"] = reason
        if message := _text(data.get("errorMessage")) or _text(data.get("summary")):
            event["message"] = message
    return event


MAPPINGS: dict[str, Callable[[Kind, RawRecord, str], dict[str, Any]]] = {"ecs": ecs_event, "ocsf": ocsf_event}
"""The event builder of each SIEM format."""
