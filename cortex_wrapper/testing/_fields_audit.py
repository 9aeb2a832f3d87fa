"""Field recipes of synthetic audit log entries.

Besides the ``AuditLogResponse`` fields, each entry carries the internal attributes the audit
filters look at and the API never serves: ``actorType``, ``actorRequestType``, ``actorEmail`` and
``actorApiKeyIdentifier``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ._pools import API_KEYS, OBJECT_TYPES, Weighted, object_identifier, person
from ._util import format_ts

if TYPE_CHECKING:
    from ._synthetic import Draws

UNKNOWN_ACTION = "ARCHIVE"
_ACTOR_TYPES = Weighted({"OAUTH2": 60, "API_KEY": 18, "PERSONAL_API_KEY": 10, "BACKSTAGE": 6, "ANONYMOUS": 6})
_ACTIONS = Weighted({"READ": 40, "UPDATE": 30, "CREATE": 20, "DELETE": 10})
_ANONYMOUS_REQUESTS = Weighted({"ATLASSIAN_WEBHOOK": 2, "SLACK_COMMAND": 2, "SCORECARD_BADGES": 1})
_ANONYMOUS_ACTORS = {
    "ATLASSIAN_WEBHOOK": ("jira-webhook", "185.166.143"),
    "SLACK_COMMAND": ("slack:/cortex", "54.164.12"),
    "SCORECARD_BADGES": ("scorecard-badge", "198.51.100"),
}
_OBJECT_TYPES = Weighted(OBJECT_TYPES)
_KEY_TYPES = ("API_KEY", "PERSONAL_API_KEY")


def _persona(d: Draws) -> int:
    return d.u(2) % 40


def _request_type(d: Draws) -> str | None:
    actor_type = d.text("actorType")
    if actor_type in _KEY_TYPES:
        return "API_KEY_ENTITY"
    if actor_type == "ANONYMOUS":
        return _ANONYMOUS_REQUESTS.pick(d.u(3))
    return None


def _email(d: Draws) -> str | None:
    if d.text("actorType") in ("OAUTH2", "PERSONAL_API_KEY"):
        return person(d.number("_persona"))[1]
    return None


def _api_key(d: Draws) -> str | None:
    actor_type = d.text("actorType")
    if actor_type == "API_KEY":
        return API_KEYS[d.number("_persona") % len(API_KEYS)]
    if actor_type == "PERSONAL_API_KEY":
        return f"pat-{person(d.number('_persona'))[1].split('@')[0]}"
    return None


def _identifier(d: Draws) -> str:
    actor_type = d.text("actorType")
    if actor_type == "BACKSTAGE":
        return "backstage-plugin"
    if actor_type == "ANONYMOUS":
        return _ANONYMOUS_ACTORS[d.text("actorRequestType")][0]
    return str(d.get("actorApiKeyIdentifier") or d.get("actorEmail"))


def _ip(d: Draws) -> str:
    actor_type, persona = d.text("actorType"), d.number("_persona")
    if actor_type == "OAUTH2":
        return f"203.0.113.{10 + persona}"
    if actor_type == "BACKSTAGE":
        return "10.0.5.17"
    if actor_type == "ANONYMOUS":
        return f"{_ANONYMOUS_ACTORS[d.text('actorRequestType')][1]}.{d.u(7) % 50 + 1}"
    return f"10.20.{persona % 8}.{(persona * 37) % 250 + 2}"


def _action(d: Draws) -> str:
    if d.frac(99) < d.gen.unknown_enum_rate:
        return UNKNOWN_ACTION
    return _ACTIONS.pick(d.u(4))


FIELDS: Mapping[str, Callable[[Draws], object]] = {
    "timestamp": lambda d: format_ts(d.ts),
    "action": _action,
    "objectType": lambda d: _OBJECT_TYPES.pick(d.u(5)),
    "objectIdentifier": lambda d: object_identifier(d.text("objectType"), d.u(6)),
    "actorIdentifier": _identifier,
    "ipAddress": _ip,
    "actorType": lambda d: _ACTOR_TYPES.pick(d.u(1)),
    "actorRequestType": _request_type,
    "actorEmail": _email,
    "actorApiKeyIdentifier": _api_key,
    "_persona": _persona,
}
