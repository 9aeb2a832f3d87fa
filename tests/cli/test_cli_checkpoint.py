"""--checkpoint: incremental runs export exactly the union, repair interrupted runs, refuse mismatches."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper import CortexClient, CortexConnectionError, _client
from cortex_wrapper.cli import _incremental
from cortex_wrapper.cli._checkpoint import Checkpoint, load
from cortex_wrapper.cli._commands import COMMANDS as CLI_KINDS
from cortex_wrapper.cli._exitcodes import CliError
from cortex_wrapper.cli._formats import read_csv
from cortex_wrapper.cli._progress import Progress
from cortex_wrapper.testing import FakeCortex

from ..support.cli import BOUNDED, KINDS, NO_RECORDS, TOKEN, connection, jsonl, make_fake, server_records
from ..support.servers import OrderIgnored

RUNS_ALL = {"runs": ["--no-delivered-only"]}


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def canonical(records: list[dict[str, Any]], command: str) -> Counter[str]:
    parse = CLI_KINDS[command].operation.model.from_dict
    return Counter(json.dumps(parse(r).to_dict(), sort_keys=True) for r in records)


def incremental(cli: Any, fake: FakeCortex, command: str, output: Path, *extra: str, fmt: str = "jsonl") -> Any:
    return cli(*connection(fake), command, "--format", fmt, "--output", str(output),
               "--checkpoint", str(output) + ".ckpt", *RUNS_ALL.get(command, []), *extra)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("command", list(BOUNDED))
@pytest.mark.slow
def test_consecutive_runs_export_the_union_without_repeats(cli: Any, fake: FakeCortex, tmp_path: Path,
                                                           command: str, fmt: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / f"out.{fmt}"
    assert incremental(cli, fake, command, output, "--page-size", "70", fmt=fmt).code == 0
    first = len(lines(output))
    fake.insert_newest(KINDS[command], 13)  # stamped 1 to 13 ms from now, one millisecond apart
    now = _client._now
    monkeypatch.setattr(_client, "_now", lambda: now() + dt.timedelta(seconds=1))  # the next run, a second later
    second = incremental(cli, fake, command, output, "--page-size", "70", fmt=fmt)
    assert second.code == 0, second.err
    assert len(lines(output)) == first + 13
    assert incremental(cli, fake, command, output, fmt=fmt).code == 0
    assert len(lines(output)) == first + 13, "a run with nothing new appends nothing"
    if fmt == "jsonl":
        exported = jsonl(output.read_text())
        expected = server_records(fake, command, **({"deliveredOnly": "false"} if command == "runs" else {}))
        served = canonical(expected, command)
        assert max(served.values()) == 1, "precondition: no two records the fake serves are equal (audit too)"
        assert canonical(exported, command) == served, "every record exactly once: none lost, none repeated"
        stamps = [CLI_KINDS[command].time_value(record) for record in exported]
        assert None not in stamps and stamps == sorted(stamps), "oldest first, across runs"
    else:
        time_field = CLI_KINDS[command].time_field
        assert time_field is not None and lines(output)[0].startswith(time_field)
        assert sum(line.startswith(time_field) for line in lines(output)) == 1, "one header"
    assert TOKEN not in Path(str(output) + ".ckpt").read_text()


def _log(ident: int, stamp: str) -> dict[str, Any]:
    return {"id": ident, "medium": "SLACK", "recipientType": "USER", "runId": 1, "status": "DELIVERED",
            "type": "WEEKLY_REPORT", "dateCreated": stamp}


def _audit(name: str, stamp: str) -> dict[str, Any]:
    return {"action": "UPDATE", "objectIdentifier": name, "objectType": "SERVICE", "timestamp": stamp,
            "actorIdentifier": "alice@example.com"}


NEWEST = "2026-05-01T10:00:00.000Z"


def test_boundary_records_sharing_the_newest_timestamp(cli: Any, tmp_path: Path) -> None:
    logs = [_log(1, "2026-05-01T09:00:00.000Z"), _log(2, NEWEST), _log(3, NEWEST), _log(4, NEWEST)]
    with make_fake(notification_log_count=0, notification_logs=logs) as server:
        output = tmp_path / "logs.jsonl"
        assert incremental(cli, server, "notifications", output).code == 0
        checkpoint = load(Path(str(output) + ".ckpt"))
        assert checkpoint is not None
        assert checkpoint.at_newest == Counter({"id:2:DELIVERED": 1, "id:3:DELIVERED": 1, "id:4:DELIVERED": 1})
        server.insert("notification_logs", [_log(5, NEWEST), _log(6, "2026-05-01T10:00:00.001Z")])
        assert incremental(cli, server, "notifications", output).code == 0
    assert [record["id"] for record in jsonl(output.read_text())] == [1, 2, 3, 4, 5, 6]


def test_identical_audit_entries_at_the_boundary_are_counted(cli: Any, tmp_path: Path) -> None:
    entries = [_audit("a", "2026-05-01T09:00:00.000Z"), _audit("b", NEWEST), _audit("b", NEWEST)]
    with make_fake(audit_log_count=0, audit_logs=entries) as server:
        output = tmp_path / "audit.jsonl"
        assert incremental(cli, server, "audit", output).code == 0
        server.insert("audit_logs", [_audit("b", NEWEST), _audit("c", NEWEST)])
        assert incremental(cli, server, "audit", output).code == 0
        assert incremental(cli, server, "audit", output).code == 0
    names = [record["objectIdentifier"] for record in jsonl(output.read_text())]
    assert Counter(names) == Counter({"a": 1, "b": 3, "c": 1})


def test_since_applies_until_the_checkpoint_has_a_record(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "runs.jsonl"
    assert incremental(cli, fake, "runs", output, "--since", "2026-05-25").code == 0
    exported = jsonl(output.read_text())
    assert exported and all(record["dateCreated"] >= "2026-05-25" for record in exported)
    newest = dt.datetime.fromisoformat(exported[-1]["dateCreated"])
    assert incremental(cli, fake, "runs", output, "--since", "2020-01-01").code == 0
    window_start = (newest - dt.timedelta(minutes=5)).astimezone(dt.UTC)  # the default --lag re-reads 5 minutes
    assert fake.requests[-1].params("fromDate")[0][:19] == window_start.isoformat()[:19]
    assert len(jsonl(output.read_text())) == len(exported)
    assert incremental(cli, fake, "runs", output, "--since", "2020-01-01", "--lag", "0").code == 0
    assert fake.requests[-1].params("fromDate")[0][:19] == newest.astimezone(dt.UTC).isoformat()[:19]
    assert len(jsonl(output.read_text())) == len(exported)


@pytest.mark.slow
def test_max_pages_continues_where_it_stopped(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    for _ in range(12):
        assert incremental(cli, fake, "notifications", output, "--page-size", "50", "--max-pages", "2").code == 0
    assert canonical(jsonl(output.read_text()), "notifications") == canonical(
        server_records(fake, "notifications"), "notifications")


@pytest.mark.slow
def test_partial_tail_is_repaired(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "audit.csv"
    assert incremental(cli, fake, "audit", output, fmt="csv").code == 0
    complete = output.read_bytes()
    torn = b'2026-05-31T23:59:59+00:00,UPDATE,"half a row'
    with output.open("ab") as stream:
        stream.write(torn)
    result = incremental(cli, fake, "audit", output, fmt="csv")
    assert result.code == 0
    assert "repaired" in result.err and f"dropped {len(torn)} bytes" in result.err
    assert output.read_bytes() == complete


class Crash(KeyboardInterrupt):
    """Stands for a SIGKILL between the output's fsync and the checkpoint's replacement."""


@pytest.mark.slow
@pytest.mark.parametrize("command", ["notifications", "audit"])
def test_crash_at_every_commit_then_resume(cli: Any, fake: FakeCortex, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    # the `save` in _incremental's namespace, the one patched below; read through vars() because _incremental
    # imports it from _checkpoint without re-exporting it, so `_incremental.save` is an attr-defined error under --strict
    real_save: Callable[[Path, Checkpoint, Callable[[], None] | None], None] = vars(_incremental)["save"]
    saves = 0

    def counted(path: Path, checkpoint: Checkpoint, before: Callable[[], None] | None = None) -> None:
        nonlocal saves
        saves += 1
        real_save(path, checkpoint, before)

    reference = tmp_path / "reference.jsonl"
    monkeypatch.setattr(_incremental, "save", counted)
    assert incremental(cli, fake, command, reference, "--page-size", "50").code == 0
    assert saves >= 2, "the empty checkpoint, then at least one commit"
    for crash_at in range(1, saves + 1):  # every commit of the run, and only those
        output = tmp_path / f"crash-{crash_at}.jsonl"
        calls = 0

        def save(path: Path, checkpoint: Checkpoint, before: Callable[[], None] | None = None,
                 crash_at: int = crash_at, output: Path = output) -> None:
            nonlocal calls
            calls += 1
            if calls == crash_at:
                if calls > 1:  # the first save (the empty checkpoint) precedes any output
                    with output.open("ab") as stream:
                        stream.write(b'{"torn":')  # and a torn write on top
                raise Crash
            real_save(path, checkpoint, before)

        monkeypatch.setattr(_incremental, "save", save)
        assert incremental(cli, fake, command, output, "--page-size", "50").code == 130, f"crashed at save {crash_at}"
        monkeypatch.setattr(_incremental, "save", real_save)
        assert incremental(cli, fake, command, output, "--page-size", "50").code == 0
        assert output.read_bytes() == reference.read_bytes(), f"crash at save {crash_at}"


def test_refuses_an_output_no_checkpoint_covers(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    output.write_text("someone else's data\n")
    result = incremental(cli, fake, "audit", output)
    assert result.code == 1 and "does not cover" in result.err
    assert output.read_text() == "someone else's data\n"


def test_refuses_a_truncated_output(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    assert incremental(cli, fake, "audit", output).code == 0
    lines = output.read_text().splitlines(keepends=True)
    output.write_text("".join(lines[: len(lines) // 2]))  # cut short, not emptied: something else changed it
    result = incremental(cli, fake, "audit", output)
    assert result.code == 1 and "changed outside cortex-logs" in result.err


@pytest.mark.slow
def test_an_output_emptied_in_place_is_a_copytruncate_rotation(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    assert incremental(cli, fake, "notifications", output).code == 0
    copied = output.read_text()
    output.write_text("")  # logrotate copytruncate: copied elsewhere, then emptied where it is
    fake.insert_newest("notification_logs", 2)
    result = incremental(cli, fake, "notifications", output)
    assert result.code == 0 and "was rotated (it is empty" in result.err
    assert len(jsonl(output.read_text())) == 2 and len(jsonl(copied)) == 400


def test_refuses_other_filters_or_format(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    assert incremental(cli, fake, "notifications", output, "--status", "FAILED").code == 0
    other = incremental(cli, fake, "notifications", output, "--status", "IGNORED")
    assert other.code == 2 and "belongs to 'cortex-logs notifications --format jsonl'" in other.err
    assert incremental(cli, fake, "notifications", output, "--status", "FAILED").code == 0


def test_refuses_a_corrupt_checkpoint(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    Path(str(output) + ".ckpt").write_text("{not json")
    result = incremental(cli, fake, "notifications", output)
    assert result.code == 1 and "is not a cortex-logs checkpoint" in result.err


@pytest.mark.parametrize("head", [[0, "0" * 64], [4097, "0" * 64], ["12", "0" * 64], [12, "not a digest"], "12"])
def test_refuses_a_checkpoint_whose_output_head_is_not_a_length_and_a_digest(tmp_path: Path, head: Any) -> None:
    good = Checkpoint("notifications", "jsonl", {}, output_path=str(tmp_path / "out.jsonl"), output_tail="0" * 64,
                      output_head=(12, "a" * 64))
    path = tmp_path / "out.jsonl.ckpt"
    assert Checkpoint.from_json(good.to_json(), path).output_head == (12, "a" * 64), "the field reads back"
    with pytest.raises(CliError, match="output_head is not a length and a SHA-256"):
        Checkpoint.from_json({**good.to_json(), "output_head": head}, path)


@pytest.mark.parametrize(("argv", "message"), [
    (["audit", "--checkpoint", "c.json"], "--checkpoint needs --output"),
    (["audit", "--checkpoint", "c.json", "--output", "o", "--format", "table"], "not table"),
    (["audit", "--checkpoint", "c.json", "--output", "o", "--max-pages", "2"], "would leave a gap"),
    (["runs", "--checkpoint", "c.json", "--output", "o", "--order-by", "DESC"], "drop --order-by"),
    (["runs", "--checkpoint", "same", "--output", "same"], "must be different files"),
])
def test_checkpoint_usage_errors(cli: Any, fake: FakeCortex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 argv: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*connection(fake), *argv)
    assert result.code == 2 and message in result.err
    assert list(tmp_path.iterdir()) == [], "nothing is written"


def durability_events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the incremental export makes durable, in order: "sync" (the output) and "replace FILE"."""
    events: list[str] = []
    real_replace, real_sync = os.replace, vars(_incremental)["sync"]

    def replace(src: str, dst: Path) -> None:
        events.append(f"replace {Path(dst).name}")
        real_replace(src, dst)

    def sync(fd: int) -> None:
        events.append("sync")
        real_sync(fd)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(_incremental, "sync", sync)
    return events


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("command", list(BOUNDED))
@pytest.mark.slow
def test_a_run_with_nothing_new_leaves_the_checkpoint_and_the_output_alone(
        cli: Any, fake: FakeCortex, tmp_path: Path, command: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # an idle poll of --follow: no fsync and no replaced checkpoint when nothing would change
    output = tmp_path / f"out.{fmt}"
    ckpt = Path(f"{output}.ckpt")
    assert incremental(cli, fake, command, output, fmt=fmt).code == 0
    written = ckpt.read_bytes()
    events = durability_events(monkeypatch)
    assert incremental(cli, fake, command, output, fmt=fmt).code == 0
    assert events == [], "nothing new: nothing to make durable"
    assert ckpt.read_bytes() == written
    fake.insert_newest(KINDS[command], 2)
    assert incremental(cli, fake, command, output, fmt=fmt).code == 0
    assert events == ["sync", f"replace {ckpt.name}"], "two new records: the output made durable, then one commit"
    checkpoint = load(ckpt)
    assert checkpoint is not None and checkpoint.records == len(lines(output)) - (fmt == "csv")


@pytest.mark.parametrize("command", list(BOUNDED))
@pytest.mark.slow
def test_a_copytruncate_with_nothing_new_is_made_durable_before_the_checkpoint_says_so(
        cli: Any, fake: FakeCortex, tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the checkpoint's output_bytes drops to 0: the emptied output must be durable first, or a power loss could
    # bring its old bytes back under a checkpoint that covers none of them
    output = tmp_path / "out.jsonl"
    assert incremental(cli, fake, command, output).code == 0
    output.write_text("")  # logrotate copytruncate
    events = durability_events(monkeypatch)
    result = incremental(cli, fake, command, output)
    assert result.code == 0 and "was rotated" in result.err
    assert output.read_text() == "", "nothing new since: nothing appended"
    assert events == ["sync", "replace out.jsonl.ckpt"]
    checkpoint = load(Path(f"{output}.ckpt"))
    assert checkpoint is not None and checkpoint.output_bytes == 0


# -- issue 22: retention judged by the last poll; a server that ignores orderBy --------------------------------


@pytest.mark.usefixtures("real_retention")
def test_a_quiet_filter_polled_recently_is_no_gap_however_old_its_newest_record(cli: Any, tmp_path: Path) -> None:
    # `notifications --status FAILED --follow`: the last failure is 40 days old, the last poll a moment ago
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=40)).isoformat()
    output = tmp_path / "logs.jsonl"
    with make_fake(**NO_RECORDS, notification_logs=[_log(1, old)]) as fake:
        assert incremental(cli, fake, "notifications", output).code == 0
        again = incremental(cli, fake, "notifications", output)
        assert again.code == 0, again.err
        assert "gap" not in again.err
        fake.insert("notification_logs", [_log(2, dt.datetime.now(dt.UTC).isoformat())])
        assert incremental(cli, fake, "notifications", output).code == 0
    assert [r["id"] for r in jsonl(output.read_text())] == [1, 2]
    checkpoint = json.loads(Path(f"{output}.ckpt").read_text())
    polled = dt.datetime.fromisoformat(checkpoint["polled_until"])
    assert abs((polled - dt.datetime.now(dt.UTC)).total_seconds()) < 60, "the checkpoint keeps the last poll's end"


