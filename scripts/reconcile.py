"""Merge every vendored doc version into one reconciled OpenAPI document.

Pure functions, no generator: ``regenerate.py`` drives them and writes the
results. The rules:

* versions are the folders of ``spec/`` named by date, ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYY-MM-DD.N`` (the Nth
  publication of a day), oldest first (``version_key``: ``2025-05`` < ``2025-05-10`` < ``2025-05-10.2`` <
  ``2025-05-10.10`` < ``2025-06``);
* each document is read with its OpenAPI 3.1 forms as 3.0 ones (``openapi31.py``) and under the operationId
  its file is named after (a rename keeps the source's name in ``x-published-operation-id``);
* the newest version's document is the base; operations, parameters, schemas
  and properties that only older versions document are added to it;
* every enum, in parameters and schema properties alike, holds the union of
  the values any version lists, the newest version's order first;
* then the declared corrections of ``spec_corrections.py`` are applied;
* finally every parameter and property must carry a type (the generator
  silently drops a parameter without one);
* the result is canonical (``canonical``): paths, tags and components sorted, only the tags and security
  schemes the operations use.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openapi31

JSON = dict[str, Any]
VERSION_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(\.([2-9]|[1-9]\d+))?)?$")
"""A version: ``YYYY-MM``, ``YYYY-MM-DD``, or ``YYYY-MM-DD.N`` for the Nth publication of a day (N from 2)."""


def version_key(name: str) -> tuple[str, int]:
    """The order of versions: by date (``2025-05`` before ``2025-05-10``), then by publication of the day."""
    date, _, number = name.partition(".")
    return date, int(number) if number else 1

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
DETAIL_LIMIT = 8  # changes shown per row of DRIFT.md's "Other changes"; the rest are counted


class SpecError(Exception):
    """The vendored specs cannot be reconciled; the message says where."""


@dataclass(frozen=True)
class Version:
    """One doc version: its name (``YYYY-MM`` or ``YYYY-MM-DD``) and its operations' documents."""

    name: str
    documents: tuple[tuple[str, JSON], ...]

    @property
    def combined(self) -> JSON:
        """The version's operation documents merged into one document."""
        return combine(self.name, [doc for _, doc in self.documents])


PUBLISHED_ID = "x-published-operation-id"
"""Set on an operation whose source names it otherwise than the package does (a rename): the source's name."""


