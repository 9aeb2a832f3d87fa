"""Records and options at the edges (issue 10): no time field, offset-less times, lone surrogates, extreme
dates, empty strings. Every record here is valid JSON the spec allows; none may stop or corrupt an export."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import json
import math
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortex_wrapper._operations import parse_function
from cortex_wrapper._wire import RawRecord
from cortex_wrapper.cli import _formats, _json
from cortex_wrapper.cli._checkpoint import load
from cortex_wrapper.cli._commands import COMMANDS as CLI_COMMANDS
from cortex_wrapper.cli._commands import SiemOptions
from cortex_wrapper.cli._formats import EXTRA_COLUMN, TableWriter, csv_header, csv_line, line_for, read_csv
from cortex_wrapper.testing import FakeCortex
from cortex_wrapper.testing._store import Selection

from ..support.cli import (
    LIST_KEYS,
    NO_RECORDS,
    PATHS,
    audit_entry,
    connection,
    jsonl,
    make_fake,
    notification_log,
    server_texts,
)
from ..support.servers import Answer, verbatim

_log = notification_log
_audit = audit_entry


def _run(ident: int, stamp: str, **fields: Any) -> dict[str, Any]:
    return {"id": ident, "deliveredCount": 1, "medium": "SLACK", "notificationType": "WEEKLY_REPORT", "seqNo": 0,
            "status": "COMPLETED", "summary": "weekly", "dateCreated": stamp, **fields}


def models(command: str, records: list[dict[str, Any]]) -> list[Any]:
    parse = parse_function(CLI_COMMANDS[command].operation)
    return [parse(record) for record in records]


def incremental(cli: Any, server: FakeCortex, command: str, output: Path, *extra: str, fmt: str = "jsonl") -> Any:
    return cli(*connection(server), command, "--format", fmt, "--output", str(output),
               "--checkpoint", f"{output}.ckpt", *extra)


def data_lines(path: Path, fmt: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[1:] if fmt == "csv" else lines


def read_back(path_or_text: Path | str, command: str, fmt: str) -> list[dict[str, Any]]:
    text = path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text
    if fmt == "jsonl":
        return jsonl(text)
    return list(read_csv(CLI_COMMANDS[command], io.StringIO(text, newline="")))


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cortex-logs: error:"), err
    return lines[0]


@pytest.fixture
def not_utc() -> Iterator[None]:
    """Local time nine hours east of UTC (a POSIX TZ string: no time zone database needed); restored after."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "XST-09"
    time.tzset()
    try:
        assert time.localtime(0).tm_hour == 9, "the local time zone really is not UTC"
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


@pytest.fixture
def undated_in_every_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake serves records without a date in every time window, as the server of issue 10 does.

    (``FakeCortex`` matches them only when no window is given, and the client always sends an upper bound.)
    """
    exact = Selection.in_window
    monkeypatch.setattr(Selection, "in_window", lambda self, ts: ts is None or exact(self, ts))


@pytest.fixture
def window_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake serves every record whatever the time window (so records outside the years 1..9999 in UTC too)."""
    monkeypatch.setattr(Selection, "in_window", lambda self, ts: True)


# -- 3: records without their time field --------------------------------------------------------------------


@pytest.mark.usefixtures("undated_in_every_window")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.slow
def test_records_without_a_time_are_exported_once(cli: Any, tmp_path: Path, fmt: str) -> None:
    with make_fake(**NO_RECORDS, notification_logs=[_log(1), _log(2), _log(3)]) as server:
        output = tmp_path / f"logs.{fmt}"
        counts = []
        for _ in range(3):
            result = incremental(cli, server, "notifications", output, fmt=fmt)
            assert result.code == 0, result.err
            counts.append(len(data_lines(output, fmt)))
        assert counts == [3, 3, 3], "each undated record once, however many runs"
        server.insert("notification_logs", [_log(4), _log(5, "2026-05-01T10:00:00Z"), _log(6)])
        assert incremental(cli, server, "notifications", output, fmt=fmt).code == 0
        assert incremental(cli, server, "notifications", output, fmt=fmt).code == 0
    ids = Counter(record["id"] for record in read_back(output, "notifications", fmt))
    assert ids == Counter({1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1})


