"""A record is validated by one mechanism, the operation table's fields (``_wire.RecordCheck``), for models and raw."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cortex_api_client.operations import AUDIT_LOGS, NOTIFICATION_RUNS, OperationSpec
from cortex_api_client.types import UNSET

from cortex_wrapper import CortexResponseError
from cortex_wrapper._response import Page, parse_page, parse_raw_page

from .support.api import audit_record, run_record

PARSERS: dict[str, Callable[[OperationSpec[Any], httpx.Response], Page[Any]]] = {
    "pages": parse_page, "raw_pages": parse_raw_page}


def page_of(spec: OperationSpec[Any], *records: Any) -> httpx.Response:
    body = {spec.list_key: list(records), "page": 0, "total": len(records), "totalPages": 1}
    return httpx.Response(200, content=json.dumps(body).encode(), headers={"content-type": "application/json"})


def refusal(parse: Callable[[OperationSpec[Any], httpx.Response], Page[Any]], spec: OperationSpec[Any],
            *records: Any) -> str:
    with pytest.raises(CortexResponseError) as caught:
        parse(spec, page_of(spec, *records))
    return str(caught.value)


@pytest.mark.parametrize("mode", PARSERS)
def test_a_field_the_table_requires_is_required_of_models_and_raw_records_alike(mode: str) -> None:
    """The table alone decides: marking a field required there (as a declared correction would) is enough."""
    fields = tuple(dataclasses.replace(f, required=True) if f.wire == "actorIdentifier" else f
                   for f in AUDIT_LOGS.fields)
    corrected = dataclasses.replace(AUDIT_LOGS, fields=fields)
    record = {k: v for k, v in audit_record(1).items() if k != "actorIdentifier"}
    assert len(PARSERS[mode](AUDIT_LOGS, page_of(AUDIT_LOGS, record)).items) == 1  # optional in the table as it is
    message = refusal(PARSERS[mode], corrected, audit_record(2), record)
    assert "getAuditLogs: item 1 lacks required field 'actorIdentifier'" in message


@pytest.mark.parametrize("mode", PARSERS)
@pytest.mark.parametrize("value", ["", {}, "x"])
def test_an_array_field_holding_a_string_or_an_object_is_refused(mode: str, value: Any) -> None:
    """An empty string or object iterates as an empty list: the model's ``from_dict`` took it for one."""
    message = refusal(PARSERS[mode], NOTIFICATION_RUNS, {**run_record(1), "notificationObjects": value})
    assert f"item 0 does not match the spec (TypeError: notificationObjects is {type(value).__name__}, not list)" \
        in message


@pytest.mark.parametrize("mode", PARSERS)
def test_a_nested_items_defect_is_named_by_its_path(mode: str) -> None:
    good = {"id": 1, "name": "n", "type": "ENTITY"}
    lacking = refusal(PARSERS[mode], NOTIFICATION_RUNS,
                      {**run_record(1), "notificationObjects": [good, {"name": "m", "type": "ENTITY"}]})
    assert "item 0 lacks required field 'notificationObjects[1].id'" in lacking
    mistyped = refusal(PARSERS[mode], NOTIFICATION_RUNS,
                       {**run_record(1), "notificationObjects": [good, {**good, "name": 5}]})
    assert "(TypeError: notificationObjects[1].name is int, not str)" in mistyped
    not_object = refusal(PARSERS[mode], NOTIFICATION_RUNS, {**run_record(1), "notificationObjects": [good, None]})
    assert "(TypeError: notificationObjects[1] is NoneType, not an object)" in not_object
    fields = tuple(  # a nested time field, as a future document may add: its error keeps its class
        dataclasses.replace(f, items=tuple(dataclasses.replace(i, value_type="datetime") if i.wire == "url" else i
                                           for i in f.items)) if f.wire == "notificationObjects" else f
        for f in NOTIFICATION_RUNS.fields)
    timed = dataclasses.replace(NOTIFICATION_RUNS, fields=fields)
    late = refusal(PARSERS[mode], timed, {**run_record(1), "notificationObjects": [{**good, "url": "yesterday"}]})
    assert "(ValueError: notificationObjects[0].url: Invalid isoformat string: 'yesterday')" in late


@pytest.mark.parametrize("mode", PARSERS)
def test_a_time_that_does_not_parse_says_why(mode: str) -> None:
    message = refusal(PARSERS[mode], AUDIT_LOGS, {**audit_record(1), "timestamp": "2025-13-01T00:00:00Z"})
    assert "item 0 does not match the spec (ValueError: timestamp: month must be in 1..12)" in message


def test_nulls_of_optional_fields_read_as_absent_and_a_null_required_field_is_missing() -> None:
    record = {**run_record(1), "errorMessage": None, "dateUpdated": None,
              "notificationObjects": [{"id": 1, "name": "n", "type": "ENTITY", "url": None}]}
    [run] = parse_page(NOTIFICATION_RUNS, page_of(NOTIFICATION_RUNS, record)).items
    assert run.error_message is UNSET and run.date_updated is UNSET and run.notification_objects[0].url is UNSET
    [raw] = parse_raw_page(NOTIFICATION_RUNS, page_of(NOTIFICATION_RUNS, record)).items
    assert raw.data == record  # kept as sent
    for mode in PARSERS:
        assert "lacks required field 'summary'" in refusal(PARSERS[mode], NOTIFICATION_RUNS,
                                                           {**run_record(1), "summary": None})
