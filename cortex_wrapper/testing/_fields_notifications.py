"""Field recipes of synthetic notification runs and notification logs.

Statuses and reasons are consistent: a FAILED record has a ``failedReason`` and an
``errorMessage``, an IGNORED one an ``ignoredReason``; only completed runs delivered anything.
With a lifecycle, ``status`` is the final status, ``_settle`` the moment (µs) the record reaches it (None for a
record whose final status is the created one: it never settles), and ``dateUpdated`` (and a delivered log's
``dateDelivered``) that moment; without one, the fields keep their fixed recipes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, cast

from cortex_api_client.operations import ENUM_SITES

from ._lifecycle import final
from ._pools import API_KEYS, INITIATIVES, SCORECARDS, SERVICES, TEAMS, Weighted, person
from ._util import format_ts, splitmix

if TYPE_CHECKING:
    from ._synthetic import Draws, NotificationLogs

UNKNOWN_MEDIUM = "CARRIER_PIGEON"
APP_URL = "https://app.getcortexapp.com"
_COMMON_TYPES = {
    "WEEKLY_REPORT": 30, "SERVICE_REEVALUATED": 25, "INITIATIVE_N_DAYS_LEFT": 12, "ENTITY_SCORE_DROPPED": 10,
    "ONCALL_PERSON_CHANGED": 8, "ONCALL_STARTS_IN_N_DAYS": 6, "INITIATIVE_CREATION": 4, "TOKEN_EXPIRES_IN_N_DAYS": 3,
}  # fmt: skip
_TYPES = Weighted({v: _COMMON_TYPES.get(v, 1) for v in ENUM_SITES["NotificationRun.notificationType"].values})
_MEDIUMS = Weighted({"SLACK": 50, "EMAIL": 30, "MICROSOFT_TEAMS": 15, "WEBHOOK": 5})
_RUN_STATUSES = Weighted({"COMPLETED": 70, "COMPLETED_WITH_ERRORS": 8, "IGNORED": 10, "FAILED": 7, "CREATED": 5})
_RUN_FAILED = Weighted({"PACKET_GENERATOR_ERROR": 3, "CONTEXT_RESOLUTION_ERROR": 3, "INTERNAL_ERROR": 2,
                        "MISSING_RECIPIENTS": 4})  # fmt: skip
_RUN_IGNORED = Weighted({"SCORECARD_DISABLED": 3, "WORKSPACE_DISABLED": 1, "NO_RECIPIENTS": 4})
_LOG_STATUSES = Weighted({"DELIVERED": 76, "IGNORED": 12, "FAILED": 8, "READY": 4})
_LOG_FAILED = {
    "SLACK": Weighted({"CHANNEL_NOT_FOUND": 5, "CLIENT_ERROR": 2, "MISSING_CONTENT": 1}),
    "MICROSOFT_TEAMS": Weighted({"CHANNEL_NOT_FOUND": 3, "NO_SEATS_LEFT": 2, "CLIENT_ERROR": 2}),
    "EMAIL": Weighted({"MEMBER_EMAILS_NOT_FOUND": 5, "CLIENT_ERROR": 1, "BACKSTAGE_BASE_URL_MISSING": 1}),
}
_WEBHOOK_FAILED = Weighted({"CLIENT_ERROR": 1})
_LOG_IGNORED_USER = Weighted({"USER_UNSUBSCRIBED": 5, "DUPLICATE": 2, "CORTEX_EMPLOYEE": 1,
                              "NON_CORTEX_USERS_DISABLED": 1, "WORKSPACE_DISABLED": 1})  # fmt: skip
_LOG_IGNORED_CHANNEL = Weighted({"CHANNEL_DISABLED": 4, "DUPLICATE": 2, "WORKSPACE_DISABLED": 1})
_ERRORS = {
    "CHANNEL_NOT_FOUND": "channel_not_found: the channel was archived or the Cortex app was removed from it",
    "MEMBER_EMAILS_NOT_FOUND": "No workspace member matches the recipient email",
    "MISSING_CONTENT": "Notification packet rendered to an empty message",
    "CLIENT_ERROR": "Upstream returned HTTP 400: invalid_blocks",
    "BACKSTAGE_BASE_URL_MISSING": "Backstage base URL is not configured",
    "NO_SEATS_LEFT": "Microsoft Teams tenant has no seats left for the Cortex bot",
    "PACKET_GENERATOR_ERROR": "Failed to generate notification packets",
    "CONTEXT_RESOLUTION_ERROR": "Could not resolve the scorecard context for this run",
    "INTERNAL_ERROR": "Unexpected internal error; the run will be retried",
    "MISSING_RECIPIENTS": "No recipients resolved for this notification",
}


def _medium(d: Draws) -> str:
    if d.frac(99) < d.gen.unknown_enum_rate:
        return UNKNOWN_MEDIUM
    return _MEDIUMS.pick(d.u(2))


def _team(d: Draws) -> str:
    return TEAMS[d.u(13) % len(TEAMS)]


@functools.lru_cache(maxsize=4096)  # its texts come from small pools (services, scorecards, people)
def _text_hash(text: str) -> int:
    value = 0
    for char in text:
        value = splitmix(value ^ ord(char))
    return value


def _slug_id(text: str, base: int) -> int:
    return base + _text_hash(text) % 900


def _entity(service: str) -> dict[str, object]:
    cid = f"en{_text_hash(service):016x}"
    return {"id": _slug_id(service, 5000), "name": service.replace("-", " ").title(), "tag": service,
            "cid": cid, "type": "ENTITY", "url": f"{APP_URL}/admin/service/{service}"}  # fmt: skip


def _scorecard(tag: str) -> dict[str, object]:
    ident = _slug_id(tag, 300)
    return {"id": ident, "name": tag.replace("-", " ").title(), "tag": tag, "type": "SCORECARD",
            "url": f"{APP_URL}/admin/scorecards/{ident}"}  # fmt: skip


def _initiative(name: str) -> dict[str, object]:
    ident = _slug_id(name, 700)
    return {"id": ident, "name": name, "type": "INITIATIVE", "url": f"{APP_URL}/admin/initiatives/{ident}"}


def _subject(d: Draws) -> tuple[str, str, str, str]:
    return (SERVICES[d.u(20) % len(SERVICES)], SCORECARDS[d.u(21) % len(SCORECARDS)],
            INITIATIVES[d.u(22) % len(INITIATIVES)], person(d.u(23) % 40)[0])  # fmt: skip


def _summary(d: Draws) -> str:
    kind, team, days = d.text("notificationType"), d.text("_team").title(), d.u(24) % 30 + 1
    service, scorecard, initiative, name = _subject(d)
    templates = {
        "WEEKLY_REPORT": f"Weekly report for the {team} team",
        "INITIATIVE_CREATION": f"New initiative '{initiative}' created",
        "INITIATIVE_N_DAYS_LEFT": f"Initiative '{initiative}' ends in {days} days",
        "INITIATIVE_CUSTOM_SCHEDULE": f"Scheduled reminder for initiative '{initiative}'",
        "SERVICE_REEVALUATED": f"{service} re-evaluated against {scorecard}",
        "ENTITY_SCORE_DROPPED": f"{service} score dropped on {scorecard}",
        "ONCALL_PERSON_CHANGED": f"On-call for {team} changed to {name}",
        "ONCALL_STARTS_IN_N_DAYS": f"{name} starts on-call for {team} in {days} days",
        "TOKEN_EXPIRES_IN_N_DAYS": f"API key '{API_KEYS[d.u(25) % len(API_KEYS)]}' expires in {days} days",
    }
    return templates.get(kind, f"{kind.replace('_', ' ').capitalize()} for the {team} team")


def _objects(d: Draws) -> list[dict[str, object]]:
    kind = d.text("notificationType")
    service, scorecard, initiative, _ = _subject(d)
    if kind.startswith("INITIATIVE"):
        return [_initiative(initiative), _scorecard(scorecard)]
    if kind in ("SERVICE_REEVALUATED", "ENTITY_SCORE_DROPPED"):
        return [_entity(service), _scorecard(scorecard)]
    if "SCORECARD" in kind:
        return [_scorecard(scorecard)]
    return [_entity(service)] if d.u(26) % 2 else []


def _settle(d: Draws) -> int | None:
    lifecycle = d.gen.lifecycle
    if lifecycle is None or not final(d.gen.kind, d.get("status")):
        return None
    return d.ts + lifecycle.delay_us(d.frac(41), d.frac(42))


def _updated(d: Draws, salt: int, spread: int) -> str:
    if d.gen.lifecycle is None:
        return format_ts(d.ts + (1 + d.u(salt) % spread) * 1_000_000)
    settle = d.get("_settle")
    return format_ts(settle if isinstance(settle, int) else d.ts)


def _date_delivered(d: Draws) -> str | None:
    if d.get("status") != "DELIVERED":
        return None
    if d.gen.lifecycle is None:
        return format_ts(d.ts + (1 + d.u(19) % 30) * 1_000_000)
    settle = d.get("_settle")
    return format_ts(settle if isinstance(settle, int) else d.ts)


def _delivered(d: Draws) -> int:
    status = d.text("status")
    if status == "COMPLETED":
        return 1 + d.u(5) % 120
    return 1 + d.u(5) % 40 if status == "COMPLETED_WITH_ERRORS" else 0


def _seq_no(d: Draws) -> int:
    return 1 + d.u(8) % 2 if d.ident > 1 and d.frac(7) < 0.08 else 0


RUN_FIELDS: Mapping[str, Callable[[Draws], object]] = {
    "id": lambda d: d.ident,
    "seqNo": _seq_no,
    "originalRunId": lambda d: max(1, d.ident - 1 - d.u(9) % 20) if d.number("seqNo") else None,
    "notificationType": lambda d: _TYPES.pick(d.u(1)),
    "medium": _medium,
    "status": lambda d: _RUN_STATUSES.pick(d.u(3)),
    "deliveredCount": _delivered,
    "failedReason": lambda d: _RUN_FAILED.pick(d.u(4)) if d.get("status") == "FAILED" else None,
    "ignoredReason": lambda d: _RUN_IGNORED.pick(d.u(4)) if d.get("status") == "IGNORED" else None,
    "errorMessage": lambda d: _ERRORS[d.text("failedReason")] if d.get("failedReason") else None,
    "summary": _summary,
    "dateCreated": lambda d: format_ts(d.ts),
    "dateUpdated": lambda d: _updated(d, 10, 90),
    "notificationObjects": _objects,
    "_team": _team,
    "_settle": _settle,
}


def _run(d: Draws) -> Draws:
    return cast("NotificationLogs", d.gen).run_draws(d.i)


def _log_medium(d: Draws) -> str:
    return UNKNOWN_MEDIUM if d.frac(99) < d.gen.unknown_enum_rate else _run(d).text("medium")


def _recipient_type(d: Draws) -> str:
    medium, draw = d.text("medium"), d.u(11) % 100
    if medium == "WEBHOOK":
        return "ENTITY"
    if medium == "EMAIL":
        return "USER" if draw < 85 else "TEAM"
    return "USER" if draw < 50 else "TEAM" if draw < 85 else "ENTITY"


def _channel(d: Draws) -> str | None:
    if d.text("medium") not in ("SLACK", "MICROSOFT_TEAMS") or d.get("recipientType") == "USER":
        return None
    return f"#{('alerts', 'team', 'eng')[d.u(14) % 3]}-{d.text('_team')}"


def _email(d: Draws) -> str | None:
    kind = d.text("recipientType")
    if kind == "USER":
        return person(d.u(12) % 40)[1]
    return f"team-{d.text('_team')}@acme-corp.com" if kind == "TEAM" and d.get("medium") == "EMAIL" else None


def _failed(d: Draws) -> str | None:
    if d.get("status") != "FAILED":
        return None
    return _LOG_FAILED.get(d.text("medium"), _WEBHOOK_FAILED).pick(d.u(15))


def _ignored(d: Draws) -> str | None:
    if d.get("status") != "IGNORED":
        return None
    if d.get("medium") == "WEBHOOK":
        return "UNSUPPORTED"
    table = _LOG_IGNORED_USER if d.get("recipientType") == "USER" else _LOG_IGNORED_CHANNEL
    return table.pick(d.u(16))


LOG_FIELDS: Mapping[str, Callable[[Draws], object]] = {
    "id": lambda d: d.ident,
    "runId": lambda d: _run(d).ident,
    "type": lambda d: _run(d).text("notificationType"),
    "medium": _log_medium,
    "recipientType": _recipient_type,
    "recipientEmail": _email,
    "recipientUserId": lambda d: 1000 + d.u(12) % 40 if d.get("recipientType") == "USER" else None,
    "recipientChannel": _channel,
    "recipientEntityId": lambda d: 5000 + d.u(17) % 300 if d.get("recipientType") == "ENTITY" else None,
    "status": lambda d: _LOG_STATUSES.pick(d.u(3)),
    "failedReason": _failed,
    "ignoredReason": _ignored,
    "errorMessage": lambda d: _ERRORS[d.text("failedReason")] if d.get("failedReason") else None,
    "dateCreated": lambda d: format_ts(d.ts),
    "dateUpdated": lambda d: _updated(d, 18, 60),
    "dateDelivered": _date_delivered,
    "_team": _team,
    "_settle": _settle,
}
