"""--sandbox: the built-in FakeCortex, no token, data up to now that never changes once served."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from cortex_wrapper.cli import _sandbox
from cortex_wrapper.cli._sandbox import AUDIT_LOG_COUNT, NOTIFICATION_LOG_COUNT

from ..support.cli import PATHS
from ..support.operations import ROOT


@pytest.mark.slow
def test_sandbox_audit_table_from_the_console_entry_without_a_token() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CORTEX_API_TOKEN", "CORTEX_API_KEY")}
    done = subprocess.run([sys.executable, "-m", "cortex_wrapper.cli", "--sandbox", "audit", "--since", "30d",
                           "--format", "table"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["timestamp", "action"]
    rows = lines[2:]
    assert 0.2 * AUDIT_LOG_COUNT < len(rows) < 0.5 * AUDIT_LOG_COUNT, "about a third of 90 days of data"
    newest = dt.datetime.strptime(rows[0][:20], "%Y-%m-%d %H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert dt.datetime.now(dt.UTC) - newest < dt.timedelta(days=2), "the data is anchored to now"


@pytest.mark.slow
def test_sandbox_summary_and_exports(cli: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("CORTEX_API_TOKEN")
    result = cli("--sandbox", "summary", "--format", "json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["notification_logs"]["total"] > 100 and summary["notification_runs"]["total"] > 10
    runs = cli("--sandbox", "--quiet", "runs", "--since", "7d", "--status", "COMPLETED", "--format", "csv")
    assert runs.code == 0 and len(runs.out.splitlines()) > 10 and runs.err == ""


def test_sandbox_refuses_a_base_url(cli: Any) -> None:
    result = cli("--sandbox", "--base-url", "https://api.getcortexapp.com", "audit")
    assert result.code == 2 and "--sandbox serves its own data" in result.err


# -- the sandbox's clock: what it served stays served, as it was ------------------------------------------------

T0 = dt.datetime(2026, 6, 1, 21, 0, 0, 250_000, tzinfo=dt.UTC).timestamp()
SINCE = "2026-05-25"
EXTRA = {"audit": (), "notifications": (), "runs": ("--no-delivered-only",)}
TIME_FIELD = {"audit": "timestamp", "notifications": "dateCreated", "runs": "dateCreated"}


class Clock:
    """A wall clock (Unix time) that moves only when a test moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The sandbox's wall clock, at ``T0``."""
    fake_clock = Clock(T0)
    monkeypatch.setattr(_sandbox, "wall_clock", fake_clock)
    return fake_clock


def checkpoint_run(cli: Any, command: str, directory: Path) -> list[str]:
    """One ``--checkpoint`` run of ``command`` against the sandbox; the output's lines after it."""
    output = directory / f"{command}.jsonl"
    result = cli("--sandbox", "--quiet", command, *EXTRA[command], "--since", SINCE, "--format", "jsonl",
                 "--checkpoint", str(directory / f"{command}.ckpt"), "--output", str(output))
    assert result.code == 0, result.err
    return output.read_text().splitlines()


def seconds(text: object) -> float:
    assert isinstance(text, str)
    return dt.datetime.fromisoformat(text).timestamp()


def stamp(line: str, command: str) -> float:
    return seconds(json.loads(line)[TIME_FIELD[command]])


@pytest.mark.parametrize("command", EXTRA)
@pytest.mark.slow
def test_a_checkpoint_run_a_second_later_exports_nothing(cli: Any, clock: Clock, tmp_path: Path, command: str) -> None:
    first = checkpoint_run(cli, command, tmp_path)
    assert len(first) > 20
    clock.now += 1.0
    second = checkpoint_run(cli, command, tmp_path)
    assert len(second) - len(first) == 0, f"exported again: {second[len(first):]}"
    assert second == first


@pytest.mark.parametrize("command", EXTRA)
@pytest.mark.slow
def test_past_records_are_the_same_a_second_later(cli: Any, clock: Clock, command: str) -> None:
    argv = ("--sandbox", "--quiet", command, *EXTRA[command], "--since", SINCE, "--until", "2026-06-01T20:00:00Z",
            "--format", "jsonl")
    first = cli(*argv)
    clock.now += 1.0
    second = cli(*argv)
    assert first.code == 0 and second.code == 0, first.err + second.err
    assert len(first.out.splitlines()) > 20
    assert second.out == first.out


@pytest.mark.parametrize("command", EXTRA)
@pytest.mark.slow
def test_records_that_arrive_later_are_exported_once(cli: Any, clock: Clock, tmp_path: Path, command: str) -> None:
    first = checkpoint_run(cli, command, tmp_path)
    assert first and all(stamp(line, command) <= T0 for line in first)
    clock.now = T0 + 6 * 3600  # past midnight UTC: a daily (or hourly) re-anchoring would show
    second = checkpoint_run(cli, command, tmp_path)
    assert second[: len(first)] == first
    arrived = second[len(first) :]
    assert len(arrived) >= 2, "runs come about every 2 hours, notifications and audit entries more often"
    assert all(T0 < stamp(line, command) <= clock.now for line in arrived)
    assert len(set(second)) == len(second)
    fresh = cli("--sandbox", "--quiet", command, *EXTRA[command], "--since", SINCE, "--format", "jsonl")
    assert fresh.code == 0, fresh.err
    assert sorted(fresh.out.splitlines()) == sorted(second), "a fresh export now serves the same records"
    clock.now += 1.0
    assert checkpoint_run(cli, command, tmp_path) == second


