"""Configuration from arguments and environment; the token never shows, for both clients."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import httpx
import pytest

from cortex_wrapper import CortexAPIError, CortexConfigError, CortexError, PageFetched
from cortex_wrapper._config import resolve_base_url, resolve_token

from .support.api import TOKEN, Harness, ScriptedFake, audit_record, error_response


def test_token_from_env_in_order() -> None:
    assert resolve_token(None, {"CORTEX_API_TOKEN": "a", "CORTEX_API_KEY": "b"}).reveal() == "a"
    assert resolve_token(None, {"CORTEX_API_KEY": "b"}).reveal() == "b"
    assert resolve_token("c", {"CORTEX_API_KEY": "b"}).reveal() == "c"
    assert resolve_token(None, {"CORTEX_API_TOKEN": "", "CORTEX_API_KEY": "b"}).reveal() == "b"


def test_missing_token_names_both_variables(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORTEX_API_TOKEN", raising=False)
    monkeypatch.delenv("CORTEX_API_KEY", raising=False)
    with pytest.raises(CortexConfigError, match="CORTEX_API_TOKEN or CORTEX_API_KEY"):
        harness.client(ScriptedFake(), token=None)


def test_base_url_resolution() -> None:
    assert str(resolve_base_url(None, {})) == "https://api.getcortexapp.com"
    assert str(resolve_base_url(None, {"CORTEX_BASE_URL": "https://cortex.corp.example/"})) == "https://cortex.corp.example"
    for loopback in ("http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:80"):
        assert resolve_base_url(loopback, {}).scheme == "http"
    with pytest.raises(CortexConfigError, match="CORTEX_BASE_URL"):
        resolve_base_url(None, {"CORTEX_BASE_URL": "http://cortex.corp.example"})


def test_base_url_path_prefix_is_kept(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return api(request)

    harness.items(harness.client(handler, base_url="https://cortex.corp.example/cortex-api/"), "audit_logs")
    assert seen == ["/cortex-api/api/v1/audit-logs"]


def test_token_is_sent_as_bearer_over_https(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    harness.items(harness.client(api), "audit_logs")
    request = api.requests[0]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.url.scheme == "https"


def test_token_in_no_repr_str_or_pickle(harness: Harness) -> None:
    client = harness.client(ScriptedFake())
    for text in (repr(client), str(client), repr(client._token), str(client._token), repr(vars(client))):
        assert TOKEN not in text
    assert "***" in repr(client)
    with pytest.raises(TypeError):
        pickle.dumps(client._token)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500])
def test_token_in_no_exception(harness: Harness, status: int) -> None:
    api = ScriptedFake("audit_logs")
    echo = error_response(status, "BAD_REQUEST", "bad")
    api.script = [echo] * 10
    with pytest.raises(CortexError) as info:
        harness.items(harness.client(api, max_retries=0), "audit_logs")
    error = info.value
    texts = [str(error), repr(error), repr(vars(error)), str(error.__cause__), str(error.__context__)]
    assert all(TOKEN not in t for t in texts)
    assert isinstance(error, CortexAPIError)


def test_token_in_no_log_record_at_debug(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api = ScriptedFake("audit_logs", [audit_record(1)])
    api.script = [httpx.Response(503), httpx.ConnectError("refused")]
    harness.items(harness.client(api), "audit_logs")
    assert caplog.records  # retries were logged
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)


def test_config_error_messages_never_echo_the_token() -> None:
    with pytest.raises(CortexConfigError) as info:
        resolve_token("secret value with spaces")
    assert "secret" not in str(info.value)


# --- a token echoed in the body's requestId is masked wherever a request id is read ---


def _echoing_request_id(status: int, shape: str) -> Any:
    """A server that puts the request's token into the body's ``requestId`` (no ``x-request-id`` header)."""

    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers["authorization"]
        echoed = {"bearer": auth, "token": auth.split()[1], "inside": f"req-{auth.split()[1]}-7"}[shape]
        if status != 200:
            return httpx.Response(status, json={"type": "UNCATEGORIZED", "message": "no", "requestId": echoed})
        record = audit_record(1) if shape != "inside" or request.url.params.get("page") != "0" else {"action": 1}
        return httpx.Response(200, json={"logs": [record], "page": 0, "total": 1, "totalPages": 1,
                                         "requestId": echoed})

    return handler


@pytest.mark.parametrize("shape", ["bearer", "token"])
@pytest.mark.parametrize("view", ["pages", "raw_pages"])
def test_a_token_echoed_in_the_body_request_id_is_masked_on_pages_and_events(harness: Harness, view: str,
                                                                             shape: str) -> None:
    events: list[Any] = []
    client = harness.client(_echoing_request_id(200, shape), on_event=events.append)
    [page] = getattr(harness, view)(client, "audit_logs")
    assert page.request_id is not None and TOKEN not in page.request_id and "***" in page.request_id
    [fetched] = [event for event in events if isinstance(event, PageFetched)]
    assert fetched.request_id == page.request_id


@pytest.mark.parametrize("status", [200, 400, 401, 500])
def test_a_token_echoed_in_the_body_request_id_is_masked_on_errors(harness: Harness, status: int) -> None:
    with pytest.raises(CortexError) as info:
        harness.items(harness.client(_echoing_request_id(status, "inside"), max_retries=0), "audit_logs")
    request_id = getattr(info.value, "request_id", None)
    assert request_id == "req-***-7", request_id
    assert TOKEN not in str(info.value) and TOKEN not in repr(vars(info.value))
