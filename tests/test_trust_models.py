"""Issue 10, items 4 (models) and 8: offset-less timestamps are UTC; the unknown-enum registry is bounded."""

from __future__ import annotations

import datetime as dt
import sys
import time
import warnings
from collections.abc import Callable, Iterator

import pytest
from cortex_api_client.models import AuditLogResponse, NotificationLog
from cortex_api_client.types import UNKNOWN_ENUM_VALUES

from cortex_wrapper import UnknownEnumValueWarning
from cortex_wrapper._enums import report_unknown_enums, warn_unknown


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the process's local time zone for one test; the machine's comes back after it."""

    def use(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("tz", ["America/Los_Angeles", "Asia/Kolkata"])
def test_offset_less_timestamp_parses_as_utc(local_zone: Callable[[str], None], tz: str) -> None:
    local_zone(tz)
    assert time.localtime(0).tm_gmtoff != 0  # the zone really is not UTC
    entry = AuditLogResponse.from_dict(
        {"action": "READ", "objectIdentifier": "svc", "objectType": "SERVICE", "timestamp": "2025-05-01T10:00:00"}
    )
    assert entry.timestamp == dt.datetime(2025, 5, 1, 10, tzinfo=dt.UTC)
    assert entry.timestamp.utcoffset() == dt.timedelta(0)
    # mixing Z and offset-less records compares without TypeError
    other = AuditLogResponse.from_dict(
        {"action": "READ", "objectIdentifier": "svc", "objectType": "SERVICE", "timestamp": "2025-05-01T10:00:01Z"}
    )
    assert entry.timestamp < other.timestamp


def test_an_explicit_offset_is_kept() -> None:
    log = NotificationLog.from_dict({"id": 1, "medium": "SLACK", "recipientType": "USER", "runId": 2,
                                     "status": "FAILED", "type": "WEEKLY_REPORT",
                                     "dateCreated": "2025-05-01T10:00:00-05:00"})
    assert log.date_created == dt.datetime(2025, 5, 1, 15, tzinfo=dt.UTC)
    assert isinstance(log.date_created, dt.datetime)  # narrows `datetime | Unset`; implied by the line above
    assert log.date_created.utcoffset() == dt.timedelta(hours=-5)


@pytest.mark.slow
def test_unknown_enum_registry_is_bounded_and_summarised() -> None:
    values = [f"free text {i} " + "x" * 1000 for i in range(10_000)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for value in values:
            AuditLogResponse.from_dict(
                {"action": value, "objectIdentifier": "o", "objectType": "T", "timestamp": "2025-05-01T10:00:00Z"}
            )
            warn_unknown(report_unknown_enums("getAuditLogs"))
    limit = UNKNOWN_ENUM_VALUES.limit
    kept, overflow = UNKNOWN_ENUM_VALUES.snapshot()
    assert len(kept["AuditAction"]) == limit
    assert overflow["AuditAction"] == len(values) - limit
    assert all(len(str(v)) <= UNKNOWN_ENUM_VALUES.max_chars + 3 for v in kept["AuditAction"])
    drift = [w for w in caught if issubclass(w.category, UnknownEnumValueWarning)]
    assert len(drift) == limit + 1  # one per kept value, then one summary
    assert "more than" in str(drift[-1].message)
    # the registry's memory does not grow with the number of distinct values
    assert sys.getsizeof(kept["AuditAction"]) < 4096


def test_an_absent_field_prints_as_unset() -> None:
    run = NotificationLog.from_dict({"id": 1, "medium": "SLACK", "recipientType": "USER", "runId": 2,
                                     "status": "FAILED", "type": "WEEKLY_REPORT"})
    text = repr(run)
    assert "failed_reason=UNSET" in text and "object at 0x" not in text
