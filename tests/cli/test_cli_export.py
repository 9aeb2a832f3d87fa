"""Exports: every command in every format against FakeCortex; JSONL and CSV round-trip every field."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest

from cortex_wrapper._operations import parse_function
from cortex_wrapper.cli._commands import COMMANDS as CLI_COMMANDS
from cortex_wrapper.cli._formats import CELL_WIDTH, EXTRA_COLUMN, read_csv
from cortex_wrapper.testing import FakeCortex

from ..support.cli import KINDS, Result, connection, jsonl, make_fake, run_subprocess, server_records

UNKNOWN: dict[str, tuple[str, str] | None] = {
    "audit": ("action", "ARCHIVE"), "notifications": ("medium", "CARRIER_PIGEON"), "runs": ("medium", "CARRIER_PIGEON"),
    "gitops": None,  # no top-level enum field: its enums are nested (files[].entity.operation, repository.provider)
}
EXTRA_OPTIONS = {"audit": [], "notifications": [], "runs": ["--no-delivered-only", "--include-objects"], "gitops": []}
SERVER_PARAMS: dict[str, dict[str, Any]] = {"audit": {}, "notifications": {}, "gitops": {},
                                            "runs": {"deliveredOnly": "false", "includeObjects": "true"}}


def assert_drift_kept(command: str, exported: list[dict[str, Any]]) -> None:
    """An unknown enum value is exported as sent; GitOps logs' nested objects are kept (their enums are nested)."""
    unknown = UNKNOWN.get(command)  # None: no top-level enum field (or an operation this suite does not know)
    if unknown is not None:
        field, value = unknown
        assert any(record[field] == value for record in exported), "the data set has an unknown enum value"
    if command == "gitops":
        assert any(item.get("entity") for record in exported for item in record["files"]), "nested objects kept"


def models(command: str, records: list[dict[str, Any]]) -> list[Any]:
    parse = parse_function(CLI_COMMANDS[command].operation)
    return [parse(record) for record in records]


@pytest.mark.parametrize("command", list(KINDS))
def test_jsonl_round_trips_every_record_and_field(cli: Any, fake: FakeCortex, command: str) -> None:
    result: Result = cli(*connection(fake), command, *EXTRA_OPTIONS.get(command, []))
    assert result.code == 0, result.err
    exported = jsonl(result.out)
    expected = server_records(fake, command, **SERVER_PARAMS.get(command, {}))
    assert len(exported) == len(expected) == fake.total(KINDS[command])
    assert models(command, exported) == models(command, expected)
    assert_drift_kept(command, exported)
    assert any("fakeFutureField" in record for record in exported), "undocumented fields are kept"


@pytest.mark.parametrize("command", list(KINDS))
def test_csv_round_trips_every_record_and_field(cli: Any, fake: FakeCortex, command: str) -> None:
    result = cli(*connection(fake), command, "--format", "csv", *EXTRA_OPTIONS.get(command, []))
    assert result.code == 0, result.err
    cmd = CLI_COMMANDS[command]
    header = next(csv.reader(io.StringIO(result.out)))
    assert header == [*cmd.columns, EXTRA_COLUMN]
    assert set(header[:-1]) == set(cmd.properties)
    expected = server_records(fake, command, **SERVER_PARAMS.get(command, {}))
    served_fields = {name for record in expected for name in record}
    assert served_fields - set(header) == {"fakeFutureField"}, "a column for every field served but the undocumented"
    exported = list(read_csv(cmd, io.StringIO(result.out, newline="")))
    assert models(command, exported) == models(command, expected)
    assert_drift_kept(command, exported)
    if command == "runs":
        assert any(record.get("notificationObjects") for record in exported), "nested lists round-trip too"


def test_csv_header_is_fixed_even_without_records(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "audit", "--format", "csv", "--since", "2030-01-01", "--until", "2030-02-01")
    assert result.code == 0
    assert result.out.splitlines() == [",".join([*CLI_COMMANDS["audit"].columns, EXTRA_COLUMN])]


@pytest.mark.parametrize("command", list(KINDS))
def test_table_is_aligned_and_truncated(cli: Any, fake: FakeCortex, command: str) -> None:
    result = cli(*connection(fake), command, "--format", "table", "--max-pages", "1", "--page-size", "30")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 2 + 30
    cmd = CLI_COMMANDS[command]
    assert lines[0].split() == list(cmd.table_columns)
    rule = list(re.finditer(r"-+", lines[1]))
    assert len(rule) == len(cmd.table_columns)
    assert all(len(part.group()) <= CELL_WIDTH for part in rule)
    for line in lines[2:]:
        assert all(line[part.start() - 2:part.start()] == "  " for part in rule[1:] if part.start() < len(line))
    if cmd.time_field is not None:  # records without a time have no timestamp column
        assert lines[2][:4].isdigit() and lines[2][10] == " "  # the timestamp column, readable


def test_table_truncates_long_cells(cli: Any) -> None:
    long_summary = "x" * 200
    record = {"id": 1, "deliveredCount": 1, "medium": "SLACK", "notificationType": "WEEKLY_REPORT", "seqNo": 0,
              "status": "COMPLETED", "summary": long_summary, "dateCreated": "2026-05-01T00:00:00.000Z"}
    with make_fake(notification_run_count=0, notification_runs=[record]) as server:
        result = cli(*connection(server), "runs", "--format", "table")
    assert result.code == 0
    assert long_summary not in result.out
    assert "x" * (CELL_WIDTH - 1) + "…" in result.out


