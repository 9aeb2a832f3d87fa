"""--checkpoint's output file: rotated mid-run (copytruncate), known by what it holds (not its inode), write
errors that name it, the one output a checkpoint belongs to, and one follower per checkpoint."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper import CortexClient, _client
from cortex_wrapper.cli import _incremental
from cortex_wrapper.cli._checkpoint import Checkpoint, load
from cortex_wrapper.cli._commands import COMMANDS as CLI_COMMANDS
from cortex_wrapper.cli._follow import Stopped, follow
from cortex_wrapper.cli._progress import Progress
from cortex_wrapper.testing import FakeCortex

from ..support.cli import (
    KINDS,
    NO_RECORDS,
    TOKEN,
    cli_argv,
    connection,
    incremental_run,
    jsonl,
    make_fake,
    notification_log,
)
from ..support.soak import copytruncate

SaveFn = Callable[[Path, Checkpoint, Callable[[], None] | None], None]
REAL_SAVE: SaveFn = vars(_incremental)["save"]


def reference(cli: Any, fake: FakeCortex, command: str, tmp_path: Path, fmt: str, *extra: str) -> bytes:
    """A one-shot --checkpoint export of what ``fake`` holds, in ``fmt``."""
    output = tmp_path / f"reference.{fmt}"
    assert incremental_run(cli, fake, command, output, *extra, fmt=fmt).code == 0
    return output.read_bytes()


def header_of(fmt: str, data: bytes) -> bytes:
    return data.split(b"\n", 1)[0] + b"\n" if fmt == "csv" else b""


# -- copytruncate during a run --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("command", ["notifications", "audit"])
@pytest.mark.slow
def test_copytruncate_between_the_open_and_the_append(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      command: str, fmt: str) -> None:
    with make_fake(**{**NO_RECORDS, "audit_log_count": 60, "notification_log_count": 60}) as fake:
        output, rotated = tmp_path / f"out.{fmt}", tmp_path / f"out.{fmt}.1"
        assert incremental_run(cli, fake, command, output, fmt=fmt).code == 0
        fake.insert_newest(KINDS[command], 5)  # stamped in the next milliseconds of the wall clock
        later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        monkeypatch.setattr(_client, "_now", lambda: later)  # every run below freezes a bound past them all
        expected = reference(cli, fake, command, tmp_path, fmt)
        real_open = vars(_incremental)["_open_checkpoint"]

        def open_then_rotate(*args: Any, **kwargs: Any) -> Checkpoint:
            checkpoint: Checkpoint = real_open(*args, **kwargs)
            copytruncate(output, rotated)  # logrotate takes no lock: it strikes after the run checked the file
            return checkpoint

        monkeypatch.setattr(_incremental, "_open_checkpoint", open_then_rotate)
        result = incremental_run(cli, fake, command, output, fmt=fmt)
        assert result.code == 0, result.err
        assert "emptied" in result.err
        monkeypatch.setattr(_incremental, "_open_checkpoint", real_open)
        again = incremental_run(cli, fake, command, output, fmt=fmt)
        assert again.code == 0, again.err
    new = output.read_bytes()
    assert new.startswith(header_of(fmt, expected)) and new.count(b"\n") == 5 + (fmt == "csv")
    assert rotated.read_bytes() + new[len(header_of(fmt, expected)):] == expected, "nothing lost, nothing repeated"
    checkpoint = load(Path(f"{output}.ckpt"))
    assert checkpoint is not None and checkpoint.output_bytes == len(new)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.slow
def test_copytruncate_between_two_page_commits(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               fmt: str) -> None:
    output, rotated = tmp_path / f"out.{fmt}", tmp_path / f"out.{fmt}.1"
    saves = 0

    def save(path: Path, checkpoint: Checkpoint, before: Callable[[], None] | None = None) -> None:
        nonlocal saves
        REAL_SAVE(path, checkpoint, before)
        saves += 1
        if saves == 5:  # the empty checkpoint, the first append's head, three pages committed: rotate before the fourth
            copytruncate(output, rotated)

    with make_fake(**{**NO_RECORDS, "notification_log_count": 100}) as fake:
        expected = reference(cli, fake, "notifications", tmp_path, fmt, "--page-size", "20")
        monkeypatch.setattr(_incremental, "save", save)
        result = incremental_run(cli, fake, "notifications", output, "--page-size", "20", fmt=fmt)
        assert result.code == 0, result.err
        assert saves > 5 and "emptied" in result.err
        monkeypatch.setattr(_incremental, "save", REAL_SAVE)
        again = incremental_run(cli, fake, "notifications", output, "--page-size", "20", fmt=fmt)
        assert again.code == 0, again.err
    new, old = output.read_bytes(), rotated.read_bytes()
    header = header_of(fmt, expected)
    assert old.count(b"\n") == 60 + (fmt == "csv"), "three pages were committed before the rotation"
    assert new.startswith(header), "the new file is a file of its own (CSV: with a header)"
    assert old + new[len(header):] == expected, "nothing lost, nothing repeated"
    checkpoint = load(Path(f"{output}.ckpt"))
    assert checkpoint is not None and checkpoint.output_bytes == len(new)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.slow
def test_copytruncate_between_the_look_at_the_file_and_the_write(cli: Any, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    # the narrowest window: the run saw the output as the checkpoint says, then logrotate struck before the write
    output, rotated = tmp_path / f"out.{fmt}", tmp_path / f"out.{fmt}.1"
    real_append = vars(_incremental)["append"]
    appends = 0

    def append(out: Any, data: bytes | bytearray) -> int:
        nonlocal appends
        appends += 1
        if appends == 3:
            copytruncate(output, rotated)
        end: int = real_append(out, data)
        return end

    with make_fake(**{**NO_RECORDS, "notification_log_count": 100}) as fake:
        expected = reference(cli, fake, "notifications", tmp_path, fmt, "--page-size", "20")
        monkeypatch.setattr(_incremental, "append", append)
        result = incremental_run(cli, fake, "notifications", output, "--page-size", "20", fmt=fmt)
        assert result.code == 0, result.err
        assert "emptied" in result.err
        monkeypatch.setattr(_incremental, "append", real_append)
        again = incremental_run(cli, fake, "notifications", output, "--page-size", "20", fmt=fmt)
        assert again.code == 0, again.err
    new, old = output.read_bytes(), rotated.read_bytes()
    header = header_of(fmt, expected)
    assert old.count(b"\n") == 40 + (fmt == "csv") and new.startswith(header)
    assert old + new[len(header):] == expected, "nothing lost, nothing repeated"


class Killed(KeyboardInterrupt):
    """A run stopped where it stands, between an append and its commit (as SIGKILL would; exit 130 in process)."""


def _kill_after_append(monkeypatch: pytest.MonkeyPatch, at: int) -> Callable[[], None]:
    """Make the ``at``-th append of the next run its last: the bytes reach the file, no commit follows.

    Returns the function that puts the real append back.
    """
    real_append = vars(_incremental)["append"]
    appends = 0

    def append(out: Any, data: bytes | bytearray) -> int:
        nonlocal appends
        appends += 1
        end: int = real_append(out, data)
        if appends == at:
            raise Killed
        return end

    monkeypatch.setattr(_incremental, "append", append)
    return lambda: monkeypatch.setattr(_incremental, "append", real_append)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("command", ["notifications", "audit"])
@pytest.mark.slow
def test_a_killed_first_run_copied_away_by_copytruncate_is_not_exported_twice(
        cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, fmt: str) -> None:
    # the checkpoint covers no byte of the output yet: the first run appends, is killed before it commits, and
    # logrotate's copytruncate copies those uncommitted lines away before the next run, which exports them again
    output, rotated = tmp_path / f"out.{fmt}", tmp_path / f"out.{fmt}.1"
    with make_fake(**{**NO_RECORDS, "audit_log_count": 60, "notification_log_count": 60}) as fake:
        expected = reference(cli, fake, command, tmp_path, fmt, "--page-size", "20")
        restore_append = _kill_after_append(monkeypatch, 1)
        assert incremental_run(cli, fake, command, output, "--page-size", "20", fmt=fmt).code == 130
        restore_append()
        killed = output.read_bytes()
        assert killed.count(b"\n") >= 20, "the killed run left its uncommitted lines in the output"
        copytruncate(output, rotated)
        result = incremental_run(cli, fake, command, output, "--page-size", "20", fmt=fmt)
        assert result.code == 0, result.err
    assert f"repaired {rotated}" in result.err
    assert rotated.read_bytes() == b"", "the copy held only lines no checkpoint covered: cut, as a torn tail is"
    assert output.read_bytes() == expected, "each record exported once"


@pytest.mark.slow
def test_a_killed_run_right_after_a_rotation_copied_away_is_not_exported_twice(
        cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the same at the start of the second file: a rotation, then a run killed before its first commit there
    output = tmp_path / "out.jsonl"
    first, second = tmp_path / "out.jsonl.1", tmp_path / "out.jsonl.2"
    with make_fake(**{**NO_RECORDS, "notification_log_count": 40}) as fake:
        assert incremental_run(cli, fake, "notifications", output, "--page-size", "20").code == 0
        output.rename(first)  # logrotate's rename and create
        output.touch()
        fake.insert_newest("notification_logs", 30)
        later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        monkeypatch.setattr(_client, "_now", lambda: later)  # every run below freezes a bound past them all
        expected = reference(cli, fake, "notifications", tmp_path, "jsonl", "--page-size", "20")
        restore_append = _kill_after_append(monkeypatch, 1)
        assert incremental_run(cli, fake, "notifications", output, "--page-size", "20").code == 130
        restore_append()
        assert output.read_bytes().count(b"\n") >= 10, "the killed run left its uncommitted lines in the output"
        copytruncate(output, second)
        result = incremental_run(cli, fake, "notifications", output, "--page-size", "20")
        assert result.code == 0, result.err
    assert second.read_bytes() == b""
    assert first.read_bytes() + output.read_bytes() == expected, "nothing lost, nothing repeated"


def test_a_file_that_grew_under_the_run_is_refused(cli: Any, fake: FakeCortex, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # not a rotation: something else wrote to the output between two commits (it takes no lock)
    output = tmp_path / "out.jsonl"
    saves = 0

    def save(path: Path, checkpoint: Checkpoint, before: Callable[[], None] | None = None) -> None:
        nonlocal saves
        REAL_SAVE(path, checkpoint, before)
        saves += 1
        if saves == 2:
            with output.open("ab") as stream:
                stream.write(b'{"someone": "else"}\n')

    monkeypatch.setattr(_incremental, "save", save)
    result = incremental_run(cli, fake, "notifications", output, "--page-size", "50")
    assert result.code == 1 and "changed outside cortex-logs" in result.err and str(output) in result.err


# -- the output is known by what it holds --------------------------------------------------------------------

def restore(output: Path) -> None:
    """The same bytes at the same path, in another file (a restore from backup, a move to another volume)."""
    copy = output.with_name("restored.tmp")
    shutil.copyfile(output, copy)
    os.replace(copy, output)


def test_an_output_restored_as_another_file_with_the_same_content_goes_on(cli: Any, fake: FakeCortex,
                                                                          tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    assert incremental_run(cli, fake, "notifications", output).code == 0
    before = output.stat().st_ino
    restore(output)
    assert output.stat().st_ino != before
    fake.insert_newest("notification_logs", 3)
    result = incremental_run(cli, fake, "notifications", output)
    assert result.code == 0, result.err
    assert "rotated" not in result.err and len(jsonl(output.read_text())) == 403


@pytest.mark.slow
def test_a_version_2_checkpoint_pinning_another_device_is_upgraded_without_a_repeat(
        cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output, ckpt = tmp_path / "logs.jsonl", tmp_path / "logs.jsonl.ckpt"
    assert incremental_run(cli, fake, "notifications", output).code == 0
    torn = b'{"id": 9'
    with output.open("ab") as stream:
        stream.write(torn)  # and an interrupted run's tail
    data = json.loads(ckpt.read_text())
    version_2 = {key: value for key, value in data.items() if key not in ("output_path", "output_tail")}
    version_2.update({"cortex_logs_checkpoint": 2, "output_file": [4242, 4242]})  # a remount: another device
    ckpt.write_text(json.dumps(version_2))
    fake.insert_newest("notification_logs", 2)
    result = incremental_run(cli, fake, "notifications", output)
    assert result.code == 0, result.err
    assert f"dropped {len(torn)} bytes" in result.err
    assert len(jsonl(output.read_text())) == 402, "the two new records, nothing repeated"
    upgraded = json.loads(ckpt.read_text())
    assert upgraded["cortex_logs_checkpoint"] == 4 and "output_file" not in upgraded
    assert upgraded["output_path"] == str(output)


@pytest.mark.slow
def test_a_version_1_checkpoint_without_output_file_is_upgraded(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output, ckpt = tmp_path / "logs.jsonl", tmp_path / "logs.jsonl.ckpt"
    assert incremental_run(cli, fake, "notifications", output, "--lag", "0").code == 0
    data = json.loads(ckpt.read_text())
    at_newest = [identity for identity, moment, _ in data["seen"] if moment == data["newest"]]
    ckpt.write_text(json.dumps({"cortex_logs_checkpoint": 1, "command": "notifications", "format": "jsonl",
                                "query": {}, "output_bytes": data["output_bytes"], "records": data["records"],
                                "newest": data["newest"], "at_newest": at_newest}))
    restore(output)
    result = incremental_run(cli, fake, "notifications", output, "--lag", "0")
    assert result.code == 0, result.err
    assert len(jsonl(output.read_text())) == 400
    assert json.loads(ckpt.read_text())["cortex_logs_checkpoint"] == 4


def test_an_output_of_the_same_size_but_other_content_is_refused(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    assert incremental_run(cli, fake, "notifications", output).code == 0
    data = output.read_bytes()
    output.write_bytes(data[:-3] + b"0}\n")  # same length, another last record
    result = incremental_run(cli, fake, "notifications", output)
    assert result.code == 1 and "changed outside cortex-logs" in result.err
    assert output.read_bytes() == data[:-3] + b"0}\n", "left alone"


def test_rename_and_create_is_a_rotation_and_the_old_file_is_repaired(cli: Any, fake: FakeCortex,
                                                                      tmp_path: Path) -> None:
    output, rotated = tmp_path / "logs.jsonl", tmp_path / "logs.jsonl.1"
    assert incremental_run(cli, fake, "notifications", output).code == 0
    committed = output.read_bytes()
    with output.open("ab") as stream:
        stream.write(b'{"torn":')
    output.rename(rotated)
    output.touch()
    fake.insert_newest("notification_logs", 2)
    result = incremental_run(cli, fake, "notifications", output)
    assert result.code == 0, result.err
    assert f"repaired {rotated}" in result.err and "was rotated" in result.err
    assert rotated.read_bytes() == committed
    assert len(jsonl(output.read_text())) == 2


def test_a_rotation_to_a_file_that_holds_other_data_is_refused(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    assert incremental_run(cli, fake, "notifications", output).code == 0
    output.rename(tmp_path / "logs.jsonl.1")
    output.write_text('{"other": 1}\n')
    result = incremental_run(cli, fake, "notifications", output)
    assert result.code == 1 and "changed outside cortex-logs" in result.err
    assert output.read_text() == '{"other": 1}\n'


# -- write errors name the file ------------------------------------------------------------------------------

def one_line_naming(result: Any, name: str, cause: str) -> None:
    assert result.code == 1, result.err
    assert result.err.count("\n") == 1 and "unexpected" not in result.err, result.err
    assert name in result.err and cause in result.err, result.err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_checkpoint_into_dev_full_names_it(cli: Any, tmp_path: Path) -> None:
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, "2026-05-01T09:00:00Z")]) as fake:
        result = cli(*connection(fake), "notifications", "--output", "/dev/full", "--checkpoint",
                     str(tmp_path / "c.ckpt"))
    one_line_naming(result, "/dev/full", "not a regular file")


def test_checkpoint_into_a_fifo_names_it(cli: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, "2026-05-01T09:00:00Z")]) as fake:
        result = cli(*connection(fake), "notifications", "--output", str(fifo), "--checkpoint",
                     str(tmp_path / "c.ckpt"))
    one_line_naming(result, str(fifo), "not a regular file")


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_full_disk_names_the_output(cli: Any, fake: FakeCortex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      failing: str) -> None:
    output = tmp_path / "logs.jsonl"
    assert incremental_run(cli, fake, "notifications", output).code == 0
    fake.insert_newest("notification_logs", 2)
    inode = output.stat().st_ino
    real = getattr(os, failing)

    def full(fd: int, *args: Any) -> Any:
        if os.fstat(fd).st_ino == inode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, *args)

    monkeypatch.setattr(os, failing, full)
    result = incremental_run(cli, fake, "notifications", output)
    one_line_naming(result, str(output), "No space left on device")


class FullBuffer(io.BytesIO):
    """A temporary file on a full disk."""

    def write(self, data: Any, /) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_under_the_audit_buffer_names_the_output(cli: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # audit entries come newest first: a run buffers them in an anonymous file beside the output
    output = tmp_path / "audit.jsonl"
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **options: FullBuffer())
    with make_fake(**{**NO_RECORDS, "audit_log_count": 30}) as fake:
        result = incremental_run(cli, fake, "audit", output)
    one_line_naming(result, f"a temporary file beside {output}", "No space left on device")


# -- one output per checkpoint, one follower per checkpoint ------------------------------------------------

def test_a_checkpoint_reused_with_another_output_is_refused(cli: Any, tmp_path: Path) -> None:
    first, other, ckpt = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "shared.ckpt"
    with make_fake(**{**NO_RECORDS, "notification_log_count": 10}) as fake:
        def run(output: Path, *extra: str) -> Any:
            return cli(*connection(fake), "notifications", "--output", str(output), "--checkpoint", str(ckpt), *extra)

        assert run(first).code == 0
        written = ckpt.read_bytes()
        result = run(other)
        assert result.code == 2, result.err
        assert str(first) in result.err and str(other) in result.err and "--output-moved" in result.err
        assert not other.exists() and ckpt.read_bytes() == written, "nothing touched"
        first.rename(other)  # the user moved it, and says so
        fake.insert_newest("notification_logs", 2)
        moved = run(other, "--output-moved")
        assert moved.code == 0, moved.err
        assert len(jsonl(other.read_text())) == 12
        assert run(other).code == 0, "the checkpoint now belongs to the new path"


def test_the_same_output_through_another_spelling_of_its_path_is_no_move(cli: Any, fake: FakeCortex, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    assert cli(*connection(fake), "notifications", "--output", "sub/o.jsonl", "--checkpoint", "c.ckpt").code == 0
    again = cli(*connection(fake), "notifications", "--output", str(tmp_path / "sub" / ".." / "sub" / "o.jsonl"),
                "--checkpoint", str(tmp_path / "c.ckpt"))
    assert again.code == 0, again.err


def test_output_moved_is_in_the_help_and_needs_a_checkpoint(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    result = cli("notifications", "--help")
    assert result.code == 0 and "--output-moved" in result.out
    alone = cli(*connection(fake), "notifications", "--output", str(tmp_path / "o.jsonl"), "--output-moved")
    assert alone.code == 2 and "--output-moved needs --checkpoint" in alone.err
    assert not (tmp_path / "o.jsonl").exists()


def test_a_second_follower_on_the_same_checkpoint_exits_at_once(cli: Any, tmp_path: Path) -> None:
    output, other, ckpt = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "shared.ckpt"
    seconds: list[Any] = []
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, "2026-05-01T09:00:00Z")]) as fake:
        def second() -> None:  # while the first follower waits between polls
            seconds.append(cli(*connection(fake), "notifications", "--follow", "--output", str(other),
                               "--checkpoint", str(ckpt), "--output-moved"))
            seconds.append(cli(*connection(fake), "notifications", "--output", str(output), "--checkpoint", str(ckpt)))

        steps = [second]

        def wait(_: float) -> None:
            if not steps:
                raise Stopped
            steps.pop(0)()

        with CortexClient(fake.token, fake.url, requests_per_minute=None, max_retries=0) as client:
            code = follow(client, CLI_COMMANDS["notifications"], {}, fmt="jsonl", output=str(output),
                          checkpoint=str(ckpt), since=None, page_size=None,
                          progress=Progress(io.StringIO(), enabled=False), notify=lambda line: None, redact=str,
                          lag=dt.timedelta(minutes=5), with_id=False, interval=60.0, status_file=None, wait=wait,
                          clock=lambda: 1000.0)
        after = cli(*connection(fake), "notifications", "--output", str(output), "--checkpoint", str(ckpt))
    assert code == 0
    assert len(seconds) == 2
    for result in seconds:
        assert result.code == 1 and f"checkpoint {ckpt} is in use by another cortex-logs" in result.err, result.err
        assert f"pid {os.getpid()}" in result.err
    assert not other.exists()
    assert [r["id"] for r in jsonl(output.read_text())] == [1]
    assert after.code == 0, "the lock ends with the follower"


def test_a_held_checkpoint_lock_stops_a_run(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    output = tmp_path / "a.jsonl"
    assert incremental_run(cli, fake, "notifications", output).code == 0
    lock = tmp_path / "a.jsonl.ckpt.lock"
    assert lock.exists(), "the lock file lives beside the checkpoint"
    with lock.open("r+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = incremental_run(cli, fake, "notifications", output)
    assert result.code == 1 and "is in use by another cortex-logs" in result.err


@pytest.mark.slow
def test_a_second_follower_process_exits_at_once(tmp_path: Path) -> None:
    ckpt = tmp_path / "shared.ckpt"
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, "2026-05-01T09:00:00Z")]) as fake:
        def argv(output: Path) -> list[str]:
            return cli_argv(*connection(fake), "notifications", "--follow", "--interval", "1h", "--output",
                            str(output), "--checkpoint", str(ckpt), "--output-moved")

        env = {**os.environ, "CORTEX_API_TOKEN": TOKEN}
        first = subprocess.Popen(argv(tmp_path / "a.jsonl"), stderr=subprocess.PIPE, text=True, env=env)
        try:
            assert first.stderr is not None
            for line in first.stderr:
                if "poll 1:" in line:
                    break
            second = subprocess.run(argv(tmp_path / "b.jsonl"), capture_output=True, text=True, env=env, timeout=20)
        finally:
            first.send_signal(signal.SIGTERM)
            first.communicate(timeout=20)
    assert second.returncode == 1
    assert second.stderr == (f"cortex-logs: error: checkpoint {ckpt} is in use by another cortex-logs; one export or "
                             f"follower per checkpoint (pid {first.pid})\n")
    assert first.returncode == 0 and not (tmp_path / "b.jsonl").exists()
