"""Records drawn from an operation's fields (``_generic``), and filters on nested fields: how GitOps logs are served."""

from __future__ import annotations

from typing import Any

import pytest
from cortex_api_client.operations import GIT_OPS_LOGS

from cortex_wrapper._wire import RecordCheck
from cortex_wrapper.testing import FakeCortex, generate_records
from cortex_wrapper.testing._operations import operations
from cortex_wrapper.testing._store import path_values

PUSH = {"commit": "abc", "dateCreated": "2026-01-01T00:00:00Z", "repository": {"provider": "GITHUB",
                                                                                 "repositoryName": "org/catalog"},
        "files": [{"fileName": "a.yaml", "isPackageFile": False, "entity": {"name": "A", "operation": "CREATED",
                                                                              "tag": "svc-a", "type": "service"}},
                  {"fileName": "b.yaml", "isPackageFile": False,
                   "scorecard": {"name": "B", "operation": "UPDATED", "tag": "sc-b"},
                   "error": {"errorType": "YAML", "message": "bad indent"}}]}


def _push(commit: str, stamp: str, **changes: Any) -> dict[str, Any]:
    return {**PUSH, "commit": commit, "dateCreated": stamp, **changes}


RECORDS = [
    _push("c1", "2026-01-01T00:00:00Z"),
    _push("c2", "2026-01-02T00:00:00Z", repository={"provider": "GITLAB", "repositoryName": "org/other"},
          files=[{"fileName": "c.yaml", "isPackageFile": True}]),
    _push("c3", "2026-01-03T00:00:00Z", files=[{"fileName": "d.yaml", "isPackageFile": False,
                                                "workflow": {"name": "W", "operation": "ARCHIVED", "tag": "wf"}}]),
]


def test_generated_records_are_valid_deterministic_and_varied() -> None:
    records: list[dict[str, Any]] = generate_records("git_ops_logs", 200, seed=3)
    assert records == generate_records("git_ops_logs", 200, seed=3)
    assert records != generate_records("git_ops_logs", 200, seed=4)
    check = RecordCheck(GIT_OPS_LOGS)
    for record in records:
        check(record)  # raises for a record the spec refuses: required fields, types, nested objects
    stamps = [record["dateCreated"] for record in records]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    files = [item for record in records for item in record["files"]]
    assert {len(record["files"]) for record in records} == {1, 2, 3}
    assert 0 < sum("entity" in item for item in files) < len(files), "an optional object is sometimes left out"
    assert {item["entity"]["operation"] for item in files if "entity" in item} == {
        "CREATED", "UPDATED", "ARCHIVED", "NO_CHANGE"}
    assert {record["repository"]["provider"] for record in records} == {"AZURE_DEVOPS", "BITBUCKET", "GITHUB", "GITLAB"}


def test_path_values_walk_objects_and_arrays() -> None:
    get = PUSH.get
    assert path_values(get, "repository.repositoryName") == ["org/catalog"]
    assert path_values(get, "files[].fileName") == ["a.yaml", "b.yaml"]
    assert path_values(get, "files[].entity.tag|files[].scorecard.tag") == ["svc-a", "sc-b"]
    assert path_values(get, "files[].workflow.tag") == []
    assert path_values(get, "files[].error") == [PUSH["files"][1]["error"]]  # type: ignore[index]


def test_the_route_filters_nested_fields_as_the_registry_and_the_schema_say() -> None:
    route = operations()["git_ops_logs"]
    assert route.window is None
    assert route.filters == {
        "file": "files[].fileName", "repository": "repository.repositoryName", "sha": "commit",
        "errorOnly": "files[].error",
        "operation": "files[].entity.operation|files[].scorecard.operation|files[].workflow.operation",
        "fileName": "files[].fileName", "scorecardTag": "files[].scorecard.tag", "workflowTag": "files[].workflow.tag",
        "tag": "files[].entity.tag",
    }  # operation and fileName by the schema (the nested fields of their name), the rest by the registry


@pytest.mark.parametrize(("params", "commits"), [
    ({}, ["c3", "c2", "c1"]),  # newest first
    ({"tag": "svc-a"}, ["c1"]),
    ({"scorecardTag": "sc-b"}, ["c1"]),
    ({"workflowTag": "wf"}, ["c3"]),
    ({"repository": "org/other"}, ["c2"]),
    ({"sha": "c3"}, ["c3"]),
    ({"fileName": "c.yaml"}, ["c2"]),
    ({"file": "d.yaml"}, ["c3"]),
    ({"operation": "ARCHIVED"}, ["c3"]),
    ({"operation": "UPDATED"}, ["c1"]),
    ({"errorOnly": "true"}, ["c1"]),
    ({"errorOnly": "false"}, ["c3", "c2", "c1"]),
    ({"tag": "svc-a", "sha": "c2"}, []),
    ({"tag": "nothing"}, []),
])
def test_supplied_records_are_filtered_by_their_nested_fields(api: Any, params: dict[str, str],
                                                             commits: list[str]) -> None:
    client = api(records={"git_ops_logs": RECORDS})
    assert [record["commit"] for record in client.records("git_ops_logs", params)] == commits


def test_a_bad_enum_value_or_boolean_is_400(api: Any) -> None:
    client = api(records={"git_ops_logs": RECORDS})
    assert client.get("/api/v1/gitops-logs", {"operation": "DELETED", "page": "0", "pageSize": "10"}).status_code == 400
    assert client.get("/api/v1/gitops-logs", {"errorOnly": "maybe", "page": "0", "pageSize": "10"}).status_code == 400


def test_counts_and_records_take_any_operation_by_its_method_name() -> None:
    fake = FakeCortex(counts={"git_ops_logs": 25}, records={"git_ops_logs": RECORDS[:1]})
    assert fake.total("git_ops_logs") == 26
    with pytest.raises(ValueError, match="counts: unknown record kind 'gitops'"):
        FakeCortex(counts={"gitops": 1})
    with pytest.raises(ValueError, match="records: unknown record kind 'nope'"):
        FakeCortex(records={"nope": []})
