"""``--format ecs`` and ``--format ocsf``: each record as an Elastic Common Schema or OCSF event, one per line.

The mapping is documented field by field in docs/siem.md; the tests validate every event against the published
schemas (ECS 9.4.0 from Elastic's ``@elastic/ecs`` package, OCSF 1.5.0 from ``ocsf-json-schema``). Both carry
the stable event id (``event.id``, ``metadata.uid``) and the record, whole and with its field names as sent,
under the ``cortex`` namespace (ECS custom fields, ``cortex.<dataset>``) or in ``unmapped.cortex`` (OCSF);
``--original keep`` adds the record's text as sent (``event.original``, ``raw_data``). What the mapping
follows is the registry's (``Presentation.siem``, ``dataset``): an operation with ``siem="generic"`` gets
generic events. The CLI's options (``Command.siem``: ``--original``, ``--tenant``, ``event.created``) fill the
rest. A notification log or run changes after it is created: each state is its own event (event id
``<id>:<status>``), and the record's own id, shared by its states, is ``cortex.notification_log.id`` /
``cortex.notification_run.id`` (ECS) and ``metadata.correlation_uid`` (OCSF), for a shipper that keeps the
latest state of each record.

* Audit entries are OCSF **Entity Management** (3004): a user or API key created, read, updated or
  deleted a catalog object (activity ids 1-4); in ECS, category ``configuration``, or ``iam`` for API keys,
  tokens (type ``admin``) and teams (``group``), as Elastic's integrations file them.
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
import json
import json.encoder
import operator
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from cortex_api_client.operations import SPEC_VERSIONS
from cortex_api_client.types import parse_datetime

from .._wire import RawRecord
from ._commands import Command
from ._json import event_copy, to_json, without_surrogates

ECS_VERSION = "9.4.0"
"""The ECS version the events conform to (``ecs.version``), as Elastic's ``@elastic/ecs`` package publishes it."""
PRODUCT_VERSION = SPEC_VERSIONS[-1]
"""``metadata.product.version``: the newest Cortex API documentation the client was generated from."""
OCSF_VERSION = "1.5.0"
"""The OCSF schema version the events conform to (``metadata.version``)."""

_ECS_AUDIT_TYPE = {"CREATE": "creation", "READ": "access", "UPDATE": "change", "DELETE": "deletion"}
_OCSF_ACTIVITY = {"CREATE": (1, "Create"), "READ": (2, "Read"), "UPDATE": (3, "Update"), "DELETE": (4, "Delete")}
_SUCCESS = {"DELIVERED", "COMPLETED"}
_FAILURE = {"FAILED", "COMPLETED_WITH_ERRORS"}