@pytest.mark.usefixtures("undated_in_every_window")
@pytest.mark.slow
def test_undated_ids_are_kept_as_ranges(cli: Any, tmp_path: Path) -> None:
    """The checkpoint remembers undated records by id, consecutive ids as one range: its size follows the gaps."""
    logs = [_log(ident) for ident in range(1, 1001) if ident != 500]
    with make_fake(**NO_RECORDS, notification_logs=logs) as server:
        output = tmp_path / "logs.jsonl"
        checkpoint = Path(f"{output}.ckpt")
        assert incremental(cli, server, "notifications", output).code == 0
        assert json.loads(checkpoint.read_text())["undated_ids"] == [[1, 499], [501, 1000]]
        server.insert("notification_logs", [_log(500)])
        assert incremental(cli, server, "notifications", output).code == 0
        assert json.loads(checkpoint.read_text())["undated_ids"] == [[1, 1000]]
        # a thousand ids, one range: what remains is the fixed fields (the output's path among them)
        assert checkpoint.stat().st_size < 500 + len(str(output)), "a thousand ids, one range"
        assert incremental(cli, server, "notifications", output).code == 0
    assert sorted(record["id"] for record in jsonl(output.read_text())) == list(range(1, 1001))


# -- 4: timestamps without an offset are UTC, everywhere ----------------------------------------------------


@pytest.mark.usefixtures("not_utc")
def test_offset_less_times_checkpoint_and_resume(cli: Any, tmp_path: Path) -> None:
    """Passes since the models read offset-less times as UTC; kept so the CLI stays consistent with them."""
    logs = [_log(1, "2026-05-01T09:00:00"), _log(2, "2026-05-01T10:00:00")]
    with make_fake(**NO_RECORDS, notification_logs=logs) as server:
        output = tmp_path / "logs.jsonl"
        checkpoint = Path(f"{output}.ckpt")
        first = incremental(cli, server, "notifications", output)
        assert first.code == 0, first.err
        assert json.loads(checkpoint.read_text())["newest"] == "2026-05-01T10:00:00+00:00"
        second = incremental(cli, server, "notifications", output)
        assert second.code == 0, second.err
        server.insert("notification_logs", [_log(3, "2026-05-01T10:30:00")])
        assert incremental(cli, server, "notifications", output).code == 0
    exported = jsonl(output.read_text())
    assert [(r["id"], r["dateCreated"]) for r in exported] == [  # the wire text, as sent
        (1, "2026-05-01T09:00:00"), (2, "2026-05-01T10:00:00"), (3, "2026-05-01T10:30:00")]


@pytest.mark.usefixtures("not_utc")
@pytest.mark.slow
def test_offset_less_and_z_times_mix(cli: Any, tmp_path: Path) -> None:
    """Passes since the models read offset-less times as UTC (the TypeError of issue 10 is gone); kept."""
    logs = [_log(1, "2026-05-01T09:00:00Z"), _log(2, "2026-05-01T09:30:00"), _log(3, "2026-05-01T10:15:00+01:00"),
            _log(4, "2026-05-01T10:00:00"), _log(5, "2026-05-01T11:00:00.000Z")]
    with make_fake(**NO_RECORDS, notification_logs=logs) as server:
        output = tmp_path / "logs.jsonl"
        result = incremental(cli, server, "notifications", output)
        assert result.code == 0, result.err
        assert [r["id"] for r in jsonl(output.read_text())] == [1, 3, 2, 4, 5], "in UTC order"
        checkpoint = load(Path(f"{output}.ckpt"))
        assert checkpoint is not None
        assert checkpoint.at_newest == Counter({"id:5:DELIVERED": 1})
        for fmt in ("jsonl", "csv", "table"):
            assert cli(*connection(server), "notifications", "--format", fmt).code == 0, fmt
        summary = cli(*connection(server), "summary", "--since", "2026-04-01", "--until", "2026-06-01")
        assert summary.code == 0 and "notification logs: 5," in summary.out


@pytest.mark.usefixtures("not_utc")
def test_table_shows_offset_less_times_as_utc(cli: Any) -> None:
    """Through the CLI this passes since the models read offset-less times as UTC; kept."""
    with make_fake(**NO_RECORDS, notification_logs=[_log(1, "2026-05-01T10:00:00")]) as server:
        result = cli(*connection(server), "notifications", "--format", "table")
    assert result.code == 0
    assert result.out.splitlines()[2].startswith("2026-05-01 10:00:00Z ")


