"""Shared test fixtures: an in-process mock of the Cortex API and a sync/async harness."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import math
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cortex_wrapper import AsyncCortexClient, CortexClient, Page
from cortex_wrapper._enums import reset_seen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

TOKEN = "ctx-test-SECRET-token-9f8e7d6c5b4a"
BASE = "https://cortex.example.test"
PATHS = {
    "audit_logs": ("/api/v1/audit-logs", "logs", "endTime"),
    "notification_logs": ("/api/v1/notifications/logs", "logs", "untilDate"),
    "notification_runs": ("/api/v1/notifications/logs/run", "runs", "untilDate"),
}
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def audit_record(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "action": "UPDATE", "objectIdentifier": f"svc-{i}", "objectType": "SERVICE",
        "timestamp": iso(T0 + dt.timedelta(minutes=i)), "actorIdentifier": f"user{i}@example.com", **extra,
    }


def log_record(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": i, "medium": "SLACK", "recipientType": "USER", "runId": 1000 + i, "status": "DELIVERED",
        "type": "WEEKLY_REPORT", "dateCreated": iso(T0 + dt.timedelta(minutes=i)), **extra,
    }


def run_record(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": i, "deliveredCount": 1, "medium": "EMAIL", "notificationType": "WEEKLY_REPORT", "seqNo": 0,
        "status": "COMPLETED", "summary": f"run {i}", "dateCreated": iso(T0 + dt.timedelta(minutes=i)), **extra,
    }


RECORD = {"audit_logs": audit_record, "notification_logs": log_record, "notification_runs": run_record}


class MockCortex:
    """A small in-process Cortex: records newest first, honours page/pageSize and the upper bound.

    ``script`` queues responses (or exceptions) served before normal pages; ``on_request``
    runs before each page is served (e.g. to insert records mid-crawl).
    """

    def __init__(self, operation: str = "audit_logs", records: list[dict[str, Any]] | None = None) -> None:
        self.path, self.list_key, self.upper = PATHS[operation]
        self.records: list[dict[str, Any]] = records or []
        self.script: list[httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]] = []
        self.requests: list[httpx.Request] = []
        self.on_request: Callable[[MockCortex], None] | None = None
        self.lock = threading.Lock()
        self.totals_override: tuple[int, int] | None = None

    def _time(self, record: dict[str, Any]) -> str:
        return str(record.get("timestamp") or record.get("dateCreated"))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
            if self.script:
                item = self.script.pop(0)
                if isinstance(item, Exception):
                    raise item
                return item(request) if callable(item) else item
            if self.on_request:
                self.on_request(self)
            q = request.url.params
            page, size = int(q["page"]), int(q["pageSize"])
            rows = sorted(self.records, key=self._time, reverse=q.get("orderBy", "DESC") == "DESC")
            if self.upper in q:
                bound = q[self.upper]
                rows = [r for r in rows if self._time(r)[:19] <= bound[:19]]
            total = len(rows)
            pages = math.ceil(total / size)
            if self.totals_override:
                total, pages = self.totals_override
            body = {self.list_key: rows[page * size:(page + 1) * size], "page": page, "total": total, "totalPages": pages}
            return httpx.Response(200, json=body, headers={"x-request-id": f"req-{len(self.requests)}"})


class Clock:
    """A fake monotonic clock and sleep: sleeping advances time, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


class Harness:
    """Runs the same scenario through the sync or the async client."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.clock = Clock()

    def client(self, handler: Callable[[httpx.Request], httpx.Response] | None, **options: Any) -> Any:
        """A client whose requests ``handler`` answers (None: the caller passes ``http_client``)."""
        options.setdefault("token", TOKEN)
        options.setdefault("base_url", BASE)
        options.setdefault("clock", self.clock)
        options.setdefault("requests_per_minute", None)
        transport = httpx.MockTransport(handler) if handler is not None else None
        if self.kind == "sync":
            return CortexClient(transport=transport, sleep=self.clock.sleep, **options)
        return AsyncCortexClient(transport=transport, sleep=self.clock.asleep, **options)

    def items(self, client: Any, operation: str, **filters: Any) -> list[Any]:
        pager = getattr(client, operation)(**filters)
        if self.kind == "sync":
            return list(pager)

        async def collect() -> list[Any]:
            return [item async for item in pager]

        return asyncio.run(collect())

    def pages(self, client: Any, operation: str, **filters: Any) -> list[Page[Any]]:
        pager = getattr(client, operation)(**filters)
        if self.kind == "sync":
            return list(pager.pages())

        async def collect() -> list[Page[Any]]:
            return [page async for page in pager.pages()]

        return asyncio.run(collect())


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Harness:
    return Harness(request.param)


@pytest.fixture(autouse=True)
def _fresh_enum_warnings() -> Iterator[None]:
    reset_seen()
    yield


@pytest.fixture(autouse=True)
def _no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test: the token appears in no log record, at any level (DEBUG included)."""
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        assert TOKEN not in record.getMessage(), f"token leaked in log record {record.name}"


def error_response(status: int, error_type: str, message: str, request_id: str = "req-err-1") -> httpx.Response:
    return httpx.Response(
        status, json={"type": error_type, "message": message, "requestId": request_id, "httpStatus": status}
    )


def sequence(start: int, count: int) -> Iterator[int]:
    return itertools.islice(itertools.count(start), count)


def body_of(response: httpx.Response) -> Any:
    return json.loads(response.content)
