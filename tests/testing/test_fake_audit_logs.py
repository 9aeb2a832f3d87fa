"""getAuditLogs: every filter applied server-side, newest first, pagination, wire forms of arrays and dates."""

from __future__ import annotations

import math
from typing import Any

import pytest

from cortex_wrapper.testing import generate_records

RECORDS: list[dict[str, Any]] = [
    {"timestamp": "2025-01-01T00:00:00Z", "action": "CREATE", "objectType": "CATALOG",
     "objectIdentifier": "payments-api", "actorIdentifier": "ana@acme.com", "ipAddress": "10.0.0.1",
     "actorType": "OAUTH2"},
    {"timestamp": "2025-01-02T00:00:00Z", "action": "UPDATE", "objectType": "TEAM", "objectIdentifier": "team-sre",
     "actorIdentifier": "ci-key", "ipAddress": "10.0.0.2", "actorType": "API_KEY",
     "actorRequestType": "API_KEY_ENTITY"},
    {"timestamp": "2025-01-03T00:00:00.500Z", "action": "DELETE", "objectType": "AWS_CONFIGURATION",
     "objectIdentifier": "aws-prod", "actorIdentifier": "slack:/cortex", "ipAddress": "54.0.0.9",
     "actorType": "ANONYMOUS", "actorRequestType": "SLACK_COMMAND"},
    {"timestamp": "2025-01-04T12:00:00+02:00", "action": "READ", "objectType": "SCORECARD",
     "objectIdentifier": "dora-metrics", "actorIdentifier": "pat-bob", "ipAddress": "10.0.0.1",
     "actorType": "PERSONAL_API_KEY", "actorEmail": "bob@acme.com"},
]  # fmt: skip
WIRE_FIELDS = {"timestamp", "action", "objectType", "objectIdentifier", "actorIdentifier", "ipAddress"}


def idents(records: list[dict[str, Any]]) -> list[str]:
    return [record["objectIdentifier"] for record in records]


def test_newest_first_and_only_schema_fields(api: Any) -> None:
    records = api(audit_logs=RECORDS).records("audit_logs")
    assert idents(records) == ["dora-metrics", "aws-prod", "team-sre", "payments-api"]
    assert all(set(record) <= WIRE_FIELDS for record in records)
    assert records[1] == {key: RECORDS[2][key] for key in WIRE_FIELDS}


@pytest.mark.parametrize(
    ("param", "values", "expected"),
    [
        ("actions", ["CREATE", "DELETE"], {"payments-api", "aws-prod"}),
        ("actions", ["READ"], {"dora-metrics"}),
        ("objectIdentifiers", ["team-sre", "nope"], {"team-sre"}),
        ("objectTypes", ["TEAM", "SCORECARD"], {"team-sre", "dora-metrics"}),
        ("objectTypes", ["SOMETHING_NEW"], set()),  # open enum: any value is accepted
        ("actorTypes", ["OAUTH2", "ANONYMOUS"], {"payments-api", "aws-prod"}),
        ("actorApiKeyIdentifiers", ["ci-key", "pat-bob"], {"team-sre", "dora-metrics"}),  # derived for key actors
        ("actorEmails", ["ana@acme.com", "bob@acme.com"], {"payments-api", "dora-metrics"}),
        ("actorIpAddresses", ["10.0.0.1"], {"payments-api", "dora-metrics"}),
        ("actorRequestTypes", ["SLACK_COMMAND", "API_KEY_ENTITY"], {"aws-prod", "team-sre"}),
        ("actorRequestTypes", ["ATLASSIAN_WEBHOOK"], set()),
    ],
)
def test_each_filter_repeated_and_comma_joined(api: Any, param: str, values: list[str], expected: set[str]) -> None:
    client = api(audit_logs=RECORDS)
    repeated = client.records("audit_logs", {param: values})
    joined = client.records("audit_logs", {param: ",".join(values)})
    assert set(idents(repeated)) == expected
    assert idents(joined) == idents(repeated)
    sent = client.fake.requests[-1]
    assert sent.params(param) == [",".join(values)]


