"""What the fake reads from the reconciled OpenAPI document and drift data (loaded once, by ``cortex_wrapper._spec``).

Everything the fake knows about parameters (names, types, which are required, which enum
values are accepted) and about record fields (which keys a record may serve) comes from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from .._spec import drift_data as drift
from .._spec import spec as openapi

ItemKind = Literal["int", "bool", "datetime", "str"]


@dataclass(frozen=True)
class ParamSpec:
    """One query parameter of an operation, as the spec declares it."""

    name: str
    item: ItemKind
    array: bool
    required: bool
    allowed: frozenset[str] | None  # None: any value (no enum, or an open enum site)


@dataclass(frozen=True)
class OperationSpec:
    """What the spec says about one list operation."""

    op_id: str
    path: str
    list_key: str
    record_schema: str
    record_fields: frozenset[str]
    params: tuple[ParamSpec, ...]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def schema(name: str) -> dict[str, Any]:
    """The component schema ``name``."""
    found: dict[str, Any] = openapi()["components"]["schemas"][name]
    return found


def enum_values(site: str) -> tuple[str, ...]:
    """Every value of the enum site ``Schema.field`` or ``operationId.param`` that any doc version lists."""
    return tuple(str(v) for v in drift()["enums"][site]["values"])


def _allowed(op_id: str, name: str, item_schema: dict[str, Any]) -> frozenset[str] | None:
    site = drift()["enums"].get(f"{op_id}.{name}")
    if site is not None:
        return None if site["open"] else frozenset(str(v) for v in site["values"])
    if "enum" in item_schema:
        return frozenset(str(v) for v in item_schema["enum"])
    return None


def _item_kind(item_schema: dict[str, Any]) -> ItemKind:
    kind = item_schema.get("type")
    if kind == "integer":
        return "int"
    if kind == "boolean":
        return "bool"
    if kind == "string" and item_schema.get("format") == "date-time":
        return "datetime"
    return "str"


def _param(op_id: str, raw: dict[str, Any]) -> ParamSpec:
    param_schema: dict[str, Any] = raw["schema"]
    array = param_schema.get("type") == "array"
    item_schema: dict[str, Any] = param_schema["items"] if array else param_schema
    return ParamSpec(
        name=raw["name"],
        item=_item_kind(item_schema),
        array=array,
        required=bool(raw.get("required", False)),
        allowed=_allowed(op_id, raw["name"], item_schema),
    )


@cache
def operation(op_id: str) -> OperationSpec:
    """Read the path, list key, record schema and parameters of the GET operation ``op_id``."""
    for path, item in openapi()["paths"].items():
        get = item.get("get")
        if get is None or get.get("operationId") != op_id:
            continue
        envelope = _ref_name(get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
        props: dict[str, Any] = schema(envelope)["properties"]
        list_key = next(key for key, prop in props.items() if prop.get("type") == "array")
        record = _ref_name(props[list_key]["items"]["$ref"])
        return OperationSpec(
            op_id=op_id,
            path=path,
            list_key=list_key,
            record_schema=record,
            record_fields=frozenset(schema(record)["properties"]),
            params=tuple(_param(op_id, raw) for raw in get.get("parameters", [])),
        )
    raise KeyError(f"no GET operation {op_id!r} in the reconciled spec")
