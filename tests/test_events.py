"""Observability without scraping, and response metadata (issue 12, items 2 and 3), through both clients."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import httpx
import pytest

from cortex_wrapper import CortexResponseError, Event, PageFetched, PermissionDeniedError, RateLimitPause, Retrying

from .support.api import TOKEN, Harness, ScriptedFake, audit_record, error_response


def test_the_hook_sees_pages_retries_and_pauses(harness: Harness) -> None:
    events: list[Event] = []
    lock = threading.Lock()

    def hook(event: Event) -> None:
        with lock:
            events.append(event)

    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(25)])
    api.script = [error_response(503, "UNCATEGORIZED", "busy"),
                  httpx.Response(429, headers={"Retry-After": "4"}, json={"title": "Too Many Requests"})]
    client = harness.client(api, page_size=10, concurrency=1, on_event=hook)
    assert len(harness.items(client, "audit_logs")) == 25
    retries = [e for e in events if isinstance(e, Retrying)]
    assert [(e.page, e.status, e.attempt) for e in retries] == [(0, 503, 1), (0, 429, 2)]
    assert retries[0].reason == "503 server error" and retries[1].wait == 4.0
    pauses = [e for e in events if isinstance(e, RateLimitPause)]
    assert [(e.page, e.seconds) for e in pauses] == [(0, 4.0)]
    pages = [e for e in events if isinstance(e, PageFetched)]
    assert [(e.operation, e.page, e.records, e.retries) for e in pages] == [
        ("getAuditLogs", 0, 10, 2), ("getAuditLogs", 1, 10, 0), ("getAuditLogs", 2, 5, 0)]
    assert pages[0].request_id == "req-3" and pages[0].elapsed == pytest.approx(harness.clock.sleeps[0] + 4.0)


def test_pages_carry_request_id_headers_retries_and_elapsed(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])

    def handler(request: httpx.Request) -> httpx.Response:
        response = api(request)
        response.headers["set-cookie"] = "session=1"
        response.headers["x-echo"] = f"seen {request.headers['authorization']}"
        return response

    api_script = ScriptedFake("audit_logs", [audit_record(1)])
    api_script.script = [error_response(500, "UNHANDLED_EXCEPTION", "oops")]
    [page] = harness.pages(harness.client(handler), "audit_logs")
    assert page.request_id == "req-1"
    assert "set-cookie" not in page.headers and page.headers["x-request-id"] == "req-1"
    assert TOKEN not in page.headers["x-echo"] and "***" in page.headers["x-echo"]
    assert page.retries == 0 and page.elapsed == 0.0  # the fake clock did not move
    [retried] = harness.pages(harness.client(api_script), "audit_logs")
    assert retried.retries == 1 and retried.elapsed == pytest.approx(harness.clock.sleeps[-1])
    assert not hasattr(retried, "body") and not hasattr(retried, "content")


def test_a_page_takes_its_request_id_from_the_body_when_no_header_carries_one(harness: Harness) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"logs": [audit_record(1)], "page": 0, "total": 1, "totalPages": 1,
                                         "requestId": "body-req-7"})

    [page] = harness.pages(harness.client(handler), "audit_logs")
    assert page.request_id == "body-req-7"


def test_a_response_error_carries_request_id_and_scrubbed_headers(harness: Harness) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"logs": [{"action": "UPDATE"}], "page": 0, "total": 1, "totalPages": 1},
                              headers={"x-request-id": "req-bad-1", "set-cookie": "s=1", "x-trace": "t1"})

    with pytest.raises(CortexResponseError) as info:
        harness.items(harness.client(handler), "audit_logs")
    error = info.value
    assert error.request_id == "req-bad-1" and "request id req-bad-1" in str(error)
    assert error.headers["x-trace"] == "t1" and "set-cookie" not in error.headers
    assert error.status_code == 200


def test_errors_carry_scrubbed_headers(harness: Harness) -> None:
    def forbidden(request: httpx.Request) -> httpx.Response:
        response = error_response(403, "FORBIDDEN", "no", request_id="req-9")
        response.headers.update({"x-request-id": "req-9", "set-cookie": "s=1", "x-trace": "abc"})
        return response

    with pytest.raises(PermissionDeniedError) as info:
        harness.items(harness.client(forbidden), "audit_logs")
    assert info.value.headers["x-trace"] == "abc" and "set-cookie" not in info.value.headers
    assert info.value.request_id == "req-9"


CLIENT_CODE = {
    "sync": "client = CortexClient({token!r}, 'https://cortex.example.test', transport=httpx.MockTransport(handler),"
            " sleep=lambda s: None)\nprint(len(list(client.audit_logs())))\n",
    "async": "import asyncio\n"
             "async def nap(seconds): pass\n"
             "async def main():\n"
             "    client = AsyncCortexClient({token!r}, 'https://cortex.example.test',"
             " transport=httpx.MockTransport(handler), sleep=nap)\n"
             "    print(len([entry async for entry in client.audit_logs()]))\n"
             "asyncio.run(main())\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("value", "expected"), [("debug", "retry 1/5"), ("info", "retry 1/5"), ("", None)])
def test_cortex_log_turns_on_logging_to_stderr(value: str, expected: str | None, mode: str) -> None:
    code = (
        "import httpx\n"
        "from cortex_wrapper import AsyncCortexClient, CortexClient\n"
        "calls = []\n"
        "def handler(request):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 1:\n"
        "        return httpx.Response(503, json={'message': 'busy'})\n"
        "    return httpx.Response(200, json={'logs': [], 'page': 0, 'total': 0, 'totalPages': 0})\n"
        + CLIENT_CODE[mode].format(token=TOKEN)
    )
    env = {**os.environ, "CORTEX_LOG": value}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "0"
    assert TOKEN not in done.stderr
    if expected is None:
        assert done.stderr == ""
    else:
        assert expected in done.stderr and "cortex_wrapper" in done.stderr
        assert ("HTTP Request: GET" in done.stderr) == (value == "debug")
