"""A spec change that only adds needs no edit by hand anywhere (issue 11, acceptance).

A newer notification-logs page adds a query parameter, an enum value and a response field, and drops
a value from one filter. It is vendored into a throwaway copy of the repository, which is regenerated;
then the client, the CLI and FakeCortex of that copy run against it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "spec" / "2025-05" / "sources" / "notification-logs.md"
NEW_PARAM = "recipientTeamTags"  # plural filter ...
NEW_FIELD = "recipientTeamTag"  # ... of a new singular record field
NEW_MEDIUM = "SMS"
DROPPED_STATUS = "READY"
FENCE = re.compile(r"```json[ \t]*\n(.*?)\n```", re.DOTALL)

CHECK = f'''
import json, sys, warnings
from cortex_wrapper import CortexClient, DeprecatedEnumValueWarning, UnknownEnumValueWarning
from cortex_wrapper.testing import FakeCortex
import cortex_wrapper, cortex_api_client
assert cortex_wrapper.__file__.startswith(sys.argv[1]), cortex_wrapper.__file__
assert cortex_api_client.__file__.startswith(sys.argv[1]), cortex_api_client.__file__

logs = [
    {{"id": 1, "runId": 7, "medium": "{NEW_MEDIUM}", "recipientType": "TEAM", "status": "FAILED",
      "type": "WEEKLY_REPORT", "dateCreated": "2026-11-01T10:00:00Z", "{NEW_FIELD}": "payments"}},
    {{"id": 2, "runId": 7, "medium": "SLACK", "recipientType": "TEAM", "status": "FAILED",
      "type": "WEEKLY_REPORT", "dateCreated": "2026-11-01T10:00:01Z", "{NEW_FIELD}": "search"}},
]
out = {{}}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with FakeCortex(notification_logs=logs) as fake, CortexClient(fake.token, fake.url) as client:
        records = list(client.notification_logs(recipient_team_tags=["payments"], mediums=["{NEW_MEDIUM}"]))
        out["sent"] = fake.requests[-1].params("{NEW_PARAM}")
        out["statuses"] = [r.status for r in fake.requests]
        out["ids"] = [r.id for r in records]
        out["field"] = records[0].recipient_team_tag
        out["medium_unknown"] = records[0].medium.is_unknown
        list(client.audit_logs(actions=["DELETE"], max_pages=1))
        out["audit_warnings"] = [str(w.message) for w in caught if issubclass(w.category, DeprecatedEnumValueWarning)]
        caught.clear()
        list(client.notification_logs(statuses=["{DROPPED_STATUS}"], max_pages=1))
        out["dropped_warnings"] = [str(w.message) for w in caught if issubclass(w.category, DeprecatedEnumValueWarning)]
    out["unknown_warnings"] = [str(w.message) for w in caught if issubclass(w.category, UnknownEnumValueWarning)]
import typing
from cortex_api_client.models import NotificationLog
out["field_type"] = str(typing.get_type_hints(NotificationLog)["recipient_team_tag"])
print(json.dumps(out))
'''


def newer_page() -> str:
    """The 2025-05 notification-logs page, changed as a newer doc release might change it."""
    text = PAGE.read_text(encoding="utf-8")

    def change(found: re.Match[str]) -> str:
        doc = json.loads(found.group(1))
        schemas = doc["components"]["schemas"]
        for path_item in doc["paths"].values():
            op = path_item["get"]
            if op["operationId"] != "listNotificationLogs":
                continue
            op["parameters"].append({"name": NEW_PARAM, "in": "query", "required": False,
                                     "description": "The team tags of the recipients.",
                                     "schema": {"type": "array", "items": {"type": "string"}}})
            for param in op["parameters"]:
                if param["name"] == "mediums":
                    param["schema"]["items"]["enum"].append(NEW_MEDIUM)
                if param["name"] == "statuses":
                    param["schema"]["items"]["enum"].remove(DROPPED_STATUS)
            log = schemas["NotificationLog"]["properties"]
            log[NEW_FIELD] = {"type": "string", "description": "The team tag of the recipient."}
            log["medium"]["enum"].append(NEW_MEDIUM)
        return "```json\n" + json.dumps(doc) + "\n```"

    return FENCE.sub(change, text)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repo") / "cortex-wrapper"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".venv-*", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "dist", "build"))
    page = root.parent / "notification-logs.md"
    page.write_text(newer_page(), encoding="utf-8")
    run([sys.executable, "scripts/vendor_spec.py", str(page), "--version", "2099-01", "--url", "https://example.invalid"],
        root)
    run([sys.executable, "scripts/regenerate.py"], root)
    return root


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


def environment(root: Path) -> dict[str, str]:
    """The copy's packages ahead of this checkout's editable install."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "generated")]),
            "CORTEX_API_TOKEN": "unused-token-for-help"}


@pytest.mark.slow
def test_the_copy_was_edited_by_the_pipeline_only(copy: Path) -> None:
    changed = [p.relative_to(copy) for p in copy.rglob("*") if p.is_file() and "__pycache__" not in p.parts
               and (ROOT / p.relative_to(copy)).exists() and (ROOT / p.relative_to(copy)).read_bytes() != p.read_bytes()]
    hand_written = [p for p in changed if p.parts[0] in ("cortex_wrapper", "tests", "scripts", "benchmarks")]
    assert hand_written == []
    assert {p.parts[0] for p in changed} <= {"generated", "spec", "deploy"}
    # deploy/: only the Elasticsearch template's cortex.* mappings, which follow the record fields (es_template.py)
    assert [p for p in changed if p.parts[0] == "deploy"] in ([], [Path("deploy/elasticsearch/cortex@mappings.json")])
    assert (copy / "spec" / "2099-01" / "listNotificationLogs.json").exists()


@pytest.mark.slow
def test_client_and_fake_of_the_regenerated_copy(copy: Path) -> None:
    out = json.loads(run([sys.executable, "-c", CHECK, str(copy)], copy, environment(copy)).strip().splitlines()[-1])
    assert out["sent"] == ["payments"]  # the new parameter goes on the wire ...
    assert out["statuses"][0] == 200  # ... and FakeCortex accepts it
    assert out["ids"] == [1]  # ... and filters on the new field it names
    assert out["field"] == "payments" and "str" in out["field_type"]  # the new field is a typed attribute
    assert out["medium_unknown"] is False and out["unknown_warnings"] == []  # the new value is known
    assert out["audit_warnings"] == []  # the other operation family's values are not deprecated
    assert len(out["dropped_warnings"]) == 1 and "'READY'" in out["dropped_warnings"][0]
    assert "2099-01" in out["dropped_warnings"][0]


@pytest.mark.slow
def test_cli_of_the_regenerated_copy_has_the_new_option(copy: Path) -> None:
    text = run([sys.executable, "-m", "cortex_wrapper.cli", "notifications", "--help"], copy, environment(copy))
    assert "--recipient-team-tag" in text and NEW_PARAM in text
    assert NEW_MEDIUM in text  # the --medium choices


@pytest.mark.slow
def test_drift_md_of_the_copy_classifies_the_change_as_minor(copy: Path) -> None:
    text = (copy / "spec" / "reconciled" / "DRIFT.md").read_text()
    # READY stays in the union (older versions list it): the change only adds, so it is minor
    assert re.search(r"## Change to the public surface since release [0-9.]+: MINOR", text)
    assert f"parameter `listNotificationLogs.{NEW_PARAM}` added" in text
    assert f"field `NotificationLog.{NEW_FIELD}` added" in text
    assert f"`{NEW_MEDIUM}`" in text
