"""The sample events of ``docs/samples/``: fresh, few, representative, and valid ECS and OCSF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import samples

from cortex_wrapper.testing._pools import API_KEYS

from ..cli.test_cli_siem import ecs_problems, ocsf_validator
from .recipes import DATASETS, SAMPLES, sample_events

FORMATS = ("ecs", "ocsf")


@pytest.mark.slow
def test_the_samples_are_what_the_script_writes_today(tmp_path: Path) -> None:
    fresh = samples.generate(tmp_path / "fresh")
    assert sorted(path.name for path in fresh) == sorted(f"{d}.{f}.json" for d in DATASETS for f in FORMATS)
    stale = samples.compare(SAMPLES, fresh)
    assert not stale, f"docs/samples/ is stale ({', '.join(stale)}): refresh it with `{samples.REFRESH}`"
    tampered = tmp_path / "tampered"
    shutil.copytree(SAMPLES, tampered)
    path = tampered / "audit.ecs.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"create"', '"created"', 1), encoding="utf-8")
    (tampered / "notification_run.ocsf.json").unlink()
    assert samples.compare(tampered, fresh) == ["audit.ecs.json", "notification_run.ocsf.json"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dataset", DATASETS)
def test_each_sample_file_holds_a_few_events_of_its_dataset(dataset: str, fmt: str) -> None:
    events = sample_events(dataset, fmt)
    assert 5 <= len(events) <= 10
    names = {e["event"]["dataset"] if fmt == "ecs" else e["metadata"]["log_name"] for e in events}
    assert names == {f"cortex.{dataset}"}
    ids = [e["event"]["id"] if fmt == "ecs" else e["metadata"]["uid"] for e in events]
    assert len(set(ids)) == len(ids)
    assert ids == [e["metadata"]["uid"] for e in sample_events(dataset, "ocsf")]  # the same records in both formats


@pytest.mark.slow  # loads ECS's definitions (node) and OCSF's schema once per process
@pytest.mark.parametrize("dataset", DATASETS)
def test_the_ecs_samples_are_ecs_and_the_ocsf_samples_validate(dataset: str) -> None:
    for event in sample_events(dataset, "ecs"):
        assert not ecs_problems(event), ecs_problems(event)
    validator = ocsf_validator("entity_management" if dataset == "audit" else "base_event")
    for event in sample_events(dataset, "ocsf"):
        assert validator.is_valid(event), [error.message for error in validator.iter_errors(event)][:3]


def _records(dataset: str) -> list[dict[str, object]]:
    return [e["cortex"][dataset] for e in sample_events(dataset, "ecs")]  # the record, as the default (drop) keeps it


def test_the_samples_show_what_detection_rules_must_handle() -> None:
    audit, logs, runs = (_records(dataset) for dataset in DATASETS)
    actors = {str(r.get("actorIdentifier")) for r in audit}
    assert actors & set(API_KEYS) and any(a.startswith("pat-") for a in actors) and any("@" in a for a in actors)
    assert {r["action"] for r in audit} >= {"CREATE", "READ", "UPDATE", "DELETE"}
    assert any(samples.unlisted("audit", r) for r in audit)  # an action no doc version lists
    assert any(samples.unlisted("notifications", r) for r in logs) and any(samples.unlisted("runs", r) for r in runs)
    assert {"DELIVERED", "FAILED", "IGNORED"} <= {r["status"] for r in logs}
    assert {"COMPLETED", "FAILED", "COMPLETED_WITH_ERRORS"} <= {r["status"] for r in runs}


def test_the_unknown_value_check_tells_listed_values_from_others() -> None:
    assert not samples.unlisted("notifications", {"status": "FAILED", "medium": "SLACK"})
    assert samples.unlisted("notifications", {"status": "FAILED", "medium": "CARRIER_PIGEON"})
