"""listNotificationLogs: every filter server-side, orderBy ASC/DESC, dateCreated window, realistic generation."""

from __future__ import annotations

from typing import Any

import pytest

from cortex_wrapper.testing import generate_records

RECORDS: list[dict[str, Any]] = [
    {"id": 1, "runId": 10, "type": "WEEKLY_REPORT", "medium": "SLACK", "recipientType": "TEAM",
     "recipientChannel": "#alerts-payments", "status": "DELIVERED", "dateCreated": "2025-03-01T08:00:00Z",
     "dateDelivered": "2025-03-01T08:00:03Z"},
    {"id": 2, "runId": 10, "type": "WEEKLY_REPORT", "medium": "EMAIL", "recipientType": "USER",
     "recipientEmail": "ana@acme.com", "recipientUserId": 7, "status": "FAILED",
     "failedReason": "MEMBER_EMAILS_NOT_FOUND", "errorMessage": "no such member", "dateCreated": "2025-03-02T08:00:00Z"},
    {"id": 3, "runId": 11, "type": "SERVICE_REEVALUATED", "medium": "MICROSOFT_TEAMS", "recipientType": "ENTITY",
     "recipientEntityId": 5001, "recipientChannel": "#team-sre", "status": "IGNORED",
     "ignoredReason": "CHANNEL_DISABLED", "dateCreated": "2025-03-03T08:00:00.250Z"},
    {"id": 4, "runId": 12, "type": "ONCALL_PERSON_CHANGED", "medium": "WEBHOOK", "recipientType": "ENTITY",
     "recipientEntityId": 5002, "status": "READY", "dateCreated": "2025-03-04T08:00:00Z"},
]  # fmt: skip


def ids(records: list[dict[str, Any]]) -> list[int]:
    return [record["id"] for record in records]


@pytest.mark.parametrize(
    ("param", "values", "expected"),
    [
        ("notificationRunIds", ["10", "12"], {1, 2, 4}),
        ("notificationTypes", ["WEEKLY_REPORT"], {1, 2}),
        ("notificationTypes", ["EXPORT_COMPLETED"], set()),
        ("statuses", ["FAILED", "IGNORED"], {2, 3}),
        ("recipientTypes", ["ENTITY"], {3, 4}),
        ("recipientEmails", ["ana@acme.com"], {2}),
        ("recipientEntityIds", ["5002", "9999"], {4}),
        ("recipientChannels", ["#alerts-payments", "#team-sre"], {1, 3}),
        ("mediums", ["SLACK", "WEBHOOK"], {1, 4}),
        ("ignoredReasons", ["CHANNEL_DISABLED"], {3}),
        ("failedReasons", ["MEMBER_EMAILS_NOT_FOUND", "CLIENT_ERROR"], {2}),
    ],
)
def test_each_filter_repeated_and_comma_joined(api: Any, param: str, values: list[str], expected: set[int]) -> None:
    client = api(notification_logs=RECORDS)
    repeated = client.records("notification_logs", {param: values})
    joined = client.records("notification_logs", {param: ",".join(values)})
    assert set(ids(repeated)) == expected
    assert ids(joined) == ids(repeated)


def test_order_by_defaults_to_desc(api: Any) -> None:
    client = api(notification_logs=RECORDS)
    assert ids(client.records("notification_logs")) == [4, 3, 2, 1]
    assert ids(client.records("notification_logs", {"orderBy": "DESC"})) == [4, 3, 2, 1]
    assert ids(client.records("notification_logs", {"orderBy": "ASC"})) == [1, 2, 3, 4]


def test_asc_pagination(api: Any) -> None:
    client = api(notification_logs=RECORDS)
    pages = [client.page("notification_logs", {"orderBy": "ASC", "page": p, "pageSize": 3}) for p in (0, 1)]
    assert [ids(p["logs"]) for p in pages] == [[1, 2, 3], [4]]
    assert [(p["page"], p["total"], p["totalPages"]) for p in pages] == [(0, 4, 2), (1, 4, 2)]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ({"fromDate": "2025-03-02T08:00:00", "untilDate": "2025-03-03T08:00:00.250"}, [3, 2]),
        ({"fromDate": "2025-03-02T09:00:00+01:00"}, [4, 3, 2]),
        ({"untilDate": "2025-03-03T08:00:00.249999Z"}, [2, 1]),
        ({"fromDate": "2025-03-05T00:00:00Z", "untilDate": "2025-03-06T00:00:00Z"}, []),
    ],
)
def test_date_created_window_is_inclusive(api: Any, window: dict[str, str], expected: list[int]) -> None:
    assert ids(api(notification_logs=RECORDS).records("notification_logs", window)) == expected


SYNTHETIC_FILTERS = {
    "notificationRunIds": "runId",
    "notificationTypes": "type",
    "statuses": "status",
    "recipientTypes": "recipientType",
    "recipientEmails": "recipientEmail",
    "recipientEntityIds": "recipientEntityId",
    "recipientChannels": "recipientChannel",
    "mediums": "medium",
    "ignoredReasons": "ignoredReason",
    "failedReasons": "failedReason",
}


@pytest.mark.parametrize("param", sorted(SYNTHETIC_FILTERS))
@pytest.mark.slow
def test_filters_on_synthetic_data_match_the_generator(api: Any, param: str) -> None:
    generated = generate_records("notification_logs", 800, seed=4, run_count=200)
    attribute = SYNTHETIC_FILTERS[param]
    values = sorted({str(r[attribute]) for r in generated if attribute in r})[:2]
    expected = [r["id"] for r in generated if str(r.get(attribute)) in values]
    client = api(seed=4, notification_log_count=800, notification_run_count=200)
    served = client.records("notification_logs", {param: values, "orderBy": "ASC"})
    assert expected, "the generator should produce every attribute"
    assert ids(served) == expected


def test_generated_logs_are_realistic() -> None:
    logs: list[dict[str, Any]] = generate_records("notification_logs", 2000, seed=9, run_count=500)
    assert ids(logs) == list(range(1, 2001))
    assert {log["status"] for log in logs} == {"DELIVERED", "FAILED", "IGNORED", "READY"}
    for log in logs:
        assert ("failedReason" in log) == (log["status"] == "FAILED")
        assert ("errorMessage" in log) == (log["status"] == "FAILED")
        assert ("ignoredReason" in log) == (log["status"] == "IGNORED")
        assert ("dateDelivered" in log) == (log["status"] == "DELIVERED")
        assert 1 <= log["runId"] <= 500
        if log["recipientType"] == "USER":
            assert log["recipientEmail"].endswith("@acme-corp.com")
        if "recipientChannel" in log:
            assert log["recipientChannel"].startswith("#")
            assert log["medium"] in ("SLACK", "MICROSOFT_TEAMS")
    assert [log["dateCreated"] for log in logs] == sorted(log["dateCreated"] for log in logs)
    assert logs[0]["dateCreated"] >= "2025-04-02" and logs[-1]["dateCreated"] < "2025-07-01"
