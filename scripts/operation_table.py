"""Describe the served operations from the reconciled spec: the table the generated package carries.

Pure functions, driven by ``regenerate.py``. Everything the client, the CLI and FakeCortex need to know
about an operation comes from here, derived from the reconciled document by stated rules:

* the served operations are the GET operations whose 200 body is an object with one array of records;
* the method name is the operationId without its verb, in snake case (``getAuditLogs`` -> ``audit_logs``);
* the permission is the one the description names ("must have the `View audit logs` permission");
* the time bounds are the ``date-time`` query parameters, the one named ``start*``/``from*`` the lower
  and ``end*``/``until*`` the upper; an operation with no ``date-time`` parameter has none (``None``): it is
  paged in full, and its exports are never narrowed by time;
* the record's time field is ``dateCreated`` or ``timestamp`` (else its first ``date-time`` field; none for
  a record without one, which an operation with time bounds may not have), and its id field is ``id`` when
  the record has one;
* a record field that is an object, or an array of objects, describes the object's fields (``items``), at
  every depth (a schema that refers to itself is described once, then as a plain object);
* every other query parameter but ``page`` and ``pageSize`` is a filter: its value type (enum, str, int,
  datetime, bool), whether it takes a list, whether it is required, and its enum site;
* an operation, filter or record field marked ``deprecated: true`` carries ``deprecated=True``;
* an enum gets the class of its concept (``enum_concepts.py``: ``Medium`` for every medium field and
  filter), else the name openapi-python-client gives an inline enum (``GetAuditLogsActionsItem``), generated
  from the models-only document ``models_spec`` builds.

A new parameter, enum value or record field changes the table, and nothing else needs an edit.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enum_concepts import CONCEPTS, concept_of
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from reconcile import JSON, SpecError, enum_holder, enum_sites, operations

TEMPLATE_DIR = Path(__file__).resolve().parent / "generator"
PAGING = ("page", "pageSize")
_PERMISSION = re.compile(r"must have the `([^`]+)` permission")


def snake(name: str) -> str:
    """``actorIpAddresses`` -> ``actor_ip_addresses`` (the generator's python names)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def pascal(name: str) -> str:
    """``getAuditLogs`` -> ``GetAuditLogs``."""
    return name[:1].upper() + name[1:]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ParameterRow:
    """One filter of an operation, as the table describes it."""

    wire: str
    name: str
    value_type: str
    many: bool
    required: bool
    site: str | None
    enum_class: str | None
    description: str
    deprecated: bool = False

    @property
    def annotation(self) -> str:
        """The Python type a caller passes (``None`` always allowed: not sent)."""
        one = {"str": "str", "int": "int", "bool": "bool", "datetime": "DateLike"}.get(self.value_type, "str")
        if self.enum_class:
            one = f"{self.enum_class} | str"
        if self.many:
            return f"{one} | Iterable[{one}] | None"
        return f"{one} | None"


@dataclass(frozen=True)
class FieldRow:
    """One field of a record schema."""

    wire: str
    name: str
    value_type: str
    required: bool
    site: str | None
    items: tuple[FieldRow, ...] = ()
    """The fields of an object (``repository``), or of each item of an array of objects (``notificationObjects``),
    else empty."""
    deprecated: bool = False


@dataclass(frozen=True)
class OperationRow:
    """One served operation."""

    operation_id: str
    method_name: str
    constant: str
    path: str
    list_key: str
    model: str
    permission: str
    lower_bound: str | None
    """The filter of the window's lower time bound (``start_time``); None when the operation has no time bounds."""
    upper_bound: str | None
    """The filter of the window's upper time bound (``end_time``); None when the operation has no time bounds."""
    time_field: str | None
    """The record's time (``dateCreated``); None for a record without a date-time field (no time bounds then)."""
    id_field: str | None
    parameters: tuple[ParameterRow, ...]
    fields: tuple[FieldRow, ...]
    summary: str
    deprecated: bool = False

    @property
    def id_wire(self) -> str | None:
        """The wire name of ``id_field``, None when records have none."""
        return next((f.wire for f in self.fields if f.name == self.id_field), None) if self.id_field else None

    @property
    def filters_class(self) -> str:
        """The ``TypedDict`` of the operation's keyword filters."""
        return f"{pascal(self.operation_id)}Filters"


def _schemas(doc: JSON) -> dict[str, JSON]:
    schemas: dict[str, JSON] = doc.get("components", {}).get("schemas", {})
    return schemas


def _resolve(doc: JSON, schema: JSON) -> JSON:
    while "$ref" in schema:
        schema = _schemas(doc)[_ref_name(schema["$ref"])]
    return schema


def _record_schema(doc: JSON, op_id: str, op: JSON) -> tuple[str, str]:
    """The list key and the record schema name of a served operation's 200 body."""
    try:
        body = op["responses"]["200"]["content"]["application/json"]["schema"]
    except KeyError:
        raise SpecError(f"{op_id}: no JSON 200 response") from None
    envelope = _resolve(doc, body)
    arrays = [(key, prop) for key, prop in envelope.get("properties", {}).items() if prop.get("type") == "array"]
    if len(arrays) != 1 or "$ref" not in arrays[0][1].get("items", {}):
        raise SpecError(f"{op_id}: the 200 body must hold exactly one array of records")
    return arrays[0][0], _ref_name(arrays[0][1]["items"]["$ref"])


def _value_type(doc: JSON, schema: JSON) -> str:
    schema = _resolve(doc, schema)
    if "enum" in schema:
        return "enum"
    json_type = schema.get("type", "string")
    if isinstance(json_type, list):  # an OpenAPI 3.1 type list: reconcile.py reads it as one type, nullable
        json_type = next((kind for kind in json_type if kind != "null"), "string")
    if json_type == "string":
        return "datetime" if schema.get("format") == "date-time" else "str"
    return {"integer": "int", "boolean": "bool", "number": "number", "array": "array"}.get(json_type, "object")


def param_enum_class(op_id: str, param: JSON) -> str:
    """The class name openapi-python-client gives an inline parameter enum."""
    many = param["schema"].get("type") == "array"
    return pascal(op_id) + pascal(param["name"]) + ("Item" if many else "")


def _parameter(doc: JSON, op_id: str, param: JSON, open_sites: set[str]) -> ParameterRow:
    schema = param["schema"]
    many = schema.get("type") == "array"
    item = schema["items"] if many else schema
    site = f"{op_id}.{param['name']}"
    value_type = _value_type(doc, item)
    enum_class = (concept_of(site) or param_enum_class(op_id, param)) if value_type == "enum" else None
    return ParameterRow(
        wire=param["name"],
        name=snake(param["name"]),
        value_type=value_type,
        many=many,
        required=bool(param.get("required", False)),
        site=site if value_type == "enum" or site in open_sites else None,
        enum_class=enum_class,
        description=" ".join(str(param.get("description", "")).split()),
        deprecated=bool(param.get("deprecated", False) or schema.get("deprecated", False)),
    )


def _bounds(op_id: str, params: list[ParameterRow]) -> tuple[str | None, str | None]:
    """The lower and upper time bounds' filters; (None, None) for an operation without a date-time parameter."""
    dated = [p for p in params if p.value_type == "datetime" and not p.many]
    if not dated:
        return None, None
    lower = [p.name for p in dated if p.wire.startswith(("start", "from"))]
    upper = [p.name for p in dated if p.wire.startswith(("end", "until"))]
    if len(lower) != 1 or len(upper) != 1:
        raise SpecError(f"{op_id}: expected one start*/from* and one end*/until* date-time parameter")
    return lower[0], upper[0]


def _fields(doc: JSON, name: str, within: frozenset[str] = frozenset()) -> tuple[FieldRow, ...]:
    """The fields of schema ``name``; an object field, or an array of objects, also describes its objects' fields.

    At any depth; ``within`` holds the schemas being described, so one that refers to itself stops there.
    """
    schema = _schemas(doc)[name]
    required = set(schema.get("required", []))
    rows = []
    for wire, prop in schema.get("properties", {}).items():
        items: tuple[FieldRow, ...] = ()
        value_type = _value_type(doc, prop)
        if value_type == "array":
            ref = _resolve(doc, prop).get("items", {}).get("$ref")
        else:
            ref = prop.get("$ref") if value_type == "object" else None
        if ref is not None and _ref_name(ref) not in within | {name}:
            items = _fields(doc, _ref_name(ref), within | {name})
        rows.append(FieldRow(wire, snake(wire), _value_type(doc, prop), wire in required,
                             f"{name}.{wire}" if enum_holder(prop) is not None else None, items,
                             bool(prop.get("deprecated", False))))
    return tuple(rows)


def describe(doc: JSON, open_sites: set[str]) -> list[OperationRow]:
    """Every served operation of the reconciled document, in path order."""
    rows = []
    for op_id, (path, method, op) in sorted(operations(doc).items(), key=lambda item: item[1][0]):
        if method != "get":
            continue
        list_key, record = _record_schema(doc, op_id, op)
        permission = _PERMISSION.search(str(op.get("description", "")))
        if permission is None:
            raise SpecError(f"{op_id}: the description names no permission ('must have the `...` permission')")
        params = [_parameter(doc, op_id, p, open_sites) for p in op.get("parameters", []) if p["name"] not in PAGING]
        lower, upper = _bounds(op_id, params)
        fields = _fields(doc, record)
        dated = [f.wire for f in fields if f.value_type == "datetime"]
        time_field = next((w for w in ("dateCreated", "timestamp") if w in dated), dated[0] if dated else None)
        if time_field is None and lower is not None:
            raise SpecError(f"{op_id}: the record {record} has no date-time field for its time bounds to filter")
        verb = re.match(r"^(get|list)(?=[A-Z])", op_id)
        method_name = snake(op_id[verb.end():] if verb else op_id)
        rows.append(OperationRow(
            operation_id=op_id, method_name=method_name, constant=method_name.upper(), path=path,
            list_key=list_key, model=record, permission=permission.group(1), lower_bound=lower, upper_bound=upper,
            time_field=time_field, id_field="id" if any(f.wire == "id" for f in fields) else None,
            parameters=tuple(params), fields=fields, summary=" ".join(str(op.get("summary", op_id)).split()),
            deprecated=bool(op.get("deprecated", False)),
        ))
    return rows


def field_enum_class(site: str) -> str:
    """The class of a record field's enum: its concept's, else the generator's name (``Schema`` + ``Field``)."""
    owner, name = site.split(".", 1)
    return concept_of(site) or pascal(owner) + pascal(name)


def legacy_names(doc: JSON) -> dict[str, str]:
    """The per-site class names a concept replaced (release 0.1.0's), each with the concept's name."""
    sites = enum_sites(doc)
    legacy: dict[str, str] = {}
    for op_id, (_, method, op) in operations(doc).items():
        for param in op.get("parameters", []) if method == "get" else []:
            concept = concept_of(f"{op_id}.{param['name']}")
            if concept and f"{op_id}.{param['name']}" in sites:
                legacy[param_enum_class(op_id, param)] = concept
    for site in sites:
        owner, name = site.split(".", 1)
        concept = concept_of(site)
        if concept and owner in _schemas(doc):
            legacy[pascal(owner) + pascal(name)] = concept
    return {old: new for old, new in sorted(legacy.items()) if old != new}


def _concept_schemas(doc: JSON) -> dict[str, JSON]:
    """One component per declared concept: the union of its sites' values, in the order first listed."""
    sites = enum_sites(doc)
    found: dict[str, JSON] = {}
    for concept, members in CONCEPTS.items():
        holders = [sites[site] for site in members if site in sites]
        if holders:
            values: list[Any] = []
            for holder in holders:
                values += [v for v in holder["enum"] if v not in values]
            found[concept] = {"type": holders[0].get("type", "string"), "enum": values}
    return found


def models_spec(doc: JSON) -> JSON:
    """The document the generator gets: the record schemas (with what they reference) and the enums.

    Each enum of a declared concept becomes one component its sites point at. No paths, so no request
    layer is generated: the wrapper sends its own requests. Envelopes and error bodies are not generated
    either: the wrapper reads them field by field.
    """
    out = copy.deepcopy(doc)
    out["paths"] = {}
    out.get("components", {}).pop("responses", None)
    wanted: list[str] = []
    for op_id, (_, method, op) in operations(doc).items():
        if method == "get":
            wanted.append(_record_schema(doc, op_id, op)[1])
    keep: dict[str, JSON] = {}
    while wanted:
        name = wanted.pop()
        if name in keep:
            continue
        keep[name] = _schemas(doc)[name]
        wanted += [_ref_name(ref) for ref in re.findall(r"'\$ref': '([^']+)'", repr(keep[name]))]
    schemas = {name: copy.deepcopy(schema) for name, schema in _schemas(doc).items() if name in keep}
    concepts = _concept_schemas(doc)
    for name, schema in list(schemas.items()):
        for prop, prop_schema in schema.get("properties", {}).items():
            concept = concept_of(f"{name}.{prop}")
            if concept in concepts and enum_holder(prop_schema) is prop_schema:
                schema["properties"][prop] = {"$ref": f"#/components/schemas/{concept}"}
    schemas.update(concepts)
    for op_id, (_, method, op) in operations(doc).items():
        for param in op.get("parameters", []) if method == "get" else []:
            holder = enum_holder(param.get("schema", {}))
            if holder is not None and param["name"] not in PAGING and not concept_of(f"{op_id}.{param['name']}"):
                schemas[param_enum_class(op_id, param)] = {"type": holder.get("type", "string"),
                                                           "enum": list(holder["enum"])}
    out.setdefault("components", {})["schemas"] = dict(sorted(schemas.items()))
    return out


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATE_DIR), undefined=StrictUndefined, keep_trailing_newline=True,
                       trim_blocks=True, lstrip_blocks=True, autoescape=False)  # noqa: S701 - Python source, not HTML


