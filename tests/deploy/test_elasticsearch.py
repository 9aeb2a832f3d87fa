"""The Elasticsearch templates of ``deploy/elasticsearch/`` against what the exporter writes.

Every field of the sample events, and of the events of records that carry every field the spec knows, must be
mapped with a type that holds its value; the ECS fields must carry ECS's own types (from Elastic's ``EcsFlat``,
as ``tests/cli/test_cli_siem.py`` reads it).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import ipaddress
import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from cortex_api_client.operations import ENUM_SITES, Field

from cortex_wrapper._wire import RawRecord
from cortex_wrapper.cli._commands import COMMANDS
from cortex_wrapper.cli._siem import ecs_event
from cortex_wrapper.testing import generate_records

from ..cli.test_cli_siem import ecs_fields
from .recipes import COMPONENT_TEMPLATE, DATASETS, INDEX_TEMPLATE, leaves, sample_events

GENERATED = {"audit": "audit_logs", "notifications": "notification_logs", "runs": "notification_runs"}


def _flatten(properties: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, mapping in properties.items():
        if "properties" in mapping:
            yield from _flatten(mapping["properties"], f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", mapping


def mapped() -> dict[str, dict[str, Any]]:
    """Every field the component template maps, by dotted name."""
    template = json.loads(COMPONENT_TEMPLATE.read_text(encoding="utf-8"))
    return dict(_flatten(template["template"]["mappings"]["properties"]))


def holds(mapping: Mapping[str, Any], value: Any) -> bool:
    """True when a field of ``mapping``'s type indexes ``value`` as it is (no coercion, no malformed value)."""
    kind = mapping["type"]
    if kind in ("keyword", "constant_keyword", "match_only_text", "text", "wildcard"):
        return isinstance(value, str)
    if kind == "long":
        return type(value) is int and -(2**63) <= value < 2**63
    if kind == "double":
        return type(value) in (int, float)
    if kind == "boolean":
        return type(value) is bool
    try:
        if kind == "date":  # strict_date_optional_time: an ISO 8601 time, UTC when it has no offset
            return isinstance(value, str) and bool(dt.datetime.fromisoformat(value))
        if kind == "ip":
            return isinstance(value, str) and bool(ipaddress.ip_address(value))
    except ValueError:
        return False
    return False


def problems(document: Mapping[str, Any]) -> list[str]:
    """The fields of ``document`` the template does not map, or maps with a type that does not hold the value."""
    fields, found = mapped(), []
    for name, value in leaves(document):
        mapping = fields.get(name)
        if mapping is None:
            found.append(f"{name}: not mapped")
        elif not holds(mapping, value):
            found.append(f"{name}: {value!r} does not fit a {mapping['type']} field")
    return found


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_field_of_the_ecs_sample_events_is_mapped_with_a_type_that_holds_it(dataset: str) -> None:
    for event in sample_events(dataset, "ecs"):
        assert not problems(event), (event["event"]["id"], problems(event))


def _value(field: Field) -> Any:
    """A value of the field's type, as the API would send it."""
    if field.items:
        return [{item.wire: _value(item) for item in field.items}]
    site = ENUM_SITES.get(field.site) if field.site else None
    return {"str": "text", "int": 12, "number": 1.5, "bool": True, "datetime": "2026-11-02T10:00:00.123Z",
            "enum": site.values[0] if site else "VALUE"}[field.value_type]


def _records(command: str) -> Iterator[dict[str, Any]]:
    """A record with every field the spec knows, then with each enum value and one no doc lists, then generated ones."""
    fields = COMMANDS[command].operation.fields
    full = {field.wire: _value(field) for field in fields}
    yield full
    for field in fields:
        site = ENUM_SITES.get(field.site) if field.site else None
        for value in (*site.values, "NOT_LISTED_YET") if site else ():
            yield {**full, field.wire: value}
    yield {**full, "ipAddress": "::ffff:203.0.113.7"} if command == "audit" else {**full, "medium": "EMAIL"}
    yield {**full, "ipAddress": "not-an-ip", "actorIdentifier": "ci-deploy-key"} if command == "audit" else full
    wire = {field.wire for field in fields}  # generated audit entries also carry attributes the API never serves
    for record in generate_records(GENERATED[command], 200, seed=7, run_count=20 if command == "notifications" else 0):
        yield {key: value for key, value in record.items() if key in wire}


