"""Hostile inputs: bad arguments to the three operations and to the constructor fail loudly, before any request.

The one home of the bad-argument tables (``BAD_FILTERS``, ``BAD_OPTIONS``): plain mistakes and hostile values. Each bad argument must raise a
``ValueError`` subclass of the package (``InvalidParameterError`` for a filter, ``CortexConfigError`` for an
option; ``InvalidParameterError`` for ``page_size`` either way) that names the parameter, at the call, before any
request (the transport sees none), for the sync and the async client.

Decisions recorded by ``ACCEPTED``:

* an enormous filter (100,000 e-mail addresses, a 100,000-character search) or ``extra_query`` value is refused:
  they travel in the URL, and over ``MAX_QUERY_LENGTH`` (60,000 encoded characters for the whole query, filters,
  ``extra_query``, page, page size and frozen upper bound together; httpx cannot send a URL over 65,536) it could
  never be sent. Split it over several calls. A large one that fits (1,000 addresses) is sent;
* any iterable of values is one filter, an OR: a set of enum members, a generator of strings; an empty list or
  None is no filter;
* ids up to 2**63-1 (the spec's int64) are sent; larger ones are refused;
* a date before year 1000 (``datetime.min``: "from the beginning") is sent zero-padded, ``0001-01-01T00:00:00``;
* an internationalised host name is accepted (sent IDNA-encoded).
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cortex_api_client.models import AuditAction, Medium

from cortex_wrapper import AsyncCortexClient, CortexClient, CortexConfigError, InvalidParameterError
from cortex_wrapper._defaults import MAX_QUERY_LENGTH

from ..support.api import BASE, RECORD, TOKEN, Clock, Harness, ScriptedFake, audit_record


class Fresh:
    """A table value made anew for each test (a generator is used up by the first client that reads it)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def fresh(filters: dict[str, Any]) -> dict[str, Any]:
    return {name: value.make() if isinstance(value, Fresh) else value for name, value in filters.items()}


PLUS_5 = dt.timezone(dt.timedelta(hours=5))
MINUS_5 = dt.timezone(dt.timedelta(hours=-5))
EMAILS_100K = [f"user{i}@example.com" for i in range(100_000)]

