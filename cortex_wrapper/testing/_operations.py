"""The three list operations: permissions, which parameter filters which record attribute, page bodies."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from cortex_api_client.operations import OPERATIONS, OperationSpec

from .._registry import presentation
from ._params import ParamValue
from ._store import Row, Selection
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
    window: tuple[str, str]
    ordered: bool



# Parameters with a meaning of their own (handled by ``selection``), not an attribute filter.
_CONTROL = frozenset({"orderBy", "includeObjects", "deliveredOnly", "searchQuery"})


def singular(name: str) -> str:
    """``statuses`` -> ``status``, ``actorIpAddresses`` -> ``actorIpAddress``, ``mediums`` -> ``medium``."""
    if name.endswith(("sses", "uses")):
        return name[:-2]
    return name[:-1] if name.endswith("s") else name


def attribute_filters(spec: OperationSpec[Any], window: tuple[str, str]) -> dict[str, str]:
    """Each parameter that names a record attribute (plural filter, singular field), and that attribute.

    Any other documented parameter is accepted and ignored, as a server that knows it but holds no such
    attribute would: a parameter a newer spec adds never gets a 400.
    """
    shown = presentation(spec)  # the registry: filters named irregularly, attributes the API never serves
    known = {field.wire for field in spec.fields} | shown.internal_fields
    found = {}
    for param in spec.parameters:
        if param.wire in _CONTROL or param.wire in window:
            continue
        attribute = shown.filter_fields.get(param.wire) or singular(param.wire)
        if attribute in known:
            found[param.wire] = attribute
    return found


@cache
def operations() -> dict[str, Route]:
    """Every operation, by record kind."""
    found = []
    for op in OPERATIONS:
        window = tuple(p.wire for p in op.parameters if p.name in (op.lower_bound, op.upper_bound))
        assert len(window) == 2
        found.append(Route(op.method_name, op, frozenset(field.wire for field in op.fields),
                           attribute_filters(op, (window[0], window[1])), (window[0], window[1]),
                           any(p.wire == "orderBy" for p in op.parameters)))
    return {op.kind: op for op in found}


@cache
def routes() -> dict[str, Route]:
    """Every operation, by path."""
    return {op.spec.path: op for op in operations().values()}


def selection(op: Route, params: Mapping[str, ParamValue]) -> Selection:
    """The store query that the validated ``params`` describe."""
    conditions = tuple(
        (attribute, frozenset(value))
        for name, attribute in op.filters.items()
        if isinstance(value := params.get(name), tuple)
    )
    start, end = params.get(op.window[0]), params.get(op.window[1])
    search = params.get("searchQuery")
    delivered_only = params.get("deliveredOnly", True) if op.kind == "notification_runs" else False
    return Selection(
        start=start if isinstance(start, int) else None,
        end=end if isinstance(end, int) else None,
        conditions=conditions,
        search=search.lower() if isinstance(search, str) and search else None,
        delivered_only=bool(delivered_only),
    )


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
