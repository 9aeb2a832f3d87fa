"""The declared corrections to Cortex's published OpenAPI documents.

Each correction fixes one plain defect of the docs, with a one-line reason,
and reports what it changed. A correction the docs no longer need says so in
the drift report ("already satisfied"), so it can be retired.

Review this list when the docs change: it is the whole of what this project
asserts beyond what Cortex publishes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Protocol

from reconcile import JSON, SpecError, enum_holder, operations

ALREADY = "already satisfied by the docs: retire this correction"


class Correction(Protocol):
    """One correction: a name, a reason and an ``apply`` that edits the document."""

    @property
    def reason(self) -> str:
        """Why the docs are wrong here, in one line."""
        ...

    @property
    def name(self) -> str:
        """A short human name, shown in the drift report."""
        ...

    def apply(self, doc: JSON) -> str:
        """Edit ``doc`` in place; return a one-line outcome."""
        ...


def _param(doc: JSON, operation_id: str, name: str) -> JSON:
    op = _operation(doc, operation_id)
    for param in op.get("parameters", []):
        if param["name"] == name:
            return param  # type: ignore[no-any-return]
    raise SpecError(f"correction targets {operation_id}.{name}, which no version documents")


def _operation(doc: JSON, operation_id: str) -> JSON:
    try:
        return operations(doc)[operation_id][2]
    except KeyError:
        raise SpecError(f"correction targets operation {operation_id}, which no version documents") from None


def _property(doc: JSON, schema: str, prop: str) -> JSON:
    try:
        return doc["components"]["schemas"][schema]["properties"][prop]  # type: ignore[no-any-return]
    except KeyError:
        raise SpecError(f"correction targets {schema}.{prop}, which no version documents") from None


@dataclass(frozen=True)
class ParameterIsArray:
    """A parameter declared as a single value takes a list (sent as repeated keys)."""

    operation_id: str
    parameter: str
    reason: str

    @property
    def name(self) -> str:  # noqa: D102
        return f"`{self.operation_id}.{self.parameter}` is an array"

    def apply(self, doc: JSON) -> str:  # noqa: D102
        param = _param(doc, self.operation_id, self.parameter)
        schema = param.get("schema", {})
        if schema.get("type") == "array":
            return ALREADY
        param["schema"] = {"type": "array", "items": schema}
        return f"schema now `array` of `{schema.get('type')}`"


@dataclass(frozen=True)
class ParameterIsOptional:
    """A parameter marked ``required: true`` is an optional filter: a request without it is answered."""

    operation_id: str
    parameter: str
    reason: str

    @property
    def name(self) -> str:  # noqa: D102
        return f"`{self.operation_id}.{self.parameter}` is optional"

    def apply(self, doc: JSON) -> str:  # noqa: D102
        param = _param(doc, self.operation_id, self.parameter)
        if not param.get("required", False):
            return ALREADY
        param["required"] = False
        return "`required` now false"


@dataclass(frozen=True)
class ParameterIsOpen:
    """A parameter's enum lists examples, not every value: any string is accepted.

    The listed values stay in the document as ``x-known-values``.
    """

    operation_id: str
    parameter: str
    reason: str

    @property
    def name(self) -> str:  # noqa: D102
        return f"`{self.operation_id}.{self.parameter}` is not limited to its listed values"

    def apply(self, doc: JSON) -> str:  # noqa: D102
        holder = enum_holder(_param(doc, self.operation_id, self.parameter).get("schema", {}))
        if holder is None:
            return ALREADY
        values = holder.pop("enum")
        holder["x-known-values"] = values
        return f"enum removed; its {len(values)} values kept as `x-known-values`"


@dataclass(frozen=True)
class PropertyAcceptsParameterValues:
    """A response field's enum holds every value a filter of the same thing accepts."""

    schema: str
    prop: str
    operation_id: str
    parameter: str
    reason: str

    @property
    def name(self) -> str:  # noqa: D102
        return f"`{self.schema}.{self.prop}` accepts every value of `{self.operation_id}.{self.parameter}`"

    def apply(self, doc: JSON) -> str:  # noqa: D102
        target = enum_holder(_property(doc, self.schema, self.prop))
        source = enum_holder(_param(doc, self.operation_id, self.parameter).get("schema", {}))
        if target is None or source is None:
            raise SpecError(f"correction {self.name}: both must be enums")
        missing = [v for v in source["enum"] if v not in target["enum"]]
        if not missing:
            return ALREADY
        target["enum"] = target["enum"] + missing
        return "added " + ", ".join(f"`{v}`" for v in missing)


