"""The library's incremental engine: ``IncrementalReader`` / ``AsyncIncrementalReader``, stores, batches, lifecycle.

Servers: FakeCortex (fixed records, ``insert`` for new ones) and ``ScriptedFake``, whose ``records`` list is
served through FakeCortex: replacing a record with its next state is a transition.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cortex_wrapper import (
    AsyncCortexClient,
    AsyncIncrementalReader,
    Batch,
    CortexClient,
    FileCheckpointStore,
    IncrementalReader,
    RetentionGapError,
)
from cortex_wrapper._errors import CortexError
from cortex_wrapper.testing import FakeCortex, Faults, Lifecycle

from .support.api import BASE, TOKEN, ScriptedFake, audit_record, iso, log_record, run_record

NOW = dt.datetime(2026, 1, 2, 12, 0, tzinfo=dt.UTC)


class MemoryStore:
    """A custom checkpoint store: the text in memory, with a count of saves."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.saves = 0

    def load(self) -> str | None:
        return self.text

    def save(self, state: str) -> None:
        self.text = state
        self.saves += 1


def client_for(handler: Callable[[httpx.Request], httpx.Response], mode: str = "sync", **options: Any) -> Any:
    settings: dict[str, Any] = {"base_url": BASE, "transport": httpx.MockTransport(handler),
                                "requests_per_minute": None, "concurrency": 1, **options}
    if mode == "sync":
        return CortexClient(TOKEN, sleep=lambda seconds: None, **settings)

    async def asleep(seconds: float) -> None:
        return None

    return AsyncCortexClient(TOKEN, sleep=asleep, **settings)


def poll(reader: Any) -> list[Any]:
    """One poll, every batch handled and committed: the changes, in order."""
    if isinstance(reader, IncrementalReader):
        changes: list[Any] = []
        for batch in reader.poll():
            changes.extend(batch)
            batch.commit()
        return changes

    async def run() -> list[Any]:
        changes: list[Any] = []
        async for batch in reader.poll():
            changes.extend(batch)
            batch.commit()
        return changes

    result: list[Any] = asyncio.run(run())
    return result


def reader_for(mode: str, client: Any, operation: str, store: Any, **options: Any) -> Any:
    cls = IncrementalReader if mode == "sync" else AsyncIncrementalReader
    return cls(client, operation, store, **options)


def test_a_service_consumes_all_three_operations_with_a_custom_store() -> None:
    fake = FakeCortex(audit_logs=[audit_record(i) for i in range(1, 4)],
                      notification_logs=[log_record(i) for i in range(1, 4)],
                      notification_runs=[run_record(i) for i in range(1, 3)], audit_log_count=0,
                      notification_log_count=0, notification_run_count=0)
    stores = {name: MemoryStore() for name in ("audit_logs", "notification_logs", "notification_runs")}
    seen: list[str] = []
    with CortexClient(fake.token, base_url="https://cortex.fake", transport=fake.transport(),
                      requests_per_minute=None) as client:
        def service_poll() -> None:
            for operation, store in stores.items():
                filters = {"delivered_only": False} if operation == "notification_runs" else {}
                reader = IncrementalReader(client, operation, store, filters=filters, now=lambda: NOW)
                for batch in reader.poll():
                    seen.extend(f"{operation}/{change.event_id}" for change in batch)
                    batch.commit()

        service_poll()
        assert len(seen) == 8 and all(store.text is not None for store in stores.values())
        assert "notification_logs/1:DELIVERED" in seen and "notification_runs/2:COMPLETED" in seen
        audit_ids = [event for event in seen if event.startswith("audit_logs/")]
        assert len(audit_ids) == 3 and all(event.endswith("-0") for event in audit_ids)
        fake.insert("notification_logs", [log_record(9)])
        fake.insert("audit_logs", [audit_record(9)])
        service_poll()
    assert seen[8:] == ["audit_logs/" + seen[8].split("/")[1], "notification_logs/9:DELIVERED"]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_each_state_once_and_an_old_unsettled_record_is_reread(mode: str) -> None:
    api = ScriptedFake("notification_logs", [log_record(1, dateCreated=iso(NOW - dt.timedelta(hours=2)),
                                                        status="READY"),
                                             log_record(2, dateCreated=iso(NOW - dt.timedelta(minutes=1)),
                                                        status="DELIVERED")])
    store = MemoryStore()
    client = client_for(api, mode)
    first = poll(reader_for(mode, client, "notification_logs", store, now=lambda: NOW))
    assert [change.event_id for change in first] == ["1:READY", "2:DELIVERED"]
    assert [change.record_id for change in first] == ["1", "2"] and first[0].status == "READY"
    api.records[0] = {**api.records[0], "status": "FAILED", "failedReason": "CLIENT_ERROR"}
    asked = len(api.requests)
    again = poll(reader_for(mode, client, "notification_logs", store, now=lambda: NOW))
    assert [change.event_id for change in again] == ["1:FAILED"]
    assert len(api.requests) - asked == 2, "one re-read of the unsettled record, one read of the window"
    assert poll(reader_for(mode, client, "notification_logs", store, now=lambda: NOW)) == []
    assert json.loads(store.text or "")["unsettled"] == []


