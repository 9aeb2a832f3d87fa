"""Issue 13, items 2 and 3 and the late-arrival window: records as sent, stable event ids, late records once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper._cursor import Cursor
from cortex_wrapper.cli._checkpoint import Checkpoint, load

from ..support.cli import (
    NO_RECORDS,
    audit_entry,
    connection,
    incremental_run,
    jsonl,
    make_fake,
    notification_log,
    server_texts,
)


def test_jsonl_holds_each_record_exactly_as_the_api_sent_it(cli: Any) -> None:
    odd = {"timestamp": "2026-05-01T09:00:00.549Z", "objectType": "SERVICE", "action": "READ",
           "objectIdentifier": "caf\u00e9", "ipAddress": "10.0.0.1"}
    with make_fake(**NO_RECORDS, audit_logs=[odd, audit_entry("b", "2026-05-01T08:00:00")]) as server:
        result = cli(*connection(server), "audit")
        sent = server_texts(server, "audit")
    assert result.code == 0, result.err
    assert result.out.splitlines() == sent
    first = result.out.splitlines()[0]
    assert '"timestamp":"2026-05-01T09:00:00.549Z"' in first  # not ...549000+00:00
    assert list(json.loads(first)) == list(odd)  # the key order as sent


def test_event_ids_are_the_api_id_or_a_content_hash_and_occurrence(cli: Any, tmp_path: Path) -> None:
    same = audit_entry("svc", "2026-05-01T09:00:00.001Z", actorIdentifier="bot@example.com")
    entries = [same, dict(same), audit_entry("other", "2026-05-01T08:00:00Z")]
    logs = [notification_log(7, "2026-05-01T09:00:00Z"), notification_log(8, "2026-05-01T09:30:00Z")]
    with make_fake(**NO_RECORDS, audit_logs=entries, notification_logs=logs) as server:
        audit = cli(*connection(server), "audit", "--with-id")
        notes = cli(*connection(server), "notifications", "--with-id", "--format", "csv")
        again = incremental_run(cli, server, "audit", tmp_path / "audit.jsonl", "--with-id")
    digest = hashlib.sha256(json.dumps(same, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:32]
    ids = [json.loads(line)["_event_id"] for line in audit.out.splitlines()]
    assert len(ids) == 3 and ids.count(f"{digest}-0") == 1 and ids.count(f"{digest}-1") == 1
    assert next(i for i in ids if not i.startswith(digest)).endswith("-0")
    assert all(line.startswith('{"_event_id":') for line in audit.out.splitlines())
    assert again.code == 0
    assert sorted(json.loads(line)["_event_id"] for line in (tmp_path / "audit.jsonl").read_text().splitlines()) \
        == sorted(ids), "a plain export and an incremental run give each record the same id"
    header, *rows = notes.out.splitlines()
    assert header.startswith("_event_id,") and [row.split(",")[0] for row in rows] == ["8:DELIVERED", "7:DELIVERED"]


def test_a_late_record_inside_the_window_is_exported_once(cli: Any, tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    logs = [notification_log(1, "2026-05-01T09:00:00Z"), notification_log(2, "2026-05-01T10:00:00Z")]
    with make_fake(**NO_RECORDS, notification_logs=logs) as server:
        assert incremental_run(cli, server, "notifications", output).code == 0
        # created before the newest exported (10:00), reaching the API late: inside the 5 min window, and outside
        server.insert("notification_logs", [notification_log(3, "2026-05-01T09:57:00Z"),
                                            notification_log(4, "2026-05-01T09:50:00Z")])
        assert incremental_run(cli, server, "notifications", output).code == 0
        assert incremental_run(cli, server, "notifications", output).code == 0
        assert server.requests[-1].params("fromDate") == ["2026-05-01T09:55:00"]
        # a wider window starts no earlier than the checkpoint knows every record: 4 (09:50) stays out
        assert incremental_run(cli, server, "notifications", output, "--lag", "15m").code == 0
        assert server.requests[-1].params("fromDate") == ["2026-05-01T09:55:00"]
    assert [record["id"] for record in jsonl(output.read_text())] == [1, 2, 3]


def test_a_version_1_audit_checkpoint_resumes_without_a_repeat(cli: Any, tmp_path: Path) -> None:
    entries = [audit_entry("a", "2026-05-01T09:00:00Z"), audit_entry("b", "2026-05-01T10:00:00.549Z")]
    output = tmp_path / "audit.jsonl"
    with make_fake(**NO_RECORDS, audit_logs=entries) as server:
        assert incremental_run(cli, server, "audit", output).code == 0
        written = output.read_bytes()
        # what 0.1.0 wrote: at_newest holds the fingerprint of the model's form of the newest entry
        model = {**entries[1], "timestamp": "2026-05-01T10:00:00.549000+00:00"}
        legacy = "sha256:" + hashlib.sha256(json.dumps(model, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        Path(f"{output}.ckpt").write_text(json.dumps({
            "cortex_logs_checkpoint": 1, "command": "audit", "format": "jsonl", "query": {},
            "output_bytes": len(written), "records": 2, "newest": "2026-05-01T10:00:00.549000+00:00",
            "at_newest": [legacy], "undated_ids": [], "undated_other": []}))
        server.insert("audit_logs", [audit_entry("c", "2026-05-01T11:00:00Z")])
        result = incremental_run(cli, server, "audit", output)
    assert result.code == 0, result.err
    assert [r["objectIdentifier"] for r in jsonl(output.read_text())] == ["a", "b", "c"]
    checkpoint = load(Path(f"{output}.ckpt"))
    assert checkpoint is not None and json.loads(Path(f"{output}.ckpt").read_text())["cortex_logs_checkpoint"] == 4
    assert not checkpoint.legacy_identities


def _at(minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 5, 1, 10, minute, second, tzinfo=dt.UTC)


def test_the_window_keeps_only_its_own_identities_and_shrinks_past_the_bound() -> None:
    checkpoint = Checkpoint("notifications", "jsonl", {})
    cursor = Cursor(checkpoint, dt.timedelta(minutes=5), max_seen=3)
    for ident, moment in enumerate([_at(0), _at(6), _at(7), _at(8), _at(8)]):
        assert cursor.admit(moment, f"id:{ident}")
    cursor.advance(checkpoint)
    # 10:00 is outside the 5 minutes before 10:08; 10:06..10:08 hold 4 > 3 identities: 10:06 goes too
    assert set(checkpoint.seen) == {"id:2", "id:3", "id:4"}
    assert checkpoint.covered_from == _at(7) == cursor.shrunk
    again = Cursor(checkpoint, dt.timedelta(minutes=5))
    assert again.floor() == _at(7)  # the window starts where the checkpoint still knows every record
    assert not again.admit(_at(8), "id:3") and again.admit(_at(8), "id:9") and not again.admit(_at(6), "id:1")


@pytest.mark.parametrize("lag", ["5x", "-1m", "m"])
def test_a_bad_lag_is_a_usage_error(cli: Any, lag: str) -> None:
    result = cli("--sandbox", "audit", f"--lag={lag}")
    assert result.code == 2 and "--lag" in result.err and "not a duration" in result.err