@pytest.mark.usefixtures("real_retention")
@pytest.mark.slow
def test_a_checkpoint_without_the_last_poll_is_judged_by_its_newest_record(cli: Any, tmp_path: Path) -> None:
    # written before it kept `polled_until`: it still loads, and the newest record is all it knows
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=40)).isoformat()
    output = tmp_path / "logs.jsonl"
    ckpt = Path(f"{output}.ckpt")
    with make_fake(**NO_RECORDS, notification_logs=[_log(1, old)]) as fake:
        assert incremental(cli, fake, "notifications", output).code == 0
        older = json.loads(ckpt.read_text())
        del older["polled_until"]
        ckpt.write_text(json.dumps(older))
        stopped = incremental(cli, fake, "notifications", output)
        assert stopped.code == 8 and "a gap is possible" in stopped.err
        assert incremental(cli, fake, "notifications", output, "--accept-gap").code == 0
        assert incremental(cli, fake, "notifications", output).code == 0, "the accepted run recorded its poll"
    assert [r["id"] for r in jsonl(output.read_text())] == [1]


def _newest_first_then_dropped(fake: FakeCortex, output: Path, fmt: str, page_size: int, notes: list[str]) -> None:
    """One run against a server that ignores orderBy=ASC, whose connection drops at the third request."""
    fake.script(200, 200, "drop")
    server = OrderIgnored(fake)
    with CortexClient(fake.token, "https://cortex.fake", transport=server, requests_per_minute=None, max_retries=0,
                      concurrency=1) as client, pytest.raises(CortexConnectionError):
        _incremental.export_incremental(
            client, CLI_KINDS["notifications"], {}, fmt=fmt, output=str(output), checkpoint=f"{output}.ckpt",
            since=None, until=None, page_size=page_size, max_pages=None,
            progress=Progress(io.StringIO(), enabled=False), notify=notes.append)
    assert server.asked[0] == ["ASC"], "oldest first was asked for"


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("page_size", [1, 2])
@pytest.mark.slow
def test_pages_a_server_sends_newest_first_commit_nothing_that_assumes_oldest_first(
        cli: Any, tmp_path: Path, page_size: int, fmt: str) -> None:
    now = dt.datetime.now(dt.UTC)
    logs = [_log(ident, (now - dt.timedelta(minutes=60 - 10 * ident)).isoformat()) for ident in range(1, 6)]
    output = tmp_path / f"logs.{fmt}"
    notes: list[str] = []
    with make_fake(**NO_RECORDS, notification_logs=logs) as fake:
        _newest_first_then_dropped(fake, output, fmt, page_size, notes)
        resumed = incremental(cli, fake, "notifications", output, fmt=fmt)  # a server that honours orderBy, now
        assert resumed.code == 0, resumed.err
    text = output.read_text(encoding="utf-8")
    exported = jsonl(text) if fmt == "jsonl" else list(read_csv(CLI_KINDS["notifications"], io.StringIO(text, newline="")))
    ids = [int(record["id"]) for record in exported]
    assert sorted(ids) == [1, 2, 3, 4, 5], "every record exactly once: the older pages the first run never got too"
    assert sum("oldest first" in note for note in notes) == 1, f"said once: {notes}"


def test_a_whole_window_sent_newest_first_is_appended_oldest_first_and_committed_once(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    logs = [_log(ident, (now - dt.timedelta(minutes=60 - 10 * ident)).isoformat()) for ident in range(1, 6)]
    output = tmp_path / "logs.jsonl"
    notes: list[str] = []
    with make_fake(**NO_RECORDS, notification_logs=logs) as fake, CortexClient(
            fake.token, "https://cortex.fake", transport=OrderIgnored(fake), requests_per_minute=None,
            concurrency=1) as client:
        for _ in range(2):
            done = _incremental.export_incremental(
                client, CLI_KINDS["notifications"], {}, fmt="jsonl", output=str(output),
                checkpoint=f"{output}.ckpt", since=None, until=None, page_size=2, max_pages=None,
                progress=Progress(io.StringIO(), enabled=False), notify=notes.append)
    assert [record["id"] for record in jsonl(output.read_text())] == [1, 2, 3, 4, 5], "oldest first, once each"
    assert done.added == 0 and done.newest == dt.datetime.fromisoformat(logs[-1]["dateCreated"])
