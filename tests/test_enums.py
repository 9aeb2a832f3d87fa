"""Enum drift at runtime: unknown values parse, keep their raw value, warn once; the drift module."""

from __future__ import annotations

import enum
import hashlib
import warnings
from pathlib import Path

import attrs
import pytest
import reconcile
from cortex_api_client.models import (
    AuditAction,
    Medium,
    NotificationRun,
    NotificationRunFailedReason,
    NotificationRunStatus,
)

from cortex_wrapper import SPEC_SHA256, SPEC_VERSIONS, UnknownEnumValueWarning, drift

from .support.api import Harness, ScriptedFake, audit_record, gitops_record, log_record, run_record

ROOT = Path(__file__).resolve().parent.parent

UNKNOWN = "NEVER_LISTED_VALUE"
ENUM_FIELDS = {
    "audit_logs": (audit_record, ["action"]),
    "notification_logs": (log_record, ["failedReason", "ignoredReason", "medium", "recipientType", "status", "type"]),
    "notification_runs": (run_record, ["failedReason", "ignoredReason", "medium", "notificationType", "status"]),
}


@pytest.mark.parametrize("operation", list(ENUM_FIELDS))
def test_unknown_values_in_every_enum_field_parse_keep_raw_and_warn_once(harness: Harness, operation: str) -> None:
    make, fields = ENUM_FIELDS[operation]
    records = [make(i, **{f: f"{UNKNOWN}_{f.upper()}" for f in fields}) for i in range(3)]
    api = ScriptedFake(operation, records)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        items = harness.items(harness.client(api), operation)
    assert len(items) == 3
    unknown = [w for w in caught if issubclass(w.category, UnknownEnumValueWarning)]
    assert len(unknown) == len(fields)  # once per (enum, value), not once per record
    for item in items:
        raw = item.to_dict()
        for field in fields:
            attr = next(a.name for a in attrs.fields(type(item)) if raw.get(field) is not None and
                        getattr(item, a.name) == raw[field] and isinstance(getattr(item, a.name), enum.Enum))
            value = getattr(item, attr)
            assert value.is_unknown and value == f"{UNKNOWN}_{field.upper()}"
            assert raw[field] == f"{UNKNOWN}_{field.upper()}"


def test_unknown_values_inside_nested_objects(harness: Harness) -> None:
    record = run_record(1, notificationObjects=[{"id": 1, "name": "x", "type": "DASHBOARD"}])
    api = ScriptedFake("notification_runs", [record])
    with pytest.warns(UnknownEnumValueWarning, match="DASHBOARD"):
        [run] = harness.items(harness.client(api), "notification_runs", include_objects=True)
    assert run.notification_objects[0].type_.is_unknown


def test_generated_model_round_trips_unknown_values() -> None:
    data = {"deliveredCount": 0, "id": 1, "medium": "CARRIER_PIGEON", "notificationType": "WEEKLY_REPORT",
            "seqNo": 0, "status": "EXPLODED", "summary": "s", "failedReason": "COSMIC_RAY"}
    run = NotificationRun.from_dict(data)
    assert isinstance(run.medium, Medium) and run.medium.is_unknown and run.medium == "CARRIER_PIGEON"
    assert isinstance(run.status, NotificationRunStatus) and run.status.is_unknown and run.status == "EXPLODED"
    assert isinstance(run.failed_reason, NotificationRunFailedReason) and run.failed_reason == "COSMIC_RAY"
    assert run.failed_reason.is_unknown
    assert run.to_dict() == data
    assert not Medium("SLACK").is_unknown
    assert Medium("SLACK") is Medium.SLACK
    assert "CARRIER_PIGEON" not in [m.value for m in Medium]
    with pytest.raises(ValueError):
        Medium(42)  # type: ignore[arg-type]


def _listing(site: str, value: str) -> tuple[str, ...]:
    """The vendored versions whose documents list ``value`` at ``site``, read from spec/ directly."""
    versions = reconcile.load_versions(ROOT / "spec")
    return tuple(v.name for v in versions if value in reconcile.enum_sites(v.combined).get(site, {}).get("enum", []))