@pytest.mark.usefixtures("not_utc")
def test_table_writer_reads_offset_less_wire_times_as_utc() -> None:
    out: list[str] = []
    writer = TableWriter(CLI_COMMANDS["audit"], out.append)
    writer.add(_audit("svc", "2026-05-01T10:00:00"))
    writer.add(_audit("svc", "2026-05-01T10:00:00+02:00"))
    writer.close()
    rows = "".join(out).splitlines()[2:]
    assert [row[:20] for row in rows] == ["2026-05-01 10:00:00Z", "2026-05-01 08:00:00Z"]


@pytest.mark.usefixtures("not_utc")
def test_checkpoint_with_an_offset_less_newest_is_read_as_utc(cli: Any, tmp_path: Path) -> None:
    """Checkpoints written before the models read offset-less times as UTC hold ``newest`` without an offset."""
    logs = [_log(1, "2026-05-01T09:00:00"), _log(2, "2026-05-01T10:00:00"), _log(3, "2026-05-01T10:00:01")]
    with make_fake(**NO_RECORDS, notification_logs=logs) as server:
        output = tmp_path / "logs.jsonl"
        first = '{"id":1}\n{"id":2}\n'
        output.write_text(first)
        Path(f"{output}.ckpt").write_text(json.dumps({
            "cortex_logs_checkpoint": 1, "command": "notifications", "format": "jsonl", "query": {},
            "output_bytes": len(first), "records": 2, "newest": "2026-05-01T10:00:00", "at_newest": ["id:2"]}))
        result = incremental(cli, server, "notifications", output)
        assert result.code == 0, result.err
        assert server.requests[-1].params("fromDate") == ["2026-05-01T10:00:00"], "the newest time, as UTC"
    assert [record["id"] for record in jsonl(output.read_text())] == [1, 2, 3]
    checkpoint = load(Path(f"{output}.ckpt"))
    assert checkpoint is not None
    assert checkpoint.at_newest == Counter({"id:3:DELIVERED": 1})


# -- 5: lone surrogates (valid JSON escapes) ----------------------------------------------------------------

ODD = "svc-\ud800"  # what json.loads makes of "svc-\\ud800"
READABLE = "café ☕"


def _odd_log(ident: int, stamp: str) -> dict[str, Any]:
    return _log(ident, stamp, status="FAILED", recipientChannel=ODD, errorMessage=READABLE)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_lone_surrogates_export_losslessly(cli: Any, tmp_path: Path, fmt: str) -> None:
    served = [_odd_log(1, "2026-05-01T09:00:00Z"), _log(2, "2026-05-01T10:00:00Z")]
    with make_fake(**NO_RECORDS, notification_logs=served) as server:
        result = cli(*connection(server), "notifications", "--format", fmt)
        assert result.code == 0, result.err
        output = tmp_path / f"logs.{fmt}"
        to_file = cli(*connection(server), "notifications", "--format", fmt, "--output", str(output))
        assert to_file.code == 0, to_file.err
        sent = server_texts(server, "notifications")
    text = output.read_bytes().decode("utf-8")  # strict: well-formed UTF-8
    assert text == result.out
    if fmt == "jsonl":  # each line is the record's text exactly as the server sent it
        assert text.splitlines() == sent
    else:
        assert READABLE in text, "ordinary non-ASCII stays readable"
    assert models("notifications", read_back(text, "notifications", fmt)) == models("notifications", served[::-1])
    if fmt == "jsonl":
        assert '"recipientChannel":"svc-\\ud800"' in text.splitlines()[1], "a JSON escape, as the server sent it"


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_lone_surrogates_in_fields_the_schema_lacks(fmt: str) -> None:
    cmd = CLI_COMMANDS["audit"]
    record = {**_audit("svc", "2026-05-01T09:00:00+00:00"), f"future{ODD}": [ODD, READABLE]}
    raw = RawRecord(record, json.dumps(record, ensure_ascii=False))  # a raw lone surrogate in the text
    text = (csv_header(cmd) if fmt == "csv" else "") + line_for(cmd, fmt, raw)
    text.encode("utf-8")  # strict
    assert read_back(text, "audit", fmt) == [record]


