"""Vendor a Cortex publication of the API into ``spec/<version>/``, and check what was vendored.

Usage::

    python scripts/vendor_spec.py SOURCE --version V [--url URL] [--spec-dir DIR] [--force]
    python scripts/vendor_spec.py --verify [--spec-dir DIR]

``V`` is the date the publication carries, ``YYYY-MM`` or ``YYYY-MM-DD`` (a real date: versions are ordered by
it), or ``YYYY-MM-DD.N`` for the Nth publication of that day (N from 2: ``2025-10-29`` < ``2025-10-29.2`` <
``2025-10-29.10``). ``SOURCE`` is one of Cortex's two publications of the API:

* a docs page, as a markdown export (a Mintlify page of docs.cortex.io, or the older readme.io export): fenced
  blocks by the CommonMark rule (three or more backticks or tildes, any info string after the language, as in
  ````` ````yaml /openapi/cortex_swagger.json get /api/v1/notifications/logs/run `````; closed by a fence at
  least as long), each ``json``, ``yaml`` or ``yml`` block holding an OpenAPI document is read as one; blocks of
  other languages, and ``json``/``yaml`` blocks that are examples, not documents, are passed over. The served
  operations of each document are extracted as from a full document (below); a JSON block that is already
  exactly that is written unchanged (plus a final newline).
* a full OpenAPI 3 document (the ``swagger.json`` of ``cortexapps/cortex-mcp``), JSON or YAML. Each operation
  the package serves (``SERVED_OPERATIONS``) is extracted as a standalone single-operation document: the
  top-level ``openapi``, ``info``, ``servers`` and ``security``, the ``tags`` the operation uses, its path item
  (the path's shared parameters included, the other methods left out) and the closure of the components its
  ``$ref``s reach (schemas, responses, parameters, headers, request bodies, examples, ...), with the security
  schemes its ``security`` (or the document's) names. Key order is the document's. Nothing else is changed:
  a defect of the publication is kept faithfully, the declared corrections of the reconciler deal with it.

A served operation is known by its method and path (``SERVED``): a source that serves one under another
operationId is a rename, reported on stdout ("`listNotificationRuns` is served as `getNotificationRuns` in this
source"), written under the package's name and recorded in ``SOURCES.json`` (``renamed``); the reconciler keeps
the package's names. OpenAPI 3.1 documents are read (``openapi31.py``); a form the pipeline cannot represent
(a type list of two types, ``prefixItems``, ``if``/``then``, ...) is refused.

Either source may be gzip-compressed. The kind is read from the content, never from the file name:

1. gzip magic bytes (``1f 8b``): decompressed, then detected as below;
2. text (UTF-8, a BOM ignored, LF, CRLF or CR line endings) whose first non-blank character is ``{`` or ``[``:
   a JSON document;
3. text with a fenced ```json, ```yaml or ```yml block: a docs page (fenced blocks of other languages only: a
   docs page too, unless the text is a YAML document);
4. anything else must be a YAML document (YAML 1.2 core scalars: ``yes``, ``on``, ``12:30`` or ``2025-05-01``
   stay strings, as JSON would have them).

Each operation is written to ``spec/<version>/<operationId>.json``; an extracted or converted operation as
``json.dumps(doc, indent=2, ensure_ascii=False)`` and a final newline, so a re-run is byte-identical. Only
served operations are written (a page's other operations are named on stdout and skipped); the served
operations the source lacks are named on stdout and recorded.

What is kept, and why: the original source is copied to ``spec/<version>/sources/`` (gzip-compressed, as
``NAME.gz``, when it is over 256 KiB; a source that arrives compressed is kept as given), and
``spec/<version>/SOURCES.json`` records, per kept file, its ``url``, its ``kind`` (for example
``"OpenAPI document, json, gzip"``), the ``sha256`` of the original uncompressed content, the ``operations``
vendored from it and the served operations it ``lacks``. So every vendored file says where it came from, and
``--verify`` re-runs the extraction of every version folder from its kept sources and fails (exit 1, one line
per difference on stderr) unless it reproduces the committed operation files byte for byte and the recorded
digests. Sources of another kind (a rendered page kept for reference, a hand transcription such as 2024-07's)
are skipped with a note.

Everything is built in memory first: a source that does not parse, or holds none of the served operations,
gets a one-line error on stderr (``vendor_spec: error: ...``, exit 1) saying what was found ("2 fenced blocks
(python, sh), none with an OpenAPI document", "a ```yaml block at line 40 did not parse: ...") and nothing is
written. A source whose every operation is byte-identical to the newest earlier version's writes nothing
either (exit 0: a version that changes nothing is not added). An existing
operation file (or kept source) is not replaced by different content unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import re
import sys
import tempfile
import tomllib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import openapi31
import reconcile
import yaml

try:  # libyaml when present: a full document in YAML loads in a second, not ten
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def served_operations(pyproject: Path = PYPROJECT) -> dict[str, tuple[str, str]]:
    """The operations the package serves, ``[tool.cortex-wrapper] operations``: operationId -> (method, path).

    Each entry is ``"operationId METHOD /path"``; ``SystemExit`` with a one-line reason when one is not.
    """
    try:
        entries = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["cortex-wrapper"]["operations"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise SystemExit(f"{pyproject}: no [tool.cortex-wrapper] operations list ({exc})") from None
    served: dict[str, tuple[str, str]] = {}
    for entry in entries:
        parts = entry.split() if isinstance(entry, str) else []
        if len(parts) != 3 or parts[1].lower() not in HTTP_METHODS or not parts[2].startswith("/"):
            raise SystemExit(f"{pyproject}: [tool.cortex-wrapper] operations: {entry!r} is not 'operationId METHOD /path'")
        if parts[0] in served:
            raise SystemExit(f"{pyproject}: [tool.cortex-wrapper] operations names {parts[0]} twice")
        served[parts[0]] = (parts[1].lower(), parts[2])
    return served


SERVED = served_operations()
"""operationId -> (method, path): an operation is known by its method and path, whatever its id."""
SERVED_OPERATIONS = tuple(SERVED)
KEEP_COMPRESSED_OVER = 256 * 1024  # bytes of the original: larger sources are kept gzip-compressed
GZIP_MAGIC = b"\x1f\x8b"
VERSION_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2})(?:\.([2-9]|[1-9]\d+))?)?$")
FOLDER_RE = reconcile.VERSION_RE
OPENING_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^\n]*?)[ \t]*$")
MENTIONS_OPENAPI = re.compile(r"""["']?openapi["']?[ \t]*:""")
DOCUMENT_KEYS = ("openapi", "info", "servers", "security")  # kept whole in each extracted operation
# The kinds --verify re-runs. "markdown export" is how this script named a docs page before it read full
# documents (spec/2025-05/SOURCES.json); every other kind (a rendered page, a hand transcription) is skipped.
EXTRACTABLE_KINDS = ("docs page", "OpenAPI document", "markdown export")
# Where a mapping's keys are names, not keywords: every value is an object that may hold references.
NAME_MAPS = frozenset({
    "properties", "patternProperties", "definitions", "$defs", "dependentSchemas",
    "responses", "content", "headers", "encoding", "links", "callbacks",
})
LITERALS = frozenset({"example", "default", "enum", "const"})  # values, never references
JSON = dict[str, Any]


class VendorError(Exception):
    """A source that cannot be vendored, or a refused write; the message is shown as one line."""


# --- YAML, as JSON would read it ----------------------------------------------------------


class _Yaml12Loader(_BaseLoader):
    """Safe YAML with the YAML 1.2 core schema's implicit scalars (the 1.1 ones turn ``no`` into false)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's own class-level registry


_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                                    list("-+0123456789"))
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])


def _construct_int(loader: _Yaml12Loader, node: yaml.Node) -> int:
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(None, None, "an integer tag on a collection", node.start_mark)
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)  # 0755 is 755 in YAML 1.2, as in JSON's reading of the digits; ValueError otherwise


_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _json_data(node: Any, where: str, active: frozenset[int] = frozenset()) -> Any:
    """``node`` as JSON data: keys as JSON would write them, a one-line error for what JSON cannot hold."""
    if isinstance(node, dict):
        if id(node) in active:
            raise VendorError(f"{where}: a YAML alias refers to itself: JSON cannot hold a cycle")
        inner = active | {id(node)}
        out: JSON = {}
        for key, value in node.items():
            if isinstance(key, str):
                name = key
            elif key is None or isinstance(key, bool | int | float):
                name = json.dumps(key)
            else:
                raise VendorError(f"{where}: a mapping key JSON cannot hold ({type(key).__name__})")
            if name in out:
                raise VendorError(f"{where}: the key {name!r} appears twice once written as JSON")
            out[name] = _json_data(value, f"{where}/{name}", inner)
        return out
    if isinstance(node, list):
        if id(node) in active:
            raise VendorError(f"{where}: a YAML alias refers to itself: JSON cannot hold a cycle")
        inner = active | {id(node)}
        return [_json_data(item, f"{where}/{number}", inner) for number, item in enumerate(node)]
    if isinstance(node, float) and (node != node or node in (float("inf"), float("-inf"))):
        raise VendorError(f"{where}: {node} is not a JSON number")
    if node is None or isinstance(node, str | bool | int | float):
        return node
    raise VendorError(f"{where}: a value JSON cannot hold ({type(node).__name__})")


def load_yaml(text: str, what: str) -> Any:
    """Parse YAML text into JSON data; a one-line error naming ``what`` when it does not parse."""
    try:
        data = yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError, TypeError) as exc:  # a constructor's error on an explicit tag (!!float x)
        detail = " ".join(str(exc).split())
        raise VendorError(f"{what} not valid YAML: {detail}") from None
    return _json_data(data, "the YAML")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def load_json(text: str, what: str) -> Any:
    """Parse JSON text (not the ``NaN`` or ``Infinity`` Python would take); a one-line error naming ``what``."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:  # json.JSONDecodeError included
        raise VendorError(f"{what} is not valid JSON: {exc}") from None


def dump(doc: JSON) -> str:
    """The deterministic JSON form of an operation document."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- extraction -------------------------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    """What one source yields: its kind, each served operation's file text, and what it lacks."""

    kind: str
    compressed: bool  # the source arrived gzip-compressed
    original: bytes  # the uncompressed content
    operations: dict[str, str]  # operationId -> the text of spec/<version>/<operationId>.json, in source order
    lacks: tuple[str, ...]  # served operations the source does not hold
    skipped: tuple[str, ...]  # operations a page holds that the package does not serve
    renamed: dict[str, str]  # served operationId -> the operationId the source gives the same method and path


def _operations_in(doc: JSON) -> Iterator[tuple[str, str, Any]]:
    """(path, method, operation) of every operation of ``doc``, in document order."""
    for path, item in doc["paths"].items():
        if isinstance(item, dict):
            for method, op in item.items():
                if method in HTTP_METHODS and isinstance(op, dict):
                    yield path, method, op


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page (CommonMark): its fence, language, first line and content."""

    fence: str
    language: str
    line: int  # of the opening fence, 1-based
    body: str

    @property
    def label(self) -> str:
        """How a message names it: ``a ````yaml block at line 40``."""
        return f"a {self.fence}{self.language} block at line {self.line}"


def fenced_blocks(text: str) -> list[Block]:
    r"""The fenced code blocks of a page, by the CommonMark rule.

    A fence is three or more backticks or tildes, indented by up to three spaces; the info string after it
    (its first word is the language) may say anything more (``yaml /openapi/x.json get /path``). The block
    ends at a fence of the same character at least as long, with nothing after it, or at the end of the
    page. ``text`` has ``\n`` line endings.
    """
    blocks: list[Block] = []
    lines = text.split("\n")
    number = 0
    while number < len(lines):
        opening = OPENING_FENCE.match(lines[number])
        if opening is None or (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            number += 1
            continue
        indent, fence, info = len(opening.group(1)), opening.group(2), opening.group(3)
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        end = number + 1
        while end < len(lines) and not closing.match(lines[end]):
            line = lines[end]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            end += 1
        blocks.append(Block(fence, info.split()[0].lower() if info else "", number + 1, "\n".join(body)))
        number = end + 1
    return blocks


def _page_blocks(blocks: list[Block], compressed: bool, original: bytes) -> Extraction:
    formats: list[str] = []
    documents: list[tuple[Block, JSON]] = []
    for block in blocks:
        if block.language not in ("json", "yaml", "yml"):
            continue
        try:
            doc = load_json(block.body, "it") if block.language == "json" else load_yaml(block.body, "it is")
        except VendorError as exc:
            if MENTIONS_OPENAPI.search(block.body):
                raise VendorError(f"{block.label} did not parse: {exc}") from None
            continue  # an example of a request or a response, not a document
        if not isinstance(doc, dict) or ("openapi" not in doc and "paths" not in doc):
            continue  # an example, not a document
        if not isinstance(doc.get("paths"), dict):
            raise VendorError(f"{block.label} is not an OpenAPI document (no 'paths')")
        label = "JSON" if block.language == "json" else "YAML"
        if label not in formats:
            formats.append(label)
        documents.append((block, doc))
    if not documents:
        languages = ", ".join(dict.fromkeys(block.language or "no language" for block in blocks))
        raise VendorError(f"{len(blocks)} fenced block{'s' if len(blocks) != 1 else ''} ({languages}), "
                          "none with an OpenAPI document")
    operations: dict[str, str] = {}
    renamed: dict[str, str] = {}
    skipped: list[str] = []
    seen: list[str] = []
    for block, doc in documents:
        found, others, block_renamed = _served_in(doc, block.label)
        seen += [*found, *others]
        skipped += others
        renamed.update(block_renamed)
        for op_id, (path, method) in found.items():
            if op_id in operations:
                raise VendorError(f"the page defines {op_id} twice (again in {block.label})")
            extracted = _checked(extract_operation(doc, path, method), op_id)
            same = block.language == "json" and json.dumps(extracted) == json.dumps(doc)
            operations[op_id] = block.body + "\n" if same else dump(extracted)  # a JSON block already minimal: as is
    kind = "docs page, markdown export, " + " and ".join(f.lower() for f in formats) + " blocks"
    return _finish(kind, compressed, original, operations, skipped, f"the page's operations are {seen}", renamed)


def _shape(op: Any) -> str | None:
    """What makes an operation object unreadable by the pipeline, or None."""
    if not isinstance(op.get("operationId"), str):
        return "its operationId is not a string"
    tags = op.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        return "'tags' is not a list of names"
    params = op.get("parameters", [])
    if not isinstance(params, list) or not all(isinstance(p, dict) and (isinstance(p.get("name"), str)
                                                                        or "$ref" in p) for p in params):
        return "'parameters' is not a list of parameter objects with a name"
    if not isinstance(op.get("responses", {}), dict):
        return "'responses' is not a mapping"
    return None


def _checked(doc: JSON, op_id: str) -> JSON:
    """``doc``, once nothing in it is beyond what the pipeline represents (a one-line error otherwise)."""
    for _, _, op in _operations_in(doc):
        problem = _shape(op)
        if problem is not None:
            raise VendorError(f"{op_id}: {problem}")
    problems = openapi31.unrepresentable(doc)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise VendorError(f"{op_id}: the pipeline cannot represent {problems[0]}{more}")
    return doc


def _served_in(doc: JSON, where: str) -> tuple[dict[str, tuple[str, str]], list[str], dict[str, str]]:
    """The served operations of ``doc`` by id (path, method), its other operations, and the renamed ones.

    A served operation is found by its operationId, else by its method and path (a rename: the operation
    keeps the package's name, and the source's name is recorded).
    """
    found: dict[str, tuple[str, str]] = {}
    others: list[str] = []
    by_place: dict[tuple[str, str], str] = {}
    for path, method, op in _operations_in(doc):
        operation_id = op.get("operationId")
        by_place[(method, path)] = str(operation_id)
        if operation_id in SERVED:
            if operation_id in found:
                raise VendorError(f"{where} defines {operation_id} twice: {found[operation_id][0]} and {path}")
            found[operation_id] = (path, method)
        elif isinstance(operation_id, str) and (method, path) not in SERVED.values():
            others.append(operation_id)
    renamed: dict[str, str] = {}
    for served, (method, path) in SERVED.items():
        published = by_place.get((method, path))
        if served not in found and published is not None and published not in SERVED:
            found[served] = (path, method)
            renamed[served] = published
    return found, others, renamed


def _finish(kind: str, compressed: bool, original: bytes, operations: dict[str, str], skipped: list[str],
            found: str, renamed: dict[str, str]) -> Extraction:
    if not operations:
        raise VendorError(f"the source holds none of the served operations ({', '.join(SERVED_OPERATIONS)}): {found}")
    lacks = tuple(op for op in SERVED_OPERATIONS if op not in operations)
    return Extraction(kind + (", gzip" if compressed else ""), compressed, original, operations, lacks, tuple(skipped),
                      dict(sorted(renamed.items())))


def _unescape(token: str) -> str:
    return unquote(token).replace("~1", "/").replace("~0", "~")


def _component(ref: str, where: str) -> tuple[str, str]:
    """The (kind, name) of the component a ``$ref`` points into; a one-line error for any other reference."""
    parts = ref.split("/")
    if len(parts) < 4 or parts[0] != "#" or parts[1] != "components":
        raise VendorError(f"{where}: $ref {ref!r} is not a reference to a component of this document")
    return _unescape(parts[2]), _unescape(parts[3])


def references(node: Any) -> Iterator[str]:
    """Every reference ``node`` makes: ``$ref`` values and discriminator mappings, not literal values.

    Example values, defaults, enums, ``const`` and extensions (``x-...``) are data, not references, and are not
    searched; in a mapping of names (``properties``, ``responses``, ``headers``, ...) every value is searched,
    whatever its name.
    """
    if isinstance(node, list):
        for item in node:
            yield from references(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            yield value
        elif key in NAME_MAPS and isinstance(value, dict):
            for member in value.values():
                yield from references(member)
        elif key == "examples" and isinstance(value, dict):  # Example Objects: only a reference is followed
            for example in value.values():
                if isinstance(example, dict) and isinstance(example.get("$ref"), str):
                    yield example["$ref"]
        elif key == "discriminator" and isinstance(value, dict) and isinstance(value.get("mapping"), dict):
            for target in value["mapping"].values():
                if isinstance(target, str):
                    yield target if "/" in target else f"#/components/schemas/{target}"
        elif key in LITERALS or key == "examples" or key.startswith("x-"):
            continue
        else:
            yield from references(value)


def extract_operation(doc: JSON, path: str, method: str) -> JSON:
    """The operation at ``path``/``method`` of a full document, as a standalone single-operation document."""
    item = doc["paths"][path]
    op = item[method]
    where = str(op.get("operationId", f"{method.upper()} {path}"))
    shared = {key: value for key, value in item.items() if key not in HTTP_METHODS}
    components = doc.get("components")
    if not isinstance(components, dict):
        components = {}
    needed: set[tuple[str, str]] = set()
    for requirements in (op.get("security"), doc.get("security")):
        for requirement in requirements if isinstance(requirements, list) else []:
            if isinstance(requirement, dict):
                needed.update(("securitySchemes", str(name)) for name in requirement)
    pending = list(references([shared, op]))
    for kind, name in sorted(needed):
        if not isinstance(components.get(kind), dict) or name not in components[kind]:
            raise VendorError(f"{where}: its security names the scheme {name!r}, which the document does not define")
        pending.extend(references(components[kind][name]))
    while pending:
        ref = pending.pop()
        kind, name = _component(ref, where)
        if (kind, name) in needed:
            continue
        bucket = components.get(kind)
        if not isinstance(bucket, dict) or name not in bucket:
            raise VendorError(f"{where}: $ref {ref!r} names no component of the document")
        needed.add((kind, name))
        member = bucket[name]
        if kind == "examples":  # an Example Object's value is data: only a reference to another example is followed
            pending.extend([member["$ref"]] if isinstance(member, dict) and isinstance(member.get("$ref"), str) else [])
        else:
            pending.extend(references(member))

    used_tags = {tag for tag in op.get("tags") or [] if isinstance(tag, str)}
    out: JSON = {}
    for key, value in doc.items():
        if key in DOCUMENT_KEYS:
            out[key] = value
        elif key == "tags" and isinstance(value, list):
            tags = [tag for tag in value if isinstance(tag, dict) and tag.get("name") in used_tags]
            if tags:
                out["tags"] = tags
        elif key == "paths":
            out["paths"] = {path: {k: v for k, v in item.items() if k not in HTTP_METHODS or k == method}}
        elif key == "components":
            kept = {
                kind: {name: member for name, member in bucket.items() if (kind, name) in needed}
                for kind, bucket in components.items()
                if isinstance(bucket, dict)
            }
            kept = {kind: bucket for kind, bucket in kept.items() if bucket}
            if kept:
                out["components"] = kept
    return out


def _document(doc: Any, language: str, compressed: bool, original: bytes) -> Extraction:
    if not isinstance(doc, dict):
        raise VendorError(f"the {language} source is not an OpenAPI document (not a mapping)")
    if "swagger" in doc and "openapi" not in doc:
        raise VendorError("a Swagger 2.0 document: only OpenAPI 3 documents are read")
    version = doc.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise VendorError(f"the {language} source is not an OpenAPI 3 document (openapi: {version!r})")
    if not isinstance(doc.get("paths"), dict):
        raise VendorError(f"the {language} source is not an OpenAPI document (no 'paths')")
    found, _, renamed = _served_in(doc, "the document")
    count = sum(1 for _ in _operations_in(doc))
    operations = {op_id: dump(_checked(extract_operation(doc, path, method), op_id))
                  for op_id, (path, method) in found.items()}
    kind = f"OpenAPI document, {language.lower()}"
    return _finish(kind, compressed, original, operations, [], f"it has {count} operations", renamed)


def extract(raw: bytes) -> Extraction:
    """Detect what ``raw`` is, from its content, and extract the served operations it holds."""
    compressed = raw[:2] == GZIP_MAGIC
    original = raw
    if compressed:
        try:
            original = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise VendorError(f"gzip magic bytes but not a valid gzip stream: {exc}") from None
    try:
        text = original.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise VendorError("not UTF-8 text" + (" once decompressed" if compressed else "")) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # LF, CRLF or CR: one line ending
    if text.lstrip()[:1] in ("{", "["):
        doc = load_json(text, "the source starts as JSON but")
        return _document(doc, "JSON", compressed, original)
    blocks = fenced_blocks(text)
    if any(block.language in ("json", "yaml", "yml") for block in blocks):
        return _page_blocks(blocks, compressed, original)
    try:
        doc = load_yaml(text, "not JSON, no fenced ```json or ```yaml block, and")
    except VendorError:
        if blocks:
            return _page_blocks(blocks, compressed, original)  # says which blocks it found
        raise
    if not isinstance(doc, dict):
        if blocks:
            return _page_blocks(blocks, compressed, original)
        raise VendorError("neither an OpenAPI document (JSON or YAML) nor a docs page with a fenced ```json or "
                          "```yaml block")
    return _document(doc, "YAML", compressed, original)


# --- vendoring --------------------------------------------------------------------------


def check_version(version: str) -> None:
    """Refuse a version that is not a real date, ``YYYY-MM`` or ``YYYY-MM-DD``, or ``YYYY-MM-DD.N`` (N >= 2)."""
    match = VERSION_RE.match(version)
    if not match:
        raise VendorError(f"--version must be a date, YYYY-MM or YYYY-MM-DD (the date the source carries), or "
                          f"YYYY-MM-DD.N for the Nth publication of that day (N from 2), got {version!r}")
    year, month, day, _ = match.groups()
    try:
        dt.date(int(year), int(month), int(day or 1))
    except ValueError as exc:
        raise VendorError(f"--version {version!r} is not a real date: {exc}") from None


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically: a reader sees the old content or the new, never a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask  # what open() would have given the file (mkstemp makes it 0600)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_manifest(path: Path) -> dict[str, JSON]:
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VendorError(f"cannot read {path}: {exc}") from None
    if not isinstance(manifest, dict):
        raise VendorError(f"{path} is not a JSON object")
    return manifest


class Unchanged(Exception):
    """The source holds nothing the version before it does not: nothing is written (the message says which)."""


def _identical_to(extraction: Extraction, version: str, spec_dir: Path) -> str | None:
    """The version before ``version`` whose operation files are those ``extraction`` yields, if there is one.

    Each operation is compared with the file of the newest earlier version that has it; a source that
    changes none of them would add a version that changes nothing (only the list of versions).
    """
    if not spec_dir.is_dir() or (spec_dir / version).exists():
        return None
    key = reconcile.version_key(version)
    earlier = sorted((p for p in spec_dir.iterdir() if p.is_dir() and FOLDER_RE.match(p.name)
                      and reconcile.version_key(p.name) < key), key=lambda p: reconcile.version_key(p.name))
    matched: list[str] = []
    for op_id, text in extraction.operations.items():
        holder = next((folder for folder in reversed(earlier) if (folder / f"{op_id}.json").exists()), None)
        if holder is None or (holder / f"{op_id}.json").read_bytes() != text.encode("utf-8"):
            return None
        matched.append(holder.name)
    return ", ".join(dict.fromkeys(matched)) if matched else None


def vendor(source: Path, version: str, url: str | None, spec_dir: Path, force: bool = False) -> list[Path]:
    """Vendor ``source`` into ``spec_dir/version``; return the files written, operation files first."""
    return vendor_source(source, version, url, spec_dir, force)[1]


def vendor_source(source: Path, version: str, url: str | None, spec_dir: Path,
                  force: bool = False) -> tuple[Extraction, list[Path]]:
    """Vendor ``source`` into ``spec_dir/version``; return what it yielded and the files written."""
    check_version(version)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise VendorError(f"cannot read {source}: {exc.strerror}") from None
    try:
        extraction = extract(raw)
    except VendorError as exc:
        raise VendorError(f"{source.name}: {exc}") from None
    same = _identical_to(extraction, version, spec_dir)
    if same is not None:
        raise Unchanged(f"{source.name}: every operation it holds ({', '.join(extraction.operations)}) is identical "
                        f"to version {same}: nothing written (a version that changes nothing is not added)")

    target = spec_dir / version
    kept_name, kept = source.name, raw
    if not extraction.compressed and len(raw) > KEEP_COMPRESSED_OVER:
        kept_name, kept = source.name + ".gz", gzip.compress(raw, compresslevel=9, mtime=0)
    key = f"sources/{kept_name}"
    files = {target / f"{op_id}.json": text.encode("utf-8") for op_id, text in extraction.operations.items()}
    files[target / key] = kept
    conflicts = [path for path, data in files.items() if path.exists() and path.read_bytes() != data]
    if conflicts and not force:
        names = ", ".join(str(p.relative_to(spec_dir)) for p in conflicts)
        raise VendorError(f"{names} already exist{'s' if len(conflicts) == 1 else ''} with different content; "
                          "pass --force to overwrite")

    manifest_path = target / "SOURCES.json"
    manifest = _read_manifest(manifest_path)
    previous: JSON = manifest[key] if isinstance(manifest.get(key), dict) else {}
    entry: JSON = {
        "kind": extraction.kind,
        "lacks": list(extraction.lacks),
        "operations": sorted(extraction.operations),
        "sha256": hashlib.sha256(extraction.original).hexdigest(),
    }
    if extraction.renamed:
        entry["renamed"] = extraction.renamed
    if kept_name != source.name:
        entry["kept"] = f"gzip-compressed by vendor_spec: the original is over {KEEP_COMPRESSED_OVER // 1024} KiB"
    if url or "url" in previous:
        entry["url"] = url or previous["url"]
    replaced = {path.stem for path in conflicts if path.parent == target}
    for other_key, other in manifest.items():  # with --force: another source's operation replaced by this one's
        claimed = other.get("operations", []) if isinstance(other, dict) else []
        if other_key != key and isinstance(claimed, list) and replaced & set(claimed):
            other["operations"] = [op for op in claimed if op not in replaced]
            other.setdefault("superseded", {}).update(dict.fromkeys(sorted(replaced & set(claimed)), key))
    manifest[key] = entry
    files[manifest_path] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")

    for path, data in files.items():
        _write(path, data)
    return extraction, list(files)


# --- verification -----------------------------------------------------------------------


def _first_difference(expected: bytes, actual: bytes) -> int:
    for number, (a, b) in enumerate(zip(expected.splitlines(), actual.splitlines(), strict=False), start=1):
        if a != b:
            return number
    return min(expected.count(b"\n"), actual.count(b"\n")) + 1


def verify_version(folder: Path) -> tuple[list[str], list[str]]:
    """Re-run the extraction of one version folder from its kept sources: (differences, notes)."""
    differences: list[str] = []
    notes: list[str] = []
    manifest_path = folder / "SOURCES.json"
    if not manifest_path.exists():
        return [f"{manifest_path}: missing: nothing says where the folder's files come from"], notes
    try:
        manifest = _read_manifest(manifest_path)
    except VendorError as exc:
        return [str(exc)], notes
    claimed: set[str] = set()
    for key, entry in sorted(manifest.items()):
        if not isinstance(entry, dict):
            differences.append(f"{manifest_path}: the entry {key!r} is not a JSON object")
            continue
        kind = str(entry.get("kind", ""))
        operations = [str(op) for op in entry.get("operations", [])]
        superseded = dict(entry.get("superseded", {}))
        claimed.update(operations)
        if not kind.startswith(EXTRACTABLE_KINDS):
            notes.append(f"{folder.name}: {key}: skipped, not a page or a document ({kind})")
            continue
        where = folder / key
        try:
            extraction = extract(where.read_bytes())
        except OSError as exc:
            differences.append(f"{where}: cannot read the kept source: {exc.strerror}")
            continue
        except VendorError as exc:
            differences.append(f"{where}: {exc}")
            continue
        digest = hashlib.sha256(extraction.original).hexdigest()
        if digest != entry.get("sha256"):
            differences.append(f"{where}: sha256 of the original is {digest}, SOURCES.json records {entry.get('sha256')}")
        if sorted(extraction.operations) != sorted([*operations, *superseded]):
            differences.append(f"{where}: yields {sorted(extraction.operations)}, SOURCES.json records "
                               f"{sorted(operations)}" + (f" and superseded {sorted(superseded)}" if superseded else ""))
        if entry.get("renamed", {}) != extraction.renamed:
            differences.append(f"{where}: renames {extraction.renamed}, SOURCES.json records {entry.get('renamed', {})}")
        if "lacks" in entry and entry["lacks"] != list(extraction.lacks):
            differences.append(f"{where}: lacks {list(extraction.lacks)}, SOURCES.json records {entry['lacks']}")
        expected_kind = extraction.kind.removesuffix(", gzip") if "kept" in entry else extraction.kind
        if not kind.startswith("markdown export") and kind != expected_kind:
            differences.append(f"{where}: is a {expected_kind!r}, SOURCES.json records {kind!r}")
        for op_id in operations:
            if op_id not in extraction.operations:
                continue
            committed = folder / f"{op_id}.json"
            expected = extraction.operations[op_id].encode("utf-8")
            if not committed.exists():
                differences.append(f"{committed}: missing, {key} yields it")
            elif (actual := committed.read_bytes()) != expected:
                differences.append(f"{committed}: differs from what {key} yields "
                                   f"(first at line {_first_difference(expected, actual)})")
        notes.append(f"{folder.name}: {key}: reproduces {', '.join(operations) or 'nothing (all superseded)'}")
    for path in sorted(folder.glob("*.json")):
        if path.name != "SOURCES.json" and path.stem not in claimed:
            differences.append(f"{path}: no source in SOURCES.json vendors it")
    return differences, notes


def verify(spec_dir: Path) -> tuple[list[str], list[str]]:
    """Re-run the extraction of every version folder of ``spec_dir``: (differences, notes)."""
    folders = sorted((p for p in spec_dir.iterdir() if p.is_dir() and FOLDER_RE.match(p.name)),
                     key=lambda p: reconcile.version_key(p.name)) if spec_dir.is_dir() else []
    if not folders:
        return [f"{spec_dir}: no version folders (YYYY-MM or YYYY-MM-DD)"], []
    differences: list[str] = []
    notes: list[str] = []
    for folder in folders:
        found, said = verify_version(folder)
        differences += found
        notes += said
    return differences, notes


def refresh_version(folder: Path, write: bool = True) -> list[str]:
    """Make one version folder what its kept sources yield for the operations served now; what changed.

    After an operation joins ``[tool.cortex-wrapper] operations``, each kept source that holds it yields it too:
    its file is written and ``SOURCES.json`` records it. An operation no longer served is removed the same way.
    The sources are never touched. ``write=False`` only says what would change.
    """
    manifest_path = folder / "SOURCES.json"
    if not manifest_path.exists():
        return []
    manifest = _read_manifest(manifest_path)
    changes: list[str] = []
    files: dict[Path, bytes | None] = {}
    claimed: dict[str, str] = {}
    for key, entry in sorted(manifest.items()):
        if isinstance(entry, dict) and str(entry.get("kind", "")).startswith(EXTRACTABLE_KINDS):
            claimed.update(dict.fromkeys(entry.get("operations", []), key))
    for key, entry in sorted(manifest.items()):
        if not isinstance(entry, dict) or not str(entry.get("kind", "")).startswith(EXTRACTABLE_KINDS):
            continue
        try:
            extraction = extract((folder / key).read_bytes())
        except VendorError as exc:
            if "holds none of the served operations" not in str(exc):
                raise VendorError(f"{folder / key}: {exc}") from None
            extraction = None
        yielded = extraction.operations if extraction is not None else {}
        superseded = set(entry.get("superseded", {}))
        operations = [str(op) for op in entry.get("operations", [])]
        for op_id in sorted(set(yielded) - set(operations) - superseded):
            if claimed.setdefault(op_id, key) != key:
                continue  # another kept source of this version gives it already
            files[folder / f"{op_id}.json"] = yielded[op_id].encode("utf-8")
            operations.append(op_id)
            changes.append(f"{folder.name}: {op_id} extracted from {key}")
        for op_id in [op for op in operations if op not in yielded]:
            operations.remove(op_id)
            files[folder / f"{op_id}.json"] = None
            changes.append(f"{folder.name}: {op_id} removed (no longer served)")
        entry["operations"] = sorted(operations)
        if "lacks" in entry:
            entry["lacks"] = list(extraction.lacks) if extraction is not None else list(SERVED_OPERATIONS)
    if not changes or not write:
        return changes
    for path, data in files.items():
        if data is None:
            path.unlink(missing_ok=True)
        else:
            _write(path, data)
    _write(manifest_path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return changes


def refresh(spec_dir: Path, write: bool = True) -> list[str]:
    """``refresh_version`` for every version folder of ``spec_dir``: every change, in version order."""
    folders = sorted((p for p in spec_dir.iterdir() if p.is_dir() and FOLDER_RE.match(p.name)),
                     key=lambda p: reconcile.version_key(p.name)) if spec_dir.is_dir() else []
    return [change for folder in folders for change in refresh_version(folder, write)]


def one_line(message: str) -> str:
    """``message`` on one line, whatever a parser's message or a file name held."""
    return " ".join(message.split())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, nargs="?",
                        help="a docs page (markdown export) or a full OpenAPI 3 document, JSON or YAML, maybe gzipped")
    parser.add_argument("--version", help="the date the source carries: YYYY-MM or YYYY-MM-DD, or YYYY-MM-DD.N "
                        "for its Nth publication of the day (N from 2)")
    parser.add_argument("--url", help="where the source was fetched from")
    parser.add_argument("--spec-dir", type=Path, default=SPEC_DIR, help="default: the repo's spec/")
    parser.add_argument("--force", action="store_true", help="replace operation files that differ")
    parser.add_argument("--verify", action="store_true",
                        help="re-run every version folder's extraction from its kept sources and compare")
    args = parser.parse_args(argv)
    if args.verify:
        if args.source or args.version or args.url or args.force:
            parser.error("--verify takes only --spec-dir")
        differences, notes = verify(args.spec_dir)
        for note in notes:
            print(note)
        for difference in differences:
            print(f"vendor_spec: verify: {one_line(difference)}", file=sys.stderr)
        if differences:
            return 1
        print(f"verify: every extraction under {args.spec_dir} reproduces the committed files")
        return 0
    if args.source is None or args.version is None:
        parser.error("SOURCE and --version are required (or --verify)")
    try:
        extraction, written = vendor_source(args.source, args.version, args.url, args.spec_dir, args.force)
    except VendorError as exc:
        print(f"vendor_spec: error: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except Unchanged as exc:
        print(one_line(str(exc)))
        return 0
    for path in written:
        print(f"wrote {path}")
    print(f"{args.source.name} ({extraction.kind}): vendored {', '.join(extraction.operations)}; lacks "
          + (", ".join(extraction.lacks) or "none of the served operations"))
    for served, published in extraction.renamed.items():
        print(f"`{served}` is served as `{published}` in this source: vendored as {served}.json, the package's "
              "names unchanged (DRIFT.md records the rename)")
    if extraction.skipped:
        print(f"skipped, not served by the package: {', '.join(extraction.skipped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
