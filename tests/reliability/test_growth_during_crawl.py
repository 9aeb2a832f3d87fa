"""Growth during the crawl: records created while a client pages are neither lost nor repeated.

FakeCortex inserts ``GROWTH`` new newest records before every page it serves (``insert_newest_per_page``). A
pager freezes its upper time bound at its first request; the records that existed then must come out exactly
once and in order (audit logs newest first; notification logs and runs newest first and oldest first), through
the sync and the async client, and the records created during the crawl must lie after the frozen bound.

Finding (fixed in ``cortex_wrapper/testing``): FakeCortex used to stamp inserted records just after its
synthetic data, which ends at ``reference_time`` (2025-07-01 by default), so they fell before any bound a
client froze from the wall clock. They then shifted every later page: with 2,000 records, 100 a page and 7
inserted before each, an audit log export (no ids to dedupe on) repeated 147 records and a notification log
export lost 82. It now stamps them as a real server would, at its ``wall_clock``. Finding (fixed in the client): the frozen bound was truncated to the second, so
records created in the second before the crawl began were left out; it now keeps the milliseconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from typing import Any

import pytest

from cortex_wrapper.testing import FakeCortex, Faults, generate_records

from ..support.crawl import COUNT_OPTION, as_models, crawl
from ..support.operations import LOWER_FILTER, UPPER_BOUND, UPPER_FILTER

RECORDS = 3_000
PAGE_SIZE = 100
GROWTH = 7
SEED = 5
CASES = [
    ("audit_logs", None),
    ("notification_logs", None),
    ("notification_logs", "ASC"),
    ("notification_runs", None),
    ("notification_runs", "ASC"),
]
TIME_FIELD = {"audit_logs": "timestamp", "notification_logs": "date_created", "notification_runs": "date_created"}


@functools.cache  # the sync and the async case of a kind and order expect the same models: built once
def existing(kind: str, order_by: str | None) -> list[Any]:
    """The records the fake holds before the crawl, as the client's models, in the order the crawl asks for."""
    records = generate_records(kind, RECORDS, seed=SEED)
    return as_models(kind, records if order_by == "ASC" else reversed(records))


def filters(kind: str, order_by: str | None) -> dict[str, Any]:
    chosen: dict[str, Any] = {"order_by": order_by} if order_by else {}
    if kind == "notification_runs":
        chosen.update(delivered_only=False, include_objects=True)  # every run, delivered or not, as generated
    return chosen


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "order_by"), CASES)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_records_existing_at_the_start_come_out_once_in_order(mode: str, kind: str, order_by: str | None) -> None:
    want = existing(kind, order_by)
    faults = Faults(insert_newest_per_page=GROWTH)
    counts: dict[str, Any] = {COUNT_OPTION[kind]: RECORDS}
    with FakeCortex(seed=SEED, faults=faults, **counts) as fake:
        options = {"token": fake.token, "base_url": fake.url, "page_size": PAGE_SIZE, "concurrency": 4,
                   "requests_per_minute": None}  # fmt: skip
        items = crawl(mode, kind, options, **filters(kind, order_by))
        served = fake.requests
        grown = fake.total(kind) - RECORDS

        assert items == want, "no record lost, none repeated, server order kept"
        bounds = {r.params(UPPER_BOUND[kind])[0] for r in served}
        assert len(bounds) == 1, "the upper bound is frozen at the first request"
        assert grown == GROWTH * len(served) == GROWTH * RECORDS // PAGE_SIZE, "records arrived before every page"

        # what arrived during the crawl lies after the frozen bound; the window of this second crawl is explicit
        # because the fake keeps inserted stamps distinct (1 ms apart), so a burst runs a little ahead of the clock
        bound = dt.datetime.fromisoformat(bounds.pop()).replace(tzinfo=dt.UTC)
        fake.set_faults(Faults())
        window: dict[str, Any] = {LOWER_FILTER[kind]: bound, UPPER_FILTER[kind]: bound + dt.timedelta(days=1)}
        newer = crawl(mode, kind, options, **window, **filters(kind, None))
    assert len(newer) == grown
    assert all(getattr(item, TIME_FIELD[kind]) > bound for item in newer)


@pytest.mark.parametrize("kind", list(COUNT_OPTION))
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_records_created_just_before_the_crawl_are_included(mode: str, kind: str) -> None:
    # the fake's clock runs 10 ms behind: what it inserts now is stamped as created 9 ms before the crawl starts,
    # which a bound truncated to the second leaves out (all but 1% of the time)
    counts: dict[str, Any] = {COUNT_OPTION[kind]: 50}
    with FakeCortex(seed=SEED, wall_clock=lambda: time.time() - 0.010, **counts) as fake:
        inserted = fake.insert_newest(kind, 5)
        options = {"token": fake.token, "base_url": fake.url, "requests_per_minute": None}
        items = crawl(mode, kind, options, **filters(kind, None))
    assert len(items) == 55
    assert items[:5] == as_models(kind, reversed(inserted))


@pytest.mark.parametrize("wall", [dt.datetime(2030, 1, 1, tzinfo=dt.UTC), dt.datetime(2000, 1, 1, tzinfo=dt.UTC)])
def test_inserted_records_are_stamped_at_the_wall_clock_and_newest(wall: dt.datetime) -> None:
    fake = FakeCortex(seed=SEED, audit_log_count=100, wall_clock=wall.timestamp)  # never started: no server needed
    existing = generate_records("audit_logs", 100, seed=SEED)
    inserted = fake.insert_newest("audit_logs", 3)
    stamps = [dt.datetime.fromisoformat(str(record["timestamp"])) for record in inserted]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert stamps[0] > wall, "created now, so after any bound frozen before the insert"
    assert stamps[0] > dt.datetime.fromisoformat(str(existing[-1]["timestamp"])), "and newer than every record"
