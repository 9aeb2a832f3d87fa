"""Error statuses become typed exceptions carrying the API's details, for both clients."""

from __future__ import annotations

import httpx
import pytest

from cortex_wrapper import (
    AuthenticationError,
    BadRequestError,
    CortexAPIError,
    CortexError,
    CortexResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
)

from .support.api import Harness, ScriptedFake, error_response


@pytest.mark.parametrize(
    "status,cls,error_type",
    [
        (400, BadRequestError, "BAD_REQUEST"),
        (422, BadRequestError, "ILLEGAL_ARGUMENT_ERROR"),
        (401, AuthenticationError, "UNCATEGORIZED"),
        (403, PermissionDeniedError, "FORBIDDEN"),
        (404, NotFoundError, "NOT_FOUND"),
        (409, CortexAPIError, "CONFLICT"),
    ],
)
def test_status_maps_to_exception(harness: Harness, status: int, cls: type[CortexAPIError], error_type: str) -> None:
    api = ScriptedFake("notification_logs")
    api.script = [error_response(status, error_type, "it failed", "req-42")]
    with pytest.raises(cls) as info:
        harness.items(harness.client(api), "notification_logs")
    error = info.value
    assert isinstance(error, CortexError)
    assert (error.status_code, error.error_type, error.request_id) == (status, error_type, "req-42")
    assert error.message.startswith("it failed")
    assert "req-42" in str(error) and error_type in str(error)


def test_403_names_the_permission(harness: Harness) -> None:
    api = ScriptedFake("audit_logs")
    api.script = [error_response(403, "FORBIDDEN", "Forbidden")]
    with pytest.raises(PermissionDeniedError) as info:
        harness.items(harness.client(api), "audit_logs")
    assert info.value.permission == "View audit logs"
    assert "View audit logs" in str(info.value)
    api = ScriptedFake("notification_runs")
    api.script = [error_response(403, "FORBIDDEN", "Forbidden")]
    with pytest.raises(PermissionDeniedError, match="View Notification logs"):
        harness.items(harness.client(api), "notification_runs")


def test_request_id_falls_back_to_the_header(harness: Harness) -> None:
    api = ScriptedFake("audit_logs")
    api.script = [httpx.Response(400, json={"type": "BAD_REQUEST", "message": "bad"}, headers={"x-request-id": "hdr-1"})]
    with pytest.raises(BadRequestError) as info:
        harness.items(harness.client(api), "audit_logs")
    assert info.value.request_id == "hdr-1"


@pytest.mark.parametrize("body,ctype", [
    ("<html><body>Bad Gateway</body></html>", "text/html"),
    ("", "text/plain"),
    ('{"type": "BAD', "application/json"),
])
def test_non_json_error_bodies_never_leak_json_errors(harness: Harness, body: str, ctype: str) -> None:
    api = ScriptedFake("audit_logs")
    api.script = [httpx.Response(502, text=body, headers={"content-type": ctype})] * 6
    with pytest.raises(ServerError) as info:
        harness.items(harness.client(api), "audit_logs")
    assert info.value.status_code == 502
    assert info.value.error_type is None


@pytest.mark.parametrize("status", [499, 520])
def test_non_standard_status_codes(harness: Harness, status: int) -> None:
    api = ScriptedFake("audit_logs")
    api.script = [httpx.Response(status, text="odd")] * 6
    with pytest.raises(CortexAPIError) as info:
        harness.items(harness.client(api), "audit_logs")
    assert info.value.status_code == status


@pytest.mark.parametrize(
    "body",
    [
        b"<html>not json</html>",
        b"",
        b'{"logs": "nope", "page": 0, "total": 1, "totalPages": 1}',
        b'{"logs": [{"action": "CREATE"}], "page": 0, "total": 1, "totalPages": 1}',
        b'{"logs": [], "page": "0", "total": 0, "totalPages": 0}',
        b'{"logs": [7], "page": 0, "total": 1, "totalPages": 1}',
        b'[1, 2, 3]',
        b'\xff\xfe\x00garbage',
    ],
)
def test_2xx_bodies_off_spec_raise_response_error(harness: Harness, body: bytes) -> None:
    api = ScriptedFake("audit_logs")
    api.script = [httpx.Response(200, content=body, headers={"content-type": "application/json"})]
    with pytest.raises(CortexResponseError) as info:
        harness.items(harness.client(api), "audit_logs")
    assert info.value.status_code == 200


def test_redirects_are_not_followed(harness: Harness) -> None:
    api = ScriptedFake("audit_logs")
    api.script = [httpx.Response(302, headers={"location": "https://elsewhere.example/steal"})]
    with pytest.raises(CortexResponseError, match="redirect"):
        harness.items(harness.client(api), "audit_logs")
    assert len(api.requests) == 1


def test_null_optional_fields_read_as_absent(harness: Harness) -> None:
    api = ScriptedFake("notification_logs")
    record = {"id": 1, "medium": "SLACK", "recipientType": "USER", "runId": 2, "status": "DELIVERED",
              "type": "WEEKLY_REPORT", "failedReason": None, "dateDelivered": None}
    api.script = [httpx.Response(200, json={"logs": [record], "page": 0, "total": 1, "totalPages": 1})]
    [log] = harness.items(harness.client(api), "notification_logs")
    assert log.id == 1