@dataclass(frozen=True)
class ParameterExists:
    """A parameter the rendered pages show but the JSON lacks (or leaves untyped)."""

    operation_id: str
    parameter: JSON
    reason: str

    @property
    def name(self) -> str:  # noqa: D102
        return f"`{self.operation_id}` has `{self.parameter['name']}` ({self.parameter['schema'].get('type')})"

    def apply(self, doc: JSON) -> str:  # noqa: D102
        params = _operation(doc, self.operation_id).setdefault("parameters", [])
        for param in params:
            if param["name"] == self.parameter["name"]:
                if "type" in param.get("schema", {}):
                    return ALREADY
                param["schema"] = copy.deepcopy(self.parameter["schema"])
                param.setdefault("required", self.parameter.get("required", False))
                return f"gave it the schema `{self.parameter['schema'].get('type')}`: a version documents it without one"
        params.append(copy.deepcopy(self.parameter))
        return "added"


@dataclass(frozen=True)
class ErrorResponsesDocumented:
    """Every operation documents its error statuses with the ``ErrorResponse`` body."""

    statuses: tuple[str, ...]
    reason: str

    @property
    def name(self) -> str:  # noqa: D102
        return "every operation documents " + ", ".join(self.statuses) + " with `ErrorResponse`"

    def apply(self, doc: JSON) -> str:  # noqa: D102
        if "ErrorResponse" not in doc.get("components", {}).get("schemas", {}):
            raise SpecError("correction needs the ErrorResponse schema")
        added = []
        for op_id, (_, _, op) in sorted(operations(doc).items()):
            responses: dict[str, Any] = op.setdefault("responses", {})
            for status in self.statuses:
                if status not in responses:
                    responses[status] = {
                        "description": "Error",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
                    }
                    added.append(f"{op_id} {status}")
            op["responses"] = dict(sorted(responses.items()))
        return ("added " + ", ".join(added)) if added else ALREADY


CORRECTIONS: tuple[Correction, ...] = (
    ParameterIsArray(
        "getAuditLogs",
        "objectTypes",
        reason="plural name, every other audit filter is an array, and the product's UI multi-selects with OR",
    ),
    ParameterIsArray(
        "getAuditLogs",
        "actorRequestTypes",
        reason="plural name, every other audit filter is an array, and the product's UI multi-selects with OR",
    ),
    ParameterIsOpen(
        "getAuditLogs",
        "objectTypes",
        reason="the docs say 'etc': dozens of object types (catalog types, integration configurations) exist",
    ),
    PropertyAcceptsParameterValues(
        "AuditLogResponse",
        "action",
        "getAuditLogs",
        "actions",
        reason="the `actions` filter accepts READ, so audit records carry it; the response enum omits it",
    ),
    ParameterExists(
        "listNotificationRuns",
        {
            "name": "searchQuery",
            "in": "query",
            "required": False,
            "description": "A search query to filter the results.",
            "schema": {"type": "string"},
        },
        reason="the rendered pages (2024-07 and 2025-05) show `searchQuery` (string), the 2025-05 JSON block lacks "
        "it, and cortex-mcp's swagger.json types it as a string in 2025-07-21 and 2025-09-26 but declares it with "
        "no schema at all in 2026-01-08 (invalid OpenAPI 3.0: a generator drops it silently)",
    ),
    ParameterIsOptional(
        "listGitOpsLogs",
        "scorecardTag",
        reason="one filter among eleven, all others optional: a GitOps log lists every file of a push (entities, "
        "scorecards, workflows), and the Cortex UI lists the logs unfiltered; the document copies the "
        "scorecard endpoints' required path tag",
    ),
    ParameterIsOptional(
        "listGitOpsLogs",
        "tag",
        reason="one filter among eleven, all others optional: the Cortex UI lists the GitOps logs unfiltered; "
        "the document copies the entity endpoints' required `x-cortex-tag` parameter",
    ),
    ErrorResponsesDocumented(
        ("400", "401", "403"),
        reason="the API answers bad requests, bad tokens and missing permissions with `ErrorResponse`; "
        "the docs show only 403, and not on audit logs",
    ),
)


def apply_all(doc: JSON) -> list[tuple[str, str, str]]:
    """Apply every correction in order; return (name, reason, outcome) for the report."""
    return [(c.name, c.reason, c.apply(doc)) for c in CORRECTIONS]
