"""The list operations: permissions, which parameter filters which record attribute (or nested field), page bodies."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from cortex_api_client.operations import OPERATIONS, Field, OperationSpec

from .._registry import presentation
from ._params import ParamValue
from ._store import PRESENT, Row, Selection, is_path
from ._util import splitmix

EXTRA_FIELD = "fakeFutureField"


@dataclass(frozen=True)
class Route:
    """One list operation of the fake."""

    kind: str
    """The record kind: the operation's method name (``audit_logs``)."""
    spec: OperationSpec[Any]
    """The operation, as the generated operation table describes it."""
    record_fields: frozenset[str]
    """The wire names of the record's fields: what a served record may hold."""
    filters: Mapping[str, str]
    """Each filter's wire name and the record attribute, or nested path (``files[].fileName``), it tests."""
    window: tuple[str, str] | None
    """The wire names of the lower and upper time bounds; None for an operation without (``listGitOpsLogs``)."""
    ordered: bool



# Parameters with a meaning of their own (handled by ``selection``), not an attribute filter.
_CONTROL = frozenset({"orderBy", "includeObjects", "deliveredOnly", "searchQuery"})


def singular(name: str) -> str:
    """``statuses`` -> ``status``, ``actorIpAddresses`` -> ``actorIpAddress``, ``mediums`` -> ``medium``."""
    if name.endswith(("sses", "uses")):
        return name[:-2]
    return name[:-1] if name.endswith("s") else name


def _leaves(fields: tuple[Field, ...], prefix: str = "") -> dict[str, list[str]]:
    """The nested scalar fields of ``fields`` by wire name, each with its paths (``files[].entity.tag``)."""
    found: dict[str, list[str]] = {}
    for field in fields:
        path = f"{prefix}{field.wire}"
        if field.items:
            for name, paths in _leaves(field.items, f"{path}[]." if field.value_type == "array" else f"{path}.").items():
                found.setdefault(name, []).extend(paths)
        elif prefix:
            found.setdefault(field.wire, []).append(path)
    return found


def attribute_filters(spec: OperationSpec[Any], window: tuple[str, ...]) -> dict[str, str]:
    """Each parameter that names a record attribute, and that attribute (or the nested fields it tests).

    The attribute is the registry's (``filter_fields``), else the filter's singular (plural filter, singular
    field), else every nested scalar field of that name, as a path (``fileName`` tests ``files[].fileName``;
    several paths are joined by ``|`` and a record matches when any of them holds the value). Any other
    documented parameter is accepted and ignored, as a server that knows it but holds no such attribute would:
    a parameter a newer spec adds never gets a 400.
    """
    shown = presentation(spec)  # the registry: filters named irregularly, attributes the API never serves
    known = {field.wire for field in spec.fields if not field.items} | shown.internal_fields
    nested = _leaves(spec.fields)
    found = {}
    for param in spec.parameters:
        if param.wire in _CONTROL or param.wire in window:
            continue
        attribute = shown.filter_fields.get(param.wire) or singular(param.wire)
        if attribute in known or is_path(attribute):
            found[param.wire] = attribute
        elif paths := nested.get(attribute) or nested.get(param.wire):
            found[param.wire] = "|".join(paths)
    return found


@cache
def operations() -> dict[str, Route]:
    """Every operation, by record kind."""
    found = []
    for op in OPERATIONS:
        window = tuple(p.wire for p in op.parameters if p.name in (op.lower_bound, op.upper_bound))
        assert len(window) in (0, 2)
        found.append(Route(op.method_name, op, frozenset(field.wire for field in op.fields),
                           attribute_filters(op, window), (window[0], window[1]) if window else None,
                           any(p.wire == "orderBy" for p in op.parameters)))
    return {op.kind: op for op in found}


@cache
def routes() -> dict[str, Route]:
    """Every operation, by path."""
    return {op.spec.path: op for op in operations().values()}


def selection(op: Route, params: Mapping[str, ParamValue]) -> Selection:
    """The store query that the validated ``params`` describe."""
    conditions = tuple(
        (attribute, _allowed(value))
        for name, attribute in op.filters.items()
        if (value := params.get(name)) is not None and value is not False  # errorOnly=false: every record
    )
    start, end = (params.get(op.window[0]), params.get(op.window[1])) if op.window else (None, None)
    search = params.get("searchQuery")
    delivered_only = params.get("deliveredOnly", True) if op.kind == "notification_runs" else False
    return Selection(
        start=start if isinstance(start, int) else None,
        end=end if isinstance(end, int) else None,
        conditions=conditions,
        search=search.lower() if isinstance(search, str) and search else None,
        delivered_only=bool(delivered_only),
    )


def _allowed(value: ParamValue) -> frozenset[object]:
    """The values a filter's attribute may hold: those listed, the one given, or any (``PRESENT``) for ``true``."""
    if value is True:
        return PRESENT
    return frozenset(value) if isinstance(value, tuple) else frozenset({value})


def page_body(
    op: Route, params: Mapping[str, ParamValue], total: int, rows: list[Row], extra_field_rate: float, seed: int
) -> dict[str, object]:
    """The 200 body: the page's records in wire form plus ``page``, ``total`` and ``totalPages``."""
    size = params["pageSize"]
    assert isinstance(size, int)
    drop_objects = op.kind == "notification_runs" and not params.get("includeObjects", False)
    extra_key = splitmix(seed ^ 0xE7)
    records: list[dict[str, object]] = []
    for identity, data in rows:
        wire = {key: value for key, value in data.items() if key in op.record_fields}
        if drop_objects:
            wire.pop("notificationObjects", None)
        if extra_field_rate and splitmix(extra_key + identity) / 2.0**64 < extra_field_rate:
            wire[EXTRA_FIELD] = {"addedIn": "a future API version", "flag": True}
        records.append(wire)
    return {
        op.spec.list_key: records,
        "page": params["page"],
        "total": total,
        "totalPages": math.ceil(total / size) if total else 0,
    }
