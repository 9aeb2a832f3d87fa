"""Fault injection: seeded determinism, scripted outcomes, every fault kind, latency, data faults."""

from __future__ import annotations

from dataclasses import replace
from email.utils import formatdate
from typing import Any

import httpx
import jsonschema
import pytest

from cortex_wrapper.testing import Faults, Outcome, generate_records

PAGE = {"page": 0, "pageSize": 5}
MIXED = Faults(seed=7, error_rate=0.2, html_error_rate=0.05, rate_limit_rate=0.15, drop_rate=0.05,
               retry_after=(1, 30), retry_after_forms=("header", "body-only", "http-date", "none"))  # fmt: skip


def statuses(client: Any, count: int) -> list[int | None]:
    """Send ``count`` requests one after another; None marks a dropped connection."""
    seen: list[int | None] = []
    for _ in range(count):
        try:
            response = client.get("audit_logs", PAGE, validate=False)
        except httpx.RemoteProtocolError:
            seen.append(None)
            continue
        if not response.headers["content-type"].startswith("text/html"):
            client.check(response)
        seen.append(response.status_code)
    return seen


@pytest.mark.slow
def test_same_seed_same_sequence_of_statuses(api: Any) -> None:
    first = statuses(api(audit_log_count=20, faults=MIXED), 80)
    second = statuses(api(audit_log_count=20, faults=MIXED), 80)
    other = statuses(api(audit_log_count=20, faults=replace(MIXED, seed=8)), 80)
    assert first == second
    assert first != other
    assert {None, 200, 429} <= set(first) and set(first) & {500, 502, 503, 504}


def test_stats_count_injected_and_dropped(api: Any) -> None:
    client = api(audit_log_count=20, faults=MIXED)
    seen = statuses(client, 60)
    stats = client.fake.stats
    assert stats.requests == 60 and len(client.fake.requests) == 60
    assert stats.dropped == seen.count(None)
    assert stats.injected == sum(1 for status in seen if status != 200)
    assert sum(stats.by_status.values()) == 60 - stats.dropped
    assert [r.status for r in sorted(client.fake.requests, key=lambda r: r.seq)] == seen


def test_script_forces_429_then_success(api: Any) -> None:
    client = api(audit_log_count=3)
    client.fake.script(429, 200)
    limited = client.get("audit_logs", PAGE)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    assert limited.headers["content-type"] == "application/problem+json"
    assert client.get("audit_logs", PAGE).status_code == 200
    assert client.get("audit_logs", PAGE).status_code == 200
    assert client.fake.stats.by_status == {429: 1, 200: 2}


def test_scripted_outcomes_consume_no_random_draws(api: Any) -> None:
    faults = Faults(seed=3, error_rate=0.5)
    plain = statuses(api(faults=faults), 20)
    scripted = api(faults=faults)
    scripted.fake.script(503, "drop", Outcome(status=200))
    assert statuses(scripted, 23) == [503, None, 200, *plain]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_json_5xx(api: Any, status: int) -> None:
    client = api()
    client.fake.script(status)
    response = client.get("notification_logs", PAGE)  # validated: undocumented 5xx must be an ErrorResponse
    assert response.status_code == status
    assert response.json()["httpStatus"] == status
    assert response.json()["requestId"] == response.headers["x-request-id"]
    assert "Retry-After" not in response.headers


def test_503_with_retry_after(api: Any) -> None:
    client = api()
    client.fake.script(Outcome(status=503, retry_after=3))
    response = client.get("notification_runs", PAGE)
    assert (response.status_code, response.headers["Retry-After"]) == (503, "3")


def test_html_error_page_from_a_proxy(api: Any) -> None:
    client = api()
    client.fake.script("html", Outcome(status=504, html=True))
    for status in (502, 504):
        response = client.get("audit_logs", PAGE, validate=False)
        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")
        assert "<html>" in response.text and "nginx" in response.text
        assert response.headers["x-request-id"]


WALL = 1_700_000_000.25


@pytest.mark.parametrize(
    ("form", "header", "body_retry"),
    [
        ("header", "7", 7),
        ("body-only", None, 7),
        ("http-date", formatdate(1_700_000_001 + 7, usegmt=True), 7),
        ("none", None, None),
    ],
)
def test_429_forms(api: Any, form: str, header: str | None, body_retry: int | None) -> None:
    client = api(wall_clock=lambda: WALL)
    client.fake.script(Outcome(status=429, retry_after=7, retry_after_form=form))
    response = client.get("notification_runs", PAGE)  # validated as TooManyRequestsProblemDetail
    body = response.json()
    assert response.status_code == 429
    assert response.headers.get("Retry-After") == header
    assert body.get("retryAfter") == body_retry
    assert (body["status"], body["title"]) == (429, "Too Many Requests")


def test_random_429s_respect_range_and_forms(api: Any) -> None:
    faults = Faults(seed=1, rate_limit_rate=1.0, retry_after=(2, 4), retry_after_forms=("header", "body-only"))
    client = api(faults=faults)
    responses = [client.get("audit_logs", PAGE) for _ in range(30)]
    waits = {r.json()["retryAfter"] for r in responses}
    assert waits == {2, 3, 4}
    assert {r.headers.get("Retry-After") is None for r in responses} == {True, False}
    assert all(r.headers.get("Retry-After") in (None, str(r.json()["retryAfter"])) for r in responses)


