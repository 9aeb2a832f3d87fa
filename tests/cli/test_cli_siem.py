"""``--format ecs`` and ``--format ocsf`` (issue 13, item 4), validated against the published schemas.

* OCSF: the class schemas that ``ocsf-json-schema`` (PyPI) generates from the OCSF 1.5.0 export it ships
  (schema.ocsf.io's own), as JSON Schema 2020-12, objects embedded, checked with ``jsonschema``.
* ECS: the field definitions of ECS 9.4.0 (``EcsFlat``, Elastic's ``ecs_flat.yml``) from Elastic's npm
  package ``@elastic/ecs``, installed by ``npm ci --prefix tests/schemas``. Each event's every field must be
  an ECS field of the right type (keywords text, dates ISO 8601, ips addresses, arrays where ECS
  normalises to arrays), with an allowed value for the categorisation fields (and an ``event.type`` that
  the ``event.category`` expects), or lie in the ``cortex`` custom namespace; the required ones are there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import ipaddress
import json
import re
import shlex
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

from cortex_wrapper._wire import RawRecord
from cortex_wrapper.cli import _siem
from cortex_wrapper.cli._commands import COMMANDS, Command, SiemOptions
from cortex_wrapper.cli._formats import line_for
from cortex_wrapper.cli._siem import ECS_VERSION, OCSF_VERSION, ecs_event, ocsf_event
from cortex_wrapper.testing import Faults, generate_records

from ..support.cli import cli_argv, connection, make_fake
from ..support.operations import ROOT

ECS_PACKAGE = ROOT / "tests" / "schemas" / "node_modules" / "@elastic" / "ecs"
SAMPLES = {"audit": "audit_logs", "notifications": "notification_logs", "runs": "notification_runs",
           "gitops": "git_ops_logs"}  # gitops: the generic mapping, of records drawn from the schema


EDGE_ACTORS = ("alice@localhost", "Bob <bob@example.com>", "ci-deploy-key", "pat-alice", "backstage-plugin")
EDGE_IPS = ("::ffff:203.0.113.7", "not-an-ip", "gateway.internal", "2001:db8::1")


def kept(command: str) -> Command:
    """The command as the CLI sets it up with ``--original keep --tenant acme`` (and ``event.created``)."""
    return dataclasses.replace(COMMANDS[command], siem=SiemOptions(original=True, tenant="acme", created=True))


def sample(command: str, count: int = 300) -> list[RawRecord]:
    records = generate_records(SAMPLES[command], count, seed=41, run_count=50 if command == "notifications" else 0)
    odd = [{**records[0], "ipAddress": "not-an-ip"}, {k: v for k, v in records[-1].items() if k != "dateCreated"}]
    if command == "audit":  # the edge actors and addresses, on API-key and team objects too
        odd += [{**records[i % count], "actorIdentifier": actor, "ipAddress": ip, "objectType": object_type}
                for i, (actor, ip, object_type) in enumerate(zip(EDGE_ACTORS * 4, EDGE_IPS * 5,
                                                                  ("API_KEY", "TEAM", "SERVICE") * 7, strict=False))]
        odd.append({**records[-1], "actorType": "API_KEY", "actorIdentifier": "terraform-provider"})
    else:
        odd.append({**records[-1], "status": "IGNORED", "recipientEmail": "alice@localhost"})
    return [RawRecord(r, json.dumps(r)) for r in (*records, *odd)]


# -- OCSF -----------------------------------------------------------------------------------------------------


@functools.cache
def ocsf_validator(class_name: str) -> jsonschema.Draft202012Validator:
    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=OCSF_VERSION)).get_class_schema(
        class_name=class_name, profiles=[])
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("command", list(SAMPLES))
@pytest.mark.slow
def test_every_ocsf_event_validates_against_its_class(command: str) -> None:
    expected_class = "entity_management" if command == "audit" else "base_event"
    for index, record in enumerate(sample(command)):
        for cmd in (COMMANDS[command], kept(command)):
            event = ocsf_event(cmd, record, f"id-{index}")
            errors = [e.message for e in ocsf_validator(expected_class).iter_errors(event)]
            assert not errors, (record.data, errors[:3])
            assert event["metadata"]["uid"] == f"id-{index}"
            assert event.get("raw_data") == (record.text if cmd.siem.original else None)


def test_the_ocsf_schema_is_strict_enough_to_fail() -> None:
    record = sample("audit", 1)[0]
    event = ocsf_event(COMMANDS["audit"], record, "x")
    for broken in ({**event, "activity_id": "Create"}, {k: v for k, v in event.items() if k != "entity"},
                   {**event, "cortex_extra": 1}):
        assert not ocsf_validator("entity_management").is_valid(broken)


def test_audit_actions_are_entity_management_activities() -> None:
    cmd = COMMANDS["audit"]
    base = sample("audit", 1)[0].data
    for action, activity in (("CREATE", 1), ("READ", 2), ("UPDATE", 3), ("DELETE", 4), ("ARCHIVE", 99)):
        event = ocsf_event(cmd, RawRecord({**base, "action": action}, "{}"), "x")
        assert (event["activity_id"], event["type_uid"]) == (activity, 300400 + activity)
        assert ocsf_validator("entity_management").is_valid(event)


# -- ECS -------------------------------------------------------------------------------------------------------


@functools.cache
def ecs_fields() -> dict[str, Any]:
    """``EcsFlat`` from Elastic's package: every ECS field by its dotted name."""
    node = shutil.which("node")
    assert node is not None and ECS_PACKAGE.is_dir(), "run: npm ci --prefix tests/schemas"
    done = subprocess.run([node, "-e", "process.stdout.write(JSON.stringify(require(process.argv[1]).EcsFlat))",
                           str(ECS_PACKAGE)], capture_output=True, text=True, check=True)
    fields: dict[str, Any] = json.loads(done.stdout)
    version = subprocess.run([node, "-e", "process.stdout.write(require(process.argv[1]).EcsVersion)",
                              str(ECS_PACKAGE)], capture_output=True, text=True, check=True).stdout
    assert version == ECS_VERSION
    return fields


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value and not prefix.startswith("cortex."):
        for key, inner in value.items():
            yield from _leaves(inner, f"{prefix}{key}.")
    else:
        yield prefix[:-1], value


