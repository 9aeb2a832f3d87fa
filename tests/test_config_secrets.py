"""Configuration from arguments and environment; the token never shows, for both clients."""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest

from cortex_wrapper import CortexAPIError, CortexConfigError, CortexError
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
