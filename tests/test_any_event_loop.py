"""The async client on any anyio backend: asyncio and trio (anyio's pytest plugin runs each test under both)."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
from cortex_api_client.operations import OPERATIONS as TABLE

from cortex_wrapper import AsyncCortexClient, CortexClient, PermissionDeniedError
from cortex_wrapper.testing import FakeCortex, Outcome

from .support.api import BASE, TOKEN, ScriptedFake, audit_record, error_response

pytestmark = pytest.mark.anyio

OPERATIONS = [spec.method_name for spec in TABLE]  # every served operation, GitOps logs (paged in full) included
EVERYTHING: dict[str, dict[str, Any]] = {"notification_runs": {"delivered_only": False}}  # runs that sent nothing too


def _fake(operation: str, count: int) -> FakeCortex:
    return FakeCortex(seed=26, page_cache_bytes=0, counts={operation: count})


def _options(fake: FakeCortex) -> dict[str, Any]:
    return {"token": fake.token, "base_url": "https://cortex.fake", "transport": fake.transport(), "page_size": 10,
            "concurrency": 3, "requests_per_minute": None}  # fmt: skip


def _key(record: Any) -> Any:
    return record.to_dict()


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_every_operation_crawls_through_a_429_and_a_dropped_connection(
    anyio_backend: str, operation: str
) -> None:
    fake = _fake(operation, 95)
    filters = EVERYTHING.get(operation, {})
    waits: list[float] = []

    async def checkpoint_sleep(seconds: float) -> None:  # records the wait and yields to the loop, no real time
        waits.append(seconds)
        await anyio.sleep(0)

    fake.script(200, 429, 200, "drop")  # page 0 served; a 429 and a dropped connection among the window's fetches
    async with AsyncCortexClient(sleep=checkpoint_sleep, **_options(fake)) as client:
        asynced = [_key(r) async for r in getattr(client, operation)(**filters)]
    assert fake.stats.by_status.get(429) == 1 and fake.stats.dropped == 1
    assert waits  # the faults were waited out through the injected sleep

    fake.reset()
    fake.script(200, 429, 200, "drop")

    def crawl_sync() -> list[Any]:
        with CortexClient(sleep=waits.append, **_options(fake)) as client:
            return [_key(r) for r in getattr(client, operation)(**filters)]

    synced = await anyio.to_thread.run_sync(crawl_sync)  # the sync pager, called from a task of this loop
    assert fake.stats.dropped == 1 and fake.stats.by_status.get(429) == 1
    assert len(synced) == fake.total(operation) == 95
    assert asynced == synced
    assert len({repr(sorted(r.items())) for r in synced}) == 95  # no record twice


async def test_cancelling_mid_crawl_stops_every_request_and_wait(anyio_backend: str) -> None:
    fake = _fake("audit_logs", 500)
    asked = anyio.Event()
    seen: list[object] = []

    def on_request(request: object) -> None:
        seen.append(request)
        if len(seen) >= 2:  # the window after page 0 has begun
            asked.set()

    fake.on_request = on_request
    fake.script(200, Outcome(429, retry_after=50))  # a page of the window waits 50 s, with the default sleep
    got: list[Any] = []
    before = {task.id for task in anyio.get_running_tasks()}
    async with AsyncCortexClient(**_options(fake)) as client:
        with anyio.fail_after(30):  # a guard only: the cancel below ends the crawl at once
            async with anyio.create_task_group() as group:

                async def consume() -> None:
                    async for record in client.audit_logs():
                        got.append(record)

                async def cancel() -> None:
                    await asked.wait()
                    await anyio.wait_all_tasks_blocked()  # the crawl is in its 50 s wait
                    group.cancel_scope.cancel()

                group.start_soon(consume)
                group.start_soon(cancel)
        sent = len(fake.requests)
        assert group.cancel_scope.cancel_called
        await anyio.wait_all_tasks_blocked()
        for _ in range(5):
            await anyio.sleep(0)
    # page 0, then the first fetch of the window (answered 429); the window's other fetches wait out the same
    # pause (a 429 pauses the whole client) and were cancelled in that wait
    assert sent == 2 and fake.stats.by_status == {200: 1, 429: 1}
    assert len(fake.requests) == sent  # no request after the cancel
    assert len(got) == 10  # page 0's records only: a window is yielded once all of it has arrived
    assert {task.id for task in anyio.get_running_tasks()} == before  # no task left behind


async def test_breaking_out_of_a_crawl_leaves_no_task_and_sends_nothing_more(anyio_backend: str) -> None:
    fake = _fake("notification_logs", 500)
    before = {task.id for task in anyio.get_running_tasks()}
    async with AsyncCortexClient(**_options(fake)) as client:
        pages = client.notification_logs().pages()
        numbers = []
        async for page in pages:
            numbers.append(page.page)
            if page.page == 2:
                break
        await pages.aclose()
        sent = len(fake.requests)
        for _ in range(5):
            await anyio.sleep(0)
        assert len(fake.requests) == sent == 4  # page 0 and the window of pages 1-3; no further window
    assert numbers == [0, 1, 2]
    assert {task.id for task in anyio.get_running_tasks()} == before


async def test_a_page_that_fails_is_raised_as_itself_after_the_pages_before_it(anyio_backend: str) -> None:
    records = ScriptedFake("audit_logs", [audit_record(i) for i in range(100)])
    asked: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(int(request.url.params["page"]))
        if asked[-1] == 2:
            return error_response(403, "FORBIDDEN", "no")
        return records(request)

    got: list[int] = []
    async with AsyncCortexClient(token=TOKEN, base_url=BASE, transport=httpx.MockTransport(handler), page_size=10,
                                 concurrency=3, requests_per_minute=None) as client:  # fmt: skip
        with pytest.raises(PermissionDeniedError):  # itself, not an ExceptionGroup of the window's task group
            async for page in client.audit_logs().pages():
                got.append(page.page)
    assert got == [0, 1]  # page 1, fetched with page 2, is yielded before page 2's error
    assert {0, 1, 2} <= set(asked) <= {0, 1, 2, 3} and len(asked) == len(set(asked))  # the window, nothing after
    # (page 3 is cancelled if page 2 failed before it was sent: the order the loop runs the window's tasks in)
