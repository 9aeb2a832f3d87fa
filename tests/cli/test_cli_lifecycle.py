"""Notification logs and runs change after they are created: each state is exported once, unsettled ones re-read.

The server double is ``ScriptedFake``: its ``records`` list is served through FakeCortex, and replacing a record
with its next state is a transition.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cortex_wrapper import CortexClient
from cortex_wrapper.cli._checkpoint import load
from cortex_wrapper.cli._commands import COMMANDS as KINDS
from cortex_wrapper.cli._incremental import Exported, export_incremental
from cortex_wrapper.cli._progress import Progress

from ..support.api import BASE, TOKEN, ScriptedFake, iso, log_record, run_record
from ..support.cli import jsonl

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def at(minutes_ago: float) -> str:
    return iso(NOW - dt.timedelta(minutes=minutes_ago))


def log(ident: int, minutes_ago: float, status: str = "READY", **fields: Any) -> dict[str, Any]:
    return log_record(ident, dateCreated=at(minutes_ago), status=status, **fields)


def run(api: ScriptedFake, output: Path, *, now: dt.datetime = NOW, fmt: str = "jsonl", command: str = "notifications",
        filters: dict[str, Any] | None = None, settle: dt.timedelta = dt.timedelta(hours=24)) -> Exported:
    """One ``--checkpoint`` run against ``api``; ``api.requests`` counts what it asked."""
    with CortexClient(TOKEN, base_url=BASE, transport=httpx.MockTransport(api), requests_per_minute=None,
                      max_retries=0, concurrency=1) as client:
        return export_incremental(client, KINDS[command], filters or {}, fmt=fmt, output=str(output),
                                  checkpoint=f"{output}.ckpt", since=None, until=None, page_size=None, max_pages=None,
                                  progress=Progress(io.StringIO(), enabled=False), notify=lambda line: None,
                                  now=lambda: now, settle=settle)


def states(output: Path) -> list[tuple[int, str]]:
    return [(record["id"], record["status"]) for record in jsonl(output.read_text())]


def transition(api: ScriptedFake, ident: int, **fields: Any) -> None:
    """Replace record ``ident`` with its next state (a new dict: the fake serves it from now on)."""
    index = next(i for i, record in enumerate(api.records) if record["id"] == ident)
    api.records[index] = {**api.records[index], "dateUpdated": iso(NOW), **fields}


def test_each_state_is_exported_once_an_old_unsettled_record_included(tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    api = ScriptedFake("notification_logs", [log(1, 120), log(2, 1), log(3, 1, "DELIVERED")])
    assert run(api, output).added == 3
    transition(api, 1, status="FAILED", failedReason="CLIENT_ERROR")  # two hours old: far outside --lag
    transition(api, 2, status="DELIVERED")
    asked = len(api.requests)
    assert run(api, output).added == 2
    assert len(api.requests) - asked == 2, "one query re-reads the unsettled records, one reads the window"
    assert run(api, output).added == 0
    assert states(output) == [(1, "READY"), (2, "READY"), (3, "DELIVERED"), (1, "FAILED"), (2, "DELIVERED")]
    checkpoint = load(Path(f"{output}.ckpt"))
    assert checkpoint is not None and len(checkpoint.unsettled) == 0, "every record settled"


def test_an_intermediate_state_read_again_is_not_repeated(tmp_path: Path) -> None:
    output = tmp_path / "runs.jsonl"
    api = ScriptedFake("notification_runs", [run_record(1, dateCreated=at(1), status="CREATED")])
    filters = {"delivered_only": False}
    assert run(api, output, command="runs", filters=filters).added == 1
    assert run(api, output, command="runs", filters=filters).added == 0, "still CREATED: nothing new"
    transition(api, 1, status="COMPLETED")
    assert run(api, output, command="runs", filters=filters).added == 1
    transition(api, 1, status="CREATED")  # a stale replica answers with the old state: the final one stands
    assert run(api, output, command="runs", filters=filters).added == 0
    assert [(r["id"], r["status"]) for r in jsonl(output.read_text())] == [(1, "CREATED"), (1, "COMPLETED")]


@pytest.mark.parametrize("fmt", ["ecs", "ocsf"])
def test_siem_events_of_each_state_have_their_own_event_id_and_share_the_record_id(tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"logs.{fmt}"
    api = ScriptedFake("notification_logs", [log(7, 60)])
    run(api, output, fmt=fmt)
    transition(api, 7, status="FAILED", failedReason="CLIENT_ERROR")
    run(api, output, fmt=fmt)
    events = [json.loads(line) for line in output.read_text().splitlines()]
    if fmt == "ecs":
        assert [event["event"]["id"] for event in events] == ["7:READY", "7:FAILED"]
        assert [event["cortex"]["notification_log"]["id"] for event in events] == [7, 7]
    else:
        assert [event["metadata"]["uid"] for event in events] == ["7:READY", "7:FAILED"]
        assert [event["metadata"]["correlation_uid"] for event in events] == ["7", "7"]


def test_a_filter_that_hides_ready_rereads_the_settle_window(tmp_path: Path) -> None:
    output = tmp_path / "failed.jsonl"
    api = ScriptedFake("notification_logs", [log(1, 180), log(2, 1, "FAILED")])
    failed = {"statuses": ["FAILED"]}
    assert run(api, output, filters=failed).added == 1
    transition(api, 1, status="FAILED")  # created three hours ago, READY until now: never seen before
    assert run(api, output, filters=failed).added == 1
    assert run(api, output, filters=failed).added == 0
    assert states(output) == [(2, "FAILED"), (1, "FAILED")]


def test_unsettled_records_are_dropped_once_the_settle_window_passes(tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    api = ScriptedFake("notification_logs", [log(1, 30)])
    run(api, output, settle=dt.timedelta(hours=1))
    later = NOW + dt.timedelta(hours=2)
    api.records.append(log(2, -110, "DELIVERED"))  # a newer record: the late-arrival window moves past record 1
    asked = len(api.requests)
    assert run(api, output, now=later, settle=dt.timedelta(hours=1)).added == 1
    assert len(api.requests) - asked == 1, "nothing left to re-read: only the window"
    checkpoint = load(Path(f"{output}.ckpt"))
    assert checkpoint is not None and len(checkpoint.unsettled) == 0
    transition(api, 1, status="DELIVERED")
    assert run(api, output, now=later, settle=dt.timedelta(hours=1)).added == 0, "past --settle: not re-read"


@pytest.mark.slow
def test_an_idle_poll_costs_two_requests_whatever_the_unsettled_count(tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    api = ScriptedFake("notification_logs", [log(i, 600 - i / 10) for i in range(1, 3001)])
    run(api, output)
    checkpoint = load(Path(f"{output}.ckpt"))
    assert checkpoint is not None and len(checkpoint.unsettled) == 3000
    asked = len(api.requests)
    assert run(api, output).added == 0
    assert len(api.requests) - asked == 2
    reread = api.requests[asked]
    assert reread.url.params.get_list("statuses") == ["DELIVERED", "FAILED", "IGNORED"]


def test_a_version_3_checkpoint_is_upgraded_without_a_repeat(tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    api = ScriptedFake("notification_logs", [log(1, 2), log(2, 1, "DELIVERED")])
    run(api, output)
    path = Path(f"{output}.ckpt")
    data = json.loads(path.read_text())
    data["cortex_logs_checkpoint"] = 3
    data["seen"] = [[key.rsplit(":", 1)[0], moment, count] for key, moment, count in data["seen"]]
    del data["unsettled"]
    path.write_text(json.dumps(data))
    assert run(api, output).added == 0, "the records a version 3 checkpoint covers are not repeated"
    upgraded = json.loads(path.read_text())
    assert upgraded["cortex_logs_checkpoint"] == 4
    assert [entry[0] for entry in upgraded["unsettled"]] == ["id:1"], "the READY record is now tracked"
    transition(api, 1, status="IGNORED")
    assert run(api, output).added == 1
    assert states(output) == [(1, "READY"), (2, "DELIVERED"), (1, "IGNORED")]


@pytest.mark.parametrize(("argv", "message"), [
    (["notifications", "--settle", "1h"], "--settle needs --checkpoint"),
    (["notifications", "--settle", "0s", "--checkpoint", "c", "--output", "o"], "--settle must be longer than 0s"),
])
def test_settle_usage_errors(cli: Callable[..., Any], argv: list[str], message: str, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("--base-url", "http://127.0.0.1:9", "--max-retries", "0", *argv)
    assert result.code == 2 and message in result.err


def test_audit_takes_no_settle(cli: Callable[..., Any]) -> None:
    result = cli("audit", "--settle", "1h")
    assert result.code == 2 and "--settle" in result.err


def test_a_record_at_the_window_start_read_by_both_queries_is_exported_once(tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    api = ScriptedFake("notification_logs", [log(1, 120), log(2, 6), log(3, 1, "DELIVERED")])  # 2: newest - --lag
    run(api, output)
    transition(api, 1, status="FAILED")
    transition(api, 2, status="FAILED")  # the re-read's upper bound and the window's lower bound both hold it
    assert run(api, output).added == 2
    assert run(api, output).added == 0
    assert run(api, output).added == 0
    assert states(output) == [(1, "READY"), (2, "READY"), (3, "DELIVERED"), (1, "FAILED"), (2, "FAILED")]
