"""Cortex's docs as they are published today: Mintlify pages, line endings, OpenAPI 3.1, renames, versions.

The documents are fixtures of these tests (``tests/fixtures/docs/``) or built here from them; nothing is
pinned to the vendored set in ``spec/``.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import reconcile
import semver
import vendor_spec
import yaml

from .support.operations import ROOT

SPEC = ROOT / "spec"
FIXTURES = ROOT / "tests" / "fixtures" / "docs"
PAGE = FIXTURES / "notification-runs.mintlify.md"
TWIN = FIXTURES / "notification-runs.twin.json"
RUNS = "/api/v1/notifications/logs/run"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = vendor_spec.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def twin() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(TWIN.read_text(encoding="utf-8"))
    return document


def runs_op(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = doc["paths"][RUNS]["get"]
    return found


def page_of(doc: dict[str, Any], fence: str = "````", info: str = f"yaml /openapi/cortex_swagger.json get {RUNS}") -> str:
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    return f"# A page\n\n{fence}{info}\n{body}{fence}\n"


def operation_files(spec: Path, version: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((spec / version).glob("*.json")) if p.name != "SOURCES.json"}


# --- fences by the CommonMark rule --------------------------------------------------------


def test_the_mintlify_page_fixture_is_what_docs_cortex_io_serves() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert f"````yaml /openapi/cortex_swagger.json get {RUNS}\n" in text
    assert ": >-\n" in text and "'200':" in text
    assert len(twin()["tags"]) == 40


def test_mintlify_page_vendors_like_its_json_twin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, str(PAGE), "--version", "2026-02-01", "--spec-dir", str(tmp_path / "page"))
    assert (code, err) == (0, ""), err
    assert "vendored listNotificationRuns" in out
    assert cli(capsys, str(TWIN), "--version", "2026-02-01", "--spec-dir", str(tmp_path / "twin"))[0] == 0
    page_files = operation_files(tmp_path / "page", "2026-02-01")
    assert page_files == operation_files(tmp_path / "twin", "2026-02-01")
    vendored = json.loads(page_files["listNotificationRuns.json"])
    assert [tag["name"] for tag in vendored["tags"]] == ["Notification Logs"]  # not the forty
    assert runs_op(vendored) == runs_op(twin())
    code, out, err = cli(capsys, "--verify", "--spec-dir", str(tmp_path / "page"))
    assert (code, err) == (0, ""), err


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
@pytest.mark.parametrize("bom", [False, True])
def test_crlf_cr_and_bom_vendor_identically(tmp_path: Path, capsys: pytest.CaptureFixture[str], ending: str,
                                            bom: bool) -> None:
    text = PAGE.read_text(encoding="utf-8").replace("\n", ending)
    source = tmp_path / "page.md"
    source.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    assert cli(capsys, str(PAGE), "--version", "2026-02-01", "--spec-dir", str(tmp_path / "lf"))[0] == 0
    code, _, err = cli(capsys, str(source), "--version", "2026-02-01", "--spec-dir", str(tmp_path / "other"))
    assert (code, err) == (0, "")
    assert operation_files(tmp_path / "other", "2026-02-01") == operation_files(tmp_path / "lf", "2026-02-01")


@pytest.mark.parametrize("fence,info", [
    ("~~~", "yaml"), ("`````", "yml title=runs"), ("```", "yaml {2-4}"), ("~~~~", "json"),
])
def test_any_commonmark_fence_opens_a_block(fence: str, info: str) -> None:
    doc = vendor_spec.extract_operation(twin(), RUNS, "get")
    body = json.dumps(doc, indent=2) if info.startswith("json") else yaml.safe_dump(doc, sort_keys=False)
    text = f"intro\n{fence}{info}\n{body}\n{fence}{fence[0]}\n"  # a closing fence may be longer
    extraction = vendor_spec.extract(text.encode())
    assert list(extraction.operations) == ["listNotificationRuns"]


def test_a_shorter_fence_inside_does_not_close_the_block() -> None:
    doc = vendor_spec.extract_operation(twin(), RUNS, "get")
    runs_op(doc)["description"] = "an example:\n```json\n{}\n```\nthe end"
    body = yaml.safe_dump(doc, sort_keys=False, default_style="|")
    extraction = vendor_spec.extract(f"````yaml\n{body}````\n".encode())
    vendored = json.loads(extraction.operations["listNotificationRuns"])
    assert runs_op(vendored)["description"].startswith("an example:\n```json")


@pytest.mark.parametrize("text,message", [
    ("# page\n\n```python\nprint(1)\n```\n\n~~~sh\nls\n~~~\n",
     "2 fenced blocks (python, sh), none with an OpenAPI document"),
    ("# page\n" + "\n" * 38 + "```yaml\nopenapi: [1,\n```\n", "a ```yaml block at line 40 did not parse: "),
    ("# page\n\n````json\n{\"openapi\": \"3.0.1\", \"paths\": {\n````\n", "a ````json block at line 3 did not parse: "),
    ("# page\n\n```yaml\nopenapi: 3.0.1\n```\n", "a ```yaml block at line 3 is not an OpenAPI document (no 'paths')"),
])
def test_a_refused_page_says_what_was_found(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                            message: str) -> None:
    source = tmp_path / "page.md"
    source.write_text(text)
    code, out, err = cli(capsys, str(source), "--version", "2026-02-01", "--spec-dir", str(tmp_path / "spec"))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert message in err
    assert not (tmp_path / "spec").exists()


# --- OpenAPI 3.1 ----------------------------------------------------------------------------


def openapi_31(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` in 3.1 forms: type lists with null, in a parameter and in a response field; const; examples."""
    doc = copy.deepcopy(document)
    doc["openapi"] = "3.1.0"
    param = next(p for p in runs_op(doc)["parameters"] if p["name"] == "searchQuery")
    param["schema"] = {"type": ["string", "null"], "examples": ["disk"]}
    run = doc["components"]["schemas"]["NotificationRun"]["properties"]
    run["retryNote"] = {"type": ["string", "null"], "description": "Why the run was retried, if it was."}
    run["kind"] = {"const": "RUN", "type": "string"}
    return doc


