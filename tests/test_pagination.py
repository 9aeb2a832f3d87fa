"""Auto-pagination, for both clients."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import deque
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cortex_api_client.operations import NOTIFICATION_RUNS
from hypothesis import given, settings
from hypothesis import strategies as st

from cortex_wrapper import AuditLogResponse, NotificationLog, NotificationRun, RawRecord
from cortex_wrapper._defaults import DEDUPE_WINDOW_PAGES
from cortex_wrapper._pagination import Crawl
from cortex_wrapper._response import Page, parse_page, parse_raw_page

from .support.api import RECORD, Harness, ScriptedFake, audit_record, error_response, iso, log_record, run_record


@pytest.mark.slow
def test_2503_records_in_three_requests_in_server_order(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(2503)])
    with_client = harness.client(api)
    items = harness.items(with_client, "audit_logs")
    assert len(api.requests) == 3
    assert len(items) == 2503
    assert all(isinstance(i, AuditLogResponse) for i in items)
    assert [i.object_identifier for i in items] == [f"svc-{i}" for i in reversed(range(2503))]
    assert sorted(int(r.url.params["page"]) for r in api.requests) == [0, 1, 2]
    assert {r.url.params["pageSize"] for r in api.requests} == {"1000"}


@pytest.mark.parametrize("operation,model", [
    ("notification_logs", NotificationLog), ("notification_runs", NotificationRun),
])
def test_each_operation_pages_its_list_key(harness: Harness, operation: str, model: type) -> None:
    api = ScriptedFake(operation, [RECORD[operation](i) for i in range(25)])
    items = harness.items(harness.client(api), operation, page_size=10)
    assert [i.id for i in items] == list(reversed(range(25)))
    assert all(isinstance(i, model) for i in items)
    assert len(api.requests) == 3


def test_page_size_and_max_pages_are_honoured(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(100)])
    client = harness.client(api, page_size=7)
    pages = harness.pages(client, "audit_logs", max_pages=3)
    assert [p.page for p in pages] == [0, 1, 2]
    assert [len(p.items) for p in pages] == [7, 7, 7]
    assert pages[0].total == 100 and pages[0].total_pages == 15
    assert len(api.requests) == 3
    newest_50 = harness.items(client, "audit_logs", page_size=50, max_pages=1)
    assert [e.object_identifier for e in newest_50] == [f"svc-{i}" for i in range(99, 49, -1)]
    assert len(api.requests) == 4
    assert api.requests[-1].url.params["pageSize"] == "50"


def test_empty_result_is_one_request_and_one_empty_page(harness: Harness) -> None:
    api = ScriptedFake("notification_runs", [])
    client = harness.client(api)
    pages = harness.pages(client, "notification_runs")
    assert len(pages) == 1 and pages[0].items == [] and pages[0].total == 0
    assert harness.items(client, "notification_runs") == []
    assert len(api.requests) == 2


def test_pager_is_lazy(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(1)])
    client = harness.client(api)
    client.audit_logs(actions=["CREATE"])
    assert api.requests == []


@pytest.mark.parametrize("totals", [(-5, -1), (0, 0), (10, -3)])
def test_nonsense_totals_end_safely(harness: Harness, totals: tuple[int, int]) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(25)])
    api.totals_override = totals
    items = harness.items(harness.client(api, page_size=10), "audit_logs")
    assert len(items) == 25  # one page at a time until the empty page
    assert len(api.requests) == 4


def test_server_repeating_a_page_does_not_loop(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(5)])
    api.totals_override = (0, 0)  # nonsense totals: read one page at a time

    def same_page(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return httpx.Response(200, json={"logs": [audit_record(1)], "page": page, "total": 0, "totalPages": 0})

    api.script = [same_page] * 50
    items = harness.items(harness.client(api), "audit_logs")
    assert len(items) == 1
    # page 0, page 1 (a repeat), then one probe far past the end, which repeats too: stop
    assert [r.url.params["page"] for r in api.requests] == ["0", "1", "1000001"]


def test_server_ignoring_the_page_parameter_stops(harness: Harness) -> None:
    def page_zero(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"logs": [audit_record(1)], "page": 0, "total": 9, "totalPages": 9})

    api = ScriptedFake("audit_logs")
    api.script = [page_zero] * 20
    items = harness.items(harness.client(api, concurrency=1), "audit_logs")
    assert len(items) == 1


def test_totals_growing_mid_crawl_finish_the_planned_pages(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(30)])
    calls = {"n": 0}

    def grow(mock: ScriptedFake) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            mock.totals_override = (500, 50)

    api.on_request = grow
    items = harness.items(harness.client(api, page_size=10, concurrency=1), "audit_logs")
    assert len(items) == 30
    assert len(api.requests) == 3


def test_records_inserted_at_the_top_during_a_desc_crawl_neither_repeat_nor_vanish(harness: Harness) -> None:
    base = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    records = [log_record(i, dateCreated=iso(base + dt.timedelta(seconds=i))) for i in range(95)]
    api = ScriptedFake("notification_logs", records)
    new_ids = iter(range(10_000, 20_000))

    def insert(mock: ScriptedFake) -> None:  # three newer records before every page
        for _ in range(3):
            i = next(new_ids)
            mock.records.append(log_record(i, dateCreated=iso(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))))

    api.on_request = insert
    items = harness.items(harness.client(api, page_size=10, concurrency=3), "notification_logs")
    ids = [i.id for i in items]
    assert len(ids) == len(set(ids))
    assert ids == list(reversed(range(95)))
    assert all("untilDate" in r.url.params for r in api.requests)
    assert len({r.url.params["untilDate"] for r in api.requests}) == 1


def test_duplicate_ids_across_a_page_boundary_are_dropped(harness: Harness) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params["page"])
        ids = {0: [5, 4, 3], 1: [3, 2, 1]}[n]
        return httpx.Response(200, json={"logs": [log_record(i) for i in ids], "page": n, "total": 6, "totalPages": 2})

    api = ScriptedFake("notification_logs")
    api.script = [page, page]
    items = harness.items(harness.client(api, page_size=3), "notification_logs")
    assert [i.id for i in items] == [5, 4, 3, 2, 1]


def test_caller_given_upper_bound_is_sent_not_replaced(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(3)])
    harness.items(harness.client(api), "audit_logs", end_time=dt.datetime(2026, 1, 1, 0, 1, 30))
    assert api.requests[0].url.params["endTime"] == "2026-01-01T00:01:30"


@pytest.mark.slow
def test_pages_are_yielded_in_order_with_concurrency(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(1000)])
    pages = harness.pages(harness.client(api, page_size=10, concurrency=8), "audit_logs")
    assert [p.page for p in pages] == list(range(100))
    flat: list[Any] = [i.object_identifier for p in pages for i in p.items]
    assert flat == [f"svc-{i}" for i in reversed(range(1000))]


def test_breaking_early_stops_fetching(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(500)])
    client = harness.client(api, page_size=10, concurrency=2)
    if harness.mode == "sync":
        for _ in client.audit_logs():
            break
    else:

        async def first() -> None:
            async for _ in client.audit_logs():
                break

        harness.run(first)
    assert len(api.requests) <= 4


# --- issue 10, item 1: identical entries never end a crawl early; a page-ignoring server still ends it ---


@pytest.mark.parametrize("page_size", [1, 2, 3, 5])
def test_identical_audit_entries_are_all_yielded_at_any_page_size(harness: Harness, page_size: int) -> None:
    a = audit_record(1)
    b = audit_record(2)
    same = [dict(a) for _ in range(7)]  # the same bot reading the same object in the same millisecond
    api = ScriptedFake("audit_logs", [b, *same, audit_record(0)])
    items = harness.items(harness.client(api, page_size=page_size, concurrency=2), "audit_logs")
    assert [e.object_identifier for e in items] == ["svc-2", *["svc-1"] * 7, "svc-0"]
    # at most one probe request on top of the pages themselves
    assert len(api.requests) <= -(-9 // page_size) + 1


def test_three_entries_two_identical_page_size_1(harness: Harness) -> None:
    a, b = audit_record(5), audit_record(4)
    api = ScriptedFake("audit_logs", [a, dict(a), b])
    items = harness.items(harness.client(api, page_size=1), "audit_logs")
    assert len(items) == 3


@pytest.mark.parametrize("totals", [(10**9, 10**6), (-1, -1)])
def test_server_ignoring_page_but_echoing_its_number_ends_in_bounded_requests(
    harness: Harness, totals: tuple[int, int]
) -> None:
    def ignores_page(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return httpx.Response(200, json={"logs": [audit_record(1), audit_record(2)], "page": page,
                                         "total": totals[0], "totalPages": totals[1]})

    api = ScriptedFake("audit_logs")
    api.script = [ignores_page] * 100
    items = harness.items(harness.client(api, page_size=2, concurrency=4), "audit_logs")
    assert [e.object_identifier for e in items] == ["svc-1", "svc-2"]
    assert len(api.requests) <= 4 + 2  # the pages in flight, page 0 and one probe


@pytest.mark.slow
def test_crawl_memory_does_not_grow_with_pages() -> None:
    from cortex_api_client.operations import NOTIFICATION_LOGS

    from cortex_wrapper._pagination import Crawl
    from cortex_wrapper._response import Page

    crawl: Crawl[Any] = Crawl(NOTIFICATION_LOGS, [], page_size=10, max_pages=None, concurrency=4)
    pages = 5_000
    for number in range(pages):
        items = [NotificationLog.from_dict(log_record(number * 10 + i)) for i in range(10)]
        assert crawl.judge_page(number, Page(items, number, pages * 10, pages)) is not None
    sizes = {name: len(value) for name, value in vars(crawl).items() if hasattr(value, "__len__")}
    assert max(sizes.values()) <= 10 * (4 + 2)  # the id window; nothing per page


# --- issue 10, item 2: records received are never silently dropped ---


def test_page_zero_answered_as_another_page_still_yields_its_records(harness: Harness) -> None:
    def prism_like(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"logs": [audit_record(1), audit_record(2)], "page": -2147483648,
                                         "total": 2, "totalPages": 1})

    api = ScriptedFake("audit_logs")
    api.script = [prism_like] * 5
    items = harness.items(harness.client(api), "audit_logs")
    assert [e.object_identifier for e in items] == ["svc-1", "svc-2"]
    assert len(api.requests) == 1


def _paging(records: list[dict[str, Any]], size: int, past_the_end: Callable[[int, int], httpx.Response | None]
            ) -> Callable[[httpx.Request], httpx.Response]:
    """A server that pages ``records`` correctly and answers a page past the end with ``past_the_end(page, last)``."""
    pages = -(-len(records) // size)

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        if page >= pages:
            answer = past_the_end(page, pages - 1)
            if answer is not None:
                return answer
        rows = records[page * size:(page + 1) * size]
        return httpx.Response(200, json={"logs": rows, "page": page, "total": len(records), "totalPages": pages})

    return handler


@pytest.mark.parametrize("status", [400, 404, 422])
def test_a_probe_refused_as_out_of_range_keeps_the_repeated_page(harness: Harness, status: int) -> None:
    # a server that pages correctly may refuse a page past the end instead of answering it empty
    a = audit_record(5)
    refuse = _paging([a, dict(a), audit_record(4)], 1, lambda page, last: error_response(
        status, "BAD_REQUEST", f"page {page} is out of range"))
    items = harness.items(harness.client(refuse, page_size=1), "audit_logs")
    assert [e.object_identifier for e in items] == ["svc-5", "svc-5", "svc-4"]


def test_a_probe_answered_with_the_last_page_under_its_own_number_keeps_the_repeated_page(harness: Harness) -> None:
    # a server that clamps an out-of-range page to its last page, and says so in `page`
    a = audit_record(5)
    records = [audit_record(4), a, dict(a)]

    def clamp(page: int, last: int) -> httpx.Response:
        return httpx.Response(200, json={"logs": records[last:], "page": last, "total": 3, "totalPages": 3})

    items = harness.items(harness.client(_paging(records, 1, clamp), page_size=1), "audit_logs")
    assert [e.object_identifier for e in items] == ["svc-4", "svc-5", "svc-5"]


def _dedupe_one_at_a_time(pages: list[list[int]], window: int) -> list[list[int]]:
    """The reference: each id kept unless among the last ``window`` kept ids, the window updated per record."""
    recent: deque[int] = deque()
    kept_pages = []
    for page in pages:
        kept = []
        for ident in page:
            if ident in recent:
                continue
            kept.append(ident)
            recent.append(ident)
            if len(recent) > window:
                recent.popleft()
        kept_pages.append(kept)
    return kept_pages


@pytest.mark.slow  # 300 property examples: about 1 s of CPU, more on a loaded machine
@settings(max_examples=300, database=None, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), max_size=6), max_size=12), st.sampled_from(["models", "raw"]))
def test_deduplication_keeps_what_one_record_at_a_time_would(pages: list[list[int]], mode: str) -> None:
    # page_size 2, concurrency 1: a window of 2 * (1 + DEDUPE_WINDOW_PAGES) ids, small enough to evict often
    raw = mode != "models"
    crawl: Crawl[Any] = Crawl(NOTIFICATION_RUNS, [], page_size=2, max_pages=None, concurrency=1,
                                parse=parse_raw_page if raw else parse_page)
    window = 2 * (1 + DEDUPE_WINDOW_PAGES)

    def item(ident: int) -> Any:
        return RawRecord({"id": ident}, "{}") if raw else NotificationRun.from_dict(run_record(ident))

    def deduped(page: list[int]) -> list[Any]:
        return crawl._dedupe([item(n) for n in page])

    got = [[(i.data["id"] if raw else i.id) for i in deduped(page)] for page in pages]
    assert got == _dedupe_one_at_a_time(pages, window)


def test_a_page_kept_whole_is_passed_on_as_it_came_and_one_that_loses_a_record_is_a_copy() -> None:
    crawl: Crawl[Any] = Crawl(NOTIFICATION_RUNS, [], page_size=2, max_pages=None, concurrency=1,
                                parse=parse_raw_page)

    def page(*ids: int) -> Page[RawRecord]:
        return Page([RawRecord({"id": ident}, "{}") for ident in ids], 0, 9, 9, request_id="r")

    first = page(1, 2)
    assert crawl._accept(0, first) is first
    second = crawl._accept(1, page(2, 3))
    assert [record.data["id"] for record in second.items] == [3] and second.request_id == "r"


def test_a_page_has_no_private_fields() -> None:
    # Page is public: every field is part of its API (no private state threaded through it)
    assert all(not field.name.startswith("_") for field in dataclasses.fields(Page))
