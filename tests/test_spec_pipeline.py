"""The spec pipeline: vendoring, reconciliation, corrections, drift report, reproducible generation."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import reconcile
import regenerate

from .support.operations import ROOT

SPEC = ROOT / "spec"
RECONCILED = json.loads((SPEC / "reconciled" / "openapi.json").read_text())


def op(operation_id: str) -> dict[str, Any]:
    return reconcile.operations(RECONCILED)[operation_id][2]


def param(operation_id: str, name: str) -> dict[str, Any]:
    return next(p for p in op(operation_id)["parameters"] if p["name"] == name)


def enum_of(schema: dict[str, Any]) -> list[str]:
    holder = reconcile.enum_holder(schema)
    assert holder is not None
    return list(holder["enum"])


@pytest.mark.slow
def test_committed_output_is_fresh() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "regenerate.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the pipeline (about a second of CPU, most of it openapi-python-client), for the tests here that
    each ran their own: never changed, only compared (or copied, to be changed)."""
    out = tmp_path_factory.mktemp("regenerated")
    regenerate.regenerate(out)
    return out


@pytest.mark.slow
def test_stale_generated_fails_the_check(tmp_path: Path, regenerated: Path) -> None:
    for sub in (Path("generated") / regenerate.PACKAGE, Path("spec") / "reconciled"):
        shutil.copytree(regenerated / sub, tmp_path / sub)  # the shared run's output, to change here
    assert regenerate.compare(tmp_path, ROOT) == []
    victim = tmp_path / "generated" / "cortex_api_client" / "models" / "medium.py"
    victim.write_text(victim.read_text().replace("WEBHOOK", "WEBHOOKS"))
    (tmp_path / "generated" / "cortex_api_client" / "models" / "leftover.py").write_text("x = 1\n")
    problems = regenerate.compare(ROOT, tmp_path)
    assert any("differs" in p and "models/medium.py" in p for p in problems)
    assert any("stale extra file" in p and "leftover.py" in p for p in problems)


@pytest.mark.slow
def test_two_runs_are_byte_identical(tmp_path: Path, regenerated: Path) -> None:
    regenerate.regenerate(tmp_path / "b")
    assert regenerate.compare(regenerated, tmp_path / "b") == []


def test_refuses_another_generator_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regenerate, "version", lambda tool: "0.0.1")
    with pytest.raises(SystemExit, match=r"openapi-python-client 0\.29\.1 is pinned but 0\.0\.1 is installed"):
        regenerate.check_tools()


def test_reconciled_spec_holds_the_union_and_the_corrections() -> None:
    runs = op("listNotificationRuns")
    assert "WEBHOOK" in enum_of(param("listNotificationRuns", "mediums")["schema"])
    assert "WEBHOOK" in enum_of(RECONCILED["components"]["schemas"]["NotificationRun"]["properties"]["medium"])
    assert "MISSING_RECIPIENTS" in enum_of(param("listNotificationRuns", "failedReasons")["schema"])
    assert "MISSING_RECIPIENTS" in enum_of(RECONCILED["components"]["schemas"]["NotificationRun"]["properties"]["failedReason"])
    types = enum_of(param("listNotificationRuns", "notificationTypes")["schema"])
    assert {"ONBOARDING_WIZARD_STATE_COMPLETED", "EXPORT_COMPLETED"} <= set(types)
    assert "TOO_MANY_REQUESTS" in enum_of(RECONCILED["components"]["schemas"]["ErrorResponse"]["properties"]["type"])
    assert "READ" in enum_of(param("getAuditLogs", "actions")["schema"])
    assert "READ" in enum_of(RECONCILED["components"]["schemas"]["AuditLogResponse"]["properties"]["action"])
    assert param("listNotificationRuns", "searchQuery")["schema"] == {"type": "string"}
    assert {p["name"] for p in runs["parameters"]} >= {"deliveredOnly", "searchQuery"}
    object_types = param("getAuditLogs", "objectTypes")["schema"]
    assert object_types["type"] == "array" and "enum" not in object_types["items"]
    assert object_types["items"]["x-known-values"] == ["CATALOG", "TEAM", "AWS_CONFIGURATION", "BITBUCKET_CONFIGURATION"]
    request_types = param("getAuditLogs", "actorRequestTypes")["schema"]
    assert request_types["type"] == "array" and "SLACK_COMMAND" in request_types["items"]["enum"]
    assert enum_of(param("listNotificationRuns", "mediums")["schema"])[:4] == ["SLACK", "MICROSOFT_TEAMS", "EMAIL", "WEBHOOK"]