def _read(path: Path) -> JSON:
    """One vendored operation document, its OpenAPI 3.1 forms as 3.0 ones, under the package's operationId.

    The file is named after the operationId the package uses; a source that serves the same method and path
    under another name (a rename, ``vendor_spec.py``) keeps its name in ``x-published-operation-id``.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise SpecError(f"{path}: not an OpenAPI document")
    problems = openapi31.unrepresentable(doc)
    if problems:
        raise SpecError(f"{path}: the pipeline cannot represent {problems[0]}")
    openapi31.normalize(doc)
    found = operations(doc)
    if len(found) == 1 and path.stem not in found:
        ((_, _, op),) = found.values()
        if "operationId" in op:
            op[PUBLISHED_ID] = op["operationId"]
        op["operationId"] = path.stem
    return doc


def load_versions(spec_dir: Path) -> list[Version]:
    """Read every ``spec/<version>/*.json`` (except SOURCES.json), oldest first."""
    versions = []
    folders = sorted((p for p in spec_dir.iterdir() if p.is_dir() and VERSION_RE.match(p.name)),
                     key=lambda p: version_key(p.name))
    for folder in folders:
        docs = []
        for path in sorted(folder.glob("*.json")):
            if path.name == "SOURCES.json":
                continue
            docs.append((path.name, _read(path)))
        if not docs:
            raise SpecError(f"{folder}: no operation documents")
        versions.append(Version(folder.name, tuple(docs)))
    if not versions:
        raise SpecError(f"{spec_dir}: no version folders (YYYY-MM or YYYY-MM-DD)")
    return versions


def operations(doc: JSON) -> dict[str, tuple[str, str, JSON]]:
    """Map operationId to (path, method, operation object)."""
    found: dict[str, tuple[str, str, JSON]] = {}
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                found[op.get("operationId") or f"{method.upper()} {path}"] = (path, method, op)
    return found


def _union(first: list[Any], *rest: list[Any]) -> list[Any]:
    out = list(first)
    for values in rest:
        out.extend(v for v in values if v not in out)
    return out


def _deep_merge(base: Any, other: Any) -> Any:
    """Merge ``other`` into a copy of ``base``: dict keys and enum values united."""
    if isinstance(base, dict) and isinstance(other, dict):
        merged = dict(base)
        for key, value in other.items():
            if key not in merged:
                merged[key] = copy.deepcopy(value)
            elif key in ("enum", "required") and isinstance(value, list):
                merged[key] = _union(merged[key], value)
            else:
                merged[key] = _deep_merge(merged[key], value)
        return merged
    return base


def combine(version: str, docs: list[JSON]) -> JSON:
    """Merge one version's single-operation documents into one document."""
    if not docs:
        raise SpecError(f"{version}: nothing to combine")
    out = copy.deepcopy(docs[0])
    out["paths"] = {}
    out.setdefault("components", {}).setdefault("schemas", {})
    for doc in docs:
        for path, item in doc.get("paths", {}).items():
            target = out["paths"].setdefault(path, {})
            for method, op in item.items():
                if method in target:
                    raise SpecError(f"{version}: {method.upper()} {path} is defined twice")
                target[method] = copy.deepcopy(op)
        known = {tag.get("name") for tag in out.get("tags", []) if isinstance(tag, dict)}
        for tag in doc.get("tags", []):
            if isinstance(tag, dict) and tag.get("name") not in known:
                out.setdefault("tags", []).append(copy.deepcopy(tag))
                known.add(tag.get("name"))
        for kind, members in doc.get("components", {}).items():
            bucket = out["components"].setdefault(kind, {})
            for name, schema in members.items():
                bucket[name] = _deep_merge(bucket[name], schema) if name in bucket else copy.deepcopy(schema)
    return out


# --- enum sites -------------------------------------------------------------------------


def enum_holder(schema: JSON) -> JSON | None:
    """The object holding the enum of a schema, its array items' for an array."""
    if "enum" in schema:
        return schema
    items = schema.get("items")
    if isinstance(items, dict) and "enum" in items:
        return items
    return None


def enum_sites(doc: JSON) -> dict[str, JSON]:
    """Every enum of a document, by site name, to the object holding it.

    Sites are ``<Schema>.<property>`` for response fields and
    ``<operationId>.<parameter>`` for request parameters.
    """
    sites: dict[str, JSON] = {}
    for name, schema in sorted(doc.get("components", {}).get("schemas", {}).items()):
        for prop, prop_schema in schema.get("properties", {}).items():
            holder = enum_holder(prop_schema)
            if holder is not None:
                sites[f"{name}.{prop}"] = holder
    for op_id, (_, _, op) in sorted(operations(doc).items()):
        for param in op.get("parameters", []):
            holder = enum_holder(param.get("schema", {}))
            if holder is not None:
                sites[f"{op_id}.{param['name']}"] = holder
    return sites


def parameter_names(doc: JSON) -> dict[str, list[str]]:
    """Parameter names per operationId, in document order."""
    return {
        op_id: [p["name"] for p in op.get("parameters", [])] for op_id, (_, _, op) in sorted(operations(doc).items())
    }


def schema_fields(doc: JSON) -> dict[str, list[str]]:
    """Property names per component schema."""
    return {
        name: list(schema.get("properties", {}))
        for name, schema in sorted(doc.get("components", {}).get("schemas", {}).items())
    }


# --- reconciliation ---------------------------------------------------------------------


def _add_missing(base: JSON, older: JSON) -> None:
    """Add to ``base`` what only ``older`` documents: operations, parameters, schemas, fields, tags."""
    known = {tag.get("name") for tag in base.get("tags", []) if isinstance(tag, dict)}
    base.setdefault("tags", []).extend(copy.deepcopy(tag) for tag in older.get("tags", [])
                                       if isinstance(tag, dict) and tag.get("name") not in known)
    for kind, members in older.get("components", {}).items():
        if kind != "schemas" and isinstance(members, dict):
            bucket = base.setdefault("components", {}).setdefault(kind, {})
            for name, member in members.items():
                bucket.setdefault(name, copy.deepcopy(member))
    base_ops = operations(base)
    for op_id, (path, method, op) in operations(older).items():
        if op_id not in base_ops:
            base.setdefault("paths", {}).setdefault(path, {})[method] = copy.deepcopy(op)
            continue
        target = base_ops[op_id][2].setdefault("parameters", [])
        present = {p["name"] for p in target}
        target.extend(copy.deepcopy(p) for p in op.get("parameters", []) if p["name"] not in present)
    schemas = base.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in older.get("components", {}).get("schemas", {}).items():
        if name not in schemas:
            schemas[name] = copy.deepcopy(schema)
            continue
        props = schemas[name].setdefault("properties", {})
        for prop, prop_schema in schema.get("properties", {}).items():
            props.setdefault(prop, copy.deepcopy(prop_schema))


def merge_versions(versions: list[Version]) -> JSON:
    """The newest version's document plus everything older ones add, enums united."""
    combined = [v.combined for v in versions]
    base = copy.deepcopy(combined[-1])
    for older in reversed(combined[:-1]):
        _add_missing(base, older)
    newest_first = list(reversed(combined))
    for site, holder in enum_sites(base).items():
        lists = [enum_sites(doc).get(site, {}).get("enum", []) for doc in newest_first]
        holder["enum"] = _union(*lists)
    base["info"] = {
        "title": "Cortex API (reconciled)",
        "version": versions[-1].name,
        "description": "Every operation of every vendored doc version ("
        + ", ".join(v.name for v in versions)
        + "), enums united, corrections applied. Generated by scripts/regenerate.py: do not edit.",
    }
    return canonical(base)


TOP_LEVEL = ("openapi", "info", "jsonSchemaDialect", "servers", "security", "tags", "paths", "webhooks", "components")


def canonical(doc: JSON) -> JSON:
    """``doc`` in its canonical form (in place; returned): what the served operations use, in a stable order.

    Paths, component kinds and each kind's members are sorted by name, an item's operations by method;
    tags are those the operations name, sorted by name; security schemes those a security requirement
    names. So the order of the vendored files, or a version that documents only some operations, does not
    move anything.
    """
    for path, item in list(doc.get("paths", {}).items()):
        shared = {key: value for key, value in item.items() if key not in HTTP_METHODS}
        methods = {method: item[method] for method in HTTP_METHODS if method in item}
        doc["paths"][path] = {**shared, **methods}
    doc["paths"] = dict(sorted(doc.get("paths", {}).items()))
    ops = [op for _, _, op in operations(doc).values()]
    used_tags = {tag for op in ops for tag in op.get("tags", []) if isinstance(tag, str)}
    tags = {tag["name"]: tag for tag in doc.get("tags", []) if isinstance(tag, dict) and tag.get("name") in used_tags}
    doc.pop("tags", None)
    if tags:
        doc["tags"] = [tags[name] for name in sorted(tags)]
    schemes = {str(name) for requirements in [doc.get("security"), *(op.get("security") for op in ops)]
               for requirement in requirements or [] if isinstance(requirement, dict) for name in requirement}
    components = doc.get("components", {})
    if "securitySchemes" in components:
        components["securitySchemes"] = {k: v for k, v in components["securitySchemes"].items() if k in schemes}
    doc["components"] = {kind: dict(sorted(members.items())) if isinstance(members, dict) else members
                         for kind, members in sorted(components.items()) if members}
    ordered = {key: doc.pop(key) for key in TOP_LEVEL if key in doc}
    rest = dict(sorted(doc.items()))
    doc.clear()
    doc.update(ordered)
    doc.update(rest)
    return doc


def check_typed(doc: JSON) -> None:
    """Fail if any parameter or property lacks a type: the generator would drop it silently."""
    problems = []
    for op_id, (_, _, op) in operations(doc).items():
        for param in op.get("parameters", []):
            schema = param.get("schema", {})
            if "type" not in schema and "$ref" not in schema:
                problems.append(f"parameter {op_id}.{param['name']}")
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        for prop, prop_schema in schema.get("properties", {}).items():
            if not {"type", "$ref", "allOf", "oneOf", "anyOf"} & prop_schema.keys():
                problems.append(f"property {name}.{prop}")
    if problems:
        raise SpecError(
            "no type (only an older, transcribed version documents it; add a correction): " + ", ".join(problems)
        )


# --- drift ------------------------------------------------------------------------------


@dataclass
class Drift:
    """What changed between consecutive doc versions, and the corrections applied."""

    versions: list[str]
    # site -> version -> values (None where the version does not document the site)
    enums: dict[str, dict[str, list[str] | None]] = field(default_factory=dict)
    parameters: dict[str, dict[str, list[str] | None]] = field(default_factory=dict)
    fields: dict[str, dict[str, list[str] | None]] = field(default_factory=dict)
    # operation or schema -> version -> its document (for the changes the tables above do not show)
    documents: dict[str, dict[str, JSON]] = field(default_factory=dict)
    renames: list[tuple[str, str, str]] = field(default_factory=list)  # (operation, version, name in the source)
    corrections: list[tuple[str, str, str]] = field(default_factory=list)  # (name, reason, outcome)

    def detail_changes(self) -> list[tuple[str, str, list[str]]]:
        """(operation or schema, version, changes) for what else changed: types, schemas, descriptions, extensions."""
        out = []
        for key, per_version in self.documents.items():
            previous: JSON | None = None
            for version in self.versions:
                doc = per_version.get(version)
                if doc is None:
                    continue
                if previous is not None:
                    changes = _detail(previous, doc, "")
                    if changes:
                        out.append((key, version, changes))
                previous = doc
        return out

    def changes(self, table: dict[str, dict[str, list[str] | None]]) -> list[tuple[str, str, list[str], list[str]]]:
        """(key, version, added, removed) for each version that changed a key against the one before."""
        out = []
        for key, per_version in table.items():
            previous: list[str] | None = None
            for version in self.versions:
                values = per_version.get(version)
                if values is None:
                    continue
                if previous is not None:
                    added = [v for v in values if v not in previous]
                    removed = [v for v in previous if v not in values]
                    if added or removed:
                        out.append((key, version, added, removed))
                previous = values
        return out

    def documented_in(self, site: str) -> list[str]:
        """The versions that document the operation or schema an enum site belongs to, oldest first."""
        owner = site.split(".", 1)[0]
        table = self.parameters if owner in self.parameters else self.fields
        return [v for v in self.versions if table.get(owner, {}).get(v) is not None]

    def to_json(self, reconciled: JSON) -> JSON:
        """Runtime data: per enum site its reconciled values, the versions listing each, and those documenting it.

        A value is current when the newest version that documents the site's operation or schema lists
        it; a value only older versions list is deprecated (sending it stays allowed, with a warning).
        """
        sites = enum_sites(reconciled)
        enums: JSON = {}
        for site, holder in sorted(sites.items()):
            per_version = self.enums.get(site, {})
            enums[site] = {
                "values": list(holder["enum"]),
                "listed_in": {
                    value: [v for v in self.versions if value in (per_version.get(v) or [])]
                    for value in holder["enum"]
                },
                "documented_in": self.documented_in(site),
                "open": False,
            }
        for site, per_version in sorted(self.enums.items()):
            if site not in sites:  # an enum a correction opened up (x-known-values)
                values = _union(*[per_version.get(v) or [] for v in reversed(self.versions)])
                enums[site] = {
                    "values": values,
                    "listed_in": {value: [v for v in self.versions if value in (per_version.get(v) or [])] for value in values},
                    "documented_in": self.documented_in(site),
                    "open": True,
                }
        return {
            "versions": self.versions,
            "enums": enums,
            "corrections": [{"name": n, "reason": r, "outcome": o} for n, r, o in self.corrections],
        }


def dropped_values(drift: Drift, reconciled: JSON) -> dict[str, list[str]]:
    """Per enum site, the values the newest version documenting its operation or schema no longer lists."""
    dropped: dict[str, list[str]] = {}
    for site, entry in drift.to_json(reconciled)["enums"].items():
        newest = entry["documented_in"][-1] if entry["documented_in"] else None
        values = [v for v, listed in entry["listed_in"].items() if listed and newest is not None and newest not in listed]
        if values:
            dropped[site] = values
    return dropped


def _detail(old: Any, new: Any, path: str) -> list[str]:
    """What differs between two operation or schema objects: added, removed and changed keys, by path.

    Enum values and the names of parameters and properties are left out: their own tables show them.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in list(old) + [k for k in new if k not in old]:
            where = f"{path}.{key}" if path else str(key)
            if key == "enum":
                continue
            if key not in new:
                if not path.endswith("properties"):
                    found.append(f"`{where}` removed")
            elif key not in old:
                if not path.endswith("properties"):
                    found.append(f"`{where}` added")
            else:
                found += _detail(old[key], new[key], where)
        return found
    if isinstance(old, list) and isinstance(new, list) and path.endswith("parameters"):
        named_old = {p.get("name"): p for p in old if isinstance(p, dict)}
        named_new = {p.get("name"): p for p in new if isinstance(p, dict)}
        found = []
        for name in named_old.keys() & named_new.keys():
            found += _detail(named_old[name], named_new[name], f"{path}[{name}]")
        return sorted(found)
    if old != new and not (isinstance(old, list) and isinstance(new, list) and path.endswith("required")):
        return [f"`{path}` changed"]
    return []


def measure_drift(versions: list[Version]) -> Drift:
    """Record, per version, every enum's values, every operation's parameters and every schema's fields."""
    drift = Drift([v.name for v in versions])
    published: dict[str, str] = {}
    for version in versions:
        doc = version.combined
        for op_id, (_, _, op) in operations(doc).items():
            drift.documents.setdefault(op_id, {})[version.name] = op
            name = str(op.get(PUBLISHED_ID, op_id))
            if name != published.get(op_id, op_id):
                drift.renames.append((op_id, version.name, name))
            published[op_id] = name
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            drift.documents.setdefault(name, {})[version.name] = schema
        for site, holder in enum_sites(doc).items():
            drift.enums.setdefault(site, {})[version.name] = list(holder["enum"])
        for op_id, names in parameter_names(doc).items():
            drift.parameters.setdefault(op_id, {})[version.name] = names
        for name, props in schema_fields(doc).items():
            drift.fields.setdefault(name, {})[version.name] = props
    return drift


def _only_details(drift: Drift) -> list[str]:
    """The versions that change nothing but what the 'Other changes' table shows."""
    structural = {version for table in (drift.enums, drift.parameters, drift.fields)
                  for _, version, _, _ in drift.changes(table)}
    detailed = {version for _, version, _ in drift.detail_changes()}
    return sorted(detailed - structural)


def _fmt(values: list[str]) -> str:
    return ", ".join(f"`{v}`" for v in values) if values else "none"


def drift_report(drift: Drift) -> str:
    """The drift report, as markdown."""
    lines = [
        "# Drift between Cortex doc versions",
        "",
        "Generated by `scripts/regenerate.py` from `spec/`; do not edit.",
        "",
        "Versions, oldest first: " + ", ".join(f"`{v}`" for v in drift.versions) + ".",
        "Each row compares a version with the previous version that documents the same enum, operation or schema.",
        "",
    ]
    sections = [
        ("Enums", "enum (schema.field or operation.parameter)", drift.enums),
        ("Parameters", "operation", drift.parameters),
        ("Response fields", "schema", drift.fields),
    ]
    for title, what, table in sections:
        lines += [f"## {title}", "", f"| {what} | version | added | removed |", "|---|---|---|---|"]
        rows = drift.changes(table)
        lines += [f"| `{key}` | {version} | {_fmt(added)} | {_fmt(removed)} |" for key, version, added, removed in rows]
        if not rows:
            lines.append("| (no change) | | | |")
        lines.append("")
        first_seen = [
            (key, next(v for v in drift.versions if per.get(v) is not None))
            for key, per in table.items()
            if per.get(drift.versions[0]) is None
        ]
        if first_seen:
            lines.append(
                "First documented after the oldest version: "
                + ", ".join(f"`{key}` ({version})" for key, version in first_seen)
                + "."
            )
            lines.append("")
    lines += [
        "## Renamed operations",
        "",
        "An operation served at the same method and path under another operationId. The package keeps its names",
        "(methods, filters, classes, CLI); the source's name is kept as `x-published-operation-id`.",
        "",
        "| operation | version | name in the source |",
        "|---|---|---|",
    ]
    lines += [f"| `{op_id}` | {version} | `{name}` |" for op_id, version, name in drift.renames]
    if not drift.renames:
        lines.append("| (no rename) | | |")
    lines += [
        "",
        "## Other changes",
        "",
        "Everything else that differs from the previous version documenting the same operation or schema:",
        "types and schemas of parameters and fields, descriptions, examples, extensions.",
        "",
        "| operation or schema | version | changes |",
        "|---|---|---|",
    ]
    details = drift.detail_changes()
    for key, version, changes in details:
        shown = "; ".join(changes[:DETAIL_LIMIT]) + (f"; and {len(changes) - DETAIL_LIMIT} more" if len(changes) > DETAIL_LIMIT else "")
        lines.append(f"| `{key}` | {version} | {shown} |")
    if not details:
        lines.append("| (no change) | | |")
    lines += ["", "Versions whose only changes are of this kind (descriptions, examples, extensions): "
              + (", ".join(_only_details(drift)) or "none") + ".", ""]
    lines += ["## Corrections applied", "", "| correction | reason | outcome |", "|---|---|---|"]
    lines += [f"| {name} | {reason} | {outcome} |" for name, reason, outcome in drift.corrections]
    lines.append("")
    return "\n".join(lines)