def _fits(definition: dict[str, Any], value: Any) -> bool:
    field_type = definition["type"]
    if field_type in ("keyword", "constant_keyword", "wildcard", "match_only_text", "text"):
        return isinstance(value, str)
    if field_type in ("long", "integer", "short", "byte", "unsigned_long"):
        return type(value) is int
    if field_type in ("float", "double", "scaled_float", "half_float"):
        return type(value) in (int, float)
    if field_type == "boolean":
        return type(value) is bool
    try:
        if field_type == "date":
            return isinstance(value, str) and dt.datetime.fromisoformat(value).tzinfo is not None
        if field_type == "ip":
            return isinstance(value, str) and bool(ipaddress.ip_address(value))
    except ValueError:
        return False
    return field_type in ("object", "flattened", "nested")


def ecs_problems(document: dict[str, Any]) -> list[str]:
    """What makes ``document`` not an ECS event (empty: it is one)."""
    fields, problems = ecs_fields(), []
    present = dict(_leaves(document))
    for name, value in present.items():
        if name == "cortex" or name.startswith("cortex."):
            continue  # the custom-field namespace: not ECS's to define
        definition = fields.get(name)
        if definition is None:
            problems.append(f"{name}: not an ECS field")
            continue
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and "array" not in definition.get("normalize", []):
            problems.append(f"{name}: ECS does not make it an array")
        problems += [f"{name}: {v!r} is not a {definition['type']}" for v in values if not _fits(definition, v)]
        allowed = {a["name"]: a for a in definition.get("allowed_values") or []}
        problems += [f"{name}: {v!r} is not an allowed value" for v in values if allowed and v not in allowed]
    expected = {a["name"]: a.get("expected_event_types", []) for a in fields["event.category"]["allowed_values"]}
    for category in present.get("event.category", []):
        problems += [f"event.type {t!r} is not one {category!r} expects" for t in present.get("event.type", [])
                     if t not in expected.get(category, [])]
    problems += [f"{name}: required" for name, d in fields.items() if d.get("required") and name not in present]
    return problems


