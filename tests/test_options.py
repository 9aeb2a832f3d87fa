"""Read-only configuration, ``with_options`` and patching a client, through both clients."""

from __future__ import annotations

from typing import Any
from unittest import mock

import httpx
import pytest

from cortex_wrapper import ClientClosedError, CortexClient, CortexConfigError, InvalidParameterError, ServerError

from .support.api import Harness, ScriptedFake, audit_record, error_response

READ_ONLY = {"timeout": 1.0, "max_retries": 0, "max_retry_wait": 1.0, "requests_per_minute": 5, "page_size": 10,
             "concurrency": 1, "base_url": "https://elsewhere.example"}


def _close(harness: Harness, client: Any) -> None:
    if harness.mode == "sync":
        client.close()
    else:
        harness.run(client.close)


@pytest.mark.parametrize(("name", "value"), READ_ONLY.items())
def test_configuration_is_read_only_with_a_hint(harness: Harness, name: str, value: object) -> None:
    client = harness.client(ScriptedFake("audit_logs", []))
    before = getattr(client, name)
    with pytest.raises(AttributeError) as info:
        setattr(client, name, value)
    hint = "it is fixed when the client is made" if name == "base_url" else f"with_options({name}=...)"
    assert f"{type(client).__name__}.{name} is read-only: " in str(info.value) and hint in str(info.value)
    assert getattr(client, name) == before
    assert name not in vars(client)


def test_on_event_is_read_only_and_with_options_replaces_it(harness: Harness) -> None:
    seen: list[object] = []
    client = harness.client(ScriptedFake("audit_logs", [audit_record(1)]))
    assert client.on_event is None
    with pytest.raises(AttributeError, match=r"with_options\(on_event=\.\.\.\)"):
        client.on_event = seen.append
    hooked = client.with_options(on_event=seen.append)
    assert hooked.on_event == seen.append and client.on_event is None
    harness.items(hooked, "audit_logs")
    assert [type(event).__name__ for event in seen] == ["PageFetched"]


@pytest.mark.parametrize("operation", ["audit_logs", "notification_logs", "notification_runs"])
def test_a_service_can_patch_an_operation_of_its_client(harness: Harness, operation: str) -> None:
    """``mock.patch.object(client, ...)``, the usual way to stub a client in a service's tests, works."""
    client = harness.client(ScriptedFake(operation, []))
    with mock.patch.object(client, operation, return_value=["stubbed"]) as stub:
        assert getattr(client, operation)(page_size=5) == ["stubbed"]
    stub.assert_called_once_with(page_size=5)
    assert getattr(client, operation).__func__ is getattr(type(client), operation)  # the method is back