def test_lone_surrogates_in_nested_values(cli: Any) -> None:
    objects = [{"id": 7, "name": ODD, "type": "ENTITY"}]
    served = [_run(1, "2026-05-01T09:00:00Z", notificationObjects=objects, summary=READABLE)]
    with make_fake(**NO_RECORDS, notification_runs=served) as server:
        for fmt in ("jsonl", "csv"):
            result = cli(*connection(server), "runs", "--no-delivered-only", "--include-objects", "--format", fmt)
            assert result.code == 0, result.err
            assert models("runs", read_back(result.out, "runs", fmt)) == models("runs", served)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_lone_surrogates_never_stop_an_incremental_export(cli: Any, tmp_path: Path, fmt: str) -> None:
    served = [_log(1, "2026-05-01T09:00:00Z"), _odd_log(2, "2026-05-01T10:00:00Z")]
    with make_fake(**NO_RECORDS, notification_logs=served) as server:
        output = tmp_path / f"logs.{fmt}"
        first = incremental(cli, server, "notifications", output, fmt=fmt)
        assert first.code == 0, first.err
        server.insert("notification_logs", [_log(3, "2026-05-01T11:00:00Z")])
        second = incremental(cli, server, "notifications", output, fmt=fmt)
        assert second.code == 0, second.err
        expected = [*served, _log(3, "2026-05-01T11:00:00Z")]
    assert models("notifications", read_back(output, "notifications", fmt)) == models("notifications", expected)


def test_lone_surrogates_render_in_tables_and_summaries(cli: Any) -> None:
    with make_fake(**NO_RECORDS, notification_logs=[_odd_log(1, "2026-05-01T09:00:00Z")]) as server:
        table = cli(*connection(server), "notifications", "--format", "table")
        assert table.code == 0, table.err
        assert "svc-\\ud800" in table.out.splitlines()[2]
        window = ("--since", "2026-04-01", "--until", "2026-06-01")
        summary = cli(*connection(server), "summary", *window)
        assert summary.code == 0, summary.err
        assert "svc-\\ud800" in summary.out.split("\nTop failing channels\n")[1].splitlines()[2]
        as_json = cli(*connection(server), "summary", *window, "--format", "json")
    assert json.loads(as_json.out)["notification_logs"]["top_failing_channels"] == {ODD: 1}


# -- 13: dates at the ends of the calendar --------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["audit", "--since", "9999999999d"],
    ["notifications", "--since", "3000000d"],
    ["runs", "--until", "99999999999999999999999w"],
    ["summary", "--since", "3000000d"],
    ["audit", "--since", "9999-12-31T23:30:00-01:00"],
    ["notifications", "--until", "0001-01-01T00:30:00+01:00"],
])
def test_dates_out_of_range_are_usage_errors(cli: Any, fake: FakeCortex, argv: list[str]) -> None:
    result = cli(*connection(fake), *argv)
    assert result.code == 2
    assert "out of range" in one_error_line(result.err)
    assert fake.stats.requests == 0


FAR = "9999-12-31T23:30:00-01:00"  # year 10000 in UTC
EARLY = "0001-01-01T00:30:00+01:00"  # year 0 in UTC


@pytest.mark.usefixtures("window_ignored")
def test_records_dated_past_the_calendar_render(cli: Any, tmp_path: Path) -> None:
    logs = [_log(1, EARLY), _log(2, "2026-05-01T09:00:00Z"), _log(3, FAR)]
    with make_fake(**NO_RECORDS, notification_logs=logs) as server:
        table = cli(*connection(server), "notifications", "--format", "table")
        assert table.code == 0, table.err
        rows = table.out.splitlines()[2:]
        assert [row.split()[0] for row in rows] == [FAR, "2026-05-01", EARLY], "kept as sent when UTC cannot say it"
        for fmt in ("jsonl", "csv"):
            result = cli(*connection(server), "notifications", "--format", fmt)
            assert result.code == 0, result.err
            assert models("notifications", read_back(result.out, "notifications", fmt)) == models(
                "notifications", logs[::-1])
        output = tmp_path / "logs.jsonl"
        for _ in range(2):
            result = incremental(cli, server, "notifications", output)
            assert result.code == 0, result.err
        first, second = server.requests[-2:]
        assert second.params("fromDate") < first.params("untilDate"), "the cursor stays below the query's bound"
    assert [record["id"] for record in jsonl(output.read_text())] == [1, 2, 3]