@pytest.mark.parametrize("command", list(SAMPLES))
@pytest.mark.slow
def test_every_ecs_event_is_made_of_ecs_fields_of_their_types(command: str) -> None:
    for index, record in enumerate(sample(command)):
        document = ecs_event(kept(command), record, f"id-{index}")
        assert not ecs_problems(document), (record.data, ecs_problems(document)[:3])
        assert document["event"]["id"] == f"id-{index}" and document["event"]["original"] == record.text


def test_the_ecs_check_is_strict_enough_to_fail() -> None:
    document = ecs_event(COMMANDS["audit"], sample("audit", 1)[0], "x")
    for broken, problem in (({**document, "event": {**document["event"], "type": ["teleport"]}}, "allowed value"),
                            ({**document, "source": {"ip": "nowhere"}}, "not a ip"),
                            ({**document, "extra": 1}, "not an ECS field"),
                            ({k: v for k, v in document.items() if k != "ecs"}, "ecs.version: required"),
                            ({**document, "event": {**document["event"], "category": ["web"], "type": ["creation"]}},
                             "expects")):
        assert any(problem in p for p in ecs_problems(broken)), problem


# -- through the CLI ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ecs", "ocsf"])
@pytest.mark.slow
def test_the_cli_writes_one_event_per_record_with_its_stable_id(cli: Any, tmp_path: Path, fmt: str) -> None:
    with make_fake(faults=Faults(seed=5, unknown_enum_rate=0.1, extra_field_rate=0.1)) as fake:
        plain = cli(*connection(fake), "notifications", "--with-id", "--max-pages", "1", "--page-size", "50")
        result = cli(*connection(fake), "notifications", "--format", fmt, "--max-pages", "1", "--page-size", "50")
        output = tmp_path / f"audit.{fmt}.jsonl"
        incremental = cli(*connection(fake), "audit", "--format", fmt, "--output", str(output),
                          "--checkpoint", f"{output}.ckpt")
    assert result.code == plain.code == incremental.code == 0, result.err
    events = [json.loads(line) for line in result.out.splitlines()]
    ids = [json.loads(line)["_event_id"] for line in plain.out.splitlines()]
    assert [e["event"]["id"] if fmt == "ecs" else e["metadata"]["uid"] for e in events] == ids
    for event in events:
        if fmt == "ecs":
            assert not ecs_problems(event)
        else:
            assert ocsf_validator("base_event").is_valid(event)
    audit = [json.loads(line) for line in output.read_text().splitlines()]
    assert audit and all((ecs_problems(e) == []) if fmt == "ecs" else ocsf_validator("entity_management").is_valid(e)
                         for e in audit)


# -- the README's "Shipping to a SIEM" commands (the recipes of deploy/ are tested in tests/deploy/) ---------

README = (ROOT / "README.md").read_text()


