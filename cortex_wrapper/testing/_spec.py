"""What the fake knows about the three operations, from the generated operation table.

Everything the fake knows about parameters (names, types, which are required, which enum
values are accepted) and about record fields (which keys a record may serve) comes from
``cortex_api_client.operations``: a regenerated spec changes the fake with no edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from cortex_api_client.operations import ENUM_SITES, OPERATIONS, Parameter

ItemKind = Literal["int", "bool", "datetime", "str"]


@dataclass(frozen=True)
class ParamSpec:
    """One query parameter of an operation, as the fake validates it."""

    name: str
    item: ItemKind
    array: bool
    required: bool
    allowed: frozenset[str] | None  # None: any value (no enum, or an open enum site)


@dataclass(frozen=True)
class OperationSpec:
    """What the table says about one list operation, as the fake serves it."""

    op_id: str
    path: str
    list_key: str
    record_schema: str
    record_fields: frozenset[str]
    params: tuple[ParamSpec, ...]


def enum_values(site: str) -> tuple[str, ...]:
    """Every value of the enum site ``Schema.field`` or ``operationId.param`` that any doc version lists."""
    return tuple(str(v) for v in ENUM_SITES[site].values)


def _param(raw: Parameter) -> ParamSpec:
    site = ENUM_SITES.get(raw.site) if raw.site else None
    allowed = frozenset(site.values) if site is not None and not site.open and raw.value_type == "enum" else None
    item: ItemKind = {"int": "int", "bool": "bool", "datetime": "datetime"}.get(raw.value_type, "str")  # type: ignore[assignment]
    return ParamSpec(name=raw.wire, item=item, array=raw.many, required=raw.required, allowed=allowed)


_PAGING = (ParamSpec("page", "int", False, True, None), ParamSpec("pageSize", "int", False, True, None))


@cache
def operation(op_id: str) -> OperationSpec:
    """The path, list key, record schema and parameters (``page`` and ``pageSize`` included) of ``op_id``."""
    for op in OPERATIONS:
        if op.operation_id == op_id:
            return OperationSpec(
                op_id=op_id,
                path=op.path,
                list_key=op.list_key,
                record_schema=op.model_name,
                record_fields=frozenset(field.wire for field in op.fields),
                params=(*(_param(p) for p in op.parameters), *_PAGING),
            )
    raise KeyError(f"no operation {op_id!r} in the operation table")