@pytest.fixture
def end_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake honours the window's start but not its end, so it serves records dated after the upper bound."""
    monkeypatch.setattr(Selection, "in_window", lambda self, ts: ts is not None and (self.start is None or ts >= self.start))


@pytest.mark.usefixtures("end_ignored")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.slow
def test_a_record_from_the_far_future_is_exported_but_never_moves_the_cursor_past_the_upper_bound(
        cli: Any, tmp_path: Path, fmt: str) -> None:
    now = dt.datetime.now(dt.UTC)
    logs = [_log(1, _iso(now - dt.timedelta(minutes=10))), _log(2, "9999-01-01T00:00:00Z")]
    output = tmp_path / f"logs.{fmt}"
    with make_fake(**NO_RECORDS, notification_logs=logs) as server:
        assert incremental(cli, server, "notifications", output, fmt=fmt).code == 0
        [until] = server.requests[-1].params("untilDate")
        checkpoint = load(Path(f"{output}.ckpt"))
        assert checkpoint is not None and checkpoint.newest is not None
        assert checkpoint.newest <= dt.datetime.fromisoformat(until).replace(tzinfo=dt.UTC), "not past the bound"
        server.insert("notification_logs", [_log(3, _iso(now + dt.timedelta(seconds=1)))])
        for _ in range(2):
            result = incremental(cli, server, "notifications", output, fmt=fmt)
            assert result.code == 0, result.err
    ids = [int(record["id"]) for record in read_back(output, "notifications", fmt)]
    assert ids == [1, 2, 3], "the far-future record once, and what came after it too"


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -- 14: empty strings (and other values a CSV cell cannot tell apart) ---------------------------------------


@pytest.mark.parametrize("checkpoint", [False, True])
def test_csv_keeps_empty_strings_apart_from_absent_fields(cli: Any, tmp_path: Path, checkpoint: bool) -> None:
    served = [_audit("svc", "2026-05-01T09:00:00Z", objectType="", actorIdentifier="")]
    with make_fake(**NO_RECORDS, audit_logs=served) as server:
        output = tmp_path / "audit.csv"
        if checkpoint:
            result = incremental(cli, server, "audit", output, fmt="csv")
        else:
            result = cli(*connection(server), "audit", "--format", "csv", "--output", str(output))
        assert result.code == 0, result.err
    [record] = read_back(output, "audit", "csv")
    assert record["objectType"] == "" and record["actorIdentifier"] == ""
    assert "ipAddress" not in record, "absent stays absent"
    assert models("audit", [record]) == models("audit", served)


def test_csv_keeps_a_bare_carriage_return(cli: Any) -> None:
    served = [_run(1, "2026-05-01T09:00:00Z", summary="first\rsecond", errorMessage="a\r\nb")]
    with make_fake(**NO_RECORDS, notification_runs=served) as server:
        result = cli(*connection(server), "runs", "--no-delivered-only", "--format", "csv")
    assert result.code == 0
    assert models("runs", read_back(result.out, "runs", "csv")) == models("runs", served)


def test_csv_written_before_still_reads_the_same() -> None:
    """Rows from earlier versions (no schema field in ``_extra``) read as they did: appended files stay whole."""
    cmd = CLI_COMMANDS["audit"]
    header = ",".join([*cmd.columns, EXTRA_COLUMN])
    row = '2026-05-01T09:00:00+00:00,UPDATE,,,svc,"""quoted""","{""fakeFutureField"":1}"'
    assert [*read_csv(cmd, io.StringIO(f"{header}\n{row}\n", newline=""))] == [
        {"timestamp": "2026-05-01T09:00:00+00:00", "action": "UPDATE", "objectIdentifier": "svc",
         "objectType": '"quoted"', "fakeFutureField": 1}]


_CELL_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
                         st.text(st.characters(codec="utf-8") | st.sampled_from(["\r", "\n", '"', ",", "\ud800"]),
                                 max_size=6),
                         st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