@pytest.mark.parametrize("command", list(GENERATED))
def test_every_field_the_exporter_can_emit_is_mapped_with_a_type_that_holds_it(command: str) -> None:
    seen: set[str] = set()
    for record in _records(command):
        document = ecs_event(COMMANDS[command], RawRecord(record, json.dumps(record)), "id-1")
        assert not problems(document), (record, problems(document))
        seen.update(name for name, _ in leaves(document))
    wire = {field.wire for field in COMMANDS[command].operation.fields}
    kept = {part for name in seen if name.startswith("cortex.") for part in name.split(".")[2:]}
    assert kept >= wire  # every record field was in the events checked


def test_the_checks_fail_on_an_unmapped_field_or_a_value_of_another_type() -> None:
    [event] = sample_events("audit", "ecs")[:1]
    assert problems({**event, "extra": "x"}) == ["extra: not mapped"]
    assert problems({**event, "source": {"ip": "not-an-ip"}}) == ["source.ip: 'not-an-ip' does not fit a ip field"]
    assert problems({"@timestamp": "yesterday"}) == ["@timestamp: 'yesterday' does not fit a date field"]
    assert problems({"cortex": {"notification_log": {"id": "7"}}}) == [
        "cortex.notification_log.id: '7' does not fit a long field"]


@pytest.mark.slow  # runs node once per process for ECS's field definitions
def test_the_ecs_fields_carry_ecs_types() -> None:
    ecs = ecs_fields()
    ours = {name: mapping for name, mapping in mapped().items() if not name.startswith("cortex.")}
    assert "event.original" in ours and "source.ip" in ours
    for name, mapping in ours.items():
        assert name in ecs, f"{name} is not an ECS field: put it under cortex.*"
        definition = ecs[name]
        expected = {"type": definition["type"], **{key: definition[key] for key in ("ignore_above", "index",
                                                                                      "doc_values") if key in definition}}
        if definition.get("multi_fields"):
            expected["fields"] = {multi["name"]: {"type": multi["type"]} for multi in definition["multi_fields"]}
        assert mapping == expected, name
    assert ours["event.original"]["index"] is False and ours["event.original"]["doc_values"] is False


def test_the_record_fields_keep_their_wire_form_and_tolerate_malformed_values() -> None:
    fields = mapped()
    assert fields["cortex.audit.ipAddress"]["type"] == "keyword"  # not always an address: source.ip is the ip
    for name, mapping in fields.items():
        if name.startswith("cortex.") and mapping["type"] in ("date", "long", "double"):
            assert mapping.get("ignore_malformed") is True, name


def test_the_index_template_makes_a_data_stream_of_each_dataset_with_the_mappings() -> None:
    template = json.loads(INDEX_TEMPLATE.read_text(encoding="utf-8"))
    assert template["data_stream"] == {} and template["priority"] > 100  # above the built-in logs template
    assert "cortex@mappings" in template["composed_of"]
    assert "cortex@mappings" not in template["ignore_missing_component_templates"]
    for dataset in DATASETS:
        [name] = {f"logs-{event['event']['dataset']}-default" for event in sample_events(dataset, "ecs")}
        assert any(fnmatch.fnmatchcase(name, pattern) for pattern in template["index_patterns"]), name
        assert name == name.lower() and name.count("-") == 2  # type-dataset-namespace, as data streams are named


def test_the_cortex_mappings_follow_the_record_fields_of_the_table() -> None:
    """``scripts/es_template.py`` (run by ``regenerate.py``) derives them: a field a newer spec adds is mapped."""
    import es_template

    assert es_template.render(COMPONENT_TEMPLATE) == COMPONENT_TEMPLATE.read_text(encoding="utf-8"), (
        "stale: run scripts/es_template.py")
    channel = Field("channelName", "channel_name", "str", False, None)
    assert es_template.field_mapping(channel) == {"ignore_above": 1024, "type": "keyword"}
    assert es_template.field_mapping(Field("at", "at", "datetime", False, None))["type"] == "date"
