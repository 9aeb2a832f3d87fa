"""The presentation registry: an entry refines the generic default, and an operation without one still works."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cortex_api_client.operations import OPERATIONS, Field, OperationSpec, Parameter

from cortex_wrapper._registry import REGISTRY, TABLE_COLUMNS, Presentation, presentation

GITOPS: OperationSpec[Any] = OperationSpec(
    operation_id="listUnregisteredLogs", method_name="git_ops_logs", path="/api/v1/gitops-logs", list_key="logs",
    model_name="GitOpsLogResponse", permission="View GitOps logs", lower_bound="", upper_bound="",
    time_field="dateCreated", id_field=None,
    parameters=(Parameter("repository", "repository", "str", False, False, None, ""),),
    fields=(Field("commit", "commit", "str", True, None), Field("dateCreated", "date_created", "datetime", True, None),
            Field("files", "files", "array", True, None), Field("repository", "repository", "object", True, None),
            *(Field(f"extra{i}", f"extra{i}", "int", False, None) for i in range(10))),
    summary="Retrieve GitOps logs",
)


def test_every_entry_names_a_served_operation() -> None:
    assert set(REGISTRY) <= {spec.operation_id for spec in OPERATIONS}


@pytest.mark.parametrize("spec", OPERATIONS, ids=[spec.operation_id for spec in OPERATIONS])
def test_an_entry_only_refines_the_default(spec: OperationSpec[Any]) -> None:
    entry, shown = REGISTRY.get(spec.operation_id, Presentation()), presentation(spec)
    for item in dataclasses.fields(Presentation):
        given = getattr(entry, item.name)
        if given:  # set in the entry: kept as it is
            assert getattr(shown, item.name) == given, item.name
    wires = {f.wire for f in spec.fields}
    assert set(shown.table_columns) <= wires, "a table column the record does not have"


def test_an_operation_without_an_entry_gets_defaults_from_its_table_row() -> None:
    shown = presentation(GITOPS)
    assert shown.command == "git-ops-logs"
    assert shown.noun == "GitOps logs"
    assert shown.dataset == "cortex.git_ops_logs"
    assert shown.siem == "generic" and shown.records == "generic"
    assert shown.retention_days is None  # not known to expire: no retention gap is ever claimed
    # the time field first, then scalar fields in the schema's order; arrays and objects do not fit a cell
    assert shown.table_columns == ("dateCreated", "commit", *(f"extra{i}" for i in range(TABLE_COLUMNS - 2)))


def test_the_noun_of_a_plain_summary_is_lower_case() -> None:
    plain = dataclasses.replace(GITOPS, operation_id="listThings", summary="Retrieve Deploy events")
    assert presentation(plain).noun == "deploy events"