def test_filters_combine_with_and(api: Any) -> None:
    client = api(audit_logs=RECORDS)
    params = {"actorIpAddresses": "10.0.0.1", "actions": ["READ", "UPDATE"]}
    assert idents(client.records("audit_logs", params)) == ["dora-metrics"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-01-02T00:00:00", "2025-01-03T00:00:00.500", ["aws-prod", "team-sre"]),  # both bounds inclusive
        ("2025-01-02T00:00:00.000001Z", None, ["dora-metrics", "aws-prod"]),
        (None, "2025-01-03T00:00:00.499Z", ["team-sre", "payments-api"]),
        ("2025-01-04T10:00:00Z", "2025-01-04T10:00:00Z", ["dora-metrics"]),  # +02:00 offset honoured
        ("2025-01-04T12:00:00+02:00", "2025-01-04T12:00:00+02:00", ["dora-metrics"]),
        ("2025-01-05T00:00:00", None, []),
    ],
)
def test_time_window(api: Any, start: str | None, end: str | None, expected: list[str]) -> None:
    params = {key: value for key, value in (("startTime", start), ("endTime", end)) if value}
    assert idents(api(audit_logs=RECORDS).records("audit_logs", params)) == expected


def test_pagination_fields_and_pages(api: Any) -> None:
    client = api(audit_logs=generate_records("audit_logs", 23, seed=3))
    seen: list[dict[str, Any]] = []
    for page in range(3):
        body = client.page("audit_logs", {"page": page, "pageSize": 10})
        assert (body["page"], body["total"], body["totalPages"]) == (page, 23, 3)
        seen += body["logs"]
    assert [len(seen), len({r["timestamp"] for r in seen})] == [23, 23]
    assert [r["timestamp"] for r in seen] == sorted((r["timestamp"] for r in seen), reverse=True)
    past_end = client.page("audit_logs", {"page": 3, "pageSize": 10})
    assert (past_end["logs"], past_end["total"], past_end["totalPages"]) == ([], 23, 3)


def test_empty_dataset_has_zero_pages(api: Any) -> None:
    body = api().page("audit_logs", {"pageSize": 7})
    assert (body["logs"], body["total"], body["totalPages"]) == ([], 0, 0)


SYNTHETIC_FILTERS = {
    "actions": "action",
    "objectIdentifiers": "objectIdentifier",
    "objectTypes": "objectType",
    "actorTypes": "actorType",
    "actorApiKeyIdentifiers": "actorApiKeyIdentifier",
    "actorEmails": "actorEmail",
    "actorIpAddresses": "ipAddress",
    "actorRequestTypes": "actorRequestType",
}


@pytest.mark.parametrize("param", sorted(SYNTHETIC_FILTERS))
def test_filters_on_synthetic_data_match_the_generator(api: Any, param: str) -> None:
    generated = generate_records("audit_logs", 600, seed=11)
    attribute = SYNTHETIC_FILTERS[param]
    values = sorted({str(r[attribute]) for r in generated if attribute in r})[:2]
    expected = [r["timestamp"] for r in reversed(generated) if r.get(attribute) in values]
    served = api(seed=11, audit_log_count=600).records("audit_logs", {param: values})
    assert expected, "the generator should produce every attribute"
    assert [r["timestamp"] for r in served] == expected


def test_synthetic_window_matches_generator(api: Any) -> None:
    generated = generate_records("audit_logs", 500, seed=5)
    start, end = generated[100]["timestamp"], generated[199]["timestamp"]
    served = api(seed=5, audit_log_count=500).records("audit_logs", {"startTime": start, "endTime": end})
    assert [r["timestamp"] for r in served] == [r["timestamp"] for r in reversed(generated[100:200])]
    assert math.isclose(len(served), 100)