BAD_FILTERS: list[tuple[str, dict[str, Any], str]] = [  # the one table of bad filters: the plain mistakes first
    ("audit_logs", {"actions": ["DESTROY"]}, "actions"),
    ("audit_logs", {"actions": "create"}, "actions"),
    ("audit_logs", {"actor_types": [1]}, "actor_types"),
    ("audit_logs", {"actor_request_types": ["EMAIL"]}, "actor_request_types"),
    ("audit_logs", {"start_time": "yesterday"}, "start_time"),
    ("audit_logs", {"end_time": 1700000000}, "end_time"),
    ("audit_logs", {"start_time": "2026-02-01", "end_time": "2026-01-01"}, "start_time"),
    ("audit_logs", {"actor_emails": [""]}, "actor_emails"),
    ("audit_logs", {"actor_emails": [None]}, "actor_emails"),
    ("audit_logs", {"object_types": [b"SERVICE"]}, "object_types"),
    ("audit_logs", {"object_identifiers": {"a": 1}}, "object_identifiers"),
    ("audit_logs", {"page_size": 0}, "page_size"),
    ("audit_logs", {"page_size": 1001}, "page_size"),
    ("audit_logs", {"page_size": True}, "page_size"),
    ("audit_logs", {"max_pages": 0}, "max_pages"),
    ("audit_logs", {"max_pages": "3"}, "max_pages"),
    ("notification_logs", {"statuses": ["DONE"]}, "statuses"),
    ("notification_logs", {"mediums": ["PIGEON"]}, "mediums"),
    ("notification_logs", {"notification_run_ids": ["12"]}, "notification_run_ids"),
    ("notification_logs", {"notification_run_ids": [-1]}, "notification_run_ids"),
    ("notification_logs", {"recipient_entity_ids": [True]}, "recipient_entity_ids"),
    ("notification_logs", {"order_by": "NEWEST"}, "order_by"),
    ("notification_logs", {"recipient_channels": ["#a\nb"]}, "recipient_channels"),
    ("notification_logs", {"from_date": "2026-13-45"}, "from_date"),
    ("notification_runs", {"delivered_only": "false"}, "delivered_only"),
    ("notification_runs", {"include_objects": 1}, "include_objects"),
    ("notification_runs", {"failed_reasons": ["CHANNEL_NOT_FOUND"]}, "failed_reasons"),
    ("notification_runs", {"ignored_reasons": ["USER_UNSUBSCRIBED"]}, "ignored_reasons"),
    ("notification_runs", {"search_query": ""}, "search_query"),
    ("notification_runs", {"notification_types": ["WEEKLY"]}, "notification_types"),
    ("git_ops_logs", {"operation": "DELETED"}, "operation"),
    ("git_ops_logs", {"operation": ["CREATED", "UPDATED"]}, "operation"),  # one value: not a list filter
    ("git_ops_logs", {"error_only": "yes"}, "error_only"),
    ("git_ops_logs", {"repository": ["a", "b"]}, "repository"),
    ("git_ops_logs", {"sha": ""}, "sha"),
    ("git_ops_logs", {"tag": "svc\r\nX-Injected: 1"}, "tag"),
    # and the hostile ones
    ("audit_logs", {"start_time": float("nan")}, "start_time"),
    ("audit_logs", {"end_time": float("inf")}, "end_time"),
    ("audit_logs", {"end_time": dt.datetime.max.replace(tzinfo=MINUS_5)}, "end_time"),  # past 9999 in UTC
    ("audit_logs", {"start_time": dt.datetime.min.replace(tzinfo=PLUS_5)}, "start_time"),  # before year 1 in UTC
    ("audit_logs", {"start_time": "0000-01-01"}, "start_time"),
    ("audit_logs", {"start_time": "10000-01-01T00:00:00"}, "start_time"),
    ("audit_logs", {"start_time": "2026-01-01T00:00:00+25:00"}, "start_time"),
    ("audit_logs", {"end_time": dt.time(12, 0)}, "end_time"),
    ("audit_logs", {"actor_emails": EMAILS_100K}, "actor_emails"),
    ("audit_logs", {"actor_emails": Fresh(lambda: (i for i in range(3)))}, "actor_emails"),  # a generator of ints
    ("audit_logs", {"object_identifiers": [["svc-a"]]}, "object_identifiers"),  # nested list
    ("audit_logs", {"actions": range(3)}, "actions"),
    ("audit_logs", {"actions": [["CREATE"]]}, "actions"),
    ("audit_logs", {"actions": Medium.SLACK}, "actions"),  # another enum's member
    ("audit_logs", {"object_types": ["SERVICE\r\nX-Injected: 1"]}, "object_types"),
    ("audit_logs", {"object_types": ["SERVICE\x7f"]}, "object_types"),  # DEL is a control character
    ("audit_logs", {"actor_ip_addresses": ["10.0.0.1\ud800"]}, "actor_ip_addresses"),  # not encodable as UTF-8
    ("audit_logs", {"page_size": 1000.0}, "page_size"),
    ("audit_logs", {"page_size": -1}, "page_size"),
    ("audit_logs", {"max_pages": float("inf")}, "max_pages"),
    ("audit_logs", {"max_pages": 2.0}, "max_pages"),
    ("audit_logs", {"max_pages": True}, "max_pages"),
    ("notification_logs", {"notification_run_ids": 2**63}, "notification_run_ids"),  # beyond int64
    ("notification_logs", {"recipient_entity_ids": [1.0]}, "recipient_entity_ids"),
    ("notification_logs", {"notification_run_ids": [[1, 2]]}, "notification_run_ids"),
    ("notification_logs", {"order_by": ["ASC"]}, "order_by"),
    ("notification_logs", {"from_date": b"2026-01-01"}, "from_date"),
    ("notification_logs", {"recipient_channels": ["\u2028"]}, "recipient_channels"),
    ("notification_logs", {"recipient_emails": ("a@example.com", None)}, "recipient_emails"),
    ("notification_runs", {"search_query": "x" * 100_000}, "search_query"),
    ("notification_runs", {"search_query": "payments\r\nX-Injected: 1"}, "search_query"),
    ("notification_runs", {"search_query": ["a", "b"]}, "search_query"),
    ("notification_runs", {"include_objects": "true"}, "include_objects"),
    ("notification_runs", {"delivered_only": 0}, "delivered_only"),
    ("notification_runs", {"mediums": {"SLACK", 1}}, "mediums"),
    ("notification_runs", {"from_date": dt.timedelta(days=1)}, "from_date"),
    # a query too long for a URL, whatever carries it: one length check over filters, extra_query and paging
    ("notification_runs", {"extra_query": {"future": "x" * 70_000}}, "extra_query"),
    ("audit_logs", {"extra_query": {"future": ["\u00e9" * 10_000, "z"]}}, "extra_query"),  # 6 characters each
    ("notification_runs", {"search_query": "x" * 25_000, "extra_query": {"future": "y" * 36_000}}, "extra_query"),
    ("notification_runs", {"search_query": "x" * 36_000, "extra_query": {"future": "y" * 25_000}}, "search_query"),
    ("audit_logs", {"object_types": ["x" * (MAX_QUERY_LENGTH - len("objectTypes="))]}, "object_types"),  # fits
    # alone, not with the page, page size and frozen upper bound every request adds
]


