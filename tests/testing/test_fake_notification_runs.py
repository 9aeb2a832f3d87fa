"""listNotificationRuns: filters, deliveredOnly (default true), includeObjects, searchQuery, orderBy, windows."""

from __future__ import annotations

from typing import Any

import pytest

from cortex_wrapper.testing import generate_records

OBJECT = {"id": 9, "name": "Payments API", "tag": "payments-api", "type": "ENTITY", "cid": "en1234567890abcdef",
          "url": "https://app.getcortexapp.com/admin/service/payments-api"}  # fmt: skip
RECORDS: list[dict[str, Any]] = [
    {"id": 1, "seqNo": 0, "notificationType": "WEEKLY_REPORT", "medium": "SLACK", "status": "COMPLETED",
     "deliveredCount": 12, "summary": "Weekly report for the Payments team", "dateCreated": "2025-05-01T10:00:00Z",
     "notificationObjects": [OBJECT]},
    {"id": 2, "seqNo": 0, "notificationType": "SERVICE_REEVALUATED", "medium": "EMAIL", "status": "FAILED",
     "deliveredCount": 0, "failedReason": "MISSING_RECIPIENTS", "errorMessage": "nobody to notify",
     "summary": "payments-api re-evaluated against security-baseline", "dateCreated": "2025-05-02T10:00:00Z"},
    {"id": 3, "seqNo": 1, "originalRunId": 2, "notificationType": "SERVICE_REEVALUATED", "medium": "EMAIL",
     "status": "IGNORED", "deliveredCount": 0, "ignoredReason": "NO_RECIPIENTS",
     "summary": "ledger-service re-evaluated against security-baseline", "dateCreated": "2025-05-03T10:00:00Z"},
    {"id": 4, "seqNo": 0, "notificationType": "INITIATIVE_N_DAYS_LEFT", "medium": "MICROSOFT_TEAMS",
     "status": "COMPLETED_WITH_ERRORS", "deliveredCount": 3, "summary": "Initiative 'Adopt OpenTelemetry' ends",
     "dateCreated": "2025-05-04T10:00:00Z", "notificationObjects": []},
]  # fmt: skip
ALL = {"deliveredOnly": "false"}


def ids(records: list[dict[str, Any]]) -> list[int]:
    return [record["id"] for record in records]


def test_delivered_only_defaults_to_true(api: Any) -> None:
    client = api(notification_runs=RECORDS)
    assert ids(client.records("notification_runs")) == [4, 1]
    assert ids(client.records("notification_runs", {"deliveredOnly": "true"})) == [4, 1]
    assert ids(client.records("notification_runs", {"deliveredOnly": "false"})) == [4, 3, 2, 1]
    assert ids(client.records("notification_runs", {"deliveredOnly": "FALSE"})) == [4, 3, 2, 1]


def test_include_objects_defaults_to_false(api: Any) -> None:
    client = api(notification_runs=RECORDS)
    assert all("notificationObjects" not in run for run in client.records("notification_runs", ALL))
    with_objects = client.records("notification_runs", {**ALL, "includeObjects": "true"})
    assert [run.get("notificationObjects") for run in with_objects] == [[], None, None, [OBJECT]]


@pytest.mark.parametrize(
    ("param", "values", "expected"),
    [
        ("notificationTypes", ["SERVICE_REEVALUATED"], {2, 3}),
        ("statuses", ["FAILED", "COMPLETED"], {1, 2}),
        ("mediums", ["EMAIL", "MICROSOFT_TEAMS"], {2, 3, 4}),
        ("ignoredReasons", ["NO_RECIPIENTS", "SCORECARD_DISABLED"], {3}),
        ("failedReasons", ["MISSING_RECIPIENTS"], {2}),
        ("failedReasons", ["INTERNAL_ERROR"], set()),
    ],
)
def test_each_filter_repeated_and_comma_joined(api: Any, param: str, values: list[str], expected: set[int]) -> None:
    client = api(notification_runs=RECORDS)
    repeated = client.records("notification_runs", {**ALL, param: values})
    joined = client.records("notification_runs", {**ALL, param: ",".join(values)})
    assert set(ids(repeated)) == expected
    assert ids(joined) == ids(repeated)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("PAYMENTS", [2, 1]),
        ("security-baseline", [3, 2]),
        ("opentelemetry", [4]),
        ("nothing like it", []),
        ("", [4, 3, 2, 1]),
    ],
)
def test_search_query_is_a_case_insensitive_substring_of_summary(api: Any, query: str, expected: list[int]) -> None:
    assert ids(api(notification_runs=RECORDS).records("notification_runs", {**ALL, "searchQuery": query})) == expected


def test_order_by_and_window(api: Any) -> None:
    client = api(notification_runs=RECORDS)
    assert ids(client.records("notification_runs", {**ALL, "orderBy": "ASC"})) == [1, 2, 3, 4]
    window = {**ALL, "fromDate": "2025-05-02T10:00:00", "untilDate": "2025-05-03T10:00:00"}
    assert ids(client.records("notification_runs", window)) == [3, 2]
    assert ids(client.records("notification_runs", {**window, "deliveredOnly": "true"})) == []


@pytest.mark.slow
def test_filters_on_synthetic_data_match_the_generator(api: Any) -> None:
    generated: list[dict[str, Any]] = generate_records("notification_runs", 700, seed=8)
    client = api(seed=8, notification_run_count=700)
    delivered = [r["id"] for r in reversed(generated) if r["deliveredCount"] > 0]
    assert ids(client.records("notification_runs")) == delivered
    for param, attribute in [("notificationTypes", "notificationType"), ("statuses", "status"),
                             ("mediums", "medium"), ("ignoredReasons", "ignoredReason"),
                             ("failedReasons", "failedReason")]:  # fmt: skip
        values = sorted({r[attribute] for r in generated if attribute in r})[:2]
        expected = [r["id"] for r in generated if r.get(attribute) in values]
        assert ids(client.records("notification_runs", {**ALL, param: values, "orderBy": "ASC"})) == expected
    term = "weekly report"
    expected = [r["id"] for r in reversed(generated) if term in r["summary"].lower() and r["deliveredCount"]]
    assert expected and ids(client.records("notification_runs", {"searchQuery": "Weekly REPORT"})) == expected


def test_generated_runs_are_realistic() -> None:
    runs: list[dict[str, Any]] = generate_records("notification_runs", 1500, seed=2)
    assert ids(runs) == list(range(1, 1501))
    for run in runs:
        assert ("failedReason" in run) == (run["status"] == "FAILED")
        assert ("ignoredReason" in run) == (run["status"] == "IGNORED")
        assert (run["deliveredCount"] > 0) == (run["status"] in ("COMPLETED", "COMPLETED_WITH_ERRORS"))
        assert run["summary"]
        if run["seqNo"]:
            assert 1 <= run["originalRunId"] < run["id"]
        for obj in run["notificationObjects"]:
            assert obj["type"] in ("ENTITY", "SCORECARD", "INITIATIVE")
            assert obj["url"].startswith("https://app.getcortexapp.com/")
    assert {run["status"] for run in runs} == {"COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "IGNORED", "CREATED"}