def test_dropped_connection_then_recovery(api: Any) -> None:
    client = api(audit_log_count=2)
    client.fake.script("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("audit_logs", PAGE)
    assert client.get("audit_logs", PAGE).status_code == 200
    assert [r.status for r in client.fake.requests] == [None, 200]
    assert client.fake.stats.dropped == 1


def test_latency_slow_responses_use_the_injected_sleep(api: Any) -> None:
    sleeps: list[float] = []
    client = api(audit_log_count=50, latency=0.1, per_record_latency=0.01, sleep=sleeps.append,
                 faults=Faults(slow_rate=1.0, slow_seconds=2.5))  # fmt: skip
    client.get("audit_logs", {"page": 0, "pageSize": 5})
    client.fake.script(401)
    client.get("audit_logs", {"page": 0, "pageSize": 5})
    assert sleeps == [pytest.approx(0.1 + 2.5 + 5 * 0.01), pytest.approx(0.1)]


def test_real_latency_is_applied(api: Any) -> None:
    client = api(audit_log_count=3, latency=0.005)
    elapsed = client.get("audit_logs", PAGE).elapsed.total_seconds()
    assert elapsed >= 0.005


def test_unknown_enum_values_in_records(api: Any, validate: Any) -> None:
    client = api(seed=5, notification_log_count=300, notification_run_count=60, audit_log_count=300,
                 faults=Faults(unknown_enum_rate=0.2))  # fmt: skip
    logs = client.page("notification_logs", validate=False)["logs"]
    pigeons = [log for log in logs if log["medium"] == "CARRIER_PIGEON"]
    assert 20 < len(pigeons) < 200
    with pytest.raises(jsonschema.ValidationError, match="CARRIER_PIGEON"):
        validate(client.get("notification_logs", {"page": 0, "pageSize": 1000}, validate=False))
    slack = client.page("notification_logs", {"mediums": "SLACK"})["logs"]  # validates: no pigeons left
    assert slack and all(log["medium"] == "SLACK" for log in slack)
    actions = {entry["action"] for entry in client.page("audit_logs", validate=False)["logs"]}
    assert "ARCHIVE" in actions


def test_unknown_enum_values_supplied_explicitly_are_served(api: Any) -> None:
    records = generate_records("notification_runs", 3, seed=1)
    records[1] = {**records[1], "medium": "CARRIER_PIGEON", "deliveredCount": 1}
    client = api(notification_runs=records)
    served = client.page("notification_runs", {"deliveredOnly": "false"}, validate=False)["runs"]
    assert served[1]["medium"] == "CARRIER_PIGEON"


def test_extra_fields_only_when_asked(api: Any, validate: Any) -> None:
    plain = api(seed=2, notification_run_count=30)
    assert all("fakeFutureField" not in r for r in plain.page("notification_runs")["runs"])
    extra = api(seed=2, notification_run_count=30, faults=Faults(extra_field_rate=1.0))
    response = extra.get("notification_runs", {"page": 0, "pageSize": 50}, validate=False)
    runs = response.json()["runs"]
    assert runs and all("fakeFutureField" in r for r in runs)
    with pytest.raises(jsonschema.ValidationError, match="fakeFutureField"):
        validate(response)
    validate(response, strict=False)  # the documented fields are still right


def test_insert_newest_before_every_page_shifts_pages(api: Any) -> None:
    client = api(seed=3, audit_log_count=10, faults=Faults(insert_newest_per_page=2))
    first = client.page("audit_logs", {"page": 0, "pageSize": 5})
    second = client.page("audit_logs", {"page": 1, "pageSize": 5})
    assert (first["total"], second["total"]) == (12, 14)
    first_stamps = [r["timestamp"] for r in first["logs"]]
    second_stamps = [r["timestamp"] for r in second["logs"]]
    assert set(first_stamps) & set(second_stamps), "a client paging by offset sees duplicates"
    newest = client.page("audit_logs", {"page": 0, "pageSize": 2})["logs"]
    assert newest[0]["timestamp"] > newest[1]["timestamp"] > first_stamps[0]


def test_set_faults_restarts_the_sequence(api: Any) -> None:
    client = api(faults=MIXED)
    before = statuses(client, 30)
    client.fake.set_faults(MIXED)
    assert statuses(client, 30) == before
    client.fake.set_faults(Faults())
    assert set(statuses(client, 10)) == {200}
    with pytest.raises(ValueError, match="unknown_enum_rate"):
        client.fake.set_faults(Faults(unknown_enum_rate=0.5))


def test_fault_configuration_is_validated() -> None:
    with pytest.raises(ValueError, match="sum"):
        Faults(error_rate=0.6, rate_limit_rate=0.6)
    with pytest.raises(ValueError, match="retry_after_form"):
        Faults(retry_after_forms=("sometimes",))
    with pytest.raises(ValueError, match="script item"):
        Outcome.of("explode")
