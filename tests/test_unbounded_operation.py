"""An operation without time bounds, and records with nested objects: described, validated and paged generically.

A synthetic operation stands for one the table has not met before (``listGitOpsLogs`` is the real one): no
``date-time`` filter, records whose fields are objects and arrays of objects that hold objects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import operation_table
import pytest
from cortex_api_client.operations import NOTIFICATION_RUNS, Field, OperationSpec
from reconcile import SpecError

from cortex_wrapper import CortexClient
from cortex_wrapper._incremental import FileCheckpointStore, IncrementalReader
from cortex_wrapper._operations import require_bounds, time_bounds
from cortex_wrapper._wire import RecordCheck

from .support.api import TOKEN, run_record


def _doc(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """A one-operation document: a paged list of ``Push`` records, each holding objects at several depths."""
    ref = "#/components/schemas/"
    return {
        "openapi": "3.0.1", "info": {"title": "t", "version": "1"},
        "paths": {"/api/v1/pushes": {"get": {
            "operationId": "listPushes", "summary": "Retrieve pushes",
            "description": "API key must have the `View pushes` permission.",
            "parameters": [*parameters,
                           {"name": "page", "in": "query", "required": True, "schema": {"type": "integer"}},
                           {"name": "pageSize", "in": "query", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "$ref": ref + "Pushes"}}}}},
        }}},
        "components": {"schemas": {
            "Pushes": {"type": "object", "properties": {
                "logs": {"type": "array", "items": {"$ref": ref + "Push"}}, "page": {"type": "integer"},
                "total": {"type": "integer"}, "totalPages": {"type": "integer"}}},
            "Push": {"type": "object", "required": ["dateCreated", "repo", "files"], "properties": {
                "dateCreated": {"type": "string", "format": "date-time"},
                "repo": {"$ref": ref + "Repo"},
                "files": {"type": "array", "items": {"$ref": ref + "File"}}}},
            "Repo": {"type": "object", "required": ["provider"], "properties": {
                "provider": {"type": "string", "enum": ["GITHUB", "GITLAB"]}}},
            "File": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "entity": {"$ref": ref + "Entity"}, "parent": {"$ref": ref + "File"}}},
            "Entity": {"type": "object", "required": ["tag"], "properties": {"tag": {"type": "string"}}},
        }},
    }


def _by_wire(rows: tuple[Any, ...]) -> dict[str, Any]:
    return {row.wire: row for row in rows}


def test_an_operation_without_a_date_time_filter_has_no_bounds_and_its_objects_are_described_at_every_depth() -> None:
    [row] = operation_table.describe(_doc([{"name": "repo", "in": "query", "schema": {"type": "string"}}]), set())
    assert (row.lower_bound, row.upper_bound, row.time_field, row.id_field) == (None, None, "dateCreated", None)
    assert [p.wire for p in row.parameters] == ["repo"]
    fields = _by_wire(row.fields)
    assert fields["repo"].value_type == "object" and [f.wire for f in fields["repo"].items] == ["provider"]
    assert fields["repo"].items[0].site == "Repo.provider"
    files = _by_wire(fields["files"].items)
    assert files["entity"].value_type == "object" and [f.wire for f in files["entity"].items] == ["tag"]
    assert files["parent"].items == (), "a schema that refers to itself is described once, then as a plain object"
    assert "It has no time bounds" in operation_table.method_doc(row)


def test_one_bound_without_the_other_is_still_refused() -> None:
    lower_only = [{"name": "startTime", "in": "query", "schema": {"type": "string", "format": "date-time"}}]
    with pytest.raises(SpecError, match="expected one start\\*/from\\* and one end\\*/until\\*"):
        operation_table.describe(_doc(lower_only), set())


PUSH_FIELDS = (
    Field("dateCreated", "date_created", "datetime", True, None),
    Field("repo", "repo", "object", True, None, items=(Field("provider", "provider", "str", True, None),)),
    Field("files", "files", "array", True, None, items=(
        Field("name", "name", "str", True, None),
        Field("entity", "entity", "object", False, None, items=(Field("tag", "tag", "str", True, None),)),
    )),
)


def _push(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"dateCreated": "2026-01-01T00:00:00Z", "repo": {"provider": "GITHUB"},
                              "files": [{"name": "a.yaml", "entity": {"tag": "svc"}}, {"name": "b.yaml"}]}
    return {**record, **changes}


@pytest.mark.parametrize(("record", "error", "message"), [
    (_push(repo={}), KeyError, "repo.provider"),
    (_push(repo={"provider": 3}), TypeError, "repo.provider is int, not str"),
    (_push(repo=[]), TypeError, "repo is list, not dict"),
    (_push(files=[{"name": "a", "entity": {}}]), KeyError, "files[0].entity.tag"),
    (_push(files=[{"name": "a"}, {"name": "b", "entity": {"tag": 1}}]), TypeError, "files[1].entity.tag is int"),
])
def test_a_nested_object_is_validated_and_its_error_names_the_path(record: dict[str, Any], error: type[Exception],
                                                                     message: str) -> None:
    check = RecordCheck(dataclasses.replace(NOTIFICATION_RUNS, fields=PUSH_FIELDS))
    check(_push())  # the well-formed record passes, nested objects included
    with pytest.raises(error) as info:
        check(record)
    assert message in str(info.value)
    assert check.page([_push(), _push(files=[])]) is False, "a page of fitting records is judged field by field"
    with pytest.raises(error):
        check.page([_push(), record])


UNBOUNDED: OperationSpec[Any] = dataclasses.replace(
    NOTIFICATION_RUNS, lower_bound=None, upper_bound=None,
    parameters=tuple(p for p in NOTIFICATION_RUNS.parameters if p.value_type != "datetime"),
)
"""A real operation's records, served by an operation without time bounds."""