@pytest.mark.slow
def test_the_readme_follow_command_runs_against_the_sandbox(tmp_path: Path) -> None:
    [command] = re.findall(r"# siem: try it\n(cortex-logs .*)\n", README)
    process = subprocess.Popen(cli_argv(*shlex.split(command)[1:]), cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "poll 1:" in line:
            break
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    events = [json.loads(line) for line in (tmp_path / "audit.ecs.jsonl").read_text().splitlines()]
    assert events and not any(ecs_problems(event) for event in events)
    status = json.loads((tmp_path / "audit.status.json").read_text())
    assert status["state"] == "ok" and status["records_exported"] == len(events)
    assert (tmp_path / "audit.ckpt").is_file()


# -- numbers no double holds (NaN, 1e400) --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ecs", "ocsf"])
@pytest.mark.parametrize("command", list(SAMPLES))
def test_an_event_of_a_record_with_nan_or_1e400_is_strict_json_and_still_valid(fmt: str, command: str) -> None:
    def no_constant(name: str) -> Any:
        raise ValueError(f"not JSON: {name}")

    base = sample(command, 1)[0].data
    text = json.dumps(base)[:-1] + ', "ratio": NaN, "limits": [1e400, -Infinity], "nested": {"x": Infinity}}'
    record = RawRecord(json.loads(text), text)
    line = line_for(kept(command), fmt, record, "id-odd")
    event = json.loads(line, parse_constant=no_constant)
    odd = {"ratio": "NaN", "limits": ["Infinity", "-Infinity"], "nested": {"x": "Infinity"}}
    if fmt == "ecs":
        assert not ecs_problems(event)
        assert event["cortex"][ECS_KEYS[command]] == {**base, **odd} and event["event"]["original"] == text
    else:
        assert ocsf_validator("entity_management" if command == "audit" else "base_event").is_valid(event)
        assert event["unmapped"]["cortex"] == {**base, **odd} and event["raw_data"] == text


ECS_KEYS = {"audit": "audit", "notifications": "notification_log", "runs": "notification_run", "gitops": "gitops"}


# -- what detection rules key on (edge actors, tenants, statuses) ---------------------------------------------


def _audit(**fields: Any) -> RawRecord:
    data = {"timestamp": "2025-02-07T18:03:09.412Z", "action": "CREATE", "objectType": "SERVICE",
            "objectIdentifier": "svc", "actorIdentifier": "alice@example.com", "ipAddress": "203.0.113.7", **fields}
    return RawRecord(data, json.dumps(data))


@pytest.mark.parametrize(("actor", "email", "actor_type"), [
    ("alice@example.com", "alice@example.com", "human"), ("alice@localhost", None, "service"),
    ("Bob <bob@example.com>", None, "service"), ("ci-deploy-key", None, "service")])
def test_an_email_is_only_a_valid_address_and_the_actor_type_says_who_acted(actor: str, email: str | None,
                                                                           actor_type: str) -> None:
    ecs = ecs_event(kept("audit"), _audit(actorIdentifier=actor), "x")
    ocsf = ocsf_event(kept("audit"), _audit(actorIdentifier=actor), "x")
    assert ecs["user"].get("email") == email and ecs["user"]["name"] == actor
    assert ecs["cortex"]["actor"]["type"] == actor_type
    assert ocsf["actor"]["user"].get("email_addr") == email and ocsf["actor"]["user"]["name"] == actor
    assert ocsf["actor"].get("app_name") == (None if actor_type == "human" else actor)
    names = {o["name"] for o in ocsf["observables"]}
    assert names == {"actor.user.name", "src_endpoint.ip", *(["actor.user.email_addr"] if email else [])}


def test_cortex_actor_type_is_taken_from_the_record_when_it_carries_it() -> None:
    for served, expected in (("API_KEY", "api_key"), ("PERSONAL_API_KEY", "api_key"), ("BACKSTAGE", "integration"),
                             ("ANONYMOUS", "anonymous"), ("OAUTH2", "human")):
        record = _audit(actorType=served, actorIdentifier="pat-alice")
        assert ecs_event(kept("audit"), record, "x")["cortex"]["actor"]["type"] == expected
        assert ("app_name" in ocsf_event(kept("audit"), record, "x")["actor"]) == (expected != "human")


@pytest.mark.parametrize(("object_type", "action", "category", "types"), [
    ("API_KEY", "CREATE", ["iam"], ["admin", "creation"]), ("API_KEY", "DELETE", ["iam"], ["admin", "deletion"]),
    ("TEAM", "UPDATE", ["iam"], ["group", "change"]), ("TEAM", "READ", ["iam"], ["group"]),
    ("SERVICE", "CREATE", ["configuration"], ["creation"])])
def test_api_key_and_team_changes_are_iam_events(object_type: str, action: str, category: list[str],
                                                 types: list[str]) -> None:
    event = ecs_event(kept("audit"), _audit(objectType=object_type, action=action), "x")["event"]
    assert (event["category"], event["type"]) == (category, types)
    entity = ocsf_event(kept("audit"), _audit(objectType=object_type, action=action), "x")["entity"]
    assert (entity["type_id"], entity["type"]) == ((3 if object_type == "TEAM" else 99), object_type)


@pytest.mark.parametrize("ip", ["::ffff:203.0.113.7", "2001:0db8::0001", "203.0.113.7"])
def test_addresses_are_kept_as_sent(ip: str) -> None:
    assert ecs_event(kept("audit"), _audit(ipAddress=ip), "x")["source"]["ip"] == ip
    assert ocsf_event(kept("audit"), _audit(ipAddress=ip), "x")["src_endpoint"]["ip"] == ip


def test_a_non_ip_address_is_left_out_of_the_ip_fields_and_kept_in_the_record() -> None:
    ecs = ecs_event(kept("audit"), _audit(ipAddress="gateway.internal"), "x")
    assert "source" not in ecs and "ip" not in ecs["related"] and ecs["cortex"]["audit"]["ipAddress"] == "gateway.internal"


def test_tenant_export_time_and_product_are_on_every_event(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_siem, "export_clock", lambda: 1_700_000_000.5)
    ecs = ecs_event(kept("audit"), _audit(), "x")
    assert ecs["organization"] == {"id": "acme", "name": "acme"}
    assert ecs["event"]["created"] == "2023-11-14T22:13:20.500Z"
    metadata = ocsf_event(kept("audit"), _audit(), "x")["metadata"]
    assert metadata["tenant_uid"] == "acme" and metadata["log_provider"] == "cortex-logs"
    assert metadata["product"]["version"] == _siem.PRODUCT_VERSION


@pytest.mark.parametrize("status", ["IGNORED", "READY", "CREATED"])
def test_a_status_neither_success_nor_failure_is_ocsf_other_with_the_source_value(status: str) -> None:
    record = sample("notifications", 1)[0]
    data = {**record.data, "status": status}
    event = ocsf_event(kept("notifications"), RawRecord(data, json.dumps(data)), "x")
    assert (event["status_id"], event["status"], event["status_code"]) == (99, status, status)


@pytest.mark.parametrize("fmt", ["ecs", "ocsf"])
def test_original_drop_leaves_one_copy_of_the_record(fmt: str) -> None:
    record = _audit()
    dropped, kept_line = line_for(COMMANDS["audit"], fmt, record, "x"), line_for(kept("audit"), fmt, record, "x")
    assert dropped.count('"objectIdentifier"') == 1 and kept_line.count("objectIdentifier") == 2
    assert "original" not in json.loads(dropped).get("event", {}) and "raw_data" not in json.loads(dropped)


def test_an_operation_with_the_generic_mapping_gets_generic_events() -> None:
    generic = dataclasses.replace(kept("runs"), operation=COMMANDS["runs"].operation)
    generic.__dict__["presentation"] = dataclasses.replace(generic.presentation, siem="generic", dataset="cortex.gitops")
    record = sample("runs", 1)[0]
    ecs = ecs_event(generic, record, "x")
    assert ecs["event"]["dataset"] == "cortex.gitops" and ecs["cortex"]["gitops"] == record.data
    assert "category" not in ecs["event"] and not ecs_problems(ecs)
    ocsf = ocsf_event(generic, record, "x")
    assert ocsf["class_uid"] == 0 and ocsf["unmapped"]["cortex"] == record.data
    assert not list(ocsf_validator("base_event").iter_errors(ocsf))


@pytest.mark.slow
def test_the_cli_sets_tenant_and_original(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    cli("--sandbox", "audit", "--since", "2d", "--format", "ecs", "--original", "keep", "--output", str(out))
    event = json.loads(out.read_text().splitlines()[0])
    assert event["organization"]["id"] == "sandbox" and "original" in event["event"] and "created" in event["event"]
