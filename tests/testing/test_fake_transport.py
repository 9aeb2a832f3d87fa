"""FakeCortex in-process: its httpx transport answers as its server does, sync and async, with no socket."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from cortex_wrapper import AsyncCortexClient, CortexClient
from cortex_wrapper.testing import FakeCortex, generate_records


def test_the_transport_answers_as_the_server_does() -> None:
    with FakeCortex(seed=3, audit_log_count=30) as fake:
        params = {"page": 1, "pageSize": 7}
        headers = {"Authorization": f"Bearer {fake.token}"}
        over_http = httpx.get(f"{fake.url}/api/v1/audit-logs", params=params, headers=headers)
        with httpx.Client(transport=fake.transport(), base_url="http://fake") as client:
            in_process = client.get("/api/v1/audit-logs", params=params, headers=headers)
            unauthorised = client.get("/api/v1/audit-logs", params=params)
    assert in_process.status_code == over_http.status_code == 200
    assert in_process.json() == over_http.json()
    assert in_process.headers["content-type"] == over_http.headers["content-type"]
    assert unauthorised.status_code == 401


def test_clients_crawl_an_unstarted_fake_through_it_sync_and_async() -> None:
    fake = FakeCortex(seed=4, notification_log_count=55)
    expected = [record["id"] for record in reversed(generate_records("notification_logs", 55, seed=4))]
    with CortexClient(token=fake.token, base_url="https://cortex.fake", transport=fake.transport(), page_size=10) as client:
        assert [log.id for log in client.notification_logs()] == expected

    async def crawl() -> list[int]:
        async with AsyncCortexClient(token=fake.token, base_url="https://cortex.fake", transport=fake.transport(),
                                     page_size=10) as client:
            return [log.id async for log in client.notification_logs()]

    assert asyncio.run(crawl()) == expected
    assert fake.stats.by_status == {200: 12}


def test_a_dropped_connection_is_a_protocol_error() -> None:
    fake = FakeCortex()
    fake.script("drop")
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as client, \
            pytest.raises(httpx.RemoteProtocolError):
        client.get("/api/v1/audit-logs", params={"page": 0, "pageSize": 1})
    assert fake.stats.dropped == 1
