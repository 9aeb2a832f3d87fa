"""The served operations are configured in one place (pyproject.toml), and regeneration follows the list."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import reconcile
import regenerate
import vendor_spec

from .support.operations import ROOT

GITOPS = ("get", "/api/v1/gitops-logs")
CORTEX_MCP_VERSIONS = ("2025-07-21", "2025-09-26", "2026-01-08")  # committed versions whose kept document has it


def test_the_list_in_pyproject_is_what_vendoring_serves() -> None:
    assert vendor_spec.served_operations(ROOT / "pyproject.toml") == vendor_spec.SERVED
    assert list(vendor_spec.SERVED) == ["getAuditLogs", "listNotificationLogs", "listNotificationRuns", "listGitOpsLogs"]
    assert vendor_spec.SERVED["listGitOpsLogs"] == GITOPS
    assert vendor_spec.SERVED["listNotificationRuns"] == ("get", "/api/v1/notifications/logs/run")


@pytest.mark.parametrize("entry", ["getAuditLogs", "getAuditLogs GET", "getAuditLogs FETCH /x", "getAuditLogs GET x"])
def test_a_malformed_entry_is_refused_in_one_line(tmp_path: Path, entry: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[tool.cortex-wrapper]\noperations = ["{entry}"]\n')
    with pytest.raises(SystemExit, match="is not 'operationId METHOD /path'"):
        vendor_spec.served_operations(pyproject)


def _holders(spec: Path, needle: bytes) -> list[tuple[str, str]]:
    """The (version, kept source) pairs whose original holds ``needle``, in version order."""
    found = []
    for manifest in sorted(spec.glob("*/SOURCES.json"), key=lambda p: reconcile.version_key(p.parent.name)):
        for key in sorted(json.loads(manifest.read_text())):
            raw = (manifest.parent / key).read_bytes()
            if needle in (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw):
                found.append((manifest.parent.name, key))
    return found


def _serving(monkeypatch: pytest.MonkeyPatch, served: dict[str, tuple[str, str]]) -> None:
    monkeypatch.setattr(vendor_spec, "SERVED", served)
    monkeypatch.setattr(vendor_spec, "SERVED_OPERATIONS", tuple(served))


@pytest.mark.slow  # extracts from three full documents (about a megabyte each), twice
def test_an_operation_added_to_the_list_is_extracted_from_the_kept_originals(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec)
    assert vendor_spec.refresh(spec, write=False) == []  # the committed folders are what the list serves
    holders = _holders(spec, b'"operationId": "listGitOpsLogs"')
    assert set(CORTEX_MCP_VERSIONS) <= {version for version, _ in holders}  # whatever else a copy has vendored

    # listGitOpsLogs is served (the list's fourth line): without its line, its files go, and with it they come back
    _serving(monkeypatch, {op: place for op, place in vendor_spec.SERVED.items() if op != "listGitOpsLogs"})
    assert vendor_spec.refresh(spec) == [f"{version}: listGitOpsLogs removed (no longer served)"
                                         for version, _ in holders]
    assert not list(spec.glob("*/listGitOpsLogs.json"))
    assert regenerate.main(["--check", "--spec-dir", str(spec)]) == 1  # the generated table still serves it

    _serving(monkeypatch, {**vendor_spec.SERVED, "listGitOpsLogs": GITOPS})
    pending = vendor_spec.refresh(spec, write=False)
    assert pending == [f"{version}: listGitOpsLogs extracted from {key}" for version, key in holders]
    assert not (spec / "2026-01-08" / "listGitOpsLogs.json").exists(), "write=False writes nothing"
    assert vendor_spec.refresh(spec) == pending
    for version in CORTEX_MCP_VERSIONS:  # the committed documents that hold it, at least
        doc = json.loads((spec / version / "listGitOpsLogs.json").read_text())
        assert list(doc["paths"]) == ["/api/v1/gitops-logs"]
        entry = next(iter(json.loads((spec / version / "SOURCES.json").read_text()).values()))
        assert "listGitOpsLogs" in entry["operations"] and entry["lacks"] == []
    assert vendor_spec.refresh(spec, write=False) == []
    assert vendor_spec.verify(spec)[0] == [], "what refresh wrote is what --verify reproduces"
    for name in ("2026-01-08/SOURCES.json", "2026-01-08/listGitOpsLogs.json", "2026-01-08/getAuditLogs.json"):
        assert (spec / name).read_bytes() == (ROOT / "spec" / name).read_bytes(), "back as committed"