def test_an_uncommitted_batch_comes_again_and_the_next_one_waits_for_a_commit() -> None:
    api = ScriptedFake("notification_logs", [log_record(i) for i in range(1, 6)])
    store = MemoryStore()
    with client_for(api, page_size=2) as client:
        reader = IncrementalReader(client, "notification_logs", store, page_size=2, now=lambda: NOW)
        batches = reader.poll()
        first = next(batches)
        assert [c.event_id for c in first] == ["1:DELIVERED", "2:DELIVERED"]
        with pytest.raises(RuntimeError, match="commit"):
            next(batches)
        batches = reader.poll()  # as after a crash: nothing was committed
        first = next(batches)
        assert [c.event_id for c in first] == ["1:DELIVERED", "2:DELIVERED"]
        first.commit()
        second = next(batches)
        assert [c.event_id for c in second] == ["3:DELIVERED", "4:DELIVERED"]
        batches.close()  # stopped before committing it
        rest = poll(IncrementalReader(client, "notification_logs", store, page_size=2, now=lambda: NOW))
    assert [c.event_id for c in rest] == ["3:DELIVERED", "4:DELIVERED", "5:DELIVERED"]


def test_an_idle_poll_writes_nothing() -> None:
    api = ScriptedFake("notification_logs", [log_record(1)])
    store = MemoryStore()
    with client_for(api) as client:
        poll(IncrementalReader(client, "notification_logs", store, now=lambda: NOW))
        saves = store.saves
        assert poll(IncrementalReader(client, "notification_logs", store, now=lambda: NOW)) == []
    assert store.saves == saves


def test_the_file_store_is_durable_and_names_its_file(tmp_path: Path) -> None:
    store = FileCheckpointStore(tmp_path / "c.ckpt")
    assert store.load() is None
    store.save('{"a": 1}\n')
    assert store.load() == '{"a": 1}\n' and [p.name for p in tmp_path.iterdir()] == ["c.ckpt"]
    missing = FileCheckpointStore(tmp_path / "nowhere" / "c.ckpt")
    with pytest.raises(OSError) as error:
        missing.save("{}")
    assert error.value.filename == str(tmp_path / "nowhere" / "c.ckpt")


def test_a_checkpoint_behind_the_retention_raises_unless_accepted() -> None:
    api = ScriptedFake("notification_logs", [log_record(1)])
    store = MemoryStore()
    with client_for(api) as client:
        poll(IncrementalReader(client, "notification_logs", store, now=lambda: NOW))
        later = NOW + dt.timedelta(days=40)
        with pytest.raises(RetentionGapError) as error:
            poll(IncrementalReader(client, "notification_logs", store, now=lambda: later))
        assert error.value.covered == NOW
        poll(IncrementalReader(client, "notification_logs", store, now=lambda: later, accept_gap=True))
        poll(IncrementalReader(client, "notification_logs", store, now=lambda: later))  # the poll covered it


