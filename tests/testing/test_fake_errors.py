"""400 validation, 401/403 auth, 404/405, request ids, request log and stats; every body validated against the spec."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cortex_wrapper.testing import FakeCortex

KINDS = ["audit_logs", "notification_logs", "notification_runs"]
PATH = "/api/v1/audit-logs"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"pageSize": 10}, "page"),
        ({"page": 0}, "pageSize"),
        ({"page": "", "pageSize": 10}, "page"),
        ({"page": "one", "pageSize": 10}, "page"),
        ({"page": "1.5", "pageSize": 10}, "page"),
        ({"page": -1, "pageSize": 10}, "page"),
        ({"page": 0, "pageSize": 0}, "pageSize"),
        ({"page": 0, "pageSize": 1001}, "pageSize"),
        ({"page": 2**31, "pageSize": 10}, "page"),
    ],
)
def test_bad_paging_is_400(api: Any, kind: str, params: dict[str, Any], names: str) -> None:
    response = api().get(kind, params)
    body = response.json()
    assert response.status_code == 400
    assert body["type"] in ("BAD_REQUEST", "ILLEGAL_ARGUMENT_ERROR")
    assert f"'{names}'" in body["message"]
    assert body["httpStatus"] == 400
    assert body["requestId"] == response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("kind", "param", "value"),
    [
        ("audit_logs", "startTime", "yesterday"),
        ("audit_logs", "endTime", "2025-13-01T00:00:00"),
        ("audit_logs", "startTime", "2025-01-01"),
        ("audit_logs", "actions", "CREATE,ERASE"),
        ("audit_logs", "actorTypes", "ROBOT"),
        ("audit_logs", "actorRequestTypes", "FAX"),
        ("notification_logs", "fromDate", "2025-01-01T25:00:00"),
        ("notification_logs", "notificationRunIds", "12,abc"),
        ("notification_logs", "recipientEntityIds", "x"),
        ("notification_logs", "statuses", "DELIVERED,LOST"),
        ("notification_logs", "mediums", "CARRIER_PIGEON"),
        ("notification_logs", "orderBy", "UP"),
        ("notification_logs", "recipientTypes", "user"),
        ("notification_runs", "deliveredOnly", "yes"),
        ("notification_runs", "includeObjects", "1"),
        ("notification_runs", "untilDate", "soon"),
        ("notification_runs", "ignoredReasons", "BORED"),
        ("notification_runs", "failedReasons", "CHANNEL_NOT_FOUND"),  # a log reason, not a run reason
        ("notification_runs", "notificationTypes", "FAX_SENT"),
    ],
)
def test_bad_filter_values_are_400(api: Any, kind: str, param: str, value: str) -> None:
    response = api().get(kind, {"page": 0, "pageSize": 10, param: value})
    assert response.status_code == 400
    assert f"'{param}'" in response.json()["message"]


@pytest.mark.parametrize(
    ("kind", "param", "value"),
    [
        ("audit_logs", "objectTypes", "ANYTHING_AT_ALL"),
        ("audit_logs", "startTime", "2025-01-01T00:00:00.123456+05:30"),
        ("audit_logs", "endTime", "2025-01-01 00:00:00"),
        ("notification_logs", "statuses", ""),
        ("notification_logs", "statuses", "READY,,IGNORED,"),
        ("notification_runs", "unknownParameter", "ignored"),
        ("notification_runs", "orderBy", ""),
    ],
)
def test_lenient_inputs_are_accepted(api: Any, kind: str, param: str, value: str) -> None:
    assert api().get(kind, {"page": 0, "pageSize": 10, param: value}).status_code == 200


def test_offset_decoded_to_space_is_still_an_offset(api: Any) -> None:
    client = api()
    url = f"{client.fake.url}/api/v1/audit-logs?page=0&pageSize=1&startTime=2025-01-01T00:00:00+02:00"
    response = httpx.get(url, headers={"Authorization": f"Bearer {client.fake.token}"})
    assert response.status_code == 200


TOKENS = {"tok-all": {"audit", "notifications"}, "tok-audit": {"audit"}, "tok-notify": {"View Notification logs"}}


@pytest.mark.parametrize("kind", KINDS)
def test_missing_and_unknown_tokens_are_401(api: Any, kind: str) -> None:
    client = api(tokens=TOKENS)
    for token in (None, "not-a-token", "tok-all extra"):
        response = client.get(kind, {"page": 0, "pageSize": 1}, token=token)
        assert response.status_code == 401
        assert response.json()["httpStatus"] == 401
    for header in ("Basic dG9rLWFsbDo=", "Bearer", "tok-all"):
        response = client.client.get(PATH, params={"page": 0, "pageSize": 1}, headers={"Authorization": header})
        assert response.status_code == 401, header
    lower = client.client.get(PATH, params={"page": 0, "pageSize": 1}, headers={"authorization": "bearer tok-all"})
    assert lower.status_code == 200


@pytest.mark.parametrize(
    ("token", "kind", "permission"),
    [
        ("tok-audit", "notification_logs", "View Notification logs"),
        ("tok-audit", "notification_runs", "View Notification logs"),
        ("tok-notify", "audit_logs", "View audit logs"),
    ],
)
def test_missing_permission_is_403_naming_it(api: Any, token: str, kind: str, permission: str) -> None:
    response = api(tokens=TOKENS).get(kind, {"page": 0, "pageSize": 1}, token=token)
    assert response.status_code == 403
    assert response.json()["type"] == "FORBIDDEN"
    assert permission in response.json()["message"]


def test_permitted_tokens_and_default_token(api: Any) -> None:
    client = api(tokens=TOKENS)
    assert client.fake.token == "tok-all"
    assert client.get("audit_logs", {"page": 0, "pageSize": 1}, token="tok-audit").status_code == 200
    assert client.get("notification_runs", {"page": 0, "pageSize": 1}, token="tok-notify").status_code == 200
    with pytest.raises(ValueError, match="unknown permission"):
        FakeCortex(tokens={"t": {"admin"}})


def test_unknown_path_and_method(api: Any) -> None:
    client = api()
    missing = client.client.get("/api/v1/catalog", headers={"Authorization": f"Bearer {client.fake.token}"})
    assert missing.status_code == 404 and missing.json()["type"] == "NOT_FOUND"
    assert missing.headers["x-request-id"] == missing.json()["requestId"]
    posted = client.client.post("/api/v1/audit-logs", json={"page": 0})
    assert posted.status_code == 405 and posted.headers["x-request-id"]


def test_request_log_redacts_authorization_and_stats_count(api: Any) -> None:
    client = api()
    client.get("audit_logs", [("page", "0"), ("pageSize", "5"), ("actions", "READ"), ("actions", "DELETE")])
    client.get("audit_logs", {"pageSize": 5})
    client.get("notification_runs", {"page": 0, "pageSize": 5}, token="wrong")
    first, second, third = sorted(client.fake.requests, key=lambda r: r.seq)
    assert (first.method, first.path, first.operation, first.status) == ("GET", "/api/v1/audit-logs", "audit_logs", 200)
    assert first.query == [("page", "0"), ("pageSize", "5"), ("actions", "READ"), ("actions", "DELETE")]
    assert first.params("actions") == ["READ", "DELETE"]
    headers = dict((k.lower(), v) for k, v in first.headers)
    assert headers["authorization"] == "<redacted>"
    assert all(client.fake.token not in value for request in client.fake.requests for _, value in request.headers)
    assert (second.status, third.status, third.operation) == (400, 401, "notification_runs")
    assert len({first.request_id, second.request_id, third.request_id}) == 3
    stats = client.fake.stats
    assert (stats.requests, dict(stats.by_status), stats.injected, stats.dropped) == (3, {200: 1, 400: 1, 401: 1}, 0, 0)
    client.fake.reset()
    assert client.fake.requests == [] and client.fake.stats.requests == 0