def test_drift_module_answers() -> None:
    folders = sorted(p.name for p in (ROOT / "spec").iterdir() if reconcile.VERSION_RE.match(p.name))
    assert tuple(folders) == SPEC_VERSIONS
    assert hashlib.sha256((ROOT / "spec" / "reconciled" / "openapi.json").read_bytes()).hexdigest() == SPEC_SHA256
    assert drift.listed_in("NotificationRun.failedReason", "MISSING_RECIPIENTS") == _listing(
        "NotificationRun.failedReason", "MISSING_RECIPIENTS")
    assert "2024-07" in drift.listed_in("NotificationRun.failedReason", "MISSING_RECIPIENTS")
    assert drift.listed_in("NotificationRun.medium", "WEBHOOK") == _listing("NotificationRun.medium", "WEBHOOK")
    assert "2024-07" not in drift.listed_in("NotificationRun.medium", "WEBHOOK")
    assert drift.listed_in("NotificationRun.medium", "SLACK") == _listing("NotificationRun.medium", "SLACK")
    assert drift.listed_in("NotificationRun.medium", "SLACK")[:2] == ("2024-07", "2025-05")
    assert drift.is_known(NotificationRunFailedReason, "MISSING_RECIPIENTS")
    assert not drift.is_known("NotificationRun.medium", "CARRIER_PIGEON")
    assert drift.values(AuditAction)[-1] == "READ"
    assert drift.listed_in(AuditAction, "READ") == ()  # added by a correction
    assert drift.is_open("getAuditLogs.objectTypes")
    assert "WEBHOOK" in drift.values("listNotificationLogs.mediums")
    assert drift.values("NotificationRun.medium")[:3] == ("SLACK", "MICROSOFT_TEAMS", "EMAIL")
    assert drift.enum_class("NotificationRun.medium") is Medium
    assert any(c["name"].startswith("`getAuditLogs.objectTypes`") for c in drift.report()["corrections"])
    with pytest.raises(KeyError):
        drift.values("Nope.nothing")


def test_every_generated_enum_class_maps_to_a_site() -> None:
    import cortex_api_client.models as models

    classes = [c for c in vars(models).values() if isinstance(c, type) and issubclass(c, enum.Enum)]
    assert classes
    for cls in classes:
        site = drift.site_of(cls)
        assert set(drift.values(cls)) == {m.value for m in cls}, site



@pytest.mark.parametrize(("old", "new"), [("NotificationLogMedium", "Medium"), ("ListNotificationRunsMediumsItem", "Medium"),
                                          ("AuditLogResponseAction", "AuditAction"),
                                          ("ListNotificationLogsStatusesItem", "NotificationStatus")])
def test_release_0_1_names_stay_importable_with_a_deprecation_warning(old: str, new: str) -> None:
    import cortex_api_client.models as models

    with pytest.warns(DeprecationWarning, match=f"{old} is deprecated: use {new}"):
        cls = getattr(models, old)
    assert cls is getattr(models, new)


def test_one_class_serves_a_concepts_field_and_filter(harness: Harness) -> None:
    from cortex_api_client.models import Medium

    api = ScriptedFake("notification_runs", [run_record(1)])
    [run] = harness.items(harness.client(api), "notification_runs", mediums=[Medium.EMAIL])
    assert type(run.medium) is Medium and run.medium is Medium.EMAIL
    assert api.requests[0].url.params["mediums"] == "EMAIL"


GITOPS_OPERATION_SITES = ("GitOpsLogEntityChange.operation", "GitOpsLogScorecardChange.operation",
                          "GitOpsLogWorkflowChange.operation", "listGitOpsLogs.operation")


def test_one_class_serves_every_gitops_change_operation_and_the_filter(harness: Harness) -> None:
    from cortex_api_client.models import GitOpsOperation

    assert {drift.enum_class(site) for site in GITOPS_OPERATION_SITES} == {GitOpsOperation}
    changes = {"entity": {"name": "svc", "operation": "ARCHIVED", "tag": "svc", "type": "service"},
               "scorecard": {"name": "sc", "operation": "CREATED", "tag": "sc"},
               "workflow": {"name": "wf", "operation": "NO_CHANGE", "tag": "wf"}}
    files = [{"fileName": f"{kind}.yaml", "isPackageFile": False, kind: change} for kind, change in changes.items()]
    api = ScriptedFake("git_ops_logs", [gitops_record(1, files=files)])
    [log] = harness.items(harness.client(api), "git_ops_logs", operation=GitOpsOperation.ARCHIVED)
    parsed = [log.files[0].entity.operation, log.files[1].scorecard.operation, log.files[2].workflow.operation]
    assert [type(value) for value in parsed] == [GitOpsOperation] * 3
    assert parsed == [GitOpsOperation.ARCHIVED, GitOpsOperation.CREATED, GitOpsOperation.NO_CHANGE]
    assert api.requests[0].url.params["operation"] == "ARCHIVED"
