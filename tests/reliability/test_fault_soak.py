"""Fault soak: 50,000 records exported through seeded faults, every record exactly once and in order.

FakeCortex (a real HTTP server on 127.0.0.1) answers 20% of requests with 429 (``Retry-After`` 0 or 1 s, in the
header, the body only, or not at all), 5% with 503, drops 2% of connections, answers 1% with an nginx HTML 502
page and delays 5% by 10 ms (real, server side). The sync and the async client export 50,000 audit log entries
(newest first) and 50,000 notification logs with ``page_size=500, concurrency=4, max_retries=20``; the result
must equal ``generate_records`` exactly. Every client wait goes through the injected sleep of a fake clock, so
nothing waits for real on the client side.

The fault sequence is drawn per request in arrival order from a fixed seed and each page needs exactly one
good answer, so the number of requests and of each fault is the same on every run, whatever the interleaving.
"""

from __future__ import annotations

import functools
import random
import time
from typing import Any

import pytest

from cortex_wrapper.testing import FakeCortex, Faults, generate_records

from ..support.api import Clock
from ..support.crawl import COUNT_OPTION, as_models, crawl
from ..support.operations import UPPER_BOUND

pytestmark = pytest.mark.slow  # a 50,000-record soak per case: `pytest -m "not slow"` skips it

RECORDS = 50_000
PAGE_SIZE = 500
SEED = 3
FAULTS = Faults(
    seed=7,
    rate_limit_rate=0.20,
    retry_after=(0, 1),
    retry_after_forms=("header", "body-only", "none"),
    error_rate=0.05,
    error_statuses=(503,),
    drop_rate=0.02,
    html_error_rate=0.01,
    slow_rate=0.05,
    slow_seconds=0.01,
)
KINDS = ("audit_logs", "notification_logs")


@functools.cache
def expected(kind: str) -> list[Any]:
    """What the fake holds, as the client's models, newest first (the order both operations default to)."""
    return as_models(kind, reversed(generate_records(kind, RECORDS, seed=SEED)))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_export_through_faults_yields_every_record_once_in_order(mode: str, kind: str) -> None:
    server_sleeps: list[float] = []

    def server_sleep(seconds: float) -> None:  # the fake's slow answers: 10 ms, for real, server side
        server_sleeps.append(seconds)
        time.sleep(seconds)

    counts: dict[str, Any] = {COUNT_OPTION[kind]: RECORDS}
    clock = Clock()
    with FakeCortex(seed=SEED, faults=FAULTS, sleep=server_sleep, **counts) as fake:
        options = {"token": fake.token, "base_url": fake.url, "page_size": PAGE_SIZE, "concurrency": 4,
                   "max_retries": 20, "rng": random.Random(SEED)}  # fmt: skip
        items = crawl(mode, kind, options, clock)
        stats, requests = fake.stats, fake.requests
        assert fake.errors == []

    assert len(items) == RECORDS
    assert items == expected(kind), "every record exactly once, newest first"

    pages = RECORDS // PAGE_SIZE
    served = sorted(int(r.params("page")[0]) for r in requests if r.status == 200)
    assert served == list(range(pages)), "each page served once"
    assert len({r.params(UPPER_BOUND[kind])[0] for r in requests}) == 1, "one upper bound, frozen at the start"
    assert stats.by_status.get(429, 0) > 0, stats
    assert stats.by_status.get(503, 0) > 0, stats
    assert stats.dropped > 0, stats
    assert stats.by_status.get(502, 0) > 0, stats  # the only 502s this fault mix serves are the HTML ones
    assert stats.requests == pages + stats.injected, "one good answer per page, every fault retried"
    assert stats.records_served == RECORDS
    assert FAULTS.slow_seconds in server_sleeps, "some answers were slow"
    assert clock.sleeps and clock.now > 1000.0, "the waits went through the injected sleep"
