"""Synthetic records of any operation, from its record fields in the operation table (``records="generic"``).

An operation the registry gives no hand-made recipes (``listGitOpsLogs``, or one a maintainer has just added to
``[tool.cortex-wrapper] operations``) is served records drawn from its fields: the time field is the record's
timestamp, the id its identity, a required field is always present and an optional one three times in four,
and each value follows the field's type: an enum one of its listed values, text one of a dozen values named
after the field (``commit-7``), so that filters match some records and not others, an object its own fields,
an array of objects one to three of them. Each field is drawn from its own hash stream, a nested one from its
parent's draw and its path: record ``i`` is a pure function of ``(seed, i)``, as every synthetic record is.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from cortex_api_client.operations import ENUM_SITES, Field, OperationSpec

from ._util import format_ts, splitmix

if TYPE_CHECKING:
    from ._synthetic import Draws

TEXT_VALUES = 12
"""How many distinct values a text field takes (``name-0`` .. ``name-11``)."""


def _salt(path: str) -> int:
    return zlib.crc32(path.encode("utf-8"))


def _present(field: Field, draw: int) -> bool:
    """A required field always; an optional one three times in four."""
    return field.required or (draw >> 7) % 4 != 0


def _value(field: Field, path: str, draw: int, ts: int) -> object:
    """The value of ``field`` (at ``path``) for the 64-bit ``draw`` of its record, whose time is ``ts`` (µs)."""
    kind = field.value_type
    if kind == "enum":
        site = ENUM_SITES.get(field.site) if field.site else None
        if site is not None and site.values and not site.open:
            return site.values[draw % len(site.values)]
    elif kind == "datetime":
        return format_ts(ts + (draw % 1000) * 1000 if path.count(".") else ts)
    elif kind == "int":
        return draw % 1000
    elif kind == "number":
        return (draw % 100_000) / 100
    elif kind == "bool":
        return bool(draw & 1)
    elif kind == "object":
        return _object(field.items, path, draw, ts)
    elif kind == "array":
        if not field.items:
            return [f"{field.wire}-{draw % TEXT_VALUES}"]
        return [_object(field.items, f"{path}[{n}]", splitmix(draw + n), ts) for n in range(1 + draw % 3)]
    return f"{field.wire}-{draw % TEXT_VALUES}"


def _object(fields: tuple[Field, ...], path: str, draw: int, ts: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for field in fields:
        inner = f"{path}.{field.wire}"
        one = splitmix(draw ^ _salt(inner))
        if _present(field, one):
            out[field.wire] = _value(field, inner, one, ts)
    return out


def recipes(spec: OperationSpec[Any]) -> Mapping[str, Callable[[Draws], object]]:
    """The field recipes of ``spec``'s records (``Generator.fields``): one per record field, by wire name."""
    found: dict[str, Callable[[Draws], object]] = {}
    for field in spec.fields:
        found[field.wire] = _recipe(spec, field)
    return found


def _recipe(spec: OperationSpec[Any], field: Field) -> Callable[[Draws], object]:
    salt = _salt(field.wire)
    if field.wire == spec.time_field:
        return lambda d: format_ts(d.ts)
    if field.wire == spec.id_wire:  # the record's identity, as the field's type has it
        return (lambda d: str(d.ident)) if field.value_type == "str" else (lambda d: d.ident)

    def draw(d: Draws) -> object:
        one = d.u(salt)
        return _value(field, field.wire, one, d.ts) if _present(field, one) else None

    return draw


def unknown_enum(spec: OperationSpec[Any]) -> tuple[str, str] | None:
    """The field and value a fault of unknown enum values sets (the first top-level enum field), None for none."""
    for field in spec.fields:
        site = ENUM_SITES.get(field.site) if field.site else None
        if field.value_type == "enum" and site is not None and not site.open:
            return field.wire, "UNKNOWN_FAKE_VALUE"
    return None