def test_openapi_31_forms_vendor_and_reconcile_as_nullable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "runs-31.json"
    source.write_text(json.dumps(openapi_31(twin())))
    spec = tmp_path / "spec"
    assert cli(capsys, str(source), "--version", "2026-02-01", "--spec-dir", str(spec))[0] == 0
    doc = reconcile.merge_versions(reconcile.load_versions(spec))
    param = next(p for p in runs_op(doc)["parameters"] if p["name"] == "searchQuery")
    assert param["schema"] == {"type": "string", "nullable": True, "example": "disk"}
    run = doc["components"]["schemas"]["NotificationRun"]["properties"]
    assert run["retryNote"]["type"] == "string" and run["retryNote"]["nullable"] is True
    assert run["kind"] == {"enum": ["RUN"], "type": "string"}
    assert doc["openapi"].startswith("3.0")


@pytest.mark.parametrize("schema,message", [
    ({"type": ["string", "integer"]}, "a type list of more than one type (string, integer)"),
    ({"type": "array", "prefixItems": [{"type": "string"}]}, "'prefixItems'"),
    ({"type": "object", "if": {}, "then": {}}, "'if'"),
])
def test_what_the_pipeline_cannot_represent_is_refused_at_vendoring(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], schema: dict[str, Any], message: str) -> None:
    doc = openapi_31(twin())
    doc["components"]["schemas"]["NotificationRun"]["properties"]["odd"] = schema
    source = tmp_path / "runs.json"
    source.write_text(json.dumps(doc))
    code, out, err = cli(capsys, str(source), "--version", "2026-02-01", "--spec-dir", str(tmp_path / "spec"))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "NotificationRun.properties.odd" in err and message in err
    assert not (tmp_path / "spec").exists()


# --- renames ----------------------------------------------------------------------------------


def test_a_renamed_operation_is_reported_and_keeps_its_public_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = twin()
    runs_op(doc)["operationId"] = "getNotificationRuns"
    source = tmp_path / "renamed.json"
    source.write_text(json.dumps(doc))
    spec = tmp_path / "spec"
    code, out, err = cli(capsys, str(source), "--version", "2026-02-01", "--spec-dir", str(spec))
    assert (code, err) == (0, "")
    assert "`listNotificationRuns` is served as `getNotificationRuns` in this source" in out
    assert (spec / "2026-02-01" / "listNotificationRuns.json").exists()
    assert json.loads((spec / "2026-02-01" / "SOURCES.json").read_text())["sources/renamed.json"]["renamed"] == {
        "listNotificationRuns": "getNotificationRuns"}
    assert cli(capsys, "--verify", "--spec-dir", str(spec))[0] == 0
    versions = reconcile.load_versions(spec)
    merged = reconcile.merge_versions(versions)
    assert "listNotificationRuns" in reconcile.operations(merged)
    drift = reconcile.measure_drift(versions)
    assert drift.renames == [("listNotificationRuns", "2026-02-01", "getNotificationRuns")]
    assert "| `listNotificationRuns` | 2026-02-01 | `getNotificationRuns` |" in reconcile.drift_report(drift)
    plain = reconcile.merge_versions(reconcile.load_versions(_vendored(tmp_path / "plain", TWIN, capsys)))
    result = semver.classify(plain, merged)
    assert ("patch", "operation `listNotificationRuns` is published as `getNotificationRuns` "
            "(the package's names are unchanged)") in result.reasons


