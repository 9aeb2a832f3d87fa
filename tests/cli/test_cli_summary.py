"""cortex-logs summary: delivery health numbers checked against the fake's records, as JSON and as a table."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pytest
from cli_support import connection, server_records

from cortex_wrapper.testing import FakeCortex

WINDOW = ("--since", "2026-04-01", "--until", "2026-05-20T12:00:00")
WIRE_WINDOW = {"fromDate": "2026-04-01T00:00:00", "untilDate": "2026-05-20T12:00:00"}


def top(counter: Counter[str], n: int) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def recipient(log: dict[str, Any]) -> str | None:
    if "recipientEmail" in log:
        return str(log["recipientEmail"])
    if "recipientUserId" in log:
        return f"user {log['recipientUserId']}"
    if "recipientEntityId" in log:
        return f"entity {log['recipientEntityId']}"
    return None


def test_summary_json_matches_the_records(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "summary", *WINDOW, "--format", "json", "--top", "3")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    logs = server_records(fake, "notifications", **WIRE_WINDOW)
    runs = server_records(fake, "runs", deliveredOnly="false", **WIRE_WINDOW)
    failed = [log for log in logs if log["status"] == "FAILED"]
    assert failed, "the window has failures"
    section = summary["notification_logs"]
    assert summary["window"] == {"since": "2026-04-01T00:00:00+00:00", "until": "2026-05-20T12:00:00+00:00"}
    assert section["total"] == len(logs)
    assert section["failed"] == len(failed)
    assert section["by_status"] == top(Counter(log["status"] for log in logs), 99)
    assert section["by_medium"] == top(Counter(log["medium"] for log in logs), 99)
    assert section["failed_reasons"] == top(Counter(log.get("failedReason", "(none given)") for log in failed), 99)
    assert section["ignored_reasons"] == top(Counter(log["ignoredReason"] for log in logs if "ignoredReason" in log), 99)
    channels = Counter(log["recipientChannel"] for log in failed if "recipientChannel" in log)
    assert section["top_failing_channels"] == top(channels, 3)
    assert section["top_failing_recipients"] == top(Counter(filter(None, map(recipient, failed))), 3)
    rates = {row["type"]: row for row in section["failure_rate_by_type"]}
    by_type = Counter(log["type"] for log in logs)
    failed_by_type = Counter(log["type"] for log in failed)
    assert set(rates) == set(by_type)
    for kind, row in rates.items():
        assert (row["total"], row["failed"]) == (by_type[kind], failed_by_type[kind])
        assert row["failure_rate"] == round(failed_by_type[kind] / by_type[kind], 4)
    ordered = [row["failure_rate"] for row in section["failure_rate_by_type"]]
    assert ordered == sorted(ordered, reverse=True)
    run_section = summary["notification_runs"]
    assert run_section["total"] == len(runs)
    assert run_section["by_status"] == top(Counter(run["status"] for run in runs), 99)
    assert run_section["delivered_notifications"] == sum(run["deliveredCount"] for run in runs)


def test_summary_sends_the_same_window_to_logs_and_runs(cli: Any, fake: FakeCortex) -> None:
    assert cli(*connection(fake), "summary", *WINDOW, "--format", "json").code == 0
    windows = {(r.params("fromDate")[0], r.params("untilDate")[0]) for r in fake.requests}
    assert windows == {(WIRE_WINDOW["fromDate"], WIRE_WINDOW["untilDate"])}
    runs = [r for r in fake.requests if r.operation == "notification_runs"]
    assert runs and all(r.params("deliveredOnly") == ["false"] for r in runs)


def test_summary_table(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "summary", *WINDOW)
    assert result.code == 0
    for title in ("Logs by status", "Logs by medium", "Failed reasons", "Ignored reasons", "Top failing channels",
                  "Top failing recipients", "Failure rate by notification type", "Runs by status"):
        assert f"\n{title}\n" in result.out
    section = result.out.split("\nLogs by status\n")[1].split("\n\n")[0].splitlines()
    assert section[0].split() == ["STATUS", "COUNT", "SHARE"]
    assert all(line.endswith("%") for line in section[2:])


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_summary_default_window_is_seven_days(cli: Any, fake: FakeCortex, fmt: str) -> None:
    result = cli(*connection(fake), "summary", "--format", fmt)
    assert result.code == 0
    first = fake.requests[0]
    since, until = first.params("fromDate")[0], first.params("untilDate")[0]
    span = dt.datetime.fromisoformat(until) - dt.datetime.fromisoformat(since)
    assert span == dt.timedelta(days=7)
