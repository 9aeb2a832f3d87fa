"""Regeneration classifies each change of the reconciled spec as major, minor or patch (issue 11, item 6)."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import reconcile
import regenerate
import semver

import cortex_wrapper

ROOT = Path(__file__).resolve().parent.parent
RECONCILED: dict[str, Any] = json.loads((ROOT / "spec" / "reconciled" / "openapi.json").read_text())


def _param(doc: dict[str, Any], op_id: str, name: str) -> dict[str, Any]:
    op = reconcile.operations(doc)[op_id][2]
    return next(p for p in op["parameters"] if p["name"] == name)


def test_the_same_document_is_no_change() -> None:
    result = semver.classify(RECONCILED, copy.deepcopy(RECONCILED))
    assert result.level == "none" and result.reasons == []


def test_a_description_only_change_is_patch() -> None:
    new = copy.deepcopy(RECONCILED)
    _param(new, "listNotificationLogs", "statuses")["description"] = "Reworded."
    result = semver.classify(RECONCILED, new)
    assert result.level == "patch"
    assert result.reasons == [("patch", "descriptions, examples or extensions only")]


def test_an_added_parameter_and_value_are_minor() -> None:
    new = copy.deepcopy(RECONCILED)
    op = reconcile.operations(new)["listNotificationLogs"][2]
    op["parameters"].append({"name": "channelTypes", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}})
    _param(new, "listNotificationLogs", "mediums")["schema"]["items"]["enum"].append("PAGER")
    result = semver.classify(RECONCILED, new)
    assert result.level == "minor"
    assert ("minor", "parameter `listNotificationLogs.channelTypes` added") in result.reasons
    assert ("minor", "enum value `PAGER` added to `listNotificationLogs.mediums`") in result.reasons


def test_several_added_operations_and_parameters_are_listed_in_name_order() -> None:
    """Set differences iterate in an order that varies from one process to the next: DRIFT.md must not."""
    new = copy.deepcopy(RECONCILED)
    template = reconcile.operations(new)["listGitOpsLogs"][2]
    for op_id, path in (("listZebras", "/api/v1/zebras"), ("listAardvarks", "/api/v1/aardvarks"),
                        ("listMongooses", "/api/v1/mongooses")):
        new["paths"][path] = {"get": {**copy.deepcopy(template), "operationId": op_id}}
    op = reconcile.operations(new)["listNotificationLogs"][2]
    for name in ("zFilter", "aFilter", "mFilter"):
        op["parameters"].append({"name": name, "in": "query", "schema": {"type": "string"}})
    reasons = [reason for _, reason in semver.classify(RECONCILED, new).reasons]
    added = [r for r in reasons if r.startswith("operation ")]
    assert added == [f"operation `{op_id}` added" for op_id in ("listAardvarks", "listMongooses", "listZebras")]
    params = [r for r in reasons if r.startswith("parameter `listNotificationLogs.")]
    assert params == [f"parameter `listNotificationLogs.{n}` added" for n in ("aFilter", "mFilter", "zFilter")]


def test_changing_the_type_of_a_field_is_major() -> None:
    new = copy.deepcopy(RECONCILED)
    new["components"]["schemas"]["NotificationLog"]["properties"]["runId"] = {"type": "string"}
    result = semver.classify(RECONCILED, new)
    assert result.level == "major"
    assert ("major", "field `NotificationLog.runId` changed type: integer -> string") in result.reasons


def test_changing_the_type_of_a_parameter_is_major() -> None:
    new = copy.deepcopy(RECONCILED)
    _param(new, "listNotificationRuns", "includeObjects")["schema"] = {"type": "string"}
    result = semver.classify(RECONCILED, new)
    assert result.level == "major"
    assert ("major", "parameter `listNotificationRuns.includeObjects` changed type: boolean -> string") in result.reasons


def test_a_parameter_made_required_and_a_field_made_optional_are_major() -> None:
    new = copy.deepcopy(RECONCILED)
    _param(new, "getAuditLogs", "actions")["required"] = True
    new["components"]["schemas"]["NotificationRun"]["required"].remove("summary")
    result = semver.classify(RECONCILED, new)
    assert ("major", "parameter `getAuditLogs.actions` became required") in result.reasons
    assert ("major", "field `NotificationRun.summary` became optional") in result.reasons


@pytest.mark.slow
def test_removing_a_version_is_major(tmp_path: Path) -> None:
    """Drop a version that alone lists some enum value: that value leaves the union, a major change."""
    versions = reconcile.load_versions(ROOT / "spec")
    drift = reconcile.measure_drift(versions)
    alone: dict[str, set[str]] = {}
    for per_version in drift.enums.values():
        for version, values in per_version.items():
            for value in values or []:
                if [v for v, vs in per_version.items() if vs and value in vs] == [version]:
                    alone.setdefault(version, set()).add(value)
    full = json.loads(regenerate.build_spec(ROOT / "spec").spec_text)
    for version, only_here in sorted(alone.items()):
        spec = tmp_path / version
        shutil.copytree(ROOT / "spec", spec)
        shutil.rmtree(spec / version)
        try:
            fewer = json.loads(regenerate.build_spec(spec).spec_text)
        except reconcile.SpecError:
            continue  # the other versions do not document what a correction needs: not a valid removal
        result = semver.classify(full, fewer)
        assert result.level == "major", (version, result.reasons)
        assert any(reason.startswith(f"enum value `{value}` removed") for _, reason in result.reasons for value in only_here)
        return
    pytest.fail(f"no version could be removed; candidates: {alone}")


def test_regenerate_records_the_classification_in_drift_md() -> None:
    text = (ROOT / "spec" / "reconciled" / "DRIFT.md").read_text()
    released = (ROOT / "spec" / "released" / "VERSION").read_text().strip()
    result = semver.classify(json.loads((ROOT / "spec" / "released" / "openapi.json").read_text()), RECONCILED)
    assert f"## Change to the public surface since release {released}: {result.level.upper()}" in text
    assert "### CHANGELOG draft" in text
    for level, reason in result.reasons:
        assert f"- **{level}**: {reason}" in text


@pytest.mark.parametrize("level", semver.LEVELS)
def test_changelog_draft_has_a_section_per_level_present(level: str) -> None:
    result = semver.Classification()
    if level != "none":
        result.add(level, f"something {level}")
    draft = "\n".join(semver.changelog_draft(result, "0.1.0"))
    if level == "none":
        assert draft == "No change to the API surface since 0.1.0."
    else:
        assert f"- something {level}" in draft and draft.startswith("### ")


def test_a_release_moves_the_baseline_but_keeps_the_deprecated_names_of_their_release(tmp_path: Path) -> None:
    """Releasing copies the reconciled spec to ``spec/released/``: the next change is classified against it, while
    the deprecated enum aliases stay the class names of release ``LEGACY_RELEASE``, not of whichever is the last."""
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec)
    shutil.copy(ROOT / "spec" / "reconciled" / "openapi.json", spec / "released" / "openapi.json")
    (spec / "released" / "VERSION").write_text("9.9.0\n")
    built = regenerate.build_spec(spec)

    def aliases(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.startswith('    "') and '": "' in line]

    committed = aliases((ROOT / "generated" / "cortex_api_client" / "models" / "_aliases.py").read_text())
    assert '"NotificationLogMedium": "Medium",' in committed
    assert aliases(built.aliases) == committed
    assert built.released == "9.9.0" and built.classification.level == "none"


def test_the_package_version_is_the_last_release_with_its_changelog_heading() -> None:
    """A release moves together: ``_version.py`` (which the wheel's metadata reads), ``spec/released/VERSION``
    (the baseline regeneration classifies against) and a dated CHANGELOG heading for it."""
    version = cortex_wrapper.__version__
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version), version
    assert (ROOT / "spec" / "released" / "VERSION").read_text().strip() == version
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(version)}\] - [0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$", changelog, re.M), version
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{version}]")