def _vendored(spec: Path, source: Path, capsys: pytest.CaptureFixture[str], version: str = "2026-02-01") -> Path:
    assert cli(capsys, str(source), "--version", version, "--spec-dir", str(spec))[0] == 0
    return spec


# --- versions ---------------------------------------------------------------------------------


def test_several_publications_a_day_are_ordered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for version in ("2026-02-01.2", "2026-02-01.10", "2026-02", "2026-02-01"):
        doc = twin()
        runs_op(doc)["summary"] = f"published as {version}"
        source = tmp_path / f"{version}.json"
        source.write_text(json.dumps(doc))
        code, _, err = cli(capsys, str(source), "--version", version, "--spec-dir", str(tmp_path / "spec"))
        assert (code, err) == (0, "")
    names = [v.name for v in reconcile.load_versions(tmp_path / "spec")]
    assert names == ["2026-02", "2026-02-01", "2026-02-01.2", "2026-02-01.10"]


@pytest.mark.parametrize("version", ["2026-02-01.1", "2026-02-01.0", "2026-02-01.02", "2026-02.2", "2026-02-01."])
def test_a_bad_publication_number_is_refused(version: str) -> None:
    with pytest.raises(vendor_spec.VendorError, match="--version"):
        vendor_spec.check_version(version)


def test_a_source_identical_to_the_version_before_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _vendored(tmp_path / "spec", TWIN, capsys, "2026-02-01")
    before = tree(spec)
    code, out, err = cli(capsys, str(PAGE), "--version", "2026-03-01", "--spec-dir", str(spec))
    assert (code, err) == (0, "")
    assert "identical to version 2026-02-01" in out and "nothing written" in out
    assert tree(spec) == before


# --- a canonical reconciled spec ---------------------------------------------------------------


def copy_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    return spec


