"""The lifecycle of notification logs and runs: which states are final, and the records not yet settled.

A notification log is created ``READY`` and later becomes ``DELIVERED``, ``FAILED`` or ``IGNORED``; a run is
created ``CREATED`` and later becomes ``COMPLETED``, ``COMPLETED_WITH_ERRORS``, ``FAILED`` or ``IGNORED``. Audit
entries never change. An incremental export identifies a *state* of a record by its id and its ``status``
(``state_key``): a new ``status`` is a new state, exported once; a move of ``dateUpdated`` alone is not (the
status is what a SIEM alerts on, its values are few and known, and it says when a record is final, which
``dateUpdated`` cannot).

The records exported in a state that is not final are kept (``Unsettled``: id, ``dateCreated``, status) until
they are read in another state or the settle window passes. Re-reading them costs one query
(``resettle_filters``): the API filters by neither id nor ``dateUpdated``, so the query asks for the span from the
oldest unsettled record's ``dateCreated`` to the start of the late-arrival window, in the final statuses only:
the records still unsettled are not sent at all, so an idle poll with N unsettled records costs one request
more than with none, whatever N, while the span holds at most a page of records settled in it.

A filter that can hide a record's unsettled state (``statuses`` without ``READY``/``CREATED``, a failed or ignored
reason, a search, a run's ``deliveredOnly``) means the record is first seen when it settles, whatever its
``dateCreated``: such an export re-reads the whole settle window (``hides_unsettled``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from cortex_api_client.types import parse_datetime

DEFAULT_SETTLE_SECONDS = 86_400.0
"""How long a record may stay unsettled and still be re-read (24 h): Cortex delivers a notification within
minutes, and retries a failing channel for hours at most; a record not final a day after it was created is not
going to settle (its last state was exported)."""
MAX_UNSETTLED = 200_000
"""The most unsettled records a checkpoint keeps (the oldest are dropped beyond it): bounds its size."""

_FINAL: dict[str, frozenset[str]] = {
    "listNotificationLogs": frozenset({"DELIVERED", "FAILED", "IGNORED"}),
    "listNotificationRuns": frozenset({"COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "IGNORED"}),
}
_CREATED: dict[str, str] = {"listNotificationLogs": "READY", "listNotificationRuns": "CREATED"}
_HIDING = ("failed_reasons", "ignored_reasons", "search_query")


def has_lifecycle(operation_id: str) -> bool:
    """True for the operations whose records change after they are created (notification logs and runs)."""
    return operation_id in _FINAL


def final_statuses(operation_id: str) -> frozenset[str]:
    """The statuses a record of ``operation_id`` never leaves (empty for audit entries, which have none)."""
    return _FINAL.get(operation_id, frozenset())


def status_of(data: Mapping[str, Any]) -> str | None:
    """The record's ``status`` as sent, None when it has none (audit entries, odd records)."""
    status = data.get("status")
    return status if isinstance(status, str) else None


def is_final(operation_id: str, status: str | None) -> bool:
    """Whether ``status`` is final for ``operation_id``; audit entries and records without a status are final."""
    if not has_lifecycle(operation_id) or status is None:
        return True
    return status in _FINAL[operation_id]


def state_key(identity: str, status: str | None) -> str:
    """The identity of one state of a record: ``id:7`` and ``FAILED`` make ``id:7:FAILED``; no status, as is."""
    return identity if status is None else f"{identity}:{status}"


def base_identity(key: str) -> str:
    """The record's identity in a ``state_key`` (``id:7:FAILED`` -> ``id:7``); other identities as they are."""
    if key.startswith("id:") and key.count(":") >= 2:
        return key.rsplit(":", 1)[0]
    return key


def state_of(key: str) -> str | None:
    """The status in a ``state_key`` (``id:7:FAILED`` -> ``FAILED``), None when it holds none."""
    return key.rsplit(":", 1)[1] if base_identity(key) != key else None