@pytest.mark.slow
def test_records_arrive_while_the_sandbox_runs(clock: Clock) -> None:
    with _sandbox.sandbox() as (url, token), httpx.Client(base_url=url) as client:

        def newest() -> tuple[list[dict[str, Any]], int]:
            params: dict[str, str | int] = {"page": 0, "pageSize": 10, "orderBy": "DESC"}
            response = client.get(PATHS["notifications"], params=params, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            body = response.json()
            return body["logs"], body["total"]

        first, total = newest()
        assert total == NOTIFICATION_LOG_COUNT and all(seconds(log["dateCreated"]) <= T0 for log in first)
        clock.now += 1.0
        assert newest() == (first, total)
        clock.now = T0 + 3600
        later, later_total = newest()
        arrived = [log for log in later if log["id"] > first[0]["id"]]
        assert 0 < len(arrived) < len(later) and later_total == total + len(arrived)
        assert all(T0 < seconds(log["dateCreated"]) <= clock.now for log in arrived)
        assert later[len(arrived) :] == first[: len(later) - len(arrived)], "the older records are as they were"


# -- the lifecycle: a notification is created non-final and settles later ----------------------------------------


def settling(kind: str, status: str, before: float) -> dict[str, Any]:
    """The newest record of ``kind`` created before ``before`` whose final status is ``status`` (settling later)."""
    generator = _sandbox._generators()[kind]
    g = _sandbox._Tenant(lambda: before)._arrived(generator) - 1
    while True:
        record = _sandbox._record(kind, g)
        if record["status"] == status and seconds(record["dateUpdated"]) - seconds(record["dateCreated"]) >= 1:
            return record
        g -= 1


@pytest.mark.slow
def test_a_notification_changes_state_between_two_moments(cli: Any, clock: Clock) -> None:
    final = settling("notification_logs", "FAILED", T0)
    since = dt.datetime.fromtimestamp(seconds(final["dateCreated"]) - 6 * 3600, dt.UTC).isoformat()
    argv = ("--sandbox", "--quiet", "notifications", "--since", since, "--format", "jsonl")
    clock.now = seconds(final["dateCreated"]) + 0.001
    first = {log["id"]: log for log in map(json.loads, cli(*argv).out.splitlines())}
    created = first[final["id"]]
    assert created["status"] == "READY" and created["dateUpdated"] == created["dateCreated"] == final["dateCreated"]
    assert "failedReason" not in created

    def ids(*options: str) -> set[int]:
        return {json.loads(line)["id"] for line in cli(*argv, *options).out.splitlines()}

    assert final["id"] in ids("--status", "READY") and final["id"] not in ids("--status", "FAILED")
    clock.now = seconds(final["dateUpdated"])
    second = {log["id"]: log for log in map(json.loads, cli(*argv).out.splitlines())}
    settled = second[final["id"]]
    assert settled["status"] == "FAILED" and settled["failedReason"] == final["failedReason"]
    assert seconds(settled["dateUpdated"]) > seconds(created["dateUpdated"])
    assert {k: v for k, v in first.items() if v["status"] != "READY"}.items() <= second.items(), "settled stay"
    assert final["id"] not in ids("--status", "READY") and final["id"] in ids("--status", "FAILED")


@pytest.mark.slow
def test_a_run_changes_state_while_the_sandbox_runs(clock: Clock) -> None:
    final = settling("notification_runs", "COMPLETED", T0)
    clock.now = seconds(final["dateCreated"]) + 0.001
    with _sandbox.sandbox() as (url, token), httpx.Client(base_url=url) as client:

        def run(**params: str) -> dict[str, Any] | None:
            query: dict[str, str | int] = {"page": 0, "pageSize": 50, "deliveredOnly": "false", "includeObjects": "true", **params}
            response = client.get(PATHS["runs"], params=query, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            return next((r for r in response.json()["runs"] if r["id"] == final["id"]), None)

        created = run()
        assert created is not None and (created["status"], created["deliveredCount"]) == ("CREATED", 0)
        assert run(statuses="COMPLETED") is None
        clock.now = seconds(final["dateUpdated"]) - 0.001
        assert run() == created
        clock.now = seconds(final["dateUpdated"])
        assert run(statuses="COMPLETED") == run() == {k: v for k, v in final.items() if not k.startswith("_")}


def test_gitops_serves_its_ninety_days_in_full_and_what_arrives_after(cli: Any, clock: Clock) -> None:
    """GitOps logs have no window: a run exports every log of the sandbox's 90 days, the earlier ones unchanged."""
    argv = ("--sandbox", "--quiet", "gitops", "--format", "jsonl")
    first = cli(*argv)
    assert first.code == 0, first.err
    before = first.out.splitlines()
    count = _sandbox.COUNTS["git_ops_logs"]
    assert len(before) == count  # the registry's count over the 90 days before now
    stamps = [seconds(json.loads(line)["dateCreated"]) for line in before]
    assert stamps == sorted(stamps, reverse=True) and stamps[0] <= T0  # newest first, none from the future
    clock.now += 90 * 86_400 / count * 3  # about three more arrive (and as many leave the 90 days)
    second = cli(*argv)
    after = second.out.splitlines()
    assert second.code == 0 and len(after) == count
    new = next(i for i, line in enumerate(after) if line == before[0])
    assert 1 <= new <= 5
    assert after[new:] == before[:count - new], "what was served stays served, as it was"