def _ids(cases: list[Any]) -> list[str]:
    return [f"{case[0]}-{next(iter(case[1]))}-{i}" for i, case in enumerate(cases)]


@pytest.mark.parametrize(("operation", "filters", "parameter"), BAD_FILTERS, ids=_ids(BAD_FILTERS))
@pytest.mark.slow
def test_bad_filter_raises_before_any_request(harness: Harness, operation: str, filters: dict[str, Any],
                                              parameter: str) -> None:  # fmt: skip
    api = ScriptedFake(operation, [RECORD[operation](1)])
    client = harness.client(api)
    with pytest.raises(InvalidParameterError) as info:
        getattr(client, operation)(**fresh(filters))  # at the call: the pager is never iterated
    assert info.value.parameter == parameter
    assert str(info.value).startswith(f"{parameter}: ")
    assert api.requests == []


WRONG_FLAVOUR = object()  # the transport of the other client: async for the sync one, sync for the async one
BAD_OPTIONS: list[tuple[str, Any]] = [  # the one table of bad constructor options: the plain mistakes first
    ("timeout", 0), ("timeout", -1), ("timeout", float("nan")), ("timeout", "30"),
    ("max_retries", -1), ("max_retries", 1.5), ("max_retry_wait", -5),
    ("requests_per_minute", 0), ("requests_per_minute", 10.5), ("concurrency", 0), ("concurrency", True),
    ("page_size", 5000), ("base_url", "ftp://cortex.example"), ("base_url", "http://cortex.example.com"),
    ("base_url", "https://user:pw@cortex.example"), ("base_url", "not a url"),
    ("base_url", "https://cortex.example/?q=1"), ("token", ""), ("token", "abc def"), ("token", "to\nk"),
    ("token", "tök"),
    # and the hostile ones
    ("base_url", "https://cortex.example.test\r\nX-Injected: 1"),
    ("base_url", "https://cortex.example.test/%0d%0aX-Injected:%201"),
    ("base_url", "https://cortex.example.test:99999"),
    ("base_url", "https://cortex example.test"),
    ("base_url", b"https://cortex.example.test"),
    ("token", "ctx-token\r\nX-Injected: 1"),
    ("token", "ctx-t\u00f6ken-\u20ac"),
    ("token", "\u200b"),
    ("token", b"ctx-token"),
    ("proxy", "not a proxy"),
    ("proxy", "ftp://proxy.example.test:21"),
    ("proxy", 3128),
    ("verify", "/nonexistent/ca-bundle.pem"),
    ("verify", ""),
    ("verify", None),
    ("verify", "false"),
    ("transport", "not a transport"),
    ("transport", WRONG_FLAVOUR),
    ("timeout", 10**400),
    ("timeout", 1e30),
    ("max_retry_wait", float("inf")),
    ("max_retries", float("inf")),
    ("requests_per_minute", float("nan")),
    ("concurrency", 4.0),
    ("page_size", 1000.0),
    ("sleep", 42),
    ("clock", "monotonic"),
    ("rng", 42),
]


