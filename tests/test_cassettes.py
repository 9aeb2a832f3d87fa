"""Cassette tests: recorded HTTP exchanges replayed offline (pytest-recording, ``--block-network``).

Replay (the default, ``record_mode=none``) needs no server. Re-record from FakeCortex with::

    .venv/bin/pytest tests/test_cassettes.py --record-mode=rewrite

or against a real tenant (token and URL from the environment; the fault-injection cases are skipped)::

    CORTEX_RECORD_REAL=1 CORTEX_API_TOKEN=... CORTEX_BASE_URL=https://api.getcortexapp.com \\
        .venv/bin/pytest tests/test_cassettes.py --record-mode=rewrite -k "not fake_only"

Requests match on method, path and query, so a change in the wire encoding fails the replay.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr as vcrpy
from cortex_api_client.models import GitOpsLogResponse
from vcr.errors import CannotOverwriteExistingCassetteException

from cortex_wrapper import (
    AuditLogResponse,
    CortexClient,
    NotificationLog,
    NotificationRun,
    PermissionDeniedError,
    UnknownEnumValueWarning,
)
from cortex_wrapper.testing import FakeCortex, Faults, Outcome, cassette_config

from .support.api import TOKEN
from .support.operations import ROOT

REAL = os.environ.get("CORTEX_RECORD_REAL") == "1"
CASSETTES = Path(__file__).parent / "cassettes" / "test_cassettes"
START = "2025-04-01T00:00:00"
END = "2025-07-01T00:00:00"
WINDOW: dict[str, dict[str, Any]] = {
    "audit_logs": {"start_time": START, "end_time": END},
    "notification_logs": {"from_date": START, "until_date": END},
    "notification_runs": {"from_date": START, "until_date": END, "delivered_only": False},
    "git_ops_logs": {},  # no time bounds: every GitOps log
}
fake_only = pytest.mark.skipif(REAL, reason="needs FakeCortex fault injection")


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return cassette_config([TOKEN])


@pytest.fixture
def recording(request: pytest.FixtureRequest) -> bool:
    return request.config.getoption("record_mode") not in (None, "none")


@pytest.fixture
def cortex(recording: bool) -> Iterator[Callable[..., tuple[CortexClient, FakeCortex | None]]]:
    """Make a client: against FakeCortex (or a real tenant) when recording, against nothing when replaying."""
    fakes: list[FakeCortex] = []
    clients: list[CortexClient] = []

    def make(fake_options: dict[str, Any] | None = None, token: str | None = None, **options: Any
             ) -> tuple[CortexClient, FakeCortex | None]:
        fake = None
        if recording and REAL:
            client = CortexClient(concurrency=1, requests_per_minute=None, **options)
        else:
            if recording:
                fake = FakeCortex(seed=11, audit_log_count=40, notification_log_count=40, notification_run_count=40,
                                  counts={"git_ops_logs": 40}, **(fake_options or {})).start()
                fakes.append(fake)
            base_url = fake.url if fake else "http://127.0.0.1:9"
            options.setdefault("sleep", lambda seconds: None)
            client = CortexClient(token or (fake.token if fake else "replayed"), base_url, concurrency=1,
                                  requests_per_minute=None, **options)
        clients.append(client)
        return client, fake

    yield make
    for client in clients:
        client.close()
    for fake in fakes:
        fake.stop()


MODELS = {"audit_logs": AuditLogResponse, "notification_logs": NotificationLog, "notification_runs": NotificationRun,
          "git_ops_logs": GitOpsLogResponse}
OPERATIONS = list(MODELS)


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS)
def test_one_page(cortex: Any, operation: str) -> None:
    client, _ = cortex()
    pages = list(getattr(client, operation)(**WINDOW[operation]).pages())
    assert len(pages) == 1
    assert pages[0].total == len(pages[0].items) > 0
    assert all(isinstance(item, MODELS[operation]) for item in pages[0].items)


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS)
def test_several_pages(cortex: Any, operation: str) -> None:
    client, _ = cortex()
    pages = list(getattr(client, operation)(page_size=7, **WINDOW[operation]).pages())
    assert len(pages) == pages[0].total_pages >= 3
    assert [p.page for p in pages] == list(range(len(pages)))
    assert sum(len(p.items) for p in pages) == pages[0].total
    if operation not in ("audit_logs", "git_ops_logs"):  # the records that have an id
        ids = [i.id for p in pages for i in p.items]
        assert len(ids) == len(set(ids))


ALL_FILTERS: dict[str, dict[str, Any]] = {
    "audit_logs": {
        "start_time": dt.datetime(2025, 4, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "end_time": dt.date(2025, 7, 1), "actions": ["CREATE", "READ", "DELETE"],
        "object_identifiers": ["payments-api", "checkout"], "object_types": ["SERVICE", "AWS_CONFIGURATION"],
        "actor_types": ["API_KEY", "OAUTH2"], "actor_api_key_identifiers": ["ci-key"],
        "actor_emails": ["alice@example.com", "bob@example.com"], "actor_ip_addresses": ["10.1.2.3"],
        "actor_request_types": ["API_KEY_ENTITY", "SLACK_COMMAND"],
    },
    "notification_logs": {
        "notification_run_ids": [1, 2, 3], "notification_types": ["WEEKLY_REPORT", "EXPORT_COMPLETED"],
        "statuses": ["FAILED", "IGNORED"], "recipient_types": ["USER", "TEAM"],
        "recipient_emails": ["alice@example.com"], "recipient_entity_ids": [42],
        "recipient_channels": ["#alerts-payments"], "mediums": ["SLACK", "WEBHOOK"],
        "ignored_reasons": ["USER_UNSUBSCRIBED"], "failed_reasons": ["CHANNEL_NOT_FOUND", "CLIENT_ERROR"],
        "from_date": "2025-04-01", "until_date": dt.datetime(2025, 7, 1, 12, 30, 15), "order_by": "ASC",
    },
    "notification_runs": {
        "notification_types": ["WEEKLY_REPORT"], "statuses": ["FAILED", "COMPLETED_WITH_ERRORS"],
        "mediums": ["EMAIL", "MICROSOFT_TEAMS"], "ignored_reasons": ["NO_RECIPIENTS"],
        "failed_reasons": ["INTERNAL_ERROR"], "search_query": "weekly report", "include_objects": True,
        "from_date": "2025-04-01T00:00:00Z", "until_date": "2025-07-01T00:00:00+00:00", "delivered_only": False,
        "order_by": "DESC",
    },
    "git_ops_logs": {
        "file": "catalog/payments.yaml", "repository": "cortexapps/catalog", "sha": "9f3c2e1", "error_only": True,
        "operation": "UPDATED", "file_name": "payments.yaml", "scorecard_tag": "security-baseline",
        "workflow_tag": "deploy", "tag": "payments-api",
    },
}


@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS)
# EXPORT_COMPLETED is in the recorded query; the newest doc version (2026-01-08) no longer lists it
@pytest.mark.filterwarnings("ignore::cortex_wrapper.DeprecatedEnumValueWarning")
def test_wire_encoding_of_every_filter(cortex: Any, operation: str, vcr: Any) -> None:
    client, _ = cortex()
    list(getattr(client, operation)(**ALL_FILTERS[operation]))
    assert vcr.all_played or vcr.record_mode != "none"
    recorded = vcr.requests[0].uri
    if operation == "audit_logs":
        assert "startTime=2025-04-01T00%3A00%3A00" in recorded and "actions=CREATE&actions=READ" in recorded
    elif operation == "notification_logs":
        assert "untilDate=2025-07-01T12%3A30%3A15" in recorded and "mediums=SLACK&mediums=WEBHOOK" in recorded
    elif operation == "notification_runs":
        assert "includeObjects=true" in recorded and "deliveredOnly=false" in recorded
        assert "searchQuery=weekly+report" in recorded
    else:
        assert "errorOnly=true" in recorded and "scorecardTag=security-baseline" in recorded and "tag=payments-api" in recorded
        assert "file=catalog%2Fpayments.yaml" in recorded


@fake_only
@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("form", ["header", "body-only"])
def test_429_then_success(cortex: Any, form: str, operation: str) -> None:
    waits: list[float] = []
    client, fake = cortex(sleep=waits.append)
    if fake:
        fake.script(Outcome(429, retry_after=2, retry_after_form=form), 200)
    assert list(getattr(client, operation)(**WINDOW[operation]))
    assert waits == [pytest.approx(2.0, abs=0.5)]  # the server's 2 s, not a 0.25-0.5 s backoff


NEEDS = {"audit_logs": ("notifications", "View audit logs"),
         "notification_logs": ("audit", "View Notification logs"),
         "notification_runs": ("audit", "View Notification logs"),
         "git_ops_logs": ("audit", "View GitOps logs")}


@fake_only
@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS)
def test_403_names_the_permission(cortex: Any, operation: str) -> None:
    other, permission = NEEDS[operation]
    client, _ = cortex(fake_options={"tokens": {"other-permission-token": {other}}}, token="other-permission-token")
    with pytest.raises(PermissionDeniedError) as info:
        list(getattr(client, operation)(**WINDOW[operation]))
    assert info.value.status_code == 403
    assert info.value.permission == permission
    assert info.value.request_id and info.value.error_type


@fake_only
@pytest.mark.vcr
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("status", [503, 500])
def test_5xx_then_success(cortex: Any, status: int, operation: str) -> None:
    waits: list[float] = []
    client, fake = cortex(sleep=waits.append)
    if fake:
        fake.script(status, 200)
    assert list(getattr(client, operation)(**WINDOW[operation]))
    assert len(waits) == 1


ENUM_FIELDS = {"audit_logs": ("action",), "notification_logs": ("medium", "status", "type_", "recipient_type"),
               "notification_runs": ("medium", "status", "notification_type")}


@fake_only
@pytest.mark.vcr
@pytest.mark.parametrize("operation", list(ENUM_FIELDS))  # GitOps logs have no top-level enum for the fault to set
def test_unknown_enum_values_in_responses(cortex: Any, operation: str) -> None:
    client, _ = cortex(fake_options={"faults": Faults(seed=3, unknown_enum_rate=1.0)})
    with pytest.warns(UnknownEnumValueWarning):
        records = list(getattr(client, operation)(**WINDOW[operation]))
    unknown = [(r, f) for r in records for f in ENUM_FIELDS[operation] if getattr(r, f).is_unknown]
    assert unknown
    for record, field in unknown:
        value = getattr(record, field)
        member: Any = value  # the same open-enum member; the isinstance below narrows `value` alone to str
        assert isinstance(value, str) and value == member.value
        assert member.value in record.to_dict().values()


def test_a_changed_encoding_fails_the_replay() -> None:
    """Replaying with a different date encoding finds no recorded request: the cassette pins the wire format."""
    cassette = CASSETTES / "test_one_page[audit_logs].yaml"
    config = cassette_config([TOKEN])
    with vcrpy.use_cassette(str(cassette), record_mode="none", **config):
        client = CortexClient("replayed", "http://127.0.0.1:9", requests_per_minute=None)
        assert list(client.audit_logs(**WINDOW["audit_logs"]))
        changed: dict[str, Any] = {"start_time": START + "+00:00", "end_time": END}
        with pytest.raises(CannotOverwriteExistingCassetteException):
            list(client.audit_logs(**changed, actions=["CREATE"]))


def test_scrubbing_a_response_that_echoes_the_token(tmp_path: Path) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        auth = request.headers["authorization"]
        return httpx.Response(401, json={"type": "UNCATEGORIZED", "message": f"bad credentials: {auth}",
                                         "requestId": "r1"}, headers={"x-debug-auth": auth, "set-cookie": "s=1"})

    path = tmp_path / "echo.yaml"
    with vcrpy.use_cassette(str(path), record_mode="all", **cassette_config([TOKEN])):
        client = CortexClient(TOKEN, "https://cortex.example.com", transport=httpx.MockTransport(echo))
        with pytest.raises(Exception) as info:
            list(client.audit_logs(end_time=END))
    assert "bad credentials" in str(info.value)  # the server's own message, token masked
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)
    text = path.read_text()
    assert "bad credentials" in text and "<REDACTED>" in text
    assert TOKEN not in text
    assert "cortex.example.com" not in text and "cortex.invalid" in text
    assert "set-cookie" not in text.lower()


SECRET_LIKE = re.compile(r"(?i)bearer\s+(?!<REDACTED>)[A-Za-z0-9._~+/-]{8,}")


def _in_a_venv(path: Path) -> bool:
    """Under ``.venv`` or a per-version ``.venv-3.12`` (third-party files, not the repo's)."""
    return any(part == ".venv" or part.startswith(".venv-") for part in path.parts)


@pytest.mark.slow
def test_no_cassette_and_no_file_in_the_repo_holds_a_token() -> None:
    from cortex_wrapper.testing import DEFAULT_TOKEN

    cassettes = sorted(CASSETTES.glob("*.yaml"))
    assert len(cassettes) >= 27
    for path in cassettes:
        text = path.read_text()
        assert "authorization" not in text.lower(), path
        assert DEFAULT_TOKEN not in text and TOKEN not in text, path
        assert not SECRET_LIKE.search(text), path
        assert "127.0.0.1" not in text, path  # the recording port is not baked in
    for path in ROOT.rglob("*"):
        if path.is_file() and ".git" not in path.parts and not _in_a_venv(path) and path.suffix in (
                ".yaml", ".json", ".md", ".txt", ".jsonl", ".csv"):
            assert not SECRET_LIKE.search(path.read_text(errors="replace")), path
