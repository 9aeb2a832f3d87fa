"""FakeCortex's lifecycle: notification logs and runs are created non-final and settle after a seeded delay."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cortex_wrapper.testing import FakeCortex, Lifecycle, generate_records

from .conftest import Api

REFERENCE = datetime(2025, 7, 1, tzinfo=UTC)
LONG = Lifecycle(delay=(600.0, 20 * 3600.0), late_share=0.1)  # many records unsettled at once
FINAL_LOGS = {"DELIVERED", "FAILED", "IGNORED"}
FINAL_RUNS = {"COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "IGNORED"}


class Clock:
    """A wall clock (Unix time) that moves only when a test moves it."""

    def __init__(self, moment: datetime) -> None:
        self.now = moment.timestamp()

    def __call__(self) -> float:
        return self.now

    def at(self, stamp: str, plus_ms: int = 0) -> None:
        """Move to ``stamp`` (a record's date) plus ``plus_ms`` milliseconds."""
        self.now = seconds(stamp) + plus_ms / 1000


def seconds(stamp: object) -> float:
    assert isinstance(stamp, str)
    return datetime.fromisoformat(stamp).timestamp()


Make = Callable[..., Api]
WINDOW = {"fromDate": (REFERENCE - timedelta(days=2)).isoformat()}  # about 130 of the newest logs


def lifecycle_api(api: Make, clock: Clock, **kwargs: Any) -> Api:
    options: dict[str, Any] = {"seed": 3, "notification_log_count": 6_000, "notification_run_count": 1_500}
    return api(**(options | {"lifecycle": LONG, "wall_clock": clock} | kwargs))


def by_id(records: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {record["id"]: record for record in records}


def finals(client: Api, clock: Clock, kind: str = "notification_logs", **params: Any) -> dict[int, dict[str, Any]]:
    """Every record of the window as it is once all have settled (the clock left a week later)."""
    saved = clock.now
    clock.now = (REFERENCE + timedelta(days=7)).timestamp()
    try:
        return by_id(client.records(kind, WINDOW | params))
    finally:
        clock.now = saved


def pick(records: dict[int, dict[str, Any]], status: str) -> dict[str, Any]:
    """The newest record of ``status`` whose settle moment is at least a second after its creation."""
    return next(
        r for _, r in sorted(records.items(), reverse=True)
        if r["status"] == status and seconds(r["dateUpdated"]) - seconds(r["dateCreated"]) >= 1
    )  # fmt: skip


@pytest.mark.slow
def test_a_log_is_created_ready_and_later_final_with_a_later_date_updated(api: Make) -> None:
    clock = Clock(REFERENCE)
    client = lifecycle_api(api, clock)
    final = pick(finals(client, clock), "FAILED")
    clock.at(final["dateCreated"])
    created = by_id(client.records("notification_logs", WINDOW))[final["id"]]
    assert created["status"] == "READY"
    assert created["dateUpdated"] == created["dateCreated"] == final["dateCreated"]
    assert "failedReason" not in created and "errorMessage" not in created and "dateDelivered" not in created
    assert {k: v for k, v in created.items() if k not in ("status", "dateUpdated")} == {
        k: v for k, v in final.items() if k not in ("status", "dateUpdated", "failedReason", "errorMessage")
    }
    clock.at(final["dateUpdated"], -1)
    assert by_id(client.records("notification_logs", WINDOW))[final["id"]] == created, "not settled a ms before"
    clock.at(final["dateUpdated"])
    settled = by_id(client.records("notification_logs", WINDOW))[final["id"]]
    assert settled == final and settled["failedReason"] and settled["errorMessage"]
    assert seconds(settled["dateUpdated"]) > seconds(created["dateUpdated"])


def test_a_delivered_log_gets_its_date_delivered_when_it_settles(api: Make) -> None:
    clock = Clock(REFERENCE)
    client = lifecycle_api(api, clock)
    final = pick(finals(client, clock), "DELIVERED")
    assert final["dateDelivered"] == final["dateUpdated"]
    clock.at(final["dateCreated"], 1)
    assert "dateDelivered" not in by_id(client.records("notification_logs", WINDOW))[final["id"]]


@pytest.mark.slow
def test_a_run_is_created_and_later_completed_with_its_delivered_count(api: Make) -> None:
    clock = Clock(REFERENCE)
    client = lifecycle_api(api, clock)
    runs = {"deliveredOnly": "false", "fromDate": (REFERENCE - timedelta(days=20)).isoformat()}
    saved, clock.now = clock.now, (REFERENCE + timedelta(days=7)).timestamp()
    final = pick(by_id(client.records("notification_runs", runs)), "COMPLETED")
    clock.now = saved
    assert final["deliveredCount"] > 0
    clock.at(final["dateCreated"])
    created = by_id(client.records("notification_runs", runs))[final["id"]]
    assert (created["status"], created["deliveredCount"], created["dateUpdated"]) == (
        "CREATED", 0, final["dateCreated"],
    )  # fmt: skip
    delivered_only = client.records("notification_runs", {"fromDate": runs["fromDate"]})
    assert final["id"] not in by_id(delivered_only), "deliveredOnly judges the run at the request"
    clock.at(final["dateUpdated"])
    assert by_id(client.records("notification_runs", runs))[final["id"]] == final
    assert final["id"] in by_id(client.records("notification_runs", {"fromDate": runs["fromDate"]}))


def test_one_moment_one_state_across_pages_and_filters(api: Make) -> None:
    clock = Clock(REFERENCE - timedelta(hours=6))
    client = lifecycle_api(api, clock)
    everything = client.records("notification_logs", WINDOW)
    statuses = {r["status"] for r in everything}
    assert "READY" in statuses and statuses & FINAL_LOGS, statuses
    paged: list[dict[str, Any]] = []
    for page in range(len(everything) // 7 + 1):
        paged += client.page("notification_logs", WINDOW | {"page": page, "pageSize": 7})["logs"]
    assert paged == everything
    for status in ("READY", "FAILED", "DELIVERED"):
        filtered = client.records("notification_logs", WINDOW | {"statuses": status})
        assert filtered == [r for r in everything if r["status"] == status]
    reasons = client.records("notification_logs", WINDOW | {"failedReasons": "CHANNEL_NOT_FOUND,CLIENT_ERROR"})
    assert reasons == [r for r in everything if r.get("failedReason") in ("CHANNEL_NOT_FOUND", "CLIENT_ERROR")]
    assert reasons, "some failures have settled"


def test_status_filters_see_the_state_at_the_request(api: Make) -> None:
    clock = Clock(REFERENCE)
    client = lifecycle_api(api, clock)
    final = pick(finals(client, clock), "IGNORED")
    clock.at(final["dateCreated"], 1)
    ready = by_id(client.records("notification_logs", WINDOW | {"statuses": "READY"}))
    ignored = by_id(client.records("notification_logs", WINDOW | {"statuses": "IGNORED"}))
    assert final["id"] in ready and final["id"] not in ignored
    clock.at(final["dateUpdated"])
    ready = by_id(client.records("notification_logs", WINDOW | {"statuses": "READY"}))
    ignored = by_id(client.records("notification_logs", WINDOW | {"statuses": "IGNORED"}))
    assert final["id"] not in ready and ignored[final["id"]] == final


@pytest.mark.slow
def test_settled_records_never_change_again(api: Make) -> None:
    clock = Clock(REFERENCE - timedelta(hours=6))
    client = lifecycle_api(api, clock)
    first = client.records("notification_logs", WINDOW)
    settled = [r for r in first if r["status"] != "READY"]
    pending = {r["id"] for r in first if r["status"] == "READY"}
    assert settled and pending
    for later in (timedelta(hours=1), timedelta(days=1), timedelta(days=400)):
        clock.now = (REFERENCE - timedelta(hours=6) + later).timestamp()
        now = by_id(client.records("notification_logs", WINDOW))
        assert [now[r["id"]] for r in settled] == settled
    final = by_id(client.records("notification_logs", WINDOW))
    changed = {i for i in pending if final[i]["status"] != "READY"}
    assert changed and all(seconds(final[i]["dateUpdated"]) > seconds(final[i]["dateCreated"]) for i in changed)


def body(fake: FakeCortex, **params: Any) -> bytes:
    """Page 0 (100 records) of the notification logs as served now."""
    with httpx.Client(transport=fake.transport(), base_url="https://cortex.fake") as http:
        response = http.get("/api/v1/notifications/logs", params={"page": 0, "pageSize": 100, **params},
                            headers={"Authorization": f"Bearer {fake.token}"})  # fmt: skip
    assert response.status_code == 200, response.text
    return response.content


def test_the_state_is_a_function_of_the_seed_the_record_and_the_moment() -> None:
    clock = Clock(REFERENCE - timedelta(hours=3))

    def fake(seed: int, **kwargs: Any) -> FakeCortex:
        return FakeCortex(seed=seed, notification_log_count=5_000, lifecycle=LONG, wall_clock=clock, **kwargs)

    one, again, other = fake(1), fake(1, page_cache_bytes=0), fake(2)
    assert body(one) == body(again) and body(one) != body(other)
    clock.now += 3600
    assert body(again) == body(one), "a fresh fake at the same moment"
    assert body(one, statuses="READY") == body(again, statuses="READY")


@pytest.mark.slow
def test_the_page_cache_is_keyed_by_the_state_not_the_data_version() -> None:
    clock = Clock(REFERENCE - timedelta(hours=2))
    cached = FakeCortex(seed=1, notification_log_count=20_000, lifecycle=LONG, wall_clock=clock)
    uncached = FakeCortex(seed=1, notification_log_count=20_000, lifecycle=LONG, wall_clock=clock, page_cache_bytes=0)
    seen = set()
    for _ in range(6):  # a moment every 20 minutes: records settle between them
        clock.now += 1200
        for params in ({}, {"statuses": "READY"}, {"statuses": "DELIVERED,FAILED"}):
            assert body(cached, **params) == body(uncached, **params)
        seen.add(body(cached, statuses="READY"))
    assert len(seen) == 6, "the state moved"
    for jump in (-86_400, 3 * 86_400, -30):  # the clock jumps back and forth (a pure function of the moment)
        clock.now += jump
        assert body(cached, statuses="READY,FAILED") == body(uncached, statuses="READY,FAILED")


def test_records_inserted_as_new_follow_the_lifecycle(api: Make) -> None:
    clock = Clock(REFERENCE + timedelta(days=1))
    client = lifecycle_api(api, clock)
    made: list[dict[str, Any]] = client.fake.insert_newest("notification_logs", 5)
    newest = by_id(client.records("notification_logs", {"fromDate": made[0]["dateCreated"]}))
    assert {r["status"] for r in newest.values()} == {"READY"}
    clock.now += 2 * 86_400
    settled = by_id(client.records("notification_logs", {"fromDate": made[0]["dateCreated"]}))
    assert [settled[r["id"]]["status"] for r in made] == [r["status"] for r in made]
    assert all(settled[r["id"]]["dateUpdated"] == r["dateUpdated"] for r in made)


SUPPLIED = generate_records("notification_logs", 30, seed=5, run_count=8, lifecycle=LONG)


def test_supplied_records_stay_as_given_unless_asked(api: Make) -> None:
    clock = Clock(datetime.fromisoformat(str(SUPPLIED[-1]["dateCreated"])))
    wire: list[dict[str, Any]] = [{k: v for k, v in r.items() if not k.startswith("_")} for r in SUPPLIED]
    given = api(notification_logs=SUPPLIED, lifecycle=LONG, wall_clock=clock).records("notification_logs")
    assert sorted(given, key=lambda r: r["id"]) == wire
    live = api(notification_logs=SUPPLIED, lifecycle=Lifecycle(supplied=True), wall_clock=clock)
    served = by_id(live.records("notification_logs"))
    newest = wire[-1]
    assert newest["status"] != "READY" and served[newest["id"]]["status"] == "READY"
    clock.at(str(newest["dateUpdated"]))
    assert by_id(live.records("notification_logs"))[newest["id"]] == newest


def test_update_scripts_a_records_next_state(api: Make) -> None:
    clock = Clock(REFERENCE)
    client = lifecycle_api(api, clock)
    final = pick(finals(client, clock), "DELIVERED")
    clock.at(final["dateCreated"], 5)
    failed: dict[str, Any] = client.fake.update("notification_logs", final["id"], status="FAILED", failedReason="CLIENT_ERROR")
    moved = datetime.fromisoformat(failed["dateUpdated"]) - datetime.fromisoformat(final["dateCreated"])
    assert moved == timedelta(milliseconds=5), "dateUpdated moves to the moment of the update"
    served = by_id(client.records("notification_logs", WINDOW | {"statuses": "FAILED"}))[final["id"]]
    assert served == failed and served["dateCreated"] == final["dateCreated"]
    clock.now += 7 * 86_400
    assert by_id(client.records("notification_logs", WINDOW))[final["id"]] == failed, "it left the lifecycle"
    again: dict[str, Any] = client.fake.update("notification_logs", final["id"], status="DELIVERED", failedReason=None)
    assert "failedReason" not in again and seconds(again["dateUpdated"]) > seconds(failed["dateUpdated"])
    with pytest.raises(KeyError):
        client.fake.update("notification_logs", 10**9, status="FAILED")
    with pytest.raises(ValueError, match="dateCreated"):
        client.fake.update("notification_logs", final["id"], dateCreated="2025-01-01T00:00:00Z")


def test_update_on_a_fixed_fake_bumps_date_updated(api: Make) -> None:
    clock = Clock(REFERENCE)
    client = api(notification_logs=SUPPLIED, wall_clock=clock)
    record = SUPPLIED[3]
    updated: dict[str, Any] = client.fake.update("notification_logs", int(str(record["id"])), status="IGNORED",
                                 ignoredReason="DUPLICATE")  # fmt: skip
    served = by_id(client.records("notification_logs", {"statuses": "IGNORED"}))[updated["id"]]
    assert served["ignoredReason"] == "DUPLICATE" and served["dateUpdated"] == "2025-07-01T00:00:00.000Z"


# -- the fixed-records mode: byte-identical to the fake before the lifecycle --------------------------------------

PINNED = "69046d8729ddd39078b01be6770ed93f7dc448f4a4c8adb26b5b97fc094d8084"
QUERIES: list[tuple[str, list[tuple[str, str | int | float | bool | None]]]] = [
    ("/api/v1/audit-logs", [("page", "0"), ("pageSize", "50")]),
    ("/api/v1/notifications/logs", [("page", "0"), ("pageSize", "200")]),
    ("/api/v1/notifications/logs", [("page", "1"), ("pageSize", "100"), ("orderBy", "ASC")]),
    ("/api/v1/notifications/logs", [("page", "0"), ("pageSize", "100"), ("statuses", "FAILED,READY")]),
    ("/api/v1/notifications/logs", [("page", "0"), ("pageSize", "100"), ("failedReasons", "CHANNEL_NOT_FOUND")]),
    ("/api/v1/notifications/logs/run", [("page", "0"), ("pageSize", "200"), ("includeObjects", "true")]),
    ("/api/v1/notifications/logs/run",
     [("page", "0"), ("pageSize", "100"), ("deliveredOnly", "false"), ("statuses", "CREATED,FAILED")]),
]  # fmt: skip


def fixed_digest(clock: Clock) -> str:
    digest = hashlib.sha256()
    logs = generate_records("notification_logs", 30, seed=5, run_count=8)
    fake = FakeCortex(seed=3, audit_log_count=500, notification_log_count=2000, notification_run_count=500,
                      notification_logs=logs, wall_clock=clock)  # fmt: skip
    fake.insert_newest("notification_logs", 3)
    fake.insert_newest("notification_runs", 2)
    with httpx.Client(transport=fake.transport(), base_url="https://cortex.fake") as http:
        for path, params in QUERIES:
            response = http.get(path, params=params, headers={"Authorization": f"Bearer {fake.token}"})
            assert response.status_code == 200, response.text
            digest.update(response.content)
    return digest.hexdigest()


def test_without_a_lifecycle_the_records_are_what_they_were() -> None:
    clock = Clock(datetime(2025, 6, 30, 12, tzinfo=UTC))
    assert fixed_digest(clock) == PINNED, "the digest of this fake's pages before the lifecycle existed"
    clock.now += 30 * 86_400
    fake = FakeCortex(seed=3, notification_log_count=2000, wall_clock=clock)
    before = body(fake, statuses="READY")
    clock.now += 86_400
    assert body(fake, statuses="READY") == before


def test_lifecycle_options_are_checked() -> None:
    with pytest.raises(ValueError, match="late_share"):
        Lifecycle(late_share=1.5)
    with pytest.raises(ValueError, match="delay"):
        Lifecycle(delay=(0.0, 10.0))


def test_the_readme_states_the_default_delays() -> None:
    assert Lifecycle() == Lifecycle(delay=(1, 14400), late_share=0.02, late_delay=(72000, 82800))
    assert Lifecycle().max_delay_us < 24 * 3600 * 10**6, "late records settle within a day"


def test_update_of_a_generated_record_on_a_fixed_fake_is_what_filters_see(api: Make) -> None:
    clock = Clock(REFERENCE)
    client = api(seed=2, notification_log_count=60, wall_clock=clock)
    failed = {r["id"] for r in client.records("notification_logs", {"statuses": "FAILED"})}
    target = next(r for r in client.records("notification_logs") if r["status"] == "DELIVERED")
    client.fake.update("notification_logs", target["id"], status="FAILED", failedReason="CLIENT_ERROR",
                       dateDelivered=None)  # fmt: skip
    now = {r["id"]: r for r in client.records("notification_logs", {"statuses": "FAILED"})}
    assert set(now) == failed | {target["id"]}
    assert now[target["id"]]["dateUpdated"] == "2025-07-01T00:00:00.000Z" and "dateDelivered" not in now[target["id"]]
    assert target["id"] not in {r["id"] for r in client.records("notification_logs", {"statuses": "DELIVERED"})}