@pytest.mark.slow
@settings(max_examples=300, database=None, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["timestamp", "action", "objectType", "objectIdentifier",
                                                  "actorIdentifier", "ipAddress", "future"]), _CELL_VALUES),
                max_size=5))
def test_csv_rows_read_back_losslessly_and_a_page_writes_them(records: list[dict[str, Any]]) -> None:
    """The one CSV encoder, any values in any field: ``read_csv`` gives the records back, quoting and ``_extra`` included."""
    cmd = CLI_COMMANDS["audit"]
    raws = [RawRecord(record, "{}") for record in records]
    written: list[str] = []
    _formats.LineWriter(cmd, "csv", written.append).add_page(raws, [None] * len(raws))
    text = "".join(written)
    assert text == csv_header(cmd) + "".join(csv_line(cmd, record) for record in records)
    named = {math.inf: "Infinity", -math.inf: "-Infinity"}  # no JSON number holds them: _extra names them
    assert read_back(text, "audit", "csv") == [
        {k: named.get(v, v) if type(v) is float else v for k, v in r.items()} for r in records]
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == len(records) + 1, "one row per record"


@pytest.mark.parametrize(("odd", "to_extra"), [
    ({}, set()),
    ({"notificationObjects": [{"id": 1, "name": "a,\"b\""}]}, set()),  # a nested cell, JSON: no _extra needed
    ({"deliveredCount": 0, "summary": "ünïcode"}, set()),  # non-ASCII text, a falsy int
    ({"summary": ""}, {"summary"}),  # an empty text cell goes to _extra
    ({"summary": "line\rbreak"}, set()),  # a bare CR: quoted
    ({"summary": "svc-\ud800"}, {"summary"}),  # a lone surrogate goes to _extra, JSON-escaped
    ({"deliveredCount": True}, {"deliveredCount"}),  # a bool where an int belongs
    ({"summary": None}, {"summary"}),  # null goes to _extra
    ({"notificationObjects": None}, {"notificationObjects"}),  # null where a JSON cell belongs
    ({"future": 1}, {"future"}),  # a key the schema lacks
])
@pytest.mark.parametrize("event_id", [None, "e-1"])
def test_each_odd_value_goes_to_its_cell_or_to_extra(odd: dict[str, Any], to_extra: set[str],
                                                     event_id: str | None) -> None:
    cmd = CLI_COMMANDS["runs"]
    record = {"id": 1, "seqNo": 0, "notificationType": "WEEKLY_REPORT", "medium": "EMAIL", "status": "COMPLETED",
              "deliveredCount": 1, "summary": "run 1, \"quoted\"", "dateCreated": "2026-05-01T09:00:00Z", **odd}
    header = csv_header(cmd, event_id is not None)
    [row] = csv.DictReader(io.StringIO(header + csv_line(cmd, record, event_id), newline=""))
    extra = json.loads(row[EXTRA_COLUMN]) if row[EXTRA_COLUMN] else {}
    assert set(extra) == to_extra
    assert row.get("_event_id") == event_id
    assert [*read_csv(cmd, io.StringIO(header + csv_line(cmd, record, event_id), newline=""))] == [record]


# -- issue 22, defect 7: a number no double can hold (1e400, NaN) never makes a line invalid JSON --------------

ODD_NUMBERS = ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1" + "0" * 400 + ".5", "25e-1"]
"""Numbers Python's json accepts but no finite double holds (and one ordinary float, kept a number)."""
FORMATS = ["jsonl", "csv", "ecs", "ocsf"]


def strict_json(line: str) -> Any:
    """``json.loads`` as a strict shipper reads: ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON."""

    def no_constant(name: str) -> Any:
        raise ValueError(f"not JSON: {name}")

    return json.loads(line, parse_constant=no_constant)


def written_as(fmt: str, number: str) -> Any:
    """What a line of ``fmt`` holds for the wire number ``number`` (strictly parsed)."""
    value = float(number)
    if math.isfinite(value) or (fmt == "jsonl" and number not in ("NaN", "Infinity", "-Infinity")):
        return value  # JSONL keeps the record's text: 1e400 is a JSON number (a double's inf once parsed)
    return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"


