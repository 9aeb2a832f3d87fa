"""Classify a change of the reconciled spec by what it does to the package's public surface.

Pure functions, driven by ``regenerate.py``. The surface of a reconciled document is what a user of
the package can see: the served operations, each filter's type and requiredness, each enum's values,
and each record field's type and requiredness. Comparing the surface of the last release
(``spec/released/openapi.json``) with the new one gives:

* **major**: an operation, parameter, field or enum value removed; a type changed; a parameter made
  required; a field made optional (its attribute becomes ``X | Unset``);
* **minor**: something added (or a parameter made optional, a field made required); something deprecated:
  ``deprecated: true`` on an operation, a parameter or a field, or an enum value the newest version that
  documents its operation or schema no longer lists (``dropped``: the union keeps it, sending it warns);
* **patch**: the documents differ, but only in descriptions, examples or extensions, or an operation is
  published under another operationId (a rename: the package's names stay);
* **none**: the documents are the same.

The baseline is the last release, not the previous regeneration: the classification then says which
version the next release needs, and two regenerations of the same inputs stay byte-identical.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reconcile import JSON, PUBLISHED_ID, enum_holder, operations

LEVELS = ("none", "patch", "minor", "major")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(doc: JSON, schema: JSON) -> str:
    """A schema's type as the package's types see it: enums by their value type, objects by name."""
    if "$ref" in schema:
        target = doc.get("components", {}).get("schemas", {}).get(_ref_name(schema["$ref"]), {})
        if target.get("type", "object") == "object" and "enum" not in target:
            return f"object {_ref_name(schema['$ref'])}"
        return _type(doc, target)
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"array of {_type(doc, schema.get('items', {}))}"
    if schema.get("format") == "date-time":
        return "date-time"
    if kind == "number" or kind == "integer":
        return "number" if kind == "number" else "integer"
    return kind


def surface(doc: JSON) -> dict[str, Any]:
    """The public surface of a reconciled document (see the module docstring)."""
    ops: dict[str, Any] = {}
    records: set[str] = set()
    for op_id, (_, method, op) in operations(doc).items():
        if method != "get":
            continue
        params = {
            p["name"]: {"type": _type(doc, p.get("schema", {})), "required": bool(p.get("required", False)),
                        "deprecated": bool(p.get("deprecated", False))}
            for p in op.get("parameters", [])
        }
        enums = {}
        for p in op.get("parameters", []):
            holder = enum_holder(p.get("schema", {}))
            if holder is not None:
                enums[p["name"]] = list(holder["enum"])
        ops[op_id] = {"parameters": params, "enums": enums, "deprecated": bool(op.get("deprecated", False)),
                      "published": str(op.get(PUBLISHED_ID, op_id))}
        body = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        records |= set(_refs(doc, body))
    schemas = doc.get("components", {}).get("schemas", {})
    fields: dict[str, Any] = {}
    for name in sorted(records):
        schema = schemas.get(name, {})
        required = set(schema.get("required", []))
        fields[name] = {
            prop: {"type": _type(doc, prop_schema), "required": prop in required,
                   "values": list(holder["enum"]) if (holder := enum_holder(_resolved(doc, prop_schema))) else None,
                   "deprecated": bool(prop_schema.get("deprecated", False))}
            for prop, prop_schema in schema.get("properties", {}).items()
        }
    return {"operations": ops, "records": fields}


def _resolved(doc: JSON, schema: JSON) -> JSON:
    while "$ref" in schema:
        schema = doc.get("components", {}).get("schemas", {}).get(_ref_name(schema["$ref"]), {})
    return schema


def _refs(doc: JSON, schema: Any, seen: set[str] | None = None) -> list[str]:
    """Every component schema ``schema`` reaches, itself included."""
    seen = set() if seen is None else seen
    found: list[str] = []
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = _ref_name(schema["$ref"])
            if name not in seen:
                seen.add(name)
                found.append(name)
                found += _refs(doc, doc.get("components", {}).get("schemas", {}).get(name, {}), seen)
        for value in schema.values():
            found += _refs(doc, value, seen)
    elif isinstance(schema, list):
        for value in schema:
            found += _refs(doc, value, seen)
    return found


@dataclass
class Classification:
    """The level of a change and the reasons for it, most severe first."""

    level: str = "none"
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (level, reason)

    def add(self, level: str, reason: str) -> None:
        """Record one reason; the level is the most severe seen."""
        self.reasons.append((level, reason))
        if LEVELS.index(level) > LEVELS.index(self.level):
            self.level = level

    def sorted_reasons(self) -> list[tuple[str, str]]:
        """The reasons, most severe first, then in the order found."""
        return sorted(self.reasons, key=lambda item: -LEVELS.index(item[0]))


def _compare_values(result: Classification, where: str, old: list[str] | None, new: list[str] | None) -> None:
    if old is None or new is None:
        return
    for value in old:
        if value not in new:
            result.add("major", f"enum value `{value}` removed from `{where}`")
    for value in new:
        if value not in old:
            result.add("minor", f"enum value `{value}` added to `{where}`")


def _deprecations(result: Classification, what: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    if after["deprecated"] and not before["deprecated"]:
        result.add("minor", f"{what} deprecated")
    elif before["deprecated"] and not after["deprecated"]:
        result.add("minor", f"{what} no longer deprecated")


def classify(old_doc: JSON, new_doc: JSON, old_dropped: dict[str, list[str]] | None = None,
             new_dropped: dict[str, list[str]] | None = None) -> Classification:
    """How the change from ``old_doc`` to ``new_doc`` moves the package's version (see the module docstring).

    ``old_dropped`` and ``new_dropped`` map an enum site to the values its newest documenting version no
    longer lists (``reconcile.dropped_values``), for each document: a value newly dropped is deprecated.
    """
    result = Classification()
    old, new = surface(old_doc), surface(new_doc)
    for op_id in sorted(old["operations"].keys() & new["operations"].keys()):
        before, after = old["operations"][op_id], new["operations"][op_id]
        _deprecations(result, f"operation `{op_id}`", before, after)
        if after["published"] != before["published"]:
            result.add("patch", f"operation `{op_id}` is published as `{after['published']}` "
                       "(the package's names are unchanged)")
        for name in sorted(before["parameters"].keys() & after["parameters"].keys()):
            _deprecations(result, f"parameter `{op_id}.{name}`", before["parameters"][name], after["parameters"][name])
    for schema in sorted(old["records"].keys() & new["records"].keys()):
        before, after = old["records"][schema], new["records"][schema]
        for name in sorted(before.keys() & after.keys()):
            _deprecations(result, f"field `{schema}.{name}`", before[name], after[name])
    for site, values in sorted((new_dropped or {}).items()):
        for value in values:
            if value not in (old_dropped or {}).get(site, []):
                result.add("minor", f"enum value `{value}` of `{site}` deprecated: the newest version no longer lists it")
    for op_id in sorted(old["operations"].keys() - new["operations"].keys()):  # sorted: set order varies by run
        result.add("major", f"operation `{op_id}` removed")
    for op_id in sorted(new["operations"].keys() - old["operations"].keys()):
        result.add("minor", f"operation `{op_id}` added")
    for op_id in sorted(old["operations"].keys() & new["operations"].keys()):
        before, after = old["operations"][op_id], new["operations"][op_id]
        for name, spec in before["parameters"].items():
            now = after["parameters"].get(name)
            if now is None:
                result.add("major", f"parameter `{op_id}.{name}` removed")
                continue
            if now["type"] != spec["type"]:
                result.add("major", f"parameter `{op_id}.{name}` changed type: {spec['type']} -> {now['type']}")
            if now["required"] and not spec["required"]:
                result.add("major", f"parameter `{op_id}.{name}` became required")
            elif spec["required"] and not now["required"]:
                result.add("minor", f"parameter `{op_id}.{name}` became optional")
            _compare_values(result, f"{op_id}.{name}", before["enums"].get(name), after["enums"].get(name))
        for name in sorted(after["parameters"].keys() - before["parameters"].keys()):
            result.add("minor", f"parameter `{op_id}.{name}` added")
    for schema in sorted(old["records"].keys() | new["records"].keys()):
        before, after = old["records"].get(schema), new["records"].get(schema)
        if before is None:
            result.add("minor", f"record schema `{schema}` added")
            continue
        if after is None:
            result.add("major", f"record schema `{schema}` removed")
            continue
        for name, spec in before.items():
            now = after.get(name)
            if now is None:
                result.add("major", f"field `{schema}.{name}` removed")
                continue
            if now["type"] != spec["type"]:
                result.add("major", f"field `{schema}.{name}` changed type: {spec['type']} -> {now['type']}")
            if spec["required"] and not now["required"]:
                result.add("major", f"field `{schema}.{name}` became optional")
            elif now["required"] and not spec["required"]:
                result.add("minor", f"field `{schema}.{name}` became required")
            _compare_values(result, f"{schema}.{name}", spec["values"], now["values"])
        for name in sorted(after.keys() - before.keys()):
            result.add("minor", f"field `{schema}.{name}` added")
    if result.level == "none" and _canonical(old_doc) != _canonical(new_doc):
        result.add("patch", "descriptions, examples or extensions only")
    return result


def _canonical(doc: JSON) -> str:
    body = {key: value for key, value in doc.items() if key != "info"}
    return json.dumps(body, sort_keys=True)


def changelog_draft(result: Classification, released: str) -> list[str]:
    """A CHANGELOG entry for the change, as markdown lines."""
    if result.level == "none":
        return [f"No change to the API surface since {released}."]
    titles = {"major": "Changed (breaking)", "minor": "Added", "patch": "Changed"}
    lines: list[str] = []
    for level in ("major", "minor", "patch"):
        items = [reason for lvl, reason in result.reasons if lvl == level]
        if items:
            lines += [f"### {titles[level]}", *(f"- {item}" for item in items), ""]
    return lines[:-1]