def test_bad_arguments_fail_before_any_request() -> None:
    api = ScriptedFake("notification_logs", [])
    store = MemoryStore()
    with client_for(api) as client:
        with pytest.raises(ValueError, match="operation must be one of"):
            IncrementalReader(client, "logs", store)
        with pytest.raises(ValueError, match="from_date"):
            IncrementalReader(client, "notification_logs", store, filters={"from_date": NOW})
        with pytest.raises(TypeError, match="colour"):
            IncrementalReader(client, "notification_logs", store, filters={"colour": "red"})
        poll(IncrementalReader(client, "notification_logs", store, filters={"statuses": ["FAILED"]}, now=lambda: NOW))
        with pytest.raises(ValueError, match="belongs to"):
            poll(IncrementalReader(client, "notification_logs", store, now=lambda: NOW))
    assert len(api.requests) == 1


def test_pages_out_of_order_are_buffered_and_nothing_repeats() -> None:
    records = [log_record(i) for i in (1, 2, 5, 3, 4)]  # a server that ignores orderBy
    api = ScriptedFake("notification_logs", [])

    def unordered(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        size = int(request.url.params.get("pageSize", "1000"))
        chunk = records[page * size:(page + 1) * size]
        return httpx.Response(200, json={"logs": chunk, "page": page, "total": len(records),
                                         "totalPages": -(-len(records) // size)})

    api.script = [unordered] * 3
    store = MemoryStore()
    with client_for(api, page_size=2) as client:
        changes = poll(IncrementalReader(client, "notification_logs", store, page_size=2, now=lambda: NOW))
        assert sorted(c.record_id for c in changes) == ["1", "2", "3", "4", "5"]
        api.records = list(records)
        assert poll(IncrementalReader(client, "notification_logs", store, page_size=2, now=lambda: NOW)) == []


# -- lifecycle soak -------------------------------------------------------------------------------------------


class Timeline:
    """Notification logs created over a day, arriving up to 15 minutes late, settling after 0 to 6 hours."""

    def __init__(self, seed: int, count: int = 60) -> None:
        rng = random.Random(seed)
        self.start = NOW - dt.timedelta(days=1)
        self.plan = []
        for ident in range(1, count + 1):
            created = self.start + dt.timedelta(minutes=rng.uniform(0, 600))
            arrives = created + dt.timedelta(minutes=rng.choice([0, 0, 0, 3, 14]))
            settles = created + dt.timedelta(minutes=rng.choice([0, 5, 40, 200, 360]))
            final = rng.choice(["DELIVERED", "FAILED", "IGNORED"])
            self.plan.append((ident, created, arrives, settles, final))

    def records(self, now: dt.datetime) -> list[dict[str, Any]]:
        """The records as the server holds them at ``now``."""
        served = []
        for ident, created, arrives, settles, final in self.plan:
            if arrives <= now:
                status = final if settles <= now else "READY"
                served.append(log_record(ident, dateCreated=iso(created), status=status))
        return served

    def finals(self) -> dict[str, str]:
        return {str(ident): final for ident, _, _, _, final in self.plan}


class Flaky:
    """The server: the timeline through ScriptedFake, with 429, 503 and dropped connections mixed in."""

    def __init__(self, timeline: Timeline, rng: random.Random) -> None:
        self.timeline, self.rng = timeline, rng
        self.api = ScriptedFake("notification_logs", [])
        self.now = timeline.start
        self.served: dict[int, dict[str, Any]] = {}

    def at(self, now: dt.datetime) -> None:
        """Move the server's clock: records arrive and settle (replaced only when they change)."""
        self.now = now
        fresh = {record["id"]: record for record in self.timeline.records(now)}
        for ident, record in fresh.items():
            if self.served.get(ident) != record:
                self.served[ident] = record
        self.api.records = [self.served[ident] for ident in sorted(self.served)]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        roll = self.rng.random()
        if roll < 0.05:
            return httpx.Response(429, headers={"Retry-After": "1"}, json={"title": "Too Many Requests"})
        if roll < 0.10:
            return httpx.Response(503, json={"title": "busy"})
        if roll < 0.13:
            raise httpx.RemoteProtocolError("dropped", request=request)
        return self.api(request)


class Consumer:
    """A service whose output and checkpoint are committed together (its store), so a kill loses nothing."""

    def __init__(self) -> None:
        self.output: list[tuple[str, str]] = []
        self.state: tuple[str | None, int] = (None, 0)

    def load(self) -> str | None:
        self.output = self.output[:self.state[1]]  # a restart: what was not committed is gone
        return self.state[0]

    def save(self, state: str) -> None:
        self.state = (state, len(self.output))


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lifecycle_soak_with_faults_and_kills(mode: str, seed: int) -> None:
    rng = random.Random(seed)
    timeline = Timeline(seed)
    server = Flaky(timeline, rng)
    consumer = Consumer()
    client = client_for(server, mode, max_retries=2, page_size=7)
    moment = timeline.start
    end = timeline.start + dt.timedelta(hours=18)
    while moment <= end:
        server.at(moment)
        reader = reader_for(mode, client, "notification_logs", consumer, now=lambda m=moment: m, page_size=7,
                            lag=dt.timedelta(minutes=30), since=timeline.start - dt.timedelta(hours=1))
        kill_after = rng.choice([None, None, 0, 1, 2])
        try:
            run_poll(reader, consumer, kill_after)
        except (httpx.HTTPError, Exception) as error:  # a transient failure past the retries: the next poll
            if isinstance(error, AssertionError):
                raise
        moment += dt.timedelta(minutes=rng.choice([5, 10, 20]))
    server.at(end + dt.timedelta(hours=1))
    for _ in range(8):  # quiet polls until every record is in and settled, no faults
        server.rng = random.Random(0)
        server.rng.random = lambda: 1.0  # type: ignore[method-assign]
        run_poll(reader_for(mode, client, "notification_logs", consumer, now=lambda: end + dt.timedelta(hours=1),
                            page_size=7, lag=dt.timedelta(minutes=30)), consumer, None)
    consumer.load()
    lines = consumer.output
    assert len(lines) == len(set(lines)), "no state twice"
    last = {ident: status for ident, status in lines}
    assert last == timeline.finals(), "every record ends in its final state"
    finals = [line for line in lines if line[1] != "READY"]
    assert len(finals) == len(timeline.plan), "each final state exactly once"


def run_poll(reader: Any, consumer: Consumer, kill_after: int | None) -> None:
    """One poll; ``kill_after`` batches handled, the next is handled but the process dies before its commit."""

    def handle(batch: Batch, index: int) -> bool:
        consumer.output.extend((change.record_id or "", change.status or "") for change in batch)
        if kill_after is not None and index == kill_after:
            consumer.load()  # killed: a restart reloads the store
            return False
        batch.commit()
        return True

    if isinstance(reader, IncrementalReader):
        for index, batch in enumerate(reader.poll()):
            if not handle(batch, index):
                return
        return

    async def run() -> None:
        index = 0
        async for batch in reader.poll():
            if not handle(batch, index):
                return
            index += 1

    asyncio.run(run())


class Settling:
    """A lifecycle FakeCortex over an injected wall clock: notification logs created as the clock moves (seeded
    settle delays of minutes to hours), some of them reaching the API late, inside the window, and a few set by
    hand (``update``); 429, 503 and dropped connections from ``Faults``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.now = NOW - dt.timedelta(days=1)
        self.fake = FakeCortex(
            seed=seed, wall_clock=lambda: self.now.timestamp(), sleep=lambda seconds: None, page_cache_bytes=0,
            lifecycle=Lifecycle(delay=(60.0, 6 * 3600.0), late_share=0.0, supplied=True),
            faults=Faults(seed=seed, error_rate=0.05, error_statuses=(503,), rate_limit_rate=0.05, drop_rate=0.03),
        )
        self.ids: set[int] = set()
        self.lates: set[int] = set()

    def step(self, minutes: int) -> None:
        """``minutes`` pass: new records are created now, one arrives late, one just created is set by hand."""
        self.now += dt.timedelta(minutes=minutes)
        created_now = [int(str(record["id"])) for record in
                       self.fake.insert_newest("notification_logs", self.rng.choice([0, 1, 2, 3]))]
        self.ids.update(created_now)
        if self.rng.random() < 0.3:  # created minutes ago, served only now: late, but inside the window
            late = max(self.ids, default=0) + 1  # insert_newest goes on after it
            created = self.now - dt.timedelta(minutes=self.rng.choice([3, 14]))
            settles = created + dt.timedelta(minutes=self.rng.choice([5, 40, 200]))
            self.fake.insert("notification_logs", [log_record(late, dateCreated=iso(created),
                                                              dateUpdated=iso(settles), status="FAILED")])
            self.ids.add(late)
            self.lates.add(late)
        if created_now and self.rng.random() < 0.2:  # READY still (the shortest delay is a minute): ignored
            self.fake.update("notification_logs", created_now[0], status="IGNORED", ignoredReason="CHANNEL_DISABLED")

    def finals(self) -> dict[str, str]:
        """Every record's state once all have settled, as the fake serves it then."""
        self.now += dt.timedelta(days=1)
        client = CortexClient(self.fake.token, base_url=BASE, transport=self.fake.transport(),
                              requests_per_minute=None, sleep=lambda seconds: None, max_retries=50)
        with client:
            records = [record for page in client.notification_logs(page_size=1000).raw_pages()
                       for record in page.items]
        self.now -= dt.timedelta(days=1)
        return {str(record.data["id"]): str(record.data["status"]) for record in records}


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("seed", [1, 2])
def test_lifecycle_soak_against_a_settling_fake_cortex(mode: str, seed: int) -> None:
    world = Settling(seed)
    rng = random.Random(seed)
    consumer = Consumer()
    settings: dict[str, Any] = {"base_url": BASE, "transport": world.fake.transport(), "requests_per_minute": None,
                                "concurrency": 1, "max_retries": 2}
    if mode == "sync":
        client: Any = CortexClient(world.fake.token, sleep=lambda seconds: None, **settings)
    else:
        async def asleep(seconds: float) -> None:
            return None
        client = AsyncCortexClient(world.fake.token, sleep=asleep, **settings)
    since = world.now - dt.timedelta(hours=1)
    end = world.now + dt.timedelta(hours=12)
    while world.now <= end:
        world.step(rng.choice([5, 10, 20]))
        reader = reader_for(mode, client, "notification_logs", consumer, now=lambda m=world.now: m, page_size=7,
                            lag=dt.timedelta(minutes=30), since=since)
        with contextlib.suppress(httpx.HTTPError, CortexError):  # a transient failure past the retries
            run_poll(reader, consumer, rng.choice([None, None, 0, 1, 2]))
    world.now += dt.timedelta(hours=8)  # every record settled (the longest delay is 6 hours)
    quiet = 0
    for _ in range(40):  # polls until four in a row read their whole window
        reader = reader_for(mode, client, "notification_logs", consumer, now=lambda m=world.now: m, page_size=7,
                            lag=dt.timedelta(minutes=30))
        try:
            run_poll(reader, consumer, None)
            quiet += 1
        except (httpx.HTTPError, CortexError):
            quiet = 0
        if quiet == 4:
            break
    assert quiet == 4
    stats = world.fake.stats
    assert stats.by_status.get(429) and stats.by_status.get(503) and stats.dropped, "faults of each kind"
    finals = world.finals()
    consumer.load()
    lines = consumer.output
    assert len(lines) == len(set(lines)), "no state twice"
    assert {ident: status for ident, status in lines} == finals, "every record ends in its final state"
    assert len(finals) >= 40 and {"DELIVERED", "FAILED", "IGNORED"} <= set(finals.values()), "records settled"
    assert world.lates and {str(ident) for ident in world.lates} <= set(finals), "some arrived late"
    assert len([line for line in lines if line[1] == finals[line[0]]]) == len(finals), "each final state once"