def test_with_options_builds_through_the_constructor(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy is made by ``__init__`` (its checks run), shares the pool, token and limiter, and has the same type."""
    client = harness.client(ScriptedFake("audit_logs", []), requests_per_minute=10)
    built: list[dict[str, Any]] = []
    init = type(client).__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(kwargs)
        init(self, *args, **kwargs)

    monkeypatch.setattr(type(client), "__init__", spy)
    copy = client.with_options(max_retries=1)
    assert type(copy) is type(client) and copy.max_retries == 1 and copy.requests_per_minute == 10
    [kwargs] = built
    assert kwargs["http_client"] is client._http and kwargs["_limiter"] is client._limiter
    assert copy._http is client._http and copy._limiter is client._limiter and not copy._owns_http
    assert copy._token.reveal() == client._token.reveal() and copy.base_url == client.base_url


def test_with_options_max_retries_changes_only_the_derived_client(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    api.script = [error_response(503, "UNCATEGORIZED", "busy")]
    client = harness.client(api, max_retries=5)
    once = client.with_options(max_retries=0)
    assert once.max_retries == 0 and client.max_retries == 5
    with pytest.raises(ServerError):
        harness.items(once, "audit_logs")
    assert len(api.requests) == 1  # no retry
    api.script = [error_response(503, "UNCATEGORIZED", "busy")]
    assert len(harness.items(client, "audit_logs")) == 1  # the original still retries
    assert len(api.requests) == 3


def test_with_options_timeout_is_sent_with_each_request(harness: Harness) -> None:
    seen: list[dict[str, Any]] = []
    api = ScriptedFake("audit_logs", [audit_record(1)])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return api(request)

    client = harness.client(handler)
    harness.items(client.with_options(timeout=httpx.Timeout(2.0, connect=0.5)), "audit_logs")
    harness.items(client.with_options(timeout=1.5), "audit_logs")
    harness.items(client, "audit_logs")
    assert seen == [
        {"connect": 0.5, "read": 2.0, "write": 2.0, "pool": 2.0},
        {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5},
        {"connect": 30.0, "read": 30.0, "write": 30.0, "pool": 30.0},
    ]


def test_with_options_page_size_and_concurrency(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(30)])
    client = harness.client(api)
    small = client.with_options(page_size=10, concurrency=2)
    assert (small.page_size, small.concurrency) == (10, 2) and (client.page_size, client.concurrency) == (1000, 4)
    assert len(harness.pages(small, "audit_logs")) == 3
    assert [r.url.params["pageSize"] for r in api.requests] == ["10", "10", "10"]


def test_derived_clients_share_the_pool_and_the_429_pause(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    api.script = [httpx.Response(429, headers={"Retry-After": "7"}, json={"title": "Too Many Requests"})]
    client = harness.client(api, requests_per_minute=1000)
    derived = client.with_options(max_retries=0, requests_per_minute=50)
    assert derived._http is client._http
    with pytest.raises(Exception, match="429"):
        harness.items(derived, "audit_logs")
    assert harness.clock.sleeps == []
    harness.items(client, "audit_logs")  # the original waits out the pause the derived client met
    assert harness.clock.sleeps == [7.0]


def test_closing_a_derived_client_leaves_the_pool_open(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    client = harness.client(api)
    _close(harness, client.with_options(max_retries=1))
    assert len(harness.items(client, "audit_logs")) == 1
    _close(harness, client)
    assert client._http.is_closed


@pytest.mark.parametrize(("option", "value", "error"), [
    ("max_retries", -1, CortexConfigError), ("timeout", 0, CortexConfigError),
    ("requests_per_minute", 0, CortexConfigError), ("page_size", 1001, InvalidParameterError),
    ("concurrency", 0, CortexConfigError),
])
def test_with_options_checks_its_values(harness: Harness, option: str, value: object, error: type) -> None:
    client = harness.client(ScriptedFake("audit_logs", []))
    with pytest.raises(error, match=option):
        client.with_options(**{option: value})


def test_with_options_requests_per_minute_none_turns_pacing_off(harness: Harness) -> None:
    client = harness.client(ScriptedFake("audit_logs", []), requests_per_minute=10)
    assert client.with_options(requests_per_minute=None).requests_per_minute is None
    assert client.with_options(max_retries=2).requests_per_minute == 10


# --- extra_query (issue 12, item 4) ---


def test_extra_query_sends_parameters_the_spec_does_not_know(harness: Harness) -> None:
    api = ScriptedFake("notification_logs", [])
    client = harness.client(api)
    harness.items(client, "notification_logs", statuses=["FAILED"],
                  extra_query={"zzNotInAnySpecYet": ["payments", "search"], "beta": "1"})
    query = api.requests[0].url.params
    assert query.get_list("zzNotInAnySpecYet") == ["payments", "search"] and query["beta"] == "1"
    assert query.get_list("statuses") == ["FAILED"]


@pytest.mark.parametrize(("name", "hint"), [("statuses", "statuses"), ("recipientEmails", "recipient_emails"),
                                            ("recipient_emails", "recipient_emails"), ("pageSize", "page_size"),
                                            ("page", "page_size")])
def test_extra_query_refuses_a_name_the_spec_knows(harness: Harness, name: str, hint: str) -> None:
    api = ScriptedFake("notification_logs", [])
    client = harness.client(api)
    with pytest.raises(InvalidParameterError) as info:
        client.notification_logs(extra_query={name: "x"})
    assert info.value.parameter == "extra_query"
    assert f"use the keyword argument {hint}=" in str(info.value)
    assert api.requests == []


@pytest.mark.parametrize("bad", [{"x": 1}, {"": "v"}, {"x": ["a", 2]}, {"x": "a\nb"}, ["x"]])
def test_extra_query_values_are_checked_before_any_request(harness: Harness, bad: Any) -> None:
    api = ScriptedFake("audit_logs", [])
    with pytest.raises(InvalidParameterError, match="extra_query"):
        harness.client(api).audit_logs(extra_query=bad)
    assert api.requests == []


def test_an_extra_query_too_long_for_a_url_is_refused_at_the_call(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [])
    client = harness.client(api)
    with pytest.raises(ValueError) as info:  # not httpx.InvalidURL once iteration starts
        client.audit_logs(extra_query={"future": "x" * 70_000})
    assert isinstance(info.value, InvalidParameterError) and info.value.parameter == "extra_query"
    assert "70," in str(info.value) and "60,000" in str(info.value) and "split" in str(info.value)
    assert api.requests == []


# --- http_client (issue 12, item 5) ---


def _user_client(harness: Harness, handler: Any, **options: Any) -> Any:
    transport = httpx.MockTransport(handler)
    if harness.mode == "sync":
        return httpx.Client(transport=transport, **options)
    return httpx.AsyncClient(transport=transport, **options)


def test_a_users_http_client_is_used_and_never_changed(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    hooked: list[str] = []

    def hook(request: httpx.Request) -> None:
        hooked.append(request.url.path)

    async def ahook(request: httpx.Request) -> None:
        hook(request)

    mine = _user_client(harness, api, headers={"X-Team": "payments"}, timeout=99.0,
                        event_hooks={"request": [hook if harness.mode == "sync" else ahook]})
    before = (dict(mine.headers), mine.timeout, mine.base_url)
    client = harness.client(None, http_client=mine)
    assert len(harness.items(client, "audit_logs")) == 1
    sent = api.requests[0]
    assert sent.headers["authorization"].startswith("Bearer ") and sent.headers["x-team"] == "payments"
    assert str(sent.url).startswith("https://cortex.example.test/api/v1/audit-logs?")
    assert sent.extensions["timeout"]["read"] == 30.0  # the wrapper's, per request
    assert hooked == ["/api/v1/audit-logs"]  # the user's event hooks still run
    assert (dict(mine.headers), mine.timeout, mine.base_url) == before
    assert "authorization" not in mine.headers
    _close(harness, client)
    assert not mine.is_closed  # the user's client is the user's to close


@pytest.mark.slow
def test_http_client_of_the_wrong_kind_or_with_transport_options_is_refused(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [])
    wrong = httpx.AsyncClient() if harness.mode == "sync" else httpx.Client()
    with pytest.raises(CortexConfigError, match="http_client must be an httpx"):
        harness.client(None, http_client=wrong)
    right = _user_client(harness, api)
    with pytest.raises(CortexConfigError, match="not beside it"):
        harness.client(None, http_client=right, verify=False)


def _close_users(harness: Harness, mine: Any) -> None:
    if harness.mode == "sync":
        mine.close()
    else:
        harness.run(mine.aclose)


def test_an_http_client_closed_before_construction_is_named(harness: Harness) -> None:
    mine = _user_client(harness, ScriptedFake("audit_logs", []))
    _close_users(harness, mine)
    with pytest.raises(ClientClosedError) as info:
        harness.client(None, http_client=mine)
    assert "the given http_client is closed" in str(info.value)
    assert "this CortexClient" not in str(info.value) and "this AsyncCortexClient" not in str(info.value)


def test_an_http_client_closed_after_construction_is_named_at_the_request(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    mine = _user_client(harness, api)
    client = harness.client(None, http_client=mine)
    derived = client.with_options(max_retries=0)
    _close_users(harness, mine)
    for each in (client, derived):
        with pytest.raises(ClientClosedError) as info:
            harness.items(each, "audit_logs")
        assert "the given http_client is closed" in str(info.value)
        assert "CortexClient is closed" not in str(info.value)
    assert api.requests == []


def test_a_closed_cortex_client_still_says_so(harness: Harness) -> None:
    client = harness.client(ScriptedFake("audit_logs", [audit_record(1)]))
    _close(harness, client)
    with pytest.raises(ClientClosedError, match=r"this (Async)?CortexClient is closed"):
        harness.items(client, "audit_logs")


def test_a_client_made_by_with_options_says_its_own_pool_is_closed(harness: Harness) -> None:
    """The pool a copy shares is its origin's, not one the caller gave: closing the origin is named as such."""
    client = harness.client(ScriptedFake("audit_logs", [audit_record(1)]))
    derived = client.with_options(max_retries=1)
    _close(harness, client)
    with pytest.raises(ClientClosedError, match=r"this (Async)?CortexClient is closed"):
        harness.items(derived, "audit_logs")


def test_clients_share_one_default_tls_context_and_keep_a_given_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the default TLS context loads the CA bundle (about 40 ms): once per process, not per client."""
    import ssl

    def pool_context(client: CortexClient) -> ssl.SSLContext:
        transport = client._http._transport
        assert isinstance(transport, httpx.HTTPTransport)
        context = transport._pool._ssl_context
        assert isinstance(context, ssl.SSLContext)
        return context

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    first, second = CortexClient(token="t"), CortexClient(token="t")
    assert pool_context(first) is pool_context(second)
    assert pool_context(first).verify_mode == ssl.CERT_REQUIRED and pool_context(first).check_hostname
    mine = ssl.create_default_context()
    assert pool_context(CortexClient(token="t", verify=mine)) is mine
    assert pool_context(CortexClient(token="t", verify=False)).verify_mode == ssl.CERT_NONE
    monkeypatch.setenv("SSL_CERT_DIR", "/etc/ssl/certs")
    assert pool_context(CortexClient(token="t")) is not pool_context(first)
