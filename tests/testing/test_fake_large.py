"""A million synthetic audit log entries, computed on demand: pages, windows, inserts, determinism."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cortex_wrapper.testing import FakeCortex, generate_records

MILLION = 1_000_000
REFERENCE = datetime(2025, 7, 1, tzinfo=UTC)


def parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


@pytest.fixture(scope="module")
def big() -> Any:
    with FakeCortex(seed=1, audit_log_count=MILLION) as fake:
        yield fake
    assert fake.errors == []


@pytest.fixture
def client(big: FakeCortex, connect: Any) -> Any:
    big.reset()
    return connect(big)


@pytest.mark.slow
def test_last_page_of_a_million_without_materialising(client: Any) -> None:
    tracemalloc.start()
    try:
        body = client.page("audit_logs", {"page": 999, "pageSize": 1000})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20, f"peak {peak / 2**20:.0f} MiB: the dataset was materialised"
    assert (body["page"], body["total"], body["totalPages"], len(body["logs"])) == (999, MILLION, 1000, 1000)
    stamps = [parse(entry["timestamp"]) for entry in body["logs"]]
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == 1000
    assert REFERENCE - timedelta(days=90) <= stamps[-1] < REFERENCE - timedelta(days=89)
    for entry in body["logs"]:
        assert set(entry) == {"timestamp", "action", "objectType", "objectIdentifier", "actorIdentifier", "ipAddress"}
        assert entry["action"] in ("CREATE", "READ", "UPDATE", "DELETE")


def test_first_page_is_the_newest(client: Any) -> None:
    logs = client.page("audit_logs", {"page": 0, "pageSize": 3})["logs"]
    assert REFERENCE - timedelta(minutes=10) < parse(logs[0]["timestamp"]) < REFERENCE


def test_page_is_deterministic_across_instances(client: Any) -> None:
    page = client.page("audit_logs", {"page": 123_456, "pageSize": 5})["logs"]
    with FakeCortex(seed=1, audit_log_count=MILLION) as again:
        other = connect_once(again)
    with FakeCortex(seed=2, audit_log_count=MILLION) as different:
        changed = connect_once(different)
    assert page == other and page != changed


def connect_once(fake: FakeCortex) -> list[dict[str, Any]]:
    response = httpx.get(f"{fake.url}/api/v1/audit-logs", params={"page": 123_456, "pageSize": 5},
                         headers={"Authorization": f"Bearer {fake.token}"})  # fmt: skip
    logs: list[dict[str, Any]] = response.json()["logs"]
    return logs


@pytest.mark.slow
def test_time_window_on_a_million_uses_the_index(client: Any) -> None:
    newest = client.page("audit_logs", {"page": 0, "pageSize": 1000})["logs"]
    window = {"startTime": newest[999]["timestamp"], "endTime": newest[500]["timestamp"], "pageSize": 1000}
    body = client.page("audit_logs", window)
    assert body["total"] == 500
    assert body["logs"] == newest[500:]


def test_small_generated_dataset_matches_generate_records(api: Any) -> None:
    records = generate_records("audit_logs", 50, seed=9)
    served = api(seed=9, audit_log_count=50).page("audit_logs")["logs"]
    wire = ("timestamp", "action", "objectType", "objectIdentifier", "actorIdentifier", "ipAddress")
    assert served == [{k: r[k] for k in wire} for r in reversed(records)]


@pytest.mark.slow
def test_inserts_merge_into_the_synthetic_sequence(api: Any) -> None:
    client = api(seed=4, audit_log_count=100_000)
    page = client.page("audit_logs", {"page": 50, "pageSize": 4})["logs"]
    between = parse(page[1]["timestamp"]) - timedelta(milliseconds=1)
    marker = {"timestamp": between.isoformat(), "action": "DELETE", "objectType": "TEAM", "objectIdentifier": "marker",
              "actorIdentifier": "x@acme.com", "ipAddress": "10.9.9.9", "actorType": "OAUTH2"}  # fmt: skip
    client.fake.insert("audit_logs", [marker])
    after = client.page("audit_logs", {"page": 50, "pageSize": 4})
    assert after["total"] == 100_001
    assert [e["objectIdentifier"] for e in after["logs"]][:3] == [
        page[0]["objectIdentifier"], page[1]["objectIdentifier"], "marker",
    ]  # fmt: skip
    assert client.page("audit_logs", {"objectIdentifiers": "marker", "actorEmails": "x@acme.com"})["total"] == 1
    newest = client.fake.insert_newest("audit_logs", 3)
    first = client.page("audit_logs", {"page": 0, "pageSize": 3})["logs"]
    assert [e["timestamp"] for e in first] == [r["timestamp"] for r in reversed(newest)]
    assert client.fake.total("audit_logs") == 100_004


@pytest.mark.slow
def test_a_million_notifications_with_a_lifecycle_stay_consistent_as_the_clock_moves() -> None:
    """The incrementally kept zone and filter scans of a fake that served earlier moments equal a fresh fake's."""
    from cortex_wrapper.testing import Lifecycle

    moment = [(REFERENCE - timedelta(hours=5)).timestamp()]
    options: dict[str, Any] = {"seed": 1, "notification_log_count": MILLION, "lifecycle": Lifecycle()}
    warm = FakeCortex(**options, wall_clock=lambda: moment[0])
    window = {"fromDate": (REFERENCE - timedelta(days=2)).isoformat(), "page": "0", "pageSize": "1000"}

    def served(fake: FakeCortex, **params: str) -> dict[str, Any]:
        with httpx.Client(transport=fake.transport(), base_url="https://cortex.fake") as http:
            response = http.get("/api/v1/notifications/logs", params={**window, **params},
                                headers={"Authorization": f"Bearer {fake.token}"})  # fmt: skip
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    totals = []
    for step in range(4):
        moment[0] += 600 * (step + 1)
        warm_bodies = [served(warm, statuses="READY"), served(warm, statuses="FAILED"), served(warm)]
        fresh = FakeCortex(**options, wall_clock=lambda: moment[0], page_cache_bytes=0)
        assert warm_bodies == [served(fresh, statuses="READY"), served(fresh, statuses="FAILED"), served(fresh)]
        totals.append(warm_bodies[0]["total"])
    assert len(set(totals)) > 1, f"records settled between the moments: {totals}"
