"""DRIFT.md names every difference between the two publications, with its version (issue 11, acceptance).

The differences are those the cortex-mcp sources' README lists (copied here: nothing reads ../shared),
plus what it leaves out and the pipeline found.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DRIFT = (ROOT / "spec" / "reconciled" / "DRIFT.md").read_text()


def rows(section: str) -> list[list[str]]:
    """The table rows of a section, as cells."""
    text = DRIFT.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines()
            if line.startswith("| `")]


def row(section: str, key: str, version: str) -> list[str]:
    found = [cells for cells in rows(section) if cells[0] == f"`{key}`" and cells[1] == version]
    assert len(found) == 1, f"no single row for {key} {version} in {section}"
    return found[0]


@pytest.mark.parametrize("site", ["NotificationLog.failedReason", "listNotificationLogs.failedReasons"])
def test_unexpected_error_appears_in_2025_07_and_is_gone_in_2026_01(site: str) -> None:
    assert "`UNEXPECTED_ERROR`" in row("Enums", site, "2025-07-21")[2]
    assert "`UNEXPECTED_ERROR`" in row("Enums", site, "2026-01-08")[3]


@pytest.mark.parametrize("site", ["NotificationLog.ignoredReason", "listNotificationLogs.ignoredReasons"])
def test_team_member_and_scorecard_disabled_come_and_go(site: str) -> None:
    added, removed = row("Enums", site, "2025-07-21")[2], row("Enums", site, "2026-01-08")[3]
    assert "`TEAM_MEMBER_DISABLED`" in added and "`SCORECARD_DISABLED`" in added
    assert "`TEAM_MEMBER_DISABLED`" in removed and "`SCORECARD_DISABLED`" in removed


def test_export_completed_and_too_many_requests_are_in_none_of_the_three() -> None:
    for site in ("NotificationLog.type", "NotificationRun.notificationType", "listNotificationLogs.notificationTypes",
                 "listNotificationRuns.notificationTypes"):
        assert "`EXPORT_COMPLETED`" in row("Enums", site, "2025-07-21")[3]
        assert not any("EXPORT_COMPLETED" in cells[2] for cells in rows("Enums")  # nor the next two cortex-mcp
                       if cells[0] == f"`{site}`" and cells[1] in ("2025-09-26", "2026-01-08"))
    assert "`TOO_MANY_REQUESTS`" in row("Enums", "ErrorResponse.type", "2025-07-21")[3]


def test_search_query_loses_its_schema_in_2026_01_and_delivered_only_comes_and_goes() -> None:
    changes = row("Other changes", "listNotificationRuns", "2026-01-08")[2]
    assert "`parameters[searchQuery].schema` removed" in changes
    assert row("Parameters", "listNotificationRuns", "2025-07-21")[3] == "`deliveredOnly`"
    assert row("Parameters", "listNotificationRuns", "2026-01-08")[2] == "`deliveredOnly`"
    assert "`searchQuery` (string)" in DRIFT  # and a declared correction gives it its schema back


def test_get_audit_logs_changes_only_by_the_mcp_extension() -> None:
    assert row("Other changes", "getAuditLogs", "2025-07-21")[2] == "`x-cortex-mcp-enabled` added"
    assert not [cells for cells in rows("Enums") + rows("Parameters") if cells[0].startswith("`getAuditLogs")
                and cells[1] >= "2025-07-21"]


def test_2025_09_differs_from_2025_07_only_in_descriptions() -> None:
    assert re.search(r"only changes are of this kind \(descriptions, examples, extensions\): [^\n]*2025-09-26", DRIFT)
    assert not [cells for section in ("Enums", "Parameters", "Response fields") for cells in rows(section)
                if cells[1] == "2025-09-26"]


def test_what_the_readme_leaves_out_is_reported_too() -> None:
    """Whichever version first lists (or drops) the value: a version vendored in between may be the one."""
    def versions(site: str, value: str, column: int) -> list[str]:
        return [cells[1] for cells in rows("Enums") if cells[0] == f"`{site}`" and f"`{value}`" in cells[column]]

    assert versions("NotificationRun.failedReason", "MISSING_RECIPIENTS", 3)
    assert versions("NotificationLog.type", "ONBOARDING_WIZARD_STATE_COMPLETED", 2)
    assert all(v > "2025-05" for v in versions("NotificationLog.type", "ONBOARDING_WIZARD_STATE_COMPLETED", 2))


def test_the_classification_of_the_last_regeneration_is_recorded() -> None:
    assert re.search(r"## Change to the public surface since release [0-9.]+: (NONE|PATCH|MINOR|MAJOR)", DRIFT)