def _values(value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    return [str(getattr(item, "value", item)) for item in items]


def hides_unsettled(operation_id: str, filters: Mapping[str, Any]) -> bool:
    """True when ``filters`` may hide a record while it is unsettled (so it is first seen when it settles)."""
    if not has_lifecycle(operation_id):
        return False
    statuses = filters.get("statuses")
    if statuses is not None and _CREATED[operation_id] not in _values(statuses):
        return True
    if any(filters.get(name) for name in _HIDING):
        return True
    return operation_id == "listNotificationRuns" and filters.get("delivered_only") is not False


def resettle_filters(operation_id: str, filters: Mapping[str, Any]) -> dict[str, Any] | None:
    """``filters`` narrowed to the final statuses (those the user's ``statuses`` allow); None when none is left."""
    allowed = final_statuses(operation_id)
    given = filters.get("statuses")
    if given is not None:
        allowed = allowed & set(_values(given))
    if not allowed:
        return None
    return {**filters, "statuses": sorted(allowed)}


def read_moment(text: str) -> dt.datetime:
    """A time a checkpoint wrote (``isoformat``): ``fromisoformat`` reads it, many times faster than the general parser."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return parse_datetime(text)


class Unsettled:
    """The records exported in a state that is not final: identity -> (``dateCreated``, status exported).

    Bounded: ``expire`` drops those created before the settle window, and past ``MAX_UNSETTLED`` the oldest go.
    """

    def __init__(self, entries: Mapping[str, tuple[dt.datetime, str]] | None = None,
                 written: list[list[str]] | None = None) -> None:
        self.entries: dict[str, tuple[dt.datetime, str]] = dict(entries or {})
        self._json = written  # ``to_json``'s result while nothing changed (an idle poll renders nothing)

    def __len__(self) -> int:
        return len(self.entries)

    def copy(self) -> Unsettled:
        """An independent copy."""
        return Unsettled(self.entries, self._json)

    def status(self, identity: str) -> str | None:
        """The status exported for ``identity`` while unsettled, None when it is not unsettled."""
        entry = self.entries.get(identity)
        return entry[1] if entry is not None else None

    def note(self, operation_id: str, identity: str, created: dt.datetime, status: str | None) -> None:
        """The record was exported in ``status``: keep it while that is not final, forget it once it is."""
        if is_final(operation_id, status):
            if self.entries.pop(identity, None) is not None:
                self._json = None
            return
        assert status is not None
        if self.entries.get(identity) == (created, status):
            return
        self._json = None
        self.entries[identity] = (created, status)
        if len(self.entries) > MAX_UNSETTLED:
            del self.entries[min(self.entries, key=lambda key: self.entries[key][0])]

    def expire(self, horizon: dt.datetime) -> int:
        """Forget the records created before ``horizon`` (past the settle window); how many were forgotten."""
        before = len(self.entries)
        self.entries = {key: entry for key, entry in self.entries.items() if entry[0] >= horizon}
        if len(self.entries) != before:
            self._json = None
        return before - len(self.entries)

    def oldest(self) -> dt.datetime | None:
        """The ``dateCreated`` of the oldest unsettled record, None when there is none."""
        return min((created for created, _ in self.entries.values()), default=None)

    def to_json(self) -> list[list[str]]:
        """``[[identity, dateCreated, status], ...]``, sorted (the caller must not change it)."""
        if self._json is None:
            self._json = sorted([key, created.isoformat(), status] for key, (created, status) in self.entries.items())
        return self._json

    @classmethod
    def from_json(cls, data: Any) -> Unsettled:
        """Read ``to_json``'s form; ``ValueError`` when it is not."""
        if not isinstance(data, list):
            raise ValueError("unsettled is not a list")
        entries: dict[str, tuple[dt.datetime, str]] = {}
        for entry in data:
            if type(entry) is not list or len(entry) != 3:
                raise ValueError("unsettled holds a bad entry")
            key, created, status = entry
            if type(key) is not str or type(created) is not str or type(status) is not str:
                raise ValueError("unsettled holds a bad entry")
            entries[key] = (read_moment(created), status)
        return cls(entries, data if data == sorted(data) else None)