def test_drift_report_names_each_difference_with_its_version() -> None:
    report = (SPEC / "reconciled" / "DRIFT.md").read_text()
    rows = [line for line in report.splitlines() if line.startswith("| `")]
    def row(key: str) -> str:
        return next(r for r in rows if r.startswith(f"| `{key}` |"))
    assert "2025-05" in row("NotificationRun.medium") and "`WEBHOOK`" in row("NotificationRun.medium")
    assert "`MISSING_RECIPIENTS`" in row("listNotificationRuns.failedReasons").split("|")[4]  # removed column
    assert "`EXPORT_COMPLETED`" in row("NotificationRun.notificationType")
    assert "`TOO_MANY_REQUESTS`" in row("ErrorResponse.type")
    assert "`deliveredOnly`" in row("listNotificationRuns") and "`searchQuery`" in row("listNotificationRuns")
    assert "`summary`" in row("NotificationRun")
    corrections = report.split("## Corrections applied")[1]
    for needle in ("objectTypes` is an array", "actorRequestTypes` is an array", "not limited", "added `READ`",
                   "searchQuery"):
        assert needle in corrections


def test_drift_finds_differences_it_was_not_told_about(tmp_path: Path) -> None:
    shutil.copytree(SPEC / "2024-07", tmp_path / "2024-07")
    shutil.copytree(SPEC / "2025-05", tmp_path / "2025-05")
    newer = tmp_path / "2026-01"
    newer.mkdir()
    doc = json.loads((SPEC / "2025-05" / "getAuditLogs.json").read_text())
    actions = next(p for p in doc["paths"]["/api/v1/audit-logs"]["get"]["parameters"] if p["name"] == "actions")
    actions["schema"]["items"]["enum"] = ["CREATE", "UPDATE", "DELETE", "ARCHIVE"]
    (newer / "getAuditLogs.json").write_text(json.dumps(doc))
    versions = reconcile.load_versions(tmp_path)
    drift = reconcile.measure_drift(versions)
    changes = {(k, v): (a, r) for k, v, a, r in drift.changes(drift.enums)}
    assert changes[("getAuditLogs.actions", "2026-01")] == (["ARCHIVE"], ["READ"])
    merged = reconcile.merge_versions(versions)
    assert enum_of(next(p for p in reconcile.operations(merged)["getAuditLogs"][2]["parameters"]
                        if p["name"] == "actions")["schema"]) == ["CREATE", "UPDATE", "DELETE", "ARCHIVE", "READ"]


def test_untyped_parameter_is_refused() -> None:
    doc = {"paths": {"/x": {"get": {"operationId": "x", "parameters": [{"name": "q", "in": "query"}]}}}}
    with pytest.raises(reconcile.SpecError, match=r"x\.q"):
        reconcile.check_typed(doc)


def test_every_generated_module_imports() -> None:
    import cortex_api_client

    names = [m.name for m in pkgutil.walk_packages(cortex_api_client.__path__, "cortex_api_client.")]
    top = {name.split(".")[1] for name in names}
    assert top == {"client_methods", "models", "operations", "records", "types"}  # no request layer (api/, client.py, errors.py)
    from cortex_api_client.operations import ENUM_SITES, OPERATIONS

    classes = {entry.class_name for entry in ENUM_SITES.values() if entry.class_name} | {op.model.__name__ for op in OPERATIONS}
    modules = {n.rsplit(".", 1)[1] for n in names if n.startswith("cortex_api_client.models.")}
    assert {re.sub(r"(?<!^)(?=[A-Z])", "_", c).lower() for c in classes} <= modules  # one module per class
    assert "medium" in modules and "notification_log_medium" not in modules  # one class per concept
    for name in names:
        importlib.import_module(name)


@pytest.mark.slow
def test_import_parses_no_spec_file_and_loads_no_request_layer() -> None:
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == 'open' else None)\n"
        "import cortex_wrapper\n"
        "print([path for path in opened if path.endswith('.json')])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in (['cortex_api_client', 'api'],"
        " ['cortex_api_client', 'client'])))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "[]"]


def test_older_version_is_a_faithful_partial_transcription() -> None:
    doc = json.loads((SPEC / "2024-07" / "listNotificationRuns.json").read_text())
    assert list(reconcile.operations(doc)) == ["listNotificationRuns"]
    names = [p["name"] for p in reconcile.operations(doc)["listNotificationRuns"][2]["parameters"]]
    assert "searchQuery" in names and "deliveredOnly" not in names
    assert "summary" not in doc["components"]["schemas"]["NotificationRun"]["properties"]
    source = (SPEC / "2024-07" / "sources" / "notification-runs.rendered.txt").read_text()
    for values in reconcile.enum_sites(doc).values():
        for value in values["enum"]:
            assert str(value) in source

