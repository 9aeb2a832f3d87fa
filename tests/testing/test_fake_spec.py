"""Spec fidelity (every parameter handled, every known enum value accepted, validator is real), lifecycle,
thread safety and concurrent inserts."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from cortex_api_client.operations import ENUM_SITES as TABLE_SITES
from cortex_api_client.operations import OPERATIONS as TABLE_OPERATIONS

from cortex_wrapper.testing import FakeCortex, generate_records
from cortex_wrapper.testing._operations import _CONTROL, operations, singular

SPEC = json.loads((Path(__file__).resolve().parents[2] / "spec" / "reconciled" / "openapi.json").read_text("utf-8"))
KIND_OF = {"getAuditLogs": "audit_logs", "listNotificationLogs": "notification_logs",
           "listNotificationRuns": "notification_runs"}  # fmt: skip


TABLE_OPS = {spec.operation_id: spec for spec in TABLE_OPERATIONS}


def spec_params(op_id: str) -> set[str]:
    for item in SPEC["paths"].values():
        if item["get"]["operationId"] == op_id:
            return {p["name"] for p in item["get"]["parameters"]}
    raise KeyError(op_id)


@pytest.mark.parametrize("op_id", sorted(KIND_OF))
def test_every_spec_parameter_is_handled(op_id: str) -> None:
    op = operations()[KIND_OF[op_id]]
    assert op.spec.operation_id == op_id
    handled = {"page", "pageSize", *(op.window or ())} | (_CONTROL & spec_params(op_id))
    assert not set(op.filters) & handled
    assert set(op.filters) | handled <= spec_params(op_id)
    # every parameter that names a record field (plural filter, singular field) filters on it; any other
    # documented one is accepted and ignored (issue 11, item 5): a parameter a newer spec adds is never a 400
    fields = {f.wire for f in TABLE_OPS[op_id].fields}
    for name in spec_params(op_id) - set(op.filters) - handled:
        assert singular(name) not in fields, f"{name} names the field {singular(name)} but filters nothing"


ENUM_SITES = [
    (site, list(entry.values))
    for site, entry in TABLE_SITES.items()
    if site.split(".")[0] in KIND_OF and not entry.open
]


@pytest.mark.parametrize(("site", "values"), ENUM_SITES, ids=[site for site, _ in ENUM_SITES])
def test_every_value_any_doc_version_knows_is_accepted(api: Any, site: str, values: list[str]) -> None:
    op_id, param = site.split(".")
    client = api()
    extra = {"deliveredOnly": "false"} if op_id == "listNotificationRuns" else {}
    for value in values:  # one at a time (orderBy is single-valued) ...
        assert client.get(KIND_OF[op_id], {"page": 0, "pageSize": 1, param: value, **extra}).status_code == 200
    if param != "orderBy":  # ... and all at once, comma-joined as the CLI sends them
        joined = {"page": 0, "pageSize": 1, param: ",".join(values)}
        assert client.get(KIND_OF[op_id], joined).status_code == 200
    assert client.get(KIND_OF[op_id], {"page": 0, "pageSize": 1, param: "NOT_A_KNOWN_VALUE"}).status_code == 400


def test_the_validator_rejects_wrong_shapes(api: Any) -> None:
    client = api(audit_logs=generate_records("audit_logs", 2, seed=1))
    response = client.get("audit_logs", {"page": 0, "pageSize": 5})
    body = response.json()
    broken = [
        {k: v for k, v in body.items() if k != "total"},
        {**body, "totalPages": "1"},
        {**body, "logs": [{**body["logs"][0], "action": "ERASE"}]},
        {**body, "logs": [{k: v for k, v in body["logs"][0].items() if k != "timestamp"}]},
        {**body, "logs": [{**body["logs"][0], "actorType": "OAUTH2"}]},  # internal attribute leaked
    ]
    for bad in broken:
        fake = httpx.Response(200, json=bad, request=response.request)
        with pytest.raises(jsonschema.ValidationError):
            client.check(fake)
    problem = httpx.Response(429, json={"title": "x", "status": 429}, request=response.request,
                             headers={"content-type": "application/problem+json"})  # fmt: skip
    with pytest.raises(jsonschema.ValidationError):
        client.check(problem)


@pytest.mark.slow
def test_lifecycle() -> None:
    fake = FakeCortex()
    with pytest.raises(RuntimeError):
        _ = fake.url
    with fake:
        url = fake.url
        assert url.startswith("http://127.0.0.1:") and fake.port > 0
        assert httpx.get(url + "/api/v1/audit-logs?page=0&pageSize=1").status_code == 401
        with httpx.Client() as idle:  # an idle keep-alive connection must not block stop()
            idle.get(url + "/api/v1/audit-logs")
            fake.stop()
    fake.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/api/v1/audit-logs")
    assert fake.start() is fake
    fake.stop()


@pytest.mark.slow
def test_concurrent_paging_is_consistent(api: Any) -> None:
    client = api(seed=6, notification_log_count=5000, notification_run_count=900)
    sequential = [client.page("notification_logs", {"page": p, "pageSize": 250})["logs"] for p in range(20)]
    client.fake.reset()
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(lambda p: client.page("notification_logs", {"page": p, "pageSize": 250})["logs"],
                              range(20)))  # fmt: skip
    assert pages == sequential
    assert client.fake.stats.by_status == {200: 20}
    assert sorted(r.seq for r in client.fake.requests) == list(range(21, 41))


def test_inserts_from_other_threads_while_paging(api: Any) -> None:
    client = api(seed=1, notification_run_count=200)
    stop = threading.Event()

    def writer() -> None:
        count = 0
        while not stop.is_set() and count < 200:
            client.fake.insert_newest("notification_runs", 1)
            client.fake.insert("notification_runs", generate_records("notification_runs", 1, seed=count))
            count += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for page in range(10):
            client.page("notification_runs", {"page": page, "pageSize": 20, "deliveredOnly": "false"})
    finally:
        stop.set()
        thread.join()
    assert client.fake.total("notification_runs") > 200


def test_on_request_hook_can_insert(api: Any) -> None:
    seen: list[tuple[str | None, int | None]] = []

    def hook(request: Any) -> None:
        seen.append((request.operation, request.status))
        if len(seen) == 2:
            fake.insert_newest("notification_logs", 5)

    client = api(seed=2, notification_log_count=10, on_request=hook)
    fake = client.fake
    totals = [client.page("notification_logs", {"page": 0, "pageSize": 5})["total"] for _ in range(3)]
    assert totals == [10, 15, 15]
    assert seen == [("notification_logs", None)] * 3


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown record kind"):
        FakeCortex().insert("audit", [])


def test_page_cache_serves_repeats_and_inserts_invalidate_it(api: Any) -> None:
    sleeps: list[float] = []
    client = api(seed=3, audit_log_count=1000, per_record_latency=0.001, sleep=sleeps.append)
    params = {"page": 2, "pageSize": 100, "actions": "READ,DELETE"}
    first, again = client.get("audit_logs", params), client.get("audit_logs", params)
    assert first.content == again.content
    assert client.fake.stats.records_served == 200 and sleeps == [pytest.approx(0.1)] * 2  # latency still applies
    client.fake.insert_newest("audit_logs", 300)
    assert client.get("audit_logs", params).json()["total"] > first.json()["total"]
    uncached = api(seed=3, audit_log_count=1000, page_cache_bytes=0)
    assert uncached.get("audit_logs", params).content == first.content
