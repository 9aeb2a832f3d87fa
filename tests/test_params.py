"""Arguments: checked before any request, encoded as the docs show, for both clients."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import pytest
from cortex_api_client.models import AuditAction, Medium
from hypothesis import given, settings
from hypothesis import strategies as st

from cortex_wrapper import DeprecatedEnumValueWarning, InvalidParameterError

from .support.api import TOKEN, Harness, ScriptedFake, audit_record, log_record, run_record


def sent(harness: Harness, operation: str, **filters: Any) -> list[tuple[str, str]]:
    record = {"audit_logs": audit_record, "notification_logs": log_record, "notification_runs": run_record}[operation]
    api = ScriptedFake(operation, [record(1)])
    harness.items(harness.client(api), operation, **filters)
    return [(k, v) for k, v in api.requests[0].url.params.multi_items() if k not in ("page", "pageSize")]


@pytest.mark.slow
def test_audit_filters_wire_encoding(harness: Harness) -> None:
    pairs = sent(
        harness, "audit_logs",
        start_time=dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        end_time=dt.date(2026, 2, 1),
        actions=[AuditAction.CREATE, "READ"],
        object_types=["SERVICE", "AWS_CONFIGURATION", "SOMETHING_NEW"],
        actor_types="API_KEY",
        actor_emails=["a@example.com", "b@example.com"],
        actor_request_types=["SLACK_COMMAND"],
        object_identifiers=("svc-a",),
        actor_api_key_identifiers=["key-1"],
        actor_ip_addresses=["10.0.0.1"],
    )
    assert pairs == [
        ("startTime", "2026-01-01T00:00:00"),
        ("endTime", "2026-02-01T00:00:00"),
        ("actions", "CREATE"), ("actions", "READ"),
        ("objectIdentifiers", "svc-a"),
        ("objectTypes", "SERVICE"), ("objectTypes", "AWS_CONFIGURATION"), ("objectTypes", "SOMETHING_NEW"),
        ("actorTypes", "API_KEY"),
        ("actorApiKeyIdentifiers", "key-1"),
        ("actorEmails", "a@example.com"), ("actorEmails", "b@example.com"),
        ("actorIpAddresses", "10.0.0.1"),
        ("actorRequestTypes", "SLACK_COMMAND"),
    ]


def test_runs_filters_wire_encoding(harness: Harness) -> None:
    pairs = sent(
        harness, "notification_runs",
        mediums=[Medium.WEBHOOK, "SLACK"], statuses=["FAILED"], search_query="payments",
        include_objects=True, delivered_only=False, order_by="ASC",
        from_date="2026-01-01T00:00:00Z", until_date="2026-01-02T12:30:00.250+00:00",
    )
    assert ("mediums", "WEBHOOK") in pairs and ("mediums", "SLACK") in pairs
    assert ("searchQuery", "payments") in pairs
    assert ("includeObjects", "true") in pairs and ("deliveredOnly", "false") in pairs
    assert ("orderBy", "ASC") in pairs
    assert ("fromDate", "2026-01-01T00:00:00") in pairs
    assert ("untilDate", "2026-01-02T12:30:00.250") in pairs


def test_logs_filters_wire_encoding(harness: Harness) -> None:
    pairs = sent(
        harness, "notification_logs", notification_run_ids=[1, 2], recipient_entity_ids=3,
        recipient_channels=["#alerts"], recipient_emails="x@example.com", failed_reasons=["CLIENT_ERROR"],
        until_date=dt.datetime(2026, 3, 1, 8, 0),
    )
    assert pairs == [
        ("notificationRunIds", "1"), ("notificationRunIds", "2"),
        ("recipientEmails", "x@example.com"), ("recipientEntityIds", "3"), ("recipientChannels", "#alerts"),
        ("failedReasons", "CLIENT_ERROR"), ("untilDate", "2026-03-01T08:00:00"),
    ]


def test_no_upper_bound_freezes_one(harness: Harness) -> None:
    pairs = dict(sent(harness, "audit_logs"))
    frozen = dt.datetime.fromisoformat(pairs["endTime"]).replace(tzinfo=dt.UTC)
    assert abs((dt.datetime.now(dt.UTC) - frozen).total_seconds()) < 5


def test_value_only_older_versions_list_is_sent_with_a_warning(harness: Harness) -> None:
    with pytest.warns(DeprecatedEnumValueWarning, match="MISSING_RECIPIENTS.*2024-07"):
        pairs = sent(harness, "notification_runs", failed_reasons=["MISSING_RECIPIENTS"])
    assert ("failedReasons", "MISSING_RECIPIENTS") in pairs


def test_current_values_send_without_warning(harness: Harness) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sent(harness, "notification_runs", failed_reasons=["INTERNAL_ERROR"], mediums="WEBHOOK")


@pytest.mark.parametrize(("operation", "filters", "parameter", "suggestion"), [
    ("audit_logs", {"actions": "create"}, "actions", "CREATE"),
    ("notification_runs", {"notification_types": ["WEEKLY"]}, "notification_types", "WEEKLY_REPORT"),
])
def test_a_near_miss_enum_value_suggests_the_right_one(harness: Harness, operation: str, filters: dict[str, Any],
                                                       parameter: str, suggestion: str) -> None:
    client = harness.client(ScriptedFake(operation))
    with pytest.raises(InvalidParameterError) as info:
        getattr(client, operation)(**filters)
    assert info.value.parameter == parameter
    assert f"did you mean {suggestion}" in str(info.value)


def test_enum_error_names_parameter_and_choices(harness: Harness) -> None:
    client = harness.client(ScriptedFake("notification_runs"))
    with pytest.raises(InvalidParameterError) as info:
        client.notification_runs(mediums=["SLAK"])
    assert info.value.parameter == "mediums"
    assert "SLACK" in info.value.choices and "WEBHOOK" in info.value.choices
    assert "did you mean SLACK" in str(info.value)


def test_unknown_keyword_is_a_type_error(harness: Harness) -> None:
    client = harness.client(ScriptedFake("audit_logs"))
    with pytest.raises(TypeError):
        client.audit_logs(actionz=["CREATE"])


def test_duplicate_filter_values_are_sent_once(harness: Harness) -> None:
    api = ScriptedFake("notification_runs", [])
    client = harness.client(api)
    harness.items(client, "notification_runs", statuses=["FAILED", "FAILED", "IGNORED", "FAILED"],
                  mediums=[Medium.SLACK, "SLACK"])
    params = api.requests[0].url.params
    assert params.get_list("statuses") == ["FAILED", "IGNORED"]
    assert params.get_list("mediums") == ["SLACK"]


def test_a_pager_repr_names_the_operation_and_filters_never_the_token(harness: Harness) -> None:
    client = harness.client(ScriptedFake("notification_logs", []))
    pager = client.notification_logs(statuses=["FAILED"], page_size=50)
    text = repr(pager)
    assert text.startswith(("<SyncPager listNotificationLogs(", "<AsyncPager listNotificationLogs("))
    assert "statuses=['FAILED']" in text and "page_size=50" in text
    assert TOKEN not in text and "object at 0x" not in text


@pytest.mark.slow  # 100 property examples: about 1 s of CPU
@settings(max_examples=100, database=None, deadline=None)
@given(st.lists(st.tuples(st.text(st.characters(codec="utf-8")), st.text(st.characters(codec="utf-8"))), max_size=5))
def test_the_query_length_is_what_urlencode_makes(pairs: list[tuple[str, str]]) -> None:
    from urllib.parse import urlencode

    from cortex_wrapper._params import query_length

    assert query_length(pairs) == len(urlencode(pairs))
