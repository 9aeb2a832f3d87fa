"""scripts/vendor_spec.py: docs pages and full OpenAPI documents, kept sources, --verify, refusals."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import vendor_spec
import yaml

from .support.operations import ROOT

SPEC = ROOT / "spec"
SCRIPT = ROOT / "scripts" / "vendor_spec.py"
SERVED = ["getAuditLogs", "listGitOpsLogs", "listNotificationLogs", "listNotificationRuns"]
"""The served operations, sorted (as ``SOURCES.json`` lists them)."""
# From the README of the cortex-mcp sources (copied here: the tests read nothing outside the repo).
CORTEX_MCP = {
    "2025-07-21": ("swagger-334ee57.json.gz", "334ee57b1ad2e80e534d74da67c76f87dfbb293e",
                   "d6b99656e06e82bfb64051c072575d68e56e8b195ed63acb2f847ee372241a39"),
    "2025-09-26": ("swagger-27cada3.json.gz", "27cada3f2bf3c15cba0110f191378234a800f6cb",
                   "767dcd602292039d5af8f7eaa71bb99bbb83bfdaf40c2b702d77933b2cdc8245"),
    "2026-01-08": ("swagger-94997e0.json.gz", "94997e0bf1b2a1a0e524a0edfb1796dedd5e991e",
                   "20396c81cd1198889a1a96e81e05e753671f087dc55193f62c89ce9cde3af0e1"),
}
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def url_of(commit: str) -> str:
    return f"https://github.com/cortexapps/cortex-mcp/blob/{commit}/swagger.json"


def full_document(version: str) -> dict[str, Any]:
    kept = SPEC / version / "sources" / CORTEX_MCP[version][0]
    document: dict[str, Any] = json.loads(gzip.decompress(kept.read_bytes()))
    return document


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = vendor_spec.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def manifest(folder: Path) -> dict[str, Any]:
    sources: dict[str, Any] = json.loads((folder / "SOURCES.json").read_text())
    return sources


def operation(doc: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return next(op for item in doc["paths"].values() for op in item.values()
                if isinstance(op, dict) and op.get("operationId") == operation_id)


# --- the three cortex-mcp documents -----------------------------------------------------


@pytest.mark.parametrize("version", sorted(CORTEX_MCP))
@pytest.mark.slow
def test_cortex_mcp_document_reproduces_the_committed_version(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], version: str) -> None:
    name, commit, sha256 = CORTEX_MCP[version]
    source = SPEC / version / "sources" / name
    code, out, err = cli(capsys, str(source), "--version", version, "--url", url_of(commit),
                         "--spec-dir", str(tmp_path))
    assert (code, err) == (0, "")
    assert "lacks none of the served operations" in out
    assert tree(tmp_path / version) == tree(SPEC / version)  # operation files, kept source and SOURCES.json
    entry = manifest(SPEC / version)[f"sources/{name}"]
    assert entry == {"kind": "OpenAPI document, json, gzip", "lacks": [], "operations": SERVED,
                     "sha256": sha256, "url": url_of(commit)}
    assert hashlib.sha256(gzip.decompress(source.read_bytes())).hexdigest() == sha256


@pytest.mark.parametrize("version", sorted(CORTEX_MCP))
def test_each_extraction_is_the_operation_with_what_its_references_reach(version: str) -> None:
    full = full_document(version)
    expected_schemas = {
        "getAuditLogs": ["AuditLogResponse", "AuditLogsResponse", "TooManyRequestsProblemDetail"],
        "listNotificationLogs": ["ErrorResponse", "NotificationLog", "NotificationLogResponse",
                                 "TooManyRequestsProblemDetail"],
        "listNotificationRuns": ["ErrorResponse", "NotificationObject", "NotificationRun", "NotificationRunResponse",
                                 "TooManyRequestsProblemDetail"],
        "listGitOpsLogs": ["GitOpsLogEntityChange", "GitOpsLogFileErrorResponse", "GitOpsLogFileResponse",
                           "GitOpsLogPaginatedResponse", "GitOpsLogRepositoryResponse", "GitOpsLogResponse",
                           "GitOpsLogScorecardChange", "GitOpsLogWorkflowChange", "TooManyRequestsProblemDetail"],
    }
    for operation_id, schemas in expected_schemas.items():
        doc = json.loads((SPEC / version / f"{operation_id}.json").read_text())
        assert list(doc) == ["openapi", "info", "servers", "security", "tags", "paths", "components"]
        for key in ("openapi", "info", "servers", "security"):
            assert doc[key] == full[key]
        assert operation(doc, operation_id) == operation(full, operation_id)
        assert len(doc["paths"]) == 1 and len(next(iter(doc["paths"].values()))) == 1
        assert doc["tags"] == [t for t in full["tags"] if t["name"] in operation(full, operation_id)["tags"]]
        assert {kind: list(members) for kind, members in doc["components"].items()} == {
            "responses": ["TooManyRequests"], "schemas": schemas, "securitySchemes": ["bearerAuth"]}
        for kind, members in doc["components"].items():
            assert members == {name: full["components"][kind][name] for name in members}


def test_defects_of_the_publication_are_kept_faithfully() -> None:
    def runs_parameters(version: str) -> dict[str, Any]:
        doc = json.loads((SPEC / version / "listNotificationRuns.json").read_text())
        return {p["name"]: p for p in operation(doc, "listNotificationRuns")["parameters"]}

    newest = runs_parameters("2026-01-08")
    assert "schema" not in newest["searchQuery"] and "deliveredOnly" in newest
    for version in ("2025-07-21", "2025-09-26"):
        params = runs_parameters(version)
        assert params["searchQuery"]["schema"] == {"type": "string"} and "deliveredOnly" not in params
    audit = json.loads((SPEC / "2025-07-21" / "getAuditLogs.json").read_text())
    assert operation(audit, "getAuditLogs")["x-cortex-mcp-enabled"] is not None


# --- --verify -------------------------------------------------------------------------


@pytest.mark.slow
def test_verify_passes_on_the_repo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--verify")
    assert (code, err) == (0, "")
    assert "2024-07: sources/notification-runs.rendered.txt: skipped" in out and "hand-transcribed" in out
    assert "2025-05: sources/notification-logs.md: reproduces listNotificationLogs, listNotificationRuns" in out
    for version, (name, _, _) in CORTEX_MCP.items():
        assert f"{version}: sources/{name}: reproduces getAuditLogs, listGitOpsLogs, listNotificationLogs, listNotificationRuns" in out


def _copy_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "spec"
    for folder in SPEC.iterdir():
        if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", folder.name):
            shutil.copytree(folder, spec / folder.name)
    return spec


def _edit(path: Path) -> None:
    text = path.read_text()
    assert "The status of the notification" in text
    path.write_text(text.replace("The status of the notification", "The state of the notification", 1))


def _swap_source(path: Path) -> None:  # another version's document under this one's name
    path.write_bytes((SPEC / "2025-07-21" / "sources" / CORTEX_MCP["2025-07-21"][0]).read_bytes())


def _misrecord(path: Path) -> None:
    entries = json.loads(path.read_text())
    entries["sources/swagger-94997e0.json.gz"].update(kind="OpenAPI document, yaml, gzip", lacks=["getAuditLogs"])
    path.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("damage,file,expected", [
    (_edit, "2025-09-26/listNotificationLogs.json", ["listNotificationLogs.json: differs from what sources/"]),
    (_edit, "2025-05/listNotificationRuns.json", ["listNotificationRuns.json: differs from what sources/notification-logs.md"]),
    (Path.unlink, "2026-01-08/getAuditLogs.json", ["getAuditLogs.json: missing"]),
    (_misrecord, "2026-01-08/SOURCES.json", ["lacks [], SOURCES.json records ['getAuditLogs']",
                                             "is a 'OpenAPI document, json, gzip', SOURCES.json records 'OpenAPI document, yaml, gzip'"]),
    (lambda p: p.write_text("{}\n"), "2026-01-08/extra.json", ["extra.json: no source in SOURCES.json vendors it"]),
    (_swap_source, "2026-01-08/sources/swagger-94997e0.json.gz",
     ["sha256 of the original is d6b99656", "listGitOpsLogs.json: differs",  # getAuditLogs is the same in both
      "listNotificationLogs.json: differs", "listNotificationRuns.json: differs"]),
])
@pytest.mark.slow
def test_verify_fails_once_a_committed_file_or_kept_source_changes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Any, file: str, expected: list[str]) -> None:
    spec = _copy_spec(tmp_path)
    assert cli(capsys, "--verify", "--spec-dir", str(spec))[0] == 0
    damage(spec / file)
    code, _, err = cli(capsys, "--verify", "--spec-dir", str(spec))
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == len(expected)
    for line, needle in zip(lines, expected, strict=True):
        assert line.startswith("vendor_spec: verify: ") and needle in line


# --- docs pages -------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["notification-logs.md", "audit-logs.md"])
def test_vendor_spec_reproduces_the_committed_current_version(tmp_path: Path, page: str) -> None:
    source = SPEC / "2025-05" / "sources" / page
    written = vendor_spec.vendor(source, "2025-05", None, tmp_path)
    for path in written:
        if path.name == "SOURCES.json":
            continue
        assert path.read_bytes() == (SPEC / "2025-05" / path.relative_to(tmp_path / "2025-05")).read_bytes()
    ops = [p.stem for p in written if p.suffix == ".json" and p.name != "SOURCES.json"]
    assert ops == (["listNotificationLogs", "listNotificationRuns"] if page.startswith("notif") else ["getAuditLogs"])
    committed = manifest(SPEC / "2025-05")[f"sources/{page}"]
    entry = manifest(tmp_path / "2025-05")[f"sources/{page}"]
    assert entry["sha256"] == committed["sha256"] and entry["operations"] == committed["operations"]
    assert entry["kind"] == "docs page, markdown export, json blocks"
    assert entry["lacks"] == [op for op in vendor_spec.SERVED_OPERATIONS if op not in ops]


def yaml_twin(page: str) -> str:
    """The page with each ```json block converted to a ```yaml block by PyYAML."""
    def convert(match: re.Match[str]) -> str:
        text = yaml.dump(json.loads(match.group(1)), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
        return "```yaml\n" + text.rstrip("\n") + "\n```"
    twin, count = re.subn(r"^```json\n(.*?)\n```$", convert, page, flags=re.MULTILINE | re.DOTALL)
    assert count == 2 and "```json" not in twin
    return twin


def test_yaml_page_vendors_like_its_json_twin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = SPEC / "2025-05" / "sources" / "notification-logs.md"
    twin = tmp_path / "notification-logs.yaml.md"
    twin.write_text(yaml_twin(page.read_text()))
    assert cli(capsys, str(page), "--version", "2025-05", "--spec-dir", str(tmp_path / "json"))[0] == 0
    code, out, err = cli(capsys, str(twin), "--version", "2025-05", "--spec-dir", str(tmp_path / "yaml"))
    assert (code, err) == (0, "")
    assert "(docs page, markdown export, yaml blocks): vendored listNotificationLogs, listNotificationRuns; " \
           "lacks getAuditLogs, listGitOpsLogs" in out
    for operation_id in ("listNotificationLogs", "listNotificationRuns"):
        from_json = (tmp_path / "json" / "2025-05" / f"{operation_id}.json").read_text()
        from_yaml = (tmp_path / "yaml" / "2025-05" / f"{operation_id}.json").read_text()
        assert json.loads(from_yaml) == json.loads(from_json)
        assert from_yaml == json.dumps(json.loads(from_json), indent=2, ensure_ascii=False) + "\n"
    assert sorted(p.name for p in (tmp_path / "yaml" / "2025-05").glob("*.json")) == [
        "SOURCES.json", "listNotificationLogs.json", "listNotificationRuns.json"]
    entry = manifest(tmp_path / "yaml" / "2025-05")["sources/notification-logs.yaml.md"]
    assert entry["kind"] == "docs page, markdown export, yaml blocks" and entry["lacks"] == ["getAuditLogs", "listGitOpsLogs"]
    assert cli(capsys, "--verify", "--spec-dir", str(tmp_path / "yaml"))[0] == 0


def test_page_with_json_and_yaml_blocks_and_an_operation_not_served(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audit = (SPEC / "2025-05" / "sources" / "audit-logs.md").read_text()
    other = {"openapi": "3.0.1", "info": {"title": "Cortex API", "version": "v1"},
             "paths": {"/api/v1/catalog": {"get": {"operationId": "listEntities", "responses": {}}}}}
    page = tmp_path / "page.txt"
    page.write_text(audit + "\n## Catalog\n\n```yml\n" + yaml.safe_dump(other) + "```\n")
    code, out, _ = cli(capsys, str(page), "--version", "2025-06-30", "--spec-dir", str(tmp_path / "spec"))
    assert code == 0
    assert "skipped, not served by the package: listEntities" in out
    folder = tmp_path / "spec" / "2025-06-30"
    assert sorted(p.name for p in folder.glob("*.json")) == ["SOURCES.json", "getAuditLogs.json"]
    assert (folder / "getAuditLogs.json").read_bytes() == (SPEC / "2025-05" / "getAuditLogs.json").read_bytes()
    assert manifest(folder)["sources/page.txt"]["kind"] == "docs page, markdown export, json and yaml blocks"


# --- full documents in other forms ------------------------------------------------------


@pytest.mark.slow
def test_full_document_as_yaml_and_gzip_vendors_like_its_json_form(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = "2026-01-08"
    original = gzip.decompress((SPEC / version / "sources" / CORTEX_MCP[version][0]).read_bytes())
    as_yaml = yaml.dump(json.loads(original), Dumper=Dumper, sort_keys=False, allow_unicode=True).encode()
    variants = {  # names that lie: the kind is read from the content
        "json": ("openapi.yaml", original, "OpenAPI document, json"),
        "yaml": ("swagger.json", as_yaml, "OpenAPI document, yaml"),
        "yaml-gzip": ("swagger.yaml", gzip.compress(as_yaml, mtime=0), "OpenAPI document, yaml, gzip"),
        "json-gzip": ("swagger.md", gzip.compress(original, mtime=0), "OpenAPI document, json, gzip"),
    }
    for label, (name, data, kind) in variants.items():
        source = tmp_path / label / name
        source.parent.mkdir()
        source.write_bytes(data)
        spec = tmp_path / label / "spec"
        code, out, err = cli(capsys, str(source), "--version", version, "--spec-dir", str(spec))
        assert (code, err) == (0, ""), label
        assert f"{name} ({kind}): vendored getAuditLogs, listGitOpsLogs, listNotificationLogs, listNotificationRuns" in out
        for operation_id in SERVED:
            assert (spec / version / f"{operation_id}.json").read_bytes() == \
                (SPEC / version / f"{operation_id}.json").read_bytes(), (label, operation_id)
        (key, entry), = manifest(spec / version).items()
        original_bytes = gzip.decompress(data) if label.endswith("gzip") else data
        assert entry["kind"] == kind and entry["sha256"] == hashlib.sha256(original_bytes).hexdigest()
        kept = spec / version / key
        if label.endswith("gzip"):
            assert key == f"sources/{name}" and kept.read_bytes() == data and "kept" not in entry
        else:  # over 256 KiB: kept compressed, the digest still of the original
            assert len(data) > 256 * 1024
            assert key == f"sources/{name}.gz" and gzip.decompress(kept.read_bytes()) == data
            assert "over 256 KiB" in entry["kept"]
        assert cli(capsys, "--verify", "--spec-dir", str(spec))[0] == 0, label


def test_small_source_is_kept_uncompressed(tmp_path: Path) -> None:
    source = SPEC / "2025-05" / "getAuditLogs.json"
    vendor_spec.vendor(source, "2026-02", None, tmp_path)
    assert (tmp_path / "2026-02" / "sources" / "getAuditLogs.json").read_bytes() == source.read_bytes()


@pytest.mark.slow
def test_document_with_one_served_operation_names_those_it_lacks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full = full_document("2025-07-21")
    for path in ("/api/v1/notifications/logs", "/api/v1/notifications/logs/run"):
        del full["paths"][path]
    source = tmp_path / "swagger.json"
    source.write_text(json.dumps(full))
    spec = tmp_path / "spec"
    code, out, _ = cli(capsys, str(source), "--version", "2025-07-21", "--spec-dir", str(spec))
    assert code == 0
    assert "vendored getAuditLogs, listGitOpsLogs; lacks listNotificationLogs, listNotificationRuns" in out
    assert sorted(p.name for p in (spec / "2025-07-21").glob("*.json")) == [
        "SOURCES.json", "getAuditLogs.json", "listGitOpsLogs.json"]
    assert (spec / "2025-07-21" / "getAuditLogs.json").read_bytes() == \
        (SPEC / "2025-07-21" / "getAuditLogs.json").read_bytes()
    entry = manifest(spec / "2025-07-21")["sources/swagger.json.gz"]
    assert entry["operations"] == ["getAuditLogs", "listGitOpsLogs"]
    assert entry["lacks"] == ["listNotificationLogs", "listNotificationRuns"]


def test_a_docs_block_read_as_a_document_is_exactly_its_closure() -> None:
    for operation_id in (op for op in SERVED if (SPEC / "2025-05" / f"{op}.json").exists()):  # the 2025-05 docs pages
        raw = (SPEC / "2025-05" / f"{operation_id}.json").read_bytes()
        extraction = vendor_spec.extract(raw)
        assert extraction.kind == "OpenAPI document, json"
        assert list(extraction.operations) == [operation_id]
        assert json.loads(extraction.operations[operation_id]) == json.loads(raw)


def test_closure_follows_every_kind_of_reference_and_nothing_else() -> None:
    obj = {"type": "object"}
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://x.test"}],
        "security": [{"apiKey": []}],
        "tags": [{"name": "Other"}, {"name": "Audit Logs", "description": "kept"}],
        "x-top": "not an OpenAPI field the extraction keeps",
        "paths": {
            "/other": {"get": {"operationId": "listOther", "responses": {"200": {"$ref": "#/components/responses/Unused"}}}},
            "/a": {
                "summary": "shared",
                "parameters": [{"$ref": "#/components/parameters/Shared"}],
                "get": {
                    "operationId": "getAuditLogs", "tags": ["Audit Logs"], "security": [{"oauth": ["read"]}],
                    "parameters": [{"$ref": "#/components/parameters/Q"}],
                    "requestBody": {"$ref": "#/components/requestBodies/Body"},
                    "responses": {"200": {"$ref": "#/components/responses/Ok"}},
                    "x-note": {"$ref": "#/components/schemas/Missing"},
                },
                "post": {"operationId": "createThing", "responses": {"200": {"$ref": "#/components/responses/Unused"}}},
            },
            "/b": {"get": {"operationId": "listNotificationLogs", "responses": {"200": {"description": "no refs"}}}},
        },
        "components": {
            "schemas": {
                "Unused": obj,
                "Page": {"type": "object", "properties": {
                    "example": {"$ref": "#/components/schemas/Item"},
                    "$ref": {"type": "array", "items": {"$ref": "#/components/schemas/Pet/properties/kind"}},
                    "x-slash": {"$ref": "#/components/schemas/a~1b"},
                }},
                "Item": {"type": "object", "example": {"$ref": "#/components/schemas/Missing"},
                         "default": {"$ref": "#/components/schemas/Missing"}, "enum": [{"$ref": "#/Missing"}]},
                "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}],
                        "properties": {"kind": {"type": "string"}},
                        "discriminator": {"propertyName": "kind",
                                          "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"}}},
                "Cat": obj, "Dog": obj, "a/b": obj, "Id": {"type": "integer"},
            },
            "parameters": {"Shared": {"name": "id", "in": "path", "schema": {"$ref": "#/components/schemas/Id"}},
                           "Q": {"name": "q", "in": "query", "schema": {"type": "string"}}, "Unused": obj},
            "requestBodies": {"Body": {"content": {"application/json": {
                "schema": obj,
                "examples": {"one": {"$ref": "#/components/examples/One"},
                             "inline": {"value": {"$ref": "#/components/schemas/Missing"}}}}}}},
            "responses": {
                "Ok": {"description": "ok", "headers": {"x-rate-limit": {"$ref": "#/components/headers/Limit"}},
                       "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
                "Unused": {"description": "no"},
            },
            "headers": {"Limit": {"schema": {"type": "integer"}}},
            "examples": {"One": {"value": {"$ref": "#/components/schemas/Missing"}}, "Two": {"value": 2}},
            "securitySchemes": {"apiKey": {"type": "apiKey", "name": "k", "in": "header"},
                                "oauth": {"type": "oauth2", "flows": {}}, "unused": {"type": "http", "scheme": "basic"}},
        },
    }
    extraction = vendor_spec.extract(json.dumps(doc).encode())
    assert extraction.lacks == ("listNotificationRuns", "listGitOpsLogs")
    bare = json.loads(extraction.operations["listNotificationLogs"])  # no tags, no references: only the scheme
    assert list(bare) == ["openapi", "info", "servers", "security", "paths", "components"]
    assert bare["components"] == {"securitySchemes": {"apiKey": doc["components"]["securitySchemes"]["apiKey"]}}
    out = json.loads(extraction.operations["getAuditLogs"])
    assert list(out) == ["openapi", "info", "servers", "security", "tags", "paths", "components"]
    assert out["tags"] == [{"name": "Audit Logs", "description": "kept"}]
    assert out["paths"] == {"/a": {k: v for k, v in doc["paths"]["/a"].items() if k != "post"}}
    assert {kind: list(members) for kind, members in out["components"].items()} == {
        "schemas": ["Page", "Item", "Pet", "Cat", "Dog", "a/b", "Id"],
        "parameters": ["Shared", "Q"],
        "requestBodies": ["Body"],
        "responses": ["Ok"],
        "headers": ["Limit"],
        "examples": ["One"],
        "securitySchemes": ["apiKey", "oauth"],
    }


def test_yaml_scalars_read_as_json_would_hold_them() -> None:
    text = ("openapi: 3.0.1\ninfo: {title: t, version: 1.0}\npaths:\n  /api/v1/audit-logs:\n    get:\n"
            "      operationId: getAuditLogs\n      parameters:\n        - name: actions\n          in: query\n"
            "          schema: {type: string, enum: [yes, no, on, 'off'], example: 2025-05-01, default: 12:30}\n"
            "      responses:\n        200: {description: ok}\n        0755: {description: octal in YAML 1.1}\n")
    out = json.loads(vendor_spec.extract(text.encode()).operations["getAuditLogs"])
    op = out["paths"]["/api/v1/audit-logs"]["get"]
    assert op["parameters"][0]["schema"] == {"type": "string", "enum": ["yes", "no", "on", "off"],
                                             "example": "2025-05-01", "default": "12:30"}
    assert list(op["responses"]) == ["200", "755"] and out["info"]["version"] == 1.0


# --- refusals ---------------------------------------------------------------------------


NONE_SERVED = json.dumps({"openapi": "3.0.1", "info": {}, "paths": {"/x": {"get": {"operationId": "getX"}}}})


@pytest.mark.parametrize("content,args,message", [
    (b'{"openapi": "3.0.1", "paths": {', [], "the source starts as JSON but is not valid JSON"),
    (b"openapi: 3.0.1\npaths: [\n", [], "not JSON, no fenced ```json or ```yaml block, and not valid YAML"),
    (b"\x1f\x8b\x08\x00garbage", [], "gzip magic bytes but not a valid gzip stream"),
    (b'{"openapi": "3.0.1", "x": NaN}', [], "the source starts as JSON but is not valid JSON: NaN is not a JSON number"),
    (b"openapi: 3.0.1\npaths: &loop {a: *loop}\n", [], "a YAML alias refers to itself"),
    (gzip.compress(b"\xff\xfe{}", mtime=0), [], "not UTF-8 text once decompressed"),
    (b"title: a YAML mapping\n", [], "not an OpenAPI 3 document (openapi: None)"),
    (b'{"swagger": "2.0", "paths": {}}', [], "a Swagger 2.0 document"),
    (NONE_SERVED.encode(), [], "holds none of the served operations"),
    (gzip.compress(NONE_SERVED.encode(), mtime=0), [], "holds none of the served operations"),
    (b"# Page\n\n```json\n" + NONE_SERVED.encode() + b"\n```\n", [], "holds none of the served operations"),
    (b"# Page\n\n```yaml\nopenapi: [\n```\n", [], "a ```yaml block at line 3 did not parse: it is not valid YAML"),
    (json.dumps({"openapi": "3.0.1", "paths": {"/a": {"get": {
        "operationId": "getAuditLogs", "responses": {"200": {"$ref": "#/components/responses/Gone"}}}}}}).encode(), [],
     "getAuditLogs: $ref '#/components/responses/Gone' names no component of the document"),
    (json.dumps({"openapi": "3.0.1", "paths": {"/a": {"get": {
        "operationId": "getAuditLogs", "responses": {"200": {"$ref": "other.yaml#/Ok"}}}}}}).encode(), [],
     "is not a reference to a component of this document"),
    (json.dumps({"openapi": "3.0.1", "security": [{"bearerAuth": []}],
                 "paths": {"/a": {"get": {"operationId": "getAuditLogs"}}}}).encode(), [],
     "its security names the scheme 'bearerAuth', which the document does not define"),
    (None, ["--version", "2025-13"], "'2025-13' is not a real date: month must be in 1..12"),
    (None, ["--version", "25-01"], "--version must be a date, YYYY-MM or YYYY-MM-DD"),
    (None, ["--version", "2025-02-30"], "'2025-02-30' is not a real date: day is out of range for month"),
    (None, ["--version", "2025-5"], "--version must be a date, YYYY-MM or YYYY-MM-DD"),
])
def test_refusals_are_one_line_and_write_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, args: list[str],
        message: str) -> None:
    source = tmp_path / "source"
    source.write_bytes(content if content is not None else (SPEC / "2025-05" / "sources" / "audit-logs.md").read_bytes())
    spec = tmp_path / "spec"
    code, out, err = cli(capsys, str(source), *(args or ["--version", "2026-01"]), "--spec-dir", str(spec))
    assert code == 1 and out == ""
    assert err.startswith("vendor_spec: error: ") and err.endswith("\n") and err.count("\n") == 1
    assert message in err
    assert not spec.exists()


@pytest.mark.parametrize("content,message", [
    ("# A page\n\nno json here\n", "nor a docs page with a fenced ```json or ```yaml block"),
    ("```json\n{\"openapi\": \"3.0.1\", \"paths\": {\n```\n", "a ```json block at line 1 did not parse: it is not valid JSON"),
    ("```json\n{\"openapi\": \"3.0.1\"}\n```\n", "a ```json block at line 1 is not an OpenAPI document (no 'paths')"),
])
@pytest.mark.slow
def test_vendor_spec_refuses_bad_pages_and_writes_nothing(tmp_path: Path, content: str, message: str) -> None:
    page = tmp_path / "page.md"
    page.write_text(content)
    out = tmp_path / "spec"
    result = subprocess.run([sys.executable, str(SCRIPT), str(page), "--version",
                             "2026-01", "--spec-dir", str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_refuses_to_replace_a_different_operation_file_without_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name, commit, _ = CORTEX_MCP["2025-09-26"]
    args = [str(SPEC / "2025-09-26" / "sources" / name), "--version", "2025-09-26", "--url", url_of(commit),
            "--spec-dir", str(tmp_path)]
    assert cli(capsys, *args)[0] == 0
    assert cli(capsys, *args)[0] == 0  # the same content again: nothing to refuse
    victim = tmp_path / "2025-09-26" / "listNotificationRuns.json"
    _edit(victim)
    before = tree(tmp_path)
    code, out, err = cli(capsys, *args)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "2025-09-26/listNotificationRuns.json already exists with different content; pass --force" in err
    assert tree(tmp_path) == before
    assert cli(capsys, *args, "--force")[0] == 0
    assert tree(tmp_path / "2025-09-26") == tree(SPEC / "2025-09-26")


@pytest.mark.slow
def test_force_records_which_source_superseded_another(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = SPEC / "2025-05" / "sources" / "notification-logs.md"
    document = SPEC / "2026-01-08" / "sources" / CORTEX_MCP["2026-01-08"][0]
    assert cli(capsys, str(page), "--version", "2026-01-08", "--spec-dir", str(tmp_path))[0] == 0
    code, _, err = cli(capsys, str(document), "--version", "2026-01-08", "--spec-dir", str(tmp_path))
    assert code == 1 and "listNotificationLogs.json, 2026-01-08/listNotificationRuns.json already exist" in err
    assert cli(capsys, str(document), "--version", "2026-01-08", "--spec-dir", str(tmp_path), "--force")[0] == 0
    entries = manifest(tmp_path / "2026-01-08")
    key = f"sources/{document.name}"
    assert entries["sources/notification-logs.md"]["operations"] == []
    assert entries["sources/notification-logs.md"]["superseded"] == {
        "listNotificationLogs": key, "listNotificationRuns": key}
    assert entries[key]["operations"] == SERVED
    code, out, err = cli(capsys, "--verify", "--spec-dir", str(tmp_path))
    assert (code, err) == (0, "") and "notification-logs.md: reproduces nothing (all superseded)" in out