def _utc(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return parse_datetime(text).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def _moment(when: Any, data: Mapping[str, Any]) -> dt.datetime:
    """When the record happened, in UTC: its time field (``when``), else its last update, else now (undated)."""
    return _utc(when) or _utc(data.get("dateUpdated")) or dt.datetime.now(dt.UTC)


def _ip(text: Any) -> str | None:
    return _normal_ip(text) if isinstance(text, str) else None


@functools.lru_cache(maxsize=1024)  # a tenant's audit log repeats a few addresses; parsing one costs ~3 us
def _normal_ip(text: str) -> str | None:
    """The address as sent when it is an IP address (``::ffff:203.0.113.7`` stays so), else None."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return None
    return text


def _outcome(status: Any) -> str:
    return "success" if status in _SUCCESS else "failure" if status in _FAILURE else "unknown"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


_UTC_MILLISECONDS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
"""A time written as ECS's ``@timestamp`` is: in UTC, to the millisecond, ``Z``."""


def _ecs_timestamp(text: Any, data: Mapping[str, Any]) -> str:
    """``@timestamp``: when the record happened (``_moment``), in UTC to the millisecond; ``text``: its time field.

    A time field already in that form (as Cortex writes times) is the text itself, once it parses. Needed:
    formatting the time was a tenth of an ECS line's instructions, and without this, the templates below and
    ``compact_encoder`` audit ECS took 27-35 us a record, over the 20 us budget (BENCHMARKS.md).
    """
    if type(text) is str and _UTC_MILLISECONDS.fullmatch(text) and _utc(text) is not None:
        return text
    return _moment(text, data).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -- the events, as templates ----------------------------------------------------------------------------------
#
# Each event is written out below as the JSON object it is, a slot (``_slot("name")``) standing for each value
# taken from the record, and compiled (``_Template``) once per command and branch of the mapping into the JSON
# text, a hole for each value; ``ecs_lines`` and ``ocsf_lines`` set up what a command's events share once, and a
# line is the template filled with the JSON of each value. Needed: an event built as a dict and encoded took
# twice the instructions of its line, and audit ECS and OCSF took 27-35 us a record, over the 20 us budget;
# with templates compiled per branch, 17-27 us. Compiled per command (the shared values written in, the holes
# filled by position), a line takes a fifth less again (audit ECS 6.5 -> 5.2 us, OCSF 8.5 -> 6.9), which the
# budget needs in most runs (BENCHMARKS.md). The golden lines of tests/cli/test_cli_export_golden.py pin every
# branch to the bytes the dicts were encoded to.

_q: Callable[[str], str] = json.encoder.encode_basestring
"""The JSON string of a text, as ``to_json`` writes it (lone surrogates are escaped in the whole line)."""
_SLOT = re.compile(r'"\\u0000([a-z_]+)\\u0000"')


def _slot(name: str) -> str:
    """A value's place in an event template (a string no constant of an event holds)."""
    return f"\x00{name}\x00"


class _Template:
    """An event (with slots) compiled to its JSON text: ``fill(values)`` is the line's JSON, each slot's value in.

    The text is a %-template with a ``%s`` for each slot, in the order the slots come (``values`` keyed by
    slot name are taken in that order by one ``itemgetter``: a quarter faster than a %-template keyed by name),
    and the value of each slot in ``fixed`` (what every event of a command holds alike: dataset, tenant)
    written in.
    """

    __slots__ = ("_names", "_text")

    def __init__(self, event: Mapping[str, Any], fixed: Mapping[str, str]) -> None:
        names: list[str] = []

        def hole(found: re.Match[str]) -> str:
            name = found[1]
            if name in fixed:
                return fixed[name].replace("%", "%%")
            names.append(name)
            return "%s"

        self._text = _SLOT.sub(hole, to_json(event).replace("%", "%%"))
        self._names = operator.itemgetter(*names) if len(names) > 1 else lambda values: (values[names[0]],)

    def fill(self, values: Mapping[str, str]) -> str:
        """The event's JSON text, each slot's value (JSON text) from ``values``."""
        return self._text % self._names(values)


export_clock: Callable[[], float] = time.time
"""The export time of ``event.created`` (seconds since the epoch); ``scripts/samples.py`` pins it."""
_CREATED: list[Any] = [None, ""]


def _created() -> str:
    """``event.created``: now, by ``export_clock``, in UTC to the millisecond (formatted once a millisecond)."""
    milliseconds = int(export_clock() * 1000)
    if milliseconds != _CREATED[0]:
        moment = dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC)
        _CREATED[:] = [milliseconds, _q(moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"))]
    return str(_CREATED[1])


_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
"""An address ``user.email`` and OCSF's ``email_t`` both take (``alice@localhost`` and ``Bob <b@x.com>`` are not)."""
_SERVED_ACTOR_TYPES = {"OAUTH2": "human", "API_KEY": "api_key", "PERSONAL_API_KEY": "api_key",
                       "BACKSTAGE": "integration", "ANONYMOUS": "anonymous"}
"""Cortex's ``actorType`` (the audit filters' values) as ``cortex.actor.type``, when a record carries it."""


@functools.lru_cache(maxsize=1024)
def _is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text) is not None


@functools.lru_cache(maxsize=1024)  # a tenant's audit log repeats a few actors
def _actor(actor: str, served: Any) -> tuple[str, str, bool]:
    """The actor's JSON text, its type (``cortex.actor.type``) and whether it is a valid email address.

    The type is ``human``, ``api_key``, ``integration``, ``anonymous`` or ``service``: Cortex's ``actorType``
    (``served``) when the record carries it; else a human when ``actorIdentifier`` is an email address (Cortex
    names a signed-in user by their email), and ``service`` (an API key, an integration or an anonymous
    caller: the record does not say which) when it is not.
    """
    valid = _is_email(actor)
    if type(served) is str and served in _SERVED_ACTOR_TYPES:
        return _q(actor), _SERVED_ACTOR_TYPES[served], valid
    return _q(actor), "human" if valid else "service", valid


_IAM = {"API_KEY": "admin", "PERSONAL_API_KEY": "admin", "TOKEN": "admin", "TEAM": "group"}
"""Object types whose changes are identity and access management in ECS (as Elastic's GitHub and Okta
integrations file API-key and token changes under ``iam``/``admin`` and team changes under ``iam``/``group``)."""
_IAM_VERB = {"CREATE": "creation", "UPDATE": "change", "DELETE": "deletion"}


@functools.lru_cache(maxsize=256)
def _ecs_audit_class(object_type: str, action: str) -> tuple[str, str]:
    """``event.category`` and ``event.type`` (as JSON) of an audit entry."""
    if (iam := _IAM.get(object_type)) is not None:
        verb = _IAM_VERB.get(action)
        return to_json(["iam"]), to_json([iam, verb] if verb else [iam])
    return to_json(["configuration"]), to_json([_ECS_AUDIT_TYPE.get(action, "info")])


def _meta(command: str, tenant: bool, created: bool, original: bool) -> dict[str, Any]:
    event: dict[str, Any] = {"kind": "event", "id": _slot("id"), "dataset": _slot("dataset"), "provider": "cortex",
                             "module": "cortex", **({"created": _slot("created")} if created else {}),
                             **({"original": _slot("original")} if original else {})}
    document: dict[str, Any] = {"@timestamp": _slot("timestamp"), "ecs": {"version": ECS_VERSION}, "event": event}
    if tenant:
        document["organization"] = {"id": _slot("tenant"), "name": _slot("tenant")}
    return document


def _ecs_template(siem: str, actor: str | None, ip: bool, email: bool, reason: bool, message: bool,
                  recipient: bool, tenant: bool, created: bool, original: bool) -> dict[str, Any]:
    """The ECS event of ``siem``'s records, with slots; ``actor``: None, ``"name"`` or ``"email"`` (a valid address)."""
    document = _meta(siem, tenant, created, original)
    event = document["event"]
    cortex: dict[str, Any] = {_slot("key"): _slot("data")}
    if siem == "audit":
        event |= {"category": _slot("category"), "type": _slot("type"), "action": _slot("action"),
                  "outcome": "success"}
        if actor is not None:
            document["user"] = {"name": _slot("actor"), **({"email": _slot("actor")} if actor == "email" else {})}
            document["related"] = {"user": [_slot("actor")], **({"ip": [_slot("ip")]} if ip else {})}
            cortex["actor"] = {"type": _slot("actor_type")}
        if ip:
            document["source"] = {"ip": _slot("ip")}
            document.setdefault("related", {"ip": [_slot("ip")]})
    elif siem in ("notification_log", "notification_run"):
        event |= {"category": ["api", "email"] if email else ["api"], "type": ["info"], "outcome": _slot("outcome"),
                  "action": _slot("action"), **({"reason": _slot("reason")} if reason else {})}
        if message:
            document["message"] = _slot("message")
        if recipient:
            document["related"] = {"user": [_slot("recipient")]}
    document["cortex"] = cortex
    return document


Line = Callable[[RawRecord, str], str]
"""A SIEM format's line of a record, given its event id (``ecs_lines``, ``ocsf_lines``)."""


def _fixed(command: Command, ecs: bool) -> tuple[str, dict[str, str], bool, bool, bool]:
    """What the events of ``command``'s records share, worked out once for all of them.

    The mapping's name (``Presentation.siem``), the values every event holds alike (dataset, its key under
    ``cortex``, tenant), and whether tenant, ``event.created`` (``ecs``: OCSF's events have no export time)
    and the original are set.
    """
    options = command.siem
    presentation = command.presentation
    dataset = presentation.dataset or f"cortex.{command.command}"
    values = {"dataset": _q(dataset), "key": _q(dataset.removeprefix("cortex."))}
    if options.tenant is not None:
        values["tenant"] = _q(options.tenant)
    return presentation.siem, values, options.tenant is not None, options.created and ecs, options.original


@functools.lru_cache(maxsize=256)
def _ecs_status(siem: str, status: Any) -> tuple[str, str]:
    """``event.outcome`` and ``event.action`` (as JSON) of a notification log or run in ``status``."""
    kind = "run" if siem == "notification_run" else "delivery"
    return _q(_outcome(status)), _q(f"notification-{kind}-{str(status).lower()}")


def ecs_lines(command: Command) -> Line:
    """The line of each of ``command``'s records as an ECS event (one line of JSON, given the event id)."""
    siem, fixed, tenant, created, original = _fixed(command, ecs=True)
    time_field = command.time_field
    templates: dict[tuple[Any, ...], _Template] = {}

    def line(record: RawRecord, event_id: str) -> str:
        data = record.data
        when = data.get(time_field) if time_field is not None else None
        values = {"timestamp": _q(_ecs_timestamp(when, data)), "id": _q(event_id), "data": event_copy(record)}
        if created:
            values["created"] = _created()
        if original:
            values["original"] = _q(record.text)
        actor = ip = reason = message = recipient = None
        email = valid = False
        if siem == "audit":
            action = str(data.get("action"))
            values["category"], values["type"] = _ecs_audit_class(str(data.get("objectType")), action)
            values["action"] = _q(action.lower())
            if (actor := _text(data.get("actorIdentifier"))) is not None:
                values["actor"], actor_type, valid = _actor(actor, data.get("actorType"))
                values["actor_type"] = _q(actor_type)
            if (ip := _ip(data.get("ipAddress"))) is not None:
                values["ip"] = _q(ip)
        elif siem in ("notification_log", "notification_run"):
            email = data.get("medium") == "EMAIL"
            values["outcome"], values["action"] = _ecs_status(siem, data.get("status"))
            if reason := _text(data.get("failedReason")) or _text(data.get("ignoredReason")):
                values["reason"] = _q(reason)
            if message := _text(data.get("errorMessage")) or _text(data.get("summary")):
                values["message"] = _q(message)
            if recipient := _text(data.get("recipientEmail")):
                values["recipient"] = _q(recipient)
        shape = (None if actor is None else "email" if valid else "name", ip is not None, email, reason is not None,
                 message is not None, recipient is not None)
        if (template := templates.get(shape)) is None:
            template = templates[shape] = _Template(_ecs_template(siem, *shape, tenant, created, original), fixed)
        return without_surrogates(template.fill(values)) + "\n"

    return line


def ecs_event(command: Command, record: RawRecord, event_id: str) -> dict[str, Any]:
    """The record as an ECS event: its line (``ecs_lines``), parsed."""
    event: dict[str, Any] = json.loads(ecs_lines(command)(record, event_id))
    return event


_ENTITY_TYPE = {"TEAM": (3, "Group")}
"""OCSF's Managed Entity ``type_id`` of an object type; any other is 99 Other, ``type`` the object type."""


@functools.lru_cache(maxsize=256)
def _entity_type(object_type: str) -> tuple[str, str]:
    type_id, _ = _ENTITY_TYPE.get(object_type, (99, object_type))
    return str(type_id), _q(object_type)


def _ocsf_template(siem: str, original_time: bool, actor: str | None, ip: bool, detail: bool, message: bool,
                   correlation: bool, recipient: bool, tenant: bool, original: bool) -> dict[str, Any]:
    """The OCSF event of ``siem``'s records, with slots.

    ``actor``: None, ``"human"`` (``"email"`` with a valid address) or ``"app"`` (API keys, integrations and
    other non-human callers, named in ``actor.app_name`` too); ``correlation``: the record has an id, which
    every state of it shares (``metadata.correlation_uid``).
    """
    metadata: dict[str, Any] = {"version": OCSF_VERSION, "uid": _slot("id"), "log_name": _slot("dataset"),
                                "log_provider": "cortex-logs",
                                "product": {"name": "Cortex", "vendor_name": "Cortex", "version": PRODUCT_VERSION},
                                **({"tenant_uid": _slot("tenant")} if tenant else {}),
                                **({"original_time": _slot("original_time")} if original_time else {}),
                                **({"correlation_uid": _slot("correlation")} if correlation else {})}
    event: dict[str, Any] = {"time": _slot("time"), "metadata": metadata, "severity_id": 1,
                             "severity": "Informational", **({"raw_data": _slot("original")} if original else {}),
                             "unmapped": {"cortex": _slot("data")}}
    observables: list[dict[str, Any]] = []
    if siem == "audit":
        event |= {"class_uid": 3004, "class_name": "Entity Management", "category_uid": 3,
                  "category_name": "Identity & Access Management", "activity_id": _slot("activity_id"),
                  "activity_name": _slot("activity_name"), "type_uid": _slot("type_uid"), "status_id": 1,
                  "status": "Success",
                  "entity": {"name": _slot("entity"), "uid": _slot("entity"), "type": _slot("entity_type"),
                             "type_id": _slot("entity_type_id")}}
        if actor is not None:
            user = {"name": _slot("actor"), "type_id": 1 if actor != "app" else 99,
                    "type": "User" if actor != "app" else _slot("actor_type")}
            if actor == "email":
                user["email_addr"] = _slot("actor")
            event["actor"] = {"user": user, **({"app_name": _slot("actor")} if actor == "app" else {})}
            observables.append({"name": "actor.user.name", "type_id": 4, "type": "User Name", "value": _slot("actor")})
            if actor == "email":
                observables.append({"name": "actor.user.email_addr", "type_id": 5, "type": "Email Address",
                                    "value": _slot("actor")})
        if ip:
            event["src_endpoint"] = {"ip": _slot("ip")}
            observables.append({"name": "src_endpoint.ip", "type_id": 2, "type": "IP Address", "value": _slot("ip")})
    else:
        notification = siem in ("notification_log", "notification_run")
        event |= {"class_uid": 0, "class_name": "Base Event", "category_uid": 0, "category_name": "Uncategorized",
                  "activity_id": 99 if notification else 0,
                  "activity_name": "Notification run" if siem == "notification_run" else "Notification"
                  if notification else "Unknown", "type_uid": 99 if notification else 0}
        if notification:
            event |= {"status_id": _slot("status_id"), "status": _slot("status"), "status_code": _slot("status_code")}
        if detail:
            event["status_detail"] = _slot("detail")
        if message:
            event["message"] = _slot("message")
        if recipient:
            observables.append({"name": "unmapped.cortex.recipientEmail", "type_id": 5, "type": "Email Address",
                                "value": _slot("recipient")})
    if observables:
        event["observables"] = observables
    return event


_OCSF_STATUS = {"success": (1, "Success"), "failure": (2, "Failure")}


@functools.lru_cache(maxsize=256)
def _ocsf_activity(action: str) -> tuple[str, str, str]:
    """``activity_id``, ``activity_name`` and ``type_uid`` (as JSON) of an audit entry's action."""
    activity, name = _OCSF_ACTIVITY.get(action, (99, action))
    return str(activity), _q(name), str(300400 + activity)


@functools.lru_cache(maxsize=256)
def _ocsf_status(status: Any) -> tuple[str, str, str]:
    """``status_id``, ``status`` and ``status_code`` (as JSON) of a notification log or run in ``status``."""
    status_id, name = _OCSF_STATUS.get(_outcome(status), (99, str(status)))
    return str(status_id), _q(name), _q(str(status))


def ocsf_lines(command: Command) -> Line:
    """The line of each of ``command``'s records as an OCSF event (one line of JSON, given the event id).

    Audit entries are Entity Management events, the rest Base Events (the module's docstring says why).
    """
    siem, fixed, tenant, _, original = _fixed(command, ecs=False)
    time_field, id_wire = command.time_field, command.id_wire or "id"
    templates: dict[tuple[Any, ...], _Template] = {}

    def line(record: RawRecord, event_id: str) -> str:
        data = record.data
        when = data.get(time_field) if time_field is not None else None
        values = {"time": str(int(_moment(when, data).timestamp() * 1000)), "id": _q(event_id), "data": event_copy(record)}
        if original:
            values["original"] = _q(record.text)
        if original_time := type(when) is str:
            values["original_time"] = _q(when)
        actor = ip = detail = message = recipient = None
        actor_kind = None
        valid = False
        if siem == "audit":
            values["activity_id"], values["activity_name"], values["type_uid"] = _ocsf_activity(str(data.get("action")))
            values["entity_type_id"], values["entity_type"] = _entity_type(str(data.get("objectType")))
            values["entity"] = _q(str(data.get("objectIdentifier")))
            if actor := _text(data.get("actorIdentifier")):
                values["actor"], actor_type, valid = _actor(actor, data.get("actorType"))
                if actor_type == "human":
                    actor_kind = "email" if valid else "human"
                else:
                    actor_kind = "app"
                    values["actor_type"] = _ACTOR_TYPE_NAMES[actor_type]
            if (ip := _ip(data.get("ipAddress"))) is not None:
                values["ip"] = _q(ip)
        elif siem in ("notification_log", "notification_run"):
            if (record_id := data.get("id")) is not None:
                values["correlation"] = _q(str(record_id))  # the record's own id: every state of it shares it
            values["status_id"], values["status"], values["status_code"] = _ocsf_status(data.get("status"))
            if detail := _text(data.get("failedReason")) or _text(data.get("ignoredReason")):
                values["detail"] = _q(detail)
            if message := _text(data.get("errorMessage")) or _text(data.get("summary")):
                values["message"] = _q(message)
            if (recipient := _text(data.get("recipientEmail"))) is not None and _is_email(recipient):
                values["recipient"] = _q(recipient)
            else:
                recipient = None
        elif (record_id := data.get(id_wire)) is not None:
            values["correlation"] = _q(str(record_id))
        shape = (original_time, actor_kind, ip is not None, detail is not None, message is not None,
                 "correlation" in values, recipient is not None)
        if (template := templates.get(shape)) is None:
            template = templates[shape] = _Template(_ocsf_template(siem, *shape, tenant, original), fixed)
        return without_surrogates(template.fill(values)) + "\n"

    return line


_ACTOR_TYPE_NAMES = {"api_key": _q("API key"), "integration": _q("Integration"), "anonymous": _q("Anonymous"),
                     "service": _q("Service")}
"""OCSF ``actor.user.type`` (``type_id`` 99 Other) of a non-human actor, as JSON."""


def ocsf_event(command: Command, record: RawRecord, event_id: str) -> dict[str, Any]:
    """The record as an OCSF event: its line (``ocsf_lines``), parsed."""
    event: dict[str, Any] = json.loads(ocsf_lines(command)(record, event_id))
    return event


MAPPINGS: dict[str, Callable[[Command], Line]] = {"ecs": ecs_lines, "ocsf": ocsf_lines}
"""The lines of each SIEM format, for a command's records."""