def test_table_keeps_its_columns_after_the_sampled_rows(capsys: Any) -> None:
    from cortex_wrapper.cli._formats import TABLE_SAMPLE, TableWriter

    out: list[str] = []
    writer = TableWriter(CLI_COMMANDS["audit"], out.append)
    for i in range(TABLE_SAMPLE + 1):
        writer.add({"timestamp": "2026-05-01T00:00:00+00:00", "action": "READ", "objectType": "SERVICE",
                    "objectIdentifier": "svc" if i < TABLE_SAMPLE else "a-much-longer-service-name"})
    writer.close()
    lines = "".join(out).splitlines()
    start = lines[0].index("objectIdentifier")
    assert lines[-1][start:] == "a-much-longer-s…", "cut to the column's width (its header's)"
    assert lines[-2][start:] == "svc"


def test_table_says_when_empty(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "runs", "--format", "table", "--since", "2030-01-01", "--until", "2030-01-02")
    assert result.code == 0
    assert result.out.splitlines()[-1] == "(no records)"


def test_filters_reach_the_api(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "notifications", "--status", "FAILED", "--status", "IGNORED",
                 "--medium", "SLACK,EMAIL", "--recipient-channel", "#eng-sre", "--notification-run-id", "7",
                 "--order-by", "ASC", "--since", "2026-05-01", "--until", "2026-05-02T12:00:00Z")
    assert result.code == 0, result.err
    request = fake.requests[-1]
    assert request.params("statuses") == ["FAILED", "IGNORED"]
    assert request.params("mediums") == ["SLACK", "EMAIL"]
    assert request.params("recipientChannels") == ["#eng-sre"]
    assert request.params("notificationRunIds") == ["7"]
    assert request.params("orderBy") == ["ASC"]
    assert request.params("fromDate") == ["2026-05-01T00:00:00"]
    assert request.params("untilDate") == ["2026-05-02T12:00:00"]


def test_filtered_export_matches_the_server(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "notifications", "--status", "FAILED", "--medium", "SLACK")
    expected = server_records(fake, "notifications", statuses="FAILED", mediums="SLACK")
    assert expected and models("notifications", jsonl(result.out)) == models("notifications", expected)


def test_run_booleans_and_search(cli: Any, fake: FakeCortex) -> None:
    cli(*connection(fake), "runs", "--no-delivered-only", "--include-objects", "--search-query", "weekly")
    request = fake.requests[-1]
    assert request.params("deliveredOnly") == ["false"]
    assert request.params("includeObjects") == ["true"]
    assert request.params("searchQuery") == ["weekly"]
    cli(*connection(fake), "runs", "--delivered-only")
    assert fake.requests[-1].params("deliveredOnly") == ["true"]


def test_audit_window_and_filters(cli: Any, fake: FakeCortex) -> None:
    before = dt.datetime.now(dt.UTC)
    result = cli(*connection(fake), "audit", "--since", "12h", "--action", "DELETE", "--actor-email", "a@b.c",
                 "--object-type", "SERVICE")
    assert result.code == 0
    request = fake.requests[-1]
    sent = dt.datetime.fromisoformat(request.params("startTime")[0]).replace(tzinfo=dt.UTC)
    assert abs((before - dt.timedelta(hours=12)) - sent) < dt.timedelta(seconds=5)
    assert request.params("endTime"), "the upper bound is frozen"
    assert request.params("actions") == ["DELETE"]
    assert request.params("actorEmails") == ["a@b.c"]
    assert request.params("objectTypes") == ["SERVICE"]


def test_page_size_and_max_pages(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "audit", "--page-size", "25", "--max-pages", "3", "--concurrency", "1")
    assert result.code == 0
    assert len(jsonl(result.out)) == 75
    assert [r.params("pageSize") for r in fake.requests] == [["25"]] * 3


def test_output_file_is_written_atomically(cli: Any, fake: FakeCortex, tmp_path: Any) -> None:
    target = tmp_path / "audit.jsonl"
    target.write_text("old content\n")
    result = cli(*connection(fake), "audit", "--output", str(target))
    assert result.code == 0 and result.out == ""
    assert len(jsonl(target.read_text())) == fake.total("audit_logs")
    fake.script(500)
    failed = cli(*connection(fake), "--max-retries", "0", "audit", "--output", str(target), "--page-size", "10")
    assert failed.code == 6
    assert len(jsonl(target.read_text())) == fake.total("audit_logs"), "a failed export leaves the file as it was"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.jsonl"], "no temporary file left behind"


@pytest.mark.slow
def test_end_to_end_console_entry(fake: FakeCortex) -> None:
    result = run_subprocess(*connection(fake), "runs", "--format", "csv", "--no-delivered-only")
    assert result.code == 0, result.err
    exported = list(read_csv(CLI_COMMANDS["runs"], io.StringIO(result.out, newline="")))
    assert models("runs", exported) == models("runs", server_records(fake, "runs", deliveredOnly="false"))


def test_a_command_leaves_the_garbage_collector_of_its_process_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # main() runs in the caller's process (tests, programs): it must not retune the process-wide collector
    import gc

    from cortex_wrapper import cli as cli_package

    seen: list[tuple[int, int, int]] = []

    def run(*args: object) -> int:
        seen.append(gc.get_threshold())
        return 0

    monkeypatch.setattr(cli_package, "_run", run)
    before = gc.get_threshold()
    assert cli_package.main(["--sandbox", "audit"]) == 0
    assert seen == [before] and gc.get_threshold() == before