def _odd_audit_text(number: str) -> str:
    return ('{"timestamp":"2026-05-01T09:00:00Z","action":"UPDATE","objectIdentifier":"svc \\"NaN\\" -Infinity",'
            f'"objectType":"SERVICE","score": {number},"nested":{{"values":[1,{number},"Infinity"]}}}}')


def _odd_value(fmt: str, line: str, kind_key: str = "audit") -> Any:
    """The record's data as ``fmt``'s line carries it (strictly parsed)."""
    if fmt == "jsonl":
        return strict_json(line)
    if fmt == "ecs":
        return strict_json(line)["cortex"][kind_key]
    return strict_json(line)["unmapped"]["cortex"]


@pytest.mark.parametrize("number", ODD_NUMBERS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("with_id", [False, True])
def test_odd_numbers_make_valid_json_in_every_format(fmt: str, number: str, with_id: bool) -> None:
    cmd = dataclasses.replace(CLI_COMMANDS["audit"], siem=SiemOptions(original=True))  # --original keep
    text = _odd_audit_text(number)
    raw = RawRecord(json.loads(text), text)
    event_id = "e-1" if with_id or fmt in ("ecs", "ocsf") else None
    expected = written_as(fmt, number)
    by_record = line_for(cmd, fmt, raw, event_id)
    written: list[str] = []
    writer = _formats.LineWriter(cmd, fmt, written.append, with_id)
    writer.add_page([raw, raw], [event_id, event_id])
    lines = "".join(written).splitlines()
    if fmt == "csv":
        assert lines[0] == csv_header(cmd, with_id).rstrip("\n")
        lines = lines[1:]
    assert lines == [by_record.rstrip("\n")] * 2, "a page writes what each record writes"
    for line in lines:
        if fmt == "csv":
            [row] = read_back(csv_header(cmd, with_id) + line + "\n", "audit", "csv")
            strict_json(next(csv.reader([line]))[-1])  # _extra
        else:
            row = _odd_value(fmt, line)
        assert row["score"] == expected and row["nested"] == {"values": [1, expected, "Infinity"]}
        assert row["objectIdentifier"] == 'svc "NaN" -Infinity', "text that only looks like a token is left alone"
        if fmt == "jsonl" and number not in ("NaN", "Infinity", "-Infinity"):
            assert line.endswith(text[1:]), "JSONL keeps the record's text when it is JSON"
        if fmt == "ecs":
            assert strict_json(line)["event"]["original"] == text, "the record as sent, unchanged"
        if fmt == "ocsf":
            assert strict_json(line)["raw_data"] == text


def test_to_json_never_writes_an_invalid_token() -> None:
    value = {"a": [math.inf, -math.inf, math.nan, 1.5], "b": {"c": (math.inf,)}, "d": "NaN"}
    assert strict_json(_formats.to_json(value)) == {"a": ["Infinity", "-Infinity", "NaN", 1.5], "b": {"c": ["Infinity"]},
                                                    "d": "NaN"}
    assert _formats.to_json({"a": 1.5, "b": [1, "x"]}) == '{"a":1.5,"b":[1,"x"]}'


@contextlib.contextmanager
def serving_logs(texts: list[str]) -> Iterator[str]:
    """A server on 127.0.0.1 answering notification logs with ``texts`` verbatim (runs: none); its URL."""
    logs = ('{"logs":[' + ",".join(texts) + f'],"page":0,"total":{len(texts)},"totalPages":1}}').encode()
    empty = json.dumps({LIST_KEYS["runs"]: [], "page": 0, "total": 0, "totalPages": 0}).encode()

    def answer(request: httpx.Request) -> Answer:
        page = request.url.params.get("page")
        return 200, {}, empty if request.url.path == PATHS["runs"] or page != "0" else logs

    with verbatim(answer) as url:
        yield url


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.slow
def test_a_server_sending_odd_numbers_exports_valid_json(cli: Any, tmp_path: Path, fmt: str) -> None:
    odd = ',"ratio":NaN,"limits":[1e400,-Infinity,0.5]'
    texts = [json.dumps(_log(3, "2026-05-01T11:00:00Z", status="FAILED", recipientChannel="#ops"))[:-1] + odd + "}",
             json.dumps(_log(2, "2026-05-01T10:00:00Z")),
             json.dumps(_log(1, "2026-05-01T09:00:00Z"))[:-1] + odd + "}"]
    output = tmp_path / f"logs.{fmt}"
    with serving_logs(texts) as url:
        plain = cli("--base-url", url, "notifications", "--format", fmt)
        assert plain.code == 0, plain.err
        resumed = cli("--base-url", url, "notifications", "--format", fmt, "--output", str(output),
                      "--checkpoint", f"{output}.ckpt")
        assert resumed.code == 0, resumed.err
        summary = cli("--base-url", url, "summary", "--since", "2026-04-01", "--until", "2026-06-01", "--format", "json")
        assert summary.code == 0, summary.err
    assert strict_json(summary.out)["notification_logs"]["top_failing_channels"] == {"#ops": 1}
    for text in (plain.out, output.read_text(encoding="utf-8")):
        lines = data_lines_of(text, fmt)
        assert len(lines) == 3
        if fmt == "csv":
            rows = read_back(text, "notifications", "csv")
            for line in lines:
                strict_json(next(csv.reader([line]))[-1] or "{}")
        else:
            rows = [_odd_value(fmt, line, "notification_log") for line in lines]
        by_id = {row["id"]: row for row in rows}
        assert by_id[1]["ratio"] == "NaN" and by_id[1]["limits"] == [written_as(fmt, "1e400"), "-Infinity", 0.5]
        assert by_id[3] == by_id[1] | {"id": 3, "status": "FAILED", "recipientChannel": "#ops",
                                       "dateCreated": "2026-05-01T11:00:00Z"}
        assert "ratio" not in by_id[2]


def data_lines_of(text: str, fmt: str) -> list[str]:
    lines = text.splitlines()
    return lines[1:] if fmt == "csv" else lines


# -- the record's copy in an ECS or OCSF event: as sent when those are the bytes to_json writes ------------------

SCALAR = st.one_of(st.text(max_size=12), st.integers(-(2**70), 2**70), st.booleans(), st.none())
FLAT = st.dictionaries(st.text(max_size=8), SCALAR, max_size=6)
ANY_RECORD = st.one_of(FLAT, st.dictionaries(st.text(max_size=4), st.one_of(
    SCALAR, st.floats(allow_nan=True), st.lists(SCALAR, max_size=2), FLAT), max_size=4))


@settings(max_examples=120, deadline=None)
@given(data=ANY_RECORD, ascii_only=st.booleans(), separators=st.sampled_from([(",", ":"), (", ", ": "), (",", " :")]))
def test_an_event_copy_is_what_to_json_writes(data: dict[str, Any], ascii_only: bool,
                                              separators: tuple[str, str]) -> None:
    text = json.dumps(data, ensure_ascii=ascii_only, separators=separators)
    record = RawRecord(json.loads(text), text)
    assert _json.event_copy(record) == _formats.to_json(record.data)


@pytest.mark.parametrize(("text", "as_sent"), [
    ('{"a":"x","b":7,"c":true,"d":null,"e":-3}', True),
    ('{"a":"café✓"}', True),  # non-ASCII as is, as to_json writes it
    ('{}', True),
    # the rest differ from what to_json writes, or may: encoded again
    ('{"a":"caf\\u00e9"}', False),  # an escape
    ('{"a": "x"}', False),  # a blank
    ('{"a":"two words"}', False),  # a blank (maybe in a string: not worth telling apart)
    ('{"a":-0}', False),
    ('{"a":1.50}', False),  # a float: 1e400 would be one
    ('{"a":1e400}', False),
    ('{"a":NaN}', False),
    ('{"a":["x"]}', False),
    ('{"a":{"b":"x"}}', False),
    ('{"a":1,"a":2}', False),  # a key sent twice: the copy has it once
    ('{"a":"x\\":"}', False),  # a value holding ": (the count of keys cannot tell)
])
def test_an_event_copy_is_the_text_as_sent_only_when_it_is_those_bytes(text: str, as_sent: bool) -> None:
    record = RawRecord(json.loads(text), text)
    copy = _json.event_copy(record)
    assert (copy is text) is as_sent, "taken as sent (the very string), or encoded again"
    assert copy == _formats.to_json(record.data)
