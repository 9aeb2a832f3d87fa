"""Every export format writes, byte for byte, what it wrote before its encoders were folded into one per format.

``data/export_golden.json`` holds, per record text, the lines each format wrote (for the long ECS and OCSF lines
of many variants of one record, their SHA-256), and the record's identity (the audit content hash behind the
event ids), made by ``data/make_export_golden.py`` from the tree that still had three CSV encoders.
A file that an incremental export appends to must keep reading as one file: so no byte may change.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper._wire import RawRecord
from cortex_wrapper.cli._formats import LineWriter, csv_header, line_for, read_csv
from cortex_wrapper.cli._kinds import KINDS

GOLDEN = Path(__file__).parent / "data" / "export_golden.json"


@cache
def golden() -> dict[str, Any]:
    """The pinned headers and cases."""
    loaded: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="ascii"))
    return loaded


def _cases(command: str) -> list[dict[str, Any]]:
    return [case for case in golden()["cases"] if case["command"] == command]


def _record(case: dict[str, Any]) -> RawRecord:
    return RawRecord(json.loads(case["text"]), case["text"])


@pytest.mark.parametrize("command", sorted(KINDS))
def test_every_line_is_the_pinned_bytes(command: str) -> None:
    kind = KINDS[command]
    cases = _cases(command)
    assert len(cases) > 100 and {"csv", "jsonl --with-id", "ecs", "ocsf"} <= {f for c in cases for f in c["lines"]}
    assert sum("sha256" in case for case in cases) > 25
    for with_id in (False, True):
        assert csv_header(kind, with_id) == golden()["headers"][f"{command} {with_id}"]
    for case in cases:
        record = _record(case)
        identity = kind.identity(record)
        assert identity == case["identity"], case["text"]  # the audit content hash: event ids stay stable
        event_id = kind.event_id(identity, 0)
        for name, expected in case["lines"].items():
            fmt, _, option = name.partition(" ")
            with_id = option == "--with-id" or fmt in ("ecs", "ocsf")
            assert line_for(kind, fmt, record, event_id if with_id else None) == expected, (name, case["text"])
        for fmt, digest in case.get("sha256", {}).items():  # long SIEM lines of the mappings' branches
            line = line_for(kind, fmt, record, event_id)
            assert hashlib.sha256(line.encode()).hexdigest() == digest, (fmt, case["text"], line)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "ecs", "ocsf", "jsonl --with-id", "csv --with-id"])
def test_a_page_writes_the_pinned_lines_of_its_records(fmt: str) -> None:
    name, _, option = fmt.partition(" ")
    for command, kind in KINDS.items():
        cases = [case for case in _cases(command) if fmt in case["lines"]]
        records = [_record(case) for case in cases]
        ids = [kind.event_id(case["identity"], 0) if option or name in ("ecs", "ocsf") else None for case in cases]
        written: list[str] = []
        writer = LineWriter(kind, name, written.append, bool(option))
        writer.add_page(records, ids)
        header = golden()["headers"][f"{command} {bool(option)}"] if name == "csv" else ""
        assert "".join(written) == header + "".join(case["lines"][fmt] for case in cases)
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
    for command, kind in KINDS.items():
        for case in (case for case in _cases(command) if "csv" in case["lines"]):
            text = golden()["headers"][f"{command} False"] + case["lines"]["csv"]
            [row] = read_csv(kind, io.StringIO(text, newline=""))
            assert row == _named(json.loads(case["text"])), case["text"]