def test_an_unbounded_operation_is_paged_in_full_with_no_bound_frozen_or_sent() -> None:
    assert time_bounds(UNBOUNDED) is None and time_bounds(NOTIFICATION_RUNS) == ("from_date", "until_date")
    records = [run_record(i) for i in range(5)]
    seen: list[httpx.QueryParams] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params)
        page, size = int(request.url.params["page"]), int(request.url.params["pageSize"])
        body = {UNBOUNDED.list_key: records[page * size:(page + 1) * size], "page": page, "total": len(records),
                "totalPages": -(-len(records) // size)}
        return httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json"})

    with CortexClient(token=TOKEN, base_url="https://cortex.test", transport=httpx.MockTransport(handler),
                      requests_per_minute=None) as client:
        got = list(client._pager(UNBOUNDED, {"statuses": ["COMPLETED"]}, 2, None, None))
    assert [r.id for r in got] == list(range(5))
    assert len(seen) == 3
    assert all(set(params) == {"statuses", "page", "pageSize"} for params in seen), "no time bound is sent"


def test_an_unbounded_operation_cannot_be_read_incrementally(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"listNotificationRuns has no time bounds .* page it in full"):
        require_bounds(UNBOUNDED, "an incremental read")
    assert require_bounds(NOTIFICATION_RUNS, "x") == ("from_date", "until_date")
    client = CortexClient(token=TOKEN, base_url="https://cortex.test", transport=httpx.MockTransport(
        lambda request: pytest.fail("no request may be sent")), requests_per_minute=None)
    table = {op.method_name: op for op in (UNBOUNDED,)}
    with client, pytest.MonkeyPatch.context() as patch:
        patch.setattr("cortex_wrapper._incremental.OPERATIONS", tuple(table.values()))
        with pytest.raises(ValueError, match="has no time bounds"):
            IncrementalReader(client, "notification_runs", FileCheckpointStore(tmp_path / "ckpt"),
                              since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert not (tmp_path / "ckpt").exists()
