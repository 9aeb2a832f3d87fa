"""Records, a fake clock, the sync/async ``Harness`` and ``ScriptedFake``: FakeCortex in-process, canned answers first."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio
import httpx
from cortex_api_client.operations import OPERATIONS

from cortex_wrapper import AsyncCortexClient, CortexClient, Page, RawRecord
from cortex_wrapper.testing import FakeCortex

TOKEN = "ctx-test-SECRET-token-9f8e7d6c5b4a"
BASE = "https://cortex.example.test"
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


def gitops_record(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "commit": f"{i:040x}", "dateCreated": iso(T0 + dt.timedelta(minutes=i)),
        "files": [{"fileName": f"catalog/svc-{i}.yaml", "isPackageFile": False,
                   "entity": {"name": f"svc {i}", "operation": "UPDATED", "tag": f"svc-{i}", "type": "service"}}],
        "repository": {"provider": "GITHUB", "repositoryName": "org/catalog"}, **extra,
    }


R = TypeVar("R")
RECORD = {"audit_logs": audit_record, "notification_logs": log_record, "notification_runs": run_record,
          "git_ops_logs": gitops_record}


class ScriptedFake:
    """FakeCortex serving ``records`` of one operation in-process, with canned answers served first.

    Pages come from ``FakeCortex`` itself (through its httpx transport), so that filters, bounds, ordering
    and pagination are the fake's, the one server double. ``script`` queues responses, exceptions or
    handlers served before normal pages; ``on_request`` runs before each page is served (to insert
    records mid-crawl, say); ``totals_override`` replaces the page's ``total`` and ``totalPages`` with
    nonsense no real server sends. ``requests`` holds every request received.
    """

    def __init__(self, operation: str = "audit_logs", records: list[dict[str, Any]] | None = None) -> None:
        self.operation = operation
        self.records: list[dict[str, Any]] = records if records is not None else []
        self.script: list[httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]] = []
        self.requests: list[httpx.Request] = []
        self.on_request: Callable[[ScriptedFake], None] | None = None
        self.lock = threading.Lock()
        self.totals_override: tuple[int, int] | None = None
        self._served: FakeCortex | None = None
        self._holding: tuple[int, ...] | None = None

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
            response = self._fake().transport().handle_request(self._unprefixed(request))
            response.headers["x-request-id"] = f"req-{len(self.requests)}"  # numbered per ScriptedFake, script included
            if self.totals_override is None:
                return response
            body = json.loads(response.content)
            body["total"], body["totalPages"] = self.totals_override
            return httpx.Response(response.status_code, json=body, headers={"x-request-id": response.headers["x-request-id"]})

    def _fake(self) -> FakeCortex:
        """A FakeCortex holding ``records`` as they are now (rebuilt only when a record was added or replaced)."""
        holding = tuple(map(id, self.records))
        if self._holding != holding:
            self._served = FakeCortex(records={self.operation: list(self.records)},
                                      tokens={TOKEN: tuple(spec.permission for spec in OPERATIONS)}, page_cache_bytes=0)
            self._holding = holding
        assert self._served is not None
        return self._served

    def _unprefixed(self, request: httpx.Request) -> httpx.Request:
        """``request`` with any base-URL path prefix before ``/api/`` removed (as a reverse proxy would)."""
        path = request.url.path
        return httpx.Request(request.method, request.url.copy_with(path=path[path.index("/api/"):]),
                             headers=request.headers)


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
    """Runs the same scenario through the sync client, or the async one under asyncio or trio.

    ``variant`` is ``"sync"``, ``"async-asyncio"`` or ``"async-trio"``: ``mode`` is its first half
    (``"sync"`` or ``"async"``), ``backend`` the event loop the async client runs on (None for sync).
    """

    def __init__(self, variant: str) -> None:
        mode, _, backend = variant.partition("-")
        self.mode = mode  # "sync" or "async"
        self.backend: str | None = None if mode == "sync" else (backend or "asyncio")
        self.clock = Clock()

    def run(self, function: Callable[[], Awaitable[R]]) -> R:
        """Run ``function()`` to completion on a new event loop of ``backend`` (anyio.run)."""
        return anyio.run(function, backend=self.backend or "asyncio")

    def client(self, handler: Callable[[httpx.Request], httpx.Response] | None, **options: Any) -> Any:
        """A client whose requests ``handler`` answers (None: the caller passes ``http_client``)."""
        options.setdefault("token", TOKEN)
        options.setdefault("base_url", BASE)
        options.setdefault("clock", self.clock)
        options.setdefault("requests_per_minute", None)
        transport = httpx.MockTransport(handler) if handler is not None else None
        if self.mode == "sync":
            return CortexClient(transport=transport, sleep=self.clock.sleep, **options)
        return AsyncCortexClient(transport=transport, sleep=self.clock.asleep, **options)

    def items(self, client: Any, operation: str, /, **filters: Any) -> list[Any]:
        """Every item of the operation's pager (positional: ``operation=`` is a GitOps filter)."""
        return self._collect(getattr(client, operation)(**filters), None)

    def pages(self, client: Any, operation: str, /, **filters: Any) -> list[Page[Any]]:
        """Every page of the operation's pager."""
        return self._collect(getattr(client, operation)(**filters), "pages")

    def raw_pages(self, client: Any, operation: str, /, **filters: Any) -> list[Page[RawRecord]]:
        """Every page of records as sent."""
        return self._collect(getattr(client, operation)(**filters), "raw_pages")

    def _collect(self, pager: Any, view: str | None) -> list[Any]:
        source = getattr(pager, view)() if view else pager
        if self.mode == "sync":
            return list(source)

        async def collect() -> list[Any]:
            return [each async for each in source]

        return self.run(collect)


def error_response(status: int, error_type: str, message: str, request_id: str = "req-err-1") -> httpx.Response:
    return httpx.Response(
        status, json={"type": error_type, "message": message, "requestId": request_id, "httpStatus": status}
    )


def sequence(start: int, count: int) -> Iterator[int]:
    return itertools.islice(itertools.count(start), count)


def body_of(response: httpx.Response) -> Any:
    return json.loads(response.content)
