"""Every export format writes, byte for byte, what it wrote before its encoders were folded into one per format.

``data/export_golden.json`` holds, per record text, the lines each format wrote (for the long ECS and OCSF lines
of many variants of one record, their SHA-256), and the record's identity (the audit content hash behind the
event ids), made by ``data/make_export_golden.py`` from the tree that still had three CSV encoders.
A file that an incremental export appends to must keep reading as one file: so no byte may change. Under a newer
spec that adds record fields (which the pinned bytes predate), the CSV lines gain a column each: they are then
compared cell for cell, the added columns empty (``assert_csv_text``), so an additive spec needs no edit here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper._wire import RawRecord
from cortex_wrapper.cli._commands import COMMANDS
from cortex_wrapper.cli._formats import LineWriter, csv_header, line_for, read_csv

GOLDEN = Path(__file__).parent / "data" / "export_golden.json"


@cache
def golden() -> dict[str, Any]:
    """The pinned headers and cases."""
    loaded: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="ascii"))
    return loaded


def pinned_commands() -> list[str]:
    """The commands whose lines were pinned (``gitops`` came after the tree the bytes were pinned from)."""
    return sorted({case["command"] for case in golden()["cases"]})


def _cases(command: str) -> list[dict[str, Any]]:
    return [case for case in golden()["cases"] if case["command"] == command]


def _record(case: dict[str, Any]) -> RawRecord:
    return RawRecord(json.loads(case["text"]), case["text"])


def assert_csv_text(command: str, with_id: bool, produced: str, pinned: str) -> None:
    """``produced`` rows are the pinned ones: byte for byte under the pinned header; row by row, cell for cell, under a
    newer header (a spec that added fields), the added columns empty for records that predate them."""
    header, old = csv_header(COMMANDS[command], with_id), golden()["headers"][f"{command} {with_id}"]
    if header == old:
        assert produced == pinned
        return
    got = list(csv.DictReader(io.StringIO(header + produced, newline="")))
    want = list(csv.DictReader(io.StringIO(old + pinned, newline="")))
    assert len(got) == len(want) and want
    for row, expected in zip(got, want, strict=True):
        assert set(expected) <= set(row), "a pinned column is gone"
        assert {name: row[name] for name in expected} == expected
        assert all(row[name] == "" for name in row.keys() - expected.keys()), "a new column filled"


def test_every_command_but_gitops_is_pinned() -> None:
    assert pinned_commands() == sorted(set(COMMANDS) - {"gitops"})


@pytest.mark.parametrize("command", pinned_commands())
def test_every_line_is_the_pinned_bytes(command: str) -> None:
    cmd = COMMANDS[command]
    cases = _cases(command)
    assert len(cases) > 100 and {"csv", "jsonl --with-id", "ecs", "ocsf"} <= {f for c in cases for f in c["lines"]}
    assert sum("sha256" in case for case in cases) > 25
    fields_now = {field.wire for field in cmd.operation.fields}
    for with_id in (False, True):
        pinned = golden()["headers"][f"{command} {with_id}"]
        [columns] = csv.reader(io.StringIO(pinned, newline=""))
        if set(columns) >= fields_now:  # no field added since the bytes were pinned: the header is the same
            assert csv_header(cmd, with_id) == pinned
    for case in cases:
        record = _record(case)
        identity = cmd.identity(record)
        assert identity == case["identity"], case["text"]  # the audit content hash: event ids stay stable
        event_id = cmd.event_id(identity, 0)
        for name, expected in case["lines"].items():
            fmt, _, option = name.partition(" ")
            with_id = option == "--with-id" or fmt in ("ecs", "ocsf")
            produced = line_for(cmd, fmt, record, event_id if with_id else None)
            if fmt == "csv":
                assert_csv_text(command, option == "--with-id", produced, expected)
            else:
                assert produced == expected, (name, case["text"])
        for fmt, digest in case.get("sha256", {}).items():  # long SIEM lines of the mappings' branches
            line = line_for(cmd, fmt, record, event_id)
            assert hashlib.sha256(line.encode()).hexdigest() == digest, (fmt, case["text"], line)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "ecs", "ocsf", "jsonl --with-id", "csv --with-id"])
def test_a_page_writes_the_pinned_lines_of_its_records(fmt: str) -> None:
    name, _, option = fmt.partition(" ")
    for command in pinned_commands():
        cmd = COMMANDS[command]
        cases = [case for case in _cases(command) if fmt in case["lines"]]
        records = [_record(case) for case in cases]
        ids = [cmd.event_id(case["identity"], 0) if option or name in ("ecs", "ocsf") else None for case in cases]
        written: list[str] = []
        writer = LineWriter(cmd, name, written.append, bool(option))
        writer.add_page(records, ids)
        if name == "csv":
            assert written[0] == csv_header(cmd, bool(option))
            assert_csv_text(command, bool(option), "".join(written[1:]), "".join(c["lines"][fmt] for c in cases))
        else:
            assert "".join(written) == "".join(case["lines"][fmt] for case in cases)
        assert writer.count == len(cases)


def _named(value: Any) -> Any:
    """``value`` with each float no JSON number holds (inf, nan) as its name, as the formats write it."""
    if type(value) is float and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, dict):
        return {key: _named(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_named(item) for item in value]
    return value


def test_the_pinned_csv_reads_back_as_each_record() -> None:
    for command, cmd in COMMANDS.items():
        for case in (case for case in _cases(command) if "csv" in case["lines"]):
            text = golden()["headers"][f"{command} False"] + case["lines"]["csv"]
            [row] = read_csv(cmd, io.StringIO(text, newline=""))
            assert row == _named(json.loads(case["text"])), case["text"]


def test_a_column_a_newer_spec_adds_is_compared_cell_for_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the nested suite of the additive-publication test sees it: one more field, so one more CSV column."""
    pinned_header = golden()["headers"]["runs False"]
    case = next(case for case in _cases("runs") if "csv" in case["lines"])
    newer = pinned_header.replace(",_extra\n", ",channelNames,_extra\n")
    monkeypatch.setitem(globals(), "csv_header", lambda cmd, with_id=False: newer)
    empty_cell = case["lines"]["csv"].rstrip("\n")
    cut = empty_cell.rfind(",")
    added = empty_cell[:cut] + "," + empty_cell[cut:] + "\n"  # an empty cell before _extra
    assert_csv_text("runs", False, added, case["lines"]["csv"])
    with pytest.raises(AssertionError, match="a new column filled"):
        assert_csv_text("runs", False, empty_cell[:cut] + ",#payments" + empty_cell[cut:] + "\n", case["lines"]["csv"])
