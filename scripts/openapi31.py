"""The OpenAPI 3.1 forms the pipeline reads, as the 3.0 forms the rest of it (and the generator) knows.

Pure functions, used by ``vendor_spec.py`` (which refuses what cannot be represented, before anything is
written) and ``reconcile.py`` (which reads every vendored document through ``normalize``):

* a type list with ``null`` (``type: [string, 'null']``) is that type, ``nullable: true``;
* ``const: X`` is ``enum: [X]``;
* a schema's ``examples`` list is its first value as ``example``;
* ``openapi: 3.1.x`` becomes ``3.0.3``.

``unrepresentable`` names what has no 3.0 form: a type list of two non-null types (or of ``null`` alone), a
``const`` that is not a scalar, and the 3.1 keywords ``prefixItems``, ``if``/``then``/``else``,
``dependentSchemas``, ``dependentRequired``, ``unevaluatedProperties``, ``unevaluatedItems``,
``$dynamicRef``, ``$dynamicAnchor`` and ``contentSchema``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JSON = dict[str, Any]
NOT_REPRESENTED = ("prefixItems", "if", "then", "else", "dependentSchemas", "dependentRequired",
                   "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$dynamicAnchor", "contentSchema")
# Where a mapping's keys are names, not keywords: each value is an object in its own right.
NAME_MAPS = frozenset({
    "properties", "patternProperties", "definitions", "$defs", "paths", "responses", "content", "headers",
    "encoding", "links", "callbacks", "schemas", "parameters", "requestBodies", "securitySchemes", "components",
})
DATA = frozenset({"example", "examples", "default", "enum", "const"})  # values, never keywords


def _objects(node: Any, where: str) -> Iterator[tuple[JSON, str]]:
    """Every object of ``node`` that keywords apply to (schemas, parameters, ...), with its dotted location."""
    if isinstance(node, list):
        for number, item in enumerate(node):
            yield from _objects(item, f"{where}[{number}]")
        return
    if not isinstance(node, dict):
        return
    yield node, where
    for key, value in node.items():
        inner = f"{where}.{key}" if where else str(key)
        if key in NAME_MAPS and isinstance(value, dict):
            for name, member in value.items():
                yield from _objects(member, f"{inner}.{name}")
        elif key in DATA or str(key).startswith("x-"):
            continue
        else:
            yield from _objects(value, inner)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | bool | int | float)


def unrepresentable(doc: JSON) -> list[str]:
    """What ``doc`` holds that the pipeline cannot represent, one short line each (empty when nothing)."""
    problems: list[str] = []
    for node, where in _objects(doc, ""):
        kinds = node.get("type")
        if isinstance(kinds, list):
            others = [str(kind) for kind in kinds if kind != "null"]
            if len(others) != 1:
                what = ", ".join(others) if others else "null alone"
                problems.append(f"{where}: a type list of more than one type ({what})" if others
                                else f"{where}: a type list of {what}")
        if "const" in node and not _scalar(node["const"]):
            problems.append(f"{where}: a 'const' that is not a scalar")
        problems += [f"{where}: the OpenAPI 3.1 keyword {key!r}" for key in NOT_REPRESENTED if key in node]
    return problems


def normalize(doc: JSON) -> JSON:
    """``doc`` with its 3.1 forms as 3.0 forms (in place; returned); a 3.0 document is unchanged."""
    for node, _ in list(_objects(doc, "")):
        kinds = node.get("type")
        if isinstance(kinds, list):
            others = [kind for kind in kinds if kind != "null"]
            if len(others) == 1:
                node["type"] = others[0]
                if "null" in kinds:
                    node["nullable"] = True
        if "const" in node and _scalar(node["const"]):
            value = node.pop("const")
            node.setdefault("enum", [value])
        if isinstance(node.get("examples"), list) and "in" not in node and "schema" not in node:
            values = node.pop("examples")
            if values:
                node.setdefault("example", values[0])
    if isinstance(doc.get("openapi"), str) and doc["openapi"].startswith("3.1"):
        doc["openapi"] = "3.0.3"
    return doc