def test_a_one_operation_page_as_the_newest_version_keeps_the_order(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = copy_spec(tmp_path)
    before = reconcile.merge_versions(reconcile.load_versions(spec))
    doc = twin()
    runs_op(doc)["summary"] = "Retrieve notification runs, newly worded"
    source = tmp_path / "page.md"
    source.write_text(page_of(doc))
    _vendored(spec, source, capsys, "2026-02-01")
    after = reconcile.merge_versions(reconcile.load_versions(spec))
    assert list(after["paths"]) == sorted(after["paths"]) == list(before["paths"])
    for kind, members in after["components"].items():
        assert list(members) == sorted(members) == list(before["components"][kind]), kind
    assert [t["name"] for t in after["tags"]] == sorted(t["name"] for t in after["tags"])
    assert {t["name"] for t in after["tags"]} == {t for _, _, op in reconcile.operations(after).values()
                                                  for t in op.get("tags", [])}
    assert after["components"]["securitySchemes"] == {"bearerAuth": before["components"]["securitySchemes"]["bearerAuth"]}


def test_unused_tags_and_security_schemes_are_not_carried(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = twin()
    doc["components"]["securitySchemes"]["apiKey"] = {"type": "apiKey", "in": "header", "name": "X-Key"}
    source = tmp_path / "page.md"
    source.write_text(page_of(doc))
    spec = _vendored(tmp_path / "spec", source, capsys)
    merged = reconcile.merge_versions(reconcile.load_versions(spec))
    assert [t["name"] for t in merged["tags"]] == ["Notification Logs"]
    assert list(merged["components"]["securitySchemes"]) == ["bearerAuth"]


def test_the_version_pattern_is_the_same_everywhere() -> None:
    for name in ("2025-10-29.2", "2025-10", "2025-10-29"):
        assert reconcile.VERSION_RE.match(name) and vendor_spec.FOLDER_RE.match(name)
    assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", "2025-10-29.2") is None  # the old pattern could not hold it


# --- regeneration from these sources (slow: the generator runs) ------------------------------


def _regenerate(spec: Path, out: Path) -> None:
    import regenerate

    regenerate.regenerate(out, spec)


@pytest.mark.slow
def test_a_mintlify_page_and_a_31_page_regenerate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import regenerate

    page_spec, twin_spec = copy_spec(tmp_path / "page"), copy_spec(tmp_path / "twin")
    doc = openapi_31(twin())
    next(p for p in runs_op(doc)["parameters"] if p["name"] == "searchQuery")["deprecated"] = True
    source = tmp_path / "runs-31.md"
    source.write_text(page_of(doc).replace("\n", "\r\n"))
    _vendored(page_spec, source, capsys, "2026-02-01")
    twin_source = tmp_path / "runs-31.json"
    twin_source.write_text(json.dumps(doc))
    _vendored(twin_spec, twin_source, capsys, "2026-02-01")
    _regenerate(page_spec, tmp_path / "out-page")
    _regenerate(twin_spec, tmp_path / "out-twin")
    generated = tmp_path / "out-page" / "generated" / "cortex_api_client"
    assert regenerate.tree(generated) == regenerate.tree(tmp_path / "out-twin" / "generated" / "cortex_api_client")
    model = (generated / "models" / "notification_run.py").read_text()
    assert re.search(r"retry_note: None \| str \| Unset|retry_note: Union\[None, Unset, str\]", model), model[:3000]
    table = (generated / "operations.py").read_text()
    call = re.search(r'Parameter\(\s*"searchQuery",(.*?)\n\s*\),\n', table, re.DOTALL)
    assert call is not None and "deprecated=True" in call.group(1)
    built = regenerate.build_spec(page_spec)
    assert ("minor", "parameter `listNotificationRuns.searchQuery` deprecated") in built.classification.reasons
    assert "parameter `listNotificationRuns.searchQuery` deprecated" in built.report.split("## What each version")[1]


@pytest.mark.slow
def test_a_source_identical_to_the_newest_changes_no_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import regenerate

    spec = copy_spec(tmp_path)
    newest = max((p for p in spec.iterdir() if reconcile.VERSION_RE.match(p.name)),
                 key=lambda p: reconcile.version_key(p.name))
    (source,) = (newest / "sources").iterdir()
    code, out, err = cli(capsys, str(source), "--version", newest.name[:10] + ".2", "--spec-dir", str(spec))
    assert (code, err) == (0, "") and "nothing written" in out
    _regenerate(spec, tmp_path / "out")
    assert regenerate.compare(tmp_path / "out", ROOT) == []


@pytest.mark.slow
def test_regenerate_prints_what_the_source_changes_then_since_the_release(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import regenerate

    spec = copy_spec(tmp_path)
    out = tmp_path / "out"
    _regenerate(spec, out)
    assert regenerate.main(["--out", str(out), "--spec-dir", str(spec)]) == 0
    printed = capsys.readouterr().out
    assert "change against the previous reconciled spec: NONE\nchange since release" in printed
    doc = twin()
    next(p for p in runs_op(doc)["parameters"] if p["name"] == "searchQuery")["deprecated"] = True
    source = tmp_path / "deprecating.json"
    source.write_text(json.dumps(doc))
    _vendored(spec, source, capsys, "2026-02-01")
    assert regenerate.main(["--out", str(out), "--spec-dir", str(spec)]) == 0
    printed = capsys.readouterr().out
    step = printed.split("change against the previous reconciled spec: ")[1].split("change since release")[0]
    assert step.startswith("MINOR\n") and "minor: parameter `listNotificationRuns.searchQuery` deprecated" in step
    drift = (out / "spec" / "reconciled" / "DRIFT.md").read_text()
    assert "- 2026-02-01: **MINOR**" in drift and "## Change to the public surface since release" in drift


@pytest.mark.slow
def test_regenerate_refuses_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import regenerate

    spec = copy_spec(tmp_path)
    folder = spec / "2026-02-01"
    folder.mkdir()
    doc = openapi_31(twin())
    doc["components"]["schemas"]["NotificationRun"]["properties"]["odd"] = {"type": ["string", "integer"]}
    (folder / "listNotificationRuns.json").write_text(json.dumps(doc))  # written by hand, past vendor_spec
    assert regenerate.main(["--out", str(tmp_path / "out"), "--spec-dir", str(spec)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("regenerate: error: ") and err.count("\n") == 1 and "a type list of more than one" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("op,message", [
    ({"operationId": "listNotificationRuns", "tags": [["Notification Logs"]]}, "'tags' is not a list of names"),
    ({"operationId": "listNotificationRuns", "parameters": {"a": 1}}, "'parameters' is not a list of parameter"),
    ({"operationId": "listNotificationRuns", "responses": []}, "'responses' is not a mapping"),
    ({"operationId": 5}, "its operationId is not a string"),
])
@pytest.mark.parametrize("as_page", [False, True])
def test_an_unreadable_operation_is_refused_in_one_line(op: dict[str, Any], message: str, as_page: bool) -> None:
    text = json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {RUNS: {"get": op}}})
    with pytest.raises(vendor_spec.VendorError, match=re.escape(message)):
        vendor_spec.extract((f"````json title\n{text}\n````\n" if as_page else text).encode())