def render(rows: list[OperationRow], enums: JSON, versions: list[str], spec_sha256: str,
           corrections: list[tuple[str, str, str]]) -> str:
    """The generated module ``cortex_api_client/operations.py``."""
    env = _environment()
    env.filters["tojson"] = lambda value: json.dumps(value, ensure_ascii=False)  # a JSON string is a Python literal
    enum_classes = sorted({p.enum_class for row in rows for p in row.parameters if p.enum_class})
    models = sorted({row.model for row in rows} | set(enum_classes))
    class_of_site = {p.site: p.enum_class for row in rows for p in row.parameters if p.site and p.enum_class}
    return env.get_template("operations.py.jinja").render(
        rows=rows, enums=enums, versions=versions, spec_sha256=spec_sha256, models=models,
        class_of_site=class_of_site, corrections=corrections, record_models={row.model for row in rows},
    )


def method_doc(row: OperationRow) -> str:
    """The docstring of an operation's client method: what it returns, its permission, and every filter."""
    lines = [f"{row.summary}: ``{row.model}`` records, as a lazy pager.", "",
             f"Needs the ``{row.permission}`` permission. " + (
                 f"Without ``{row.upper_bound}`` the crawl freezes it at its first request. " if row.upper_bound else
                 "It has no time bounds: a call pages through every record, as served. "
             ) + "Every list filter takes one value or several (an OR).", "",
             "Filters (keyword-only; None leaves one out):", ""]
    for param in row.parameters:
        what = "one or more of its values" if param.value_type == "enum" else param.value_type
        mark = ", **deprecated** by the docs: using it warns" if param.deprecated else ""
        text = " ".join(param.description.split())
        lines.append(f"* ``{param.name}`` (``{param.wire}``, {what}{mark}){': ' + text if text else ''}")
    lines += ["", "``page_size`` (1..1000) and ``max_pages`` bound the paging of this call; ``extra_query`` sends "
              "parameters the pinned spec does not know (a name it knows is refused)."]
    safe = [line.replace("\\", "\\\\").replace('"""', '\\"""') for line in lines]  # a docstring's text
    return "\n".join([safe[0], *(f"        {line}" if line else "" for line in safe[1:]), "        "])


def render_methods(rows: list[OperationRow]) -> str:
    """The generated module ``cortex_api_client/client_methods.py``: the clients' operation methods."""
    return _environment().get_template("client_methods.py.jinja").render(
        rows=rows, docs={row.operation_id: method_doc(row) for row in rows},
        record_models=sorted({row.model for row in rows}),
    )


def render_records(rows: list[OperationRow]) -> str:
    """The generated module ``cortex_api_client/records.py``: every served operation's record model, by name.

    ``cortex_wrapper`` re-exports its ``__all__`` (lazily at run time, statically for type checkers), so the
    record model of an operation added by configuration is importable from ``cortex_wrapper`` with no edit.
    """
    return _environment().get_template("records.py.jinja").render(record_models=sorted({row.model for row in rows}))