def construct(kind: str, api: ScriptedFake, **options: Any) -> Any:
    """A client of ``kind`` on ``api``, any option (transport and sleep included) overridable."""
    cls = CortexClient if kind == "sync" else AsyncCortexClient
    defaults: dict[str, Any] = {"token": TOKEN, "base_url": BASE, "transport": httpx.MockTransport(api),
                                "sleep": Clock().sleep if kind == "sync" else Clock().asleep}  # fmt: skip
    return cls(**{**defaults, **options})


@pytest.mark.parametrize(("option", "value"), BAD_OPTIONS, ids=[f"{o}-{i}" for i, (o, _) in enumerate(BAD_OPTIONS)])
@pytest.mark.slow
def test_bad_option_raises_at_construction(harness: Harness, option: str, value: Any) -> None:
    if value is WRONG_FLAVOUR:
        value = httpx.AsyncHTTPTransport() if harness.mode == "sync" else httpx.HTTPTransport()
    api = ScriptedFake()
    expected = InvalidParameterError if option == "page_size" else CortexConfigError
    with pytest.raises(expected) as info:
        construct(harness.mode, api, **{option: value})
    assert option in str(info.value)
    assert isinstance(info.value, ValueError)
    assert api.requests == []


def test_secrets_in_bad_options_are_not_echoed(harness: Harness) -> None:
    with pytest.raises(CortexConfigError) as info:
        harness.client(ScriptedFake(), proxy="gopher://user:hunter2@proxy.example.test")
    assert "hunter2" not in str(info.value)
    with pytest.raises(CortexConfigError) as info:
        harness.client(ScriptedFake(), token="ctx-SECRET\r\nX: 1")
    assert "SECRET" not in str(info.value)


def sent(harness: Harness, operation: str, **filters: Any) -> list[tuple[str, str]]:
    api = ScriptedFake(operation, [RECORD[operation](1)])
    harness.items(harness.client(api), operation, **filters)
    assert len(api.requests) == 1
    return [(k, v) for k, v in api.requests[0].url.params.multi_items() if k not in ("page", "pageSize")]


ACCEPTED: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("audit_logs", {"actions": {AuditAction.CREATE, AuditAction.READ}},
     [("actions", "CREATE"), ("actions", "READ")]),
    ("audit_logs", {"actor_emails": Fresh(lambda: (e for e in ["a@example.com", "b@example.com"]))},
     [("actorEmails", "a@example.com"), ("actorEmails", "b@example.com")]),
    ("audit_logs", {"actor_emails": EMAILS_100K[:1000]}, [("actorEmails", e) for e in EMAILS_100K[:1000]]),
    ("audit_logs", {"start_time": dt.datetime.min, "end_time": dt.date(999, 12, 31)},
     [("startTime", "0001-01-01T00:00:00"), ("endTime", "0999-12-31T00:00:00")]),
    ("notification_runs", {"mediums": [], "statuses": None}, []),
    ("notification_logs", {"notification_run_ids": [2**63 - 1]}, [("notificationRunIds", str(2**63 - 1))]),
    ("audit_logs", {"object_types": ["x" * 59_000], "extra_query": {"future": "y" * 880}},  # with the paging: 59,986
     [("objectTypes", "x" * 59_000), ("future", "y" * 880)]),
]


@pytest.mark.parametrize(("operation", "filters", "wire"), ACCEPTED, ids=_ids(ACCEPTED))
@pytest.mark.slow
def test_edge_arguments_that_are_accepted(harness: Harness, operation: str, filters: dict[str, Any],
                                          wire: list[tuple[str, str]]) -> None:  # fmt: skip
    frozen = {"endTime", "untilDate"} if not {"end_time", "until_date"} & set(filters) else set()
    pairs = sent(harness, operation, **fresh(filters))
    assert sorted(pair for pair in pairs if pair[0] not in frozen) == sorted(wire)


def test_an_internationalised_host_and_a_context_are_accepted(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    client = harness.client(api, base_url="https://c\u00f6rtex.example.test", verify=ssl.create_default_context())
    assert client.base_url.raw_host == b"xn--crtex-jua.example.test"
    assert len(harness.items(client, "audit_logs")) == 1
