"""Issue 13, item 7: --output and existing files, error messages that name options, small messages."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper import PermissionDeniedError

from ..support.cli import connection, make_fake


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    result = cli("--sandbox", "audit", "--since", "1d", "--output", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith('{"')


def test_output_to_a_fifo_streams_and_never_replaces_it(cli: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = cli("--sandbox", "audit", "--since", "1d", "--output", str(fifo))
    reader.join(timeout=20)
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "still a FIFO, not a regular file renamed over it"
    assert received and received[0].count(b"\n") > 0


def test_output_keeps_an_existing_files_mode_and_new_files_follow_the_umask(cli: Any, tmp_path: Path) -> None:
    existing = tmp_path / "existing.csv"
    existing.write_text("x\n")
    existing.chmod(0o640)
    assert cli("--sandbox", "audit", "--since", "1d", "--format", "csv", "--output", str(existing)).code == 0
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    old = os.umask(0o027)
    try:
        new = tmp_path / "new.jsonl"
        assert cli("--sandbox", "audit", "--since", "1d", "--output", str(new)).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640  # 0o666 less the umask, not mkstemp's 0o600


@pytest.mark.slow
def test_output_dash_is_stdout(cli: Any) -> None:
    result = cli("--sandbox", "audit", "--since", "1d", "--output", "-")
    assert result.code == 0 and result.out.startswith('{"') and not Path("-").exists()


def test_an_output_error_names_the_file_not_a_temporary_one(cli: Any, tmp_path: Path) -> None:
    result = cli("--sandbox", "audit", "--since", "1d", "--output", str(tmp_path))
    assert result.code == 1 and f"cannot write {tmp_path}: it is a directory" in result.err
    missing = tmp_path / "no" / "such" / "dir.jsonl"
    result = cli("--sandbox", "audit", "--since", "1d", "--output", str(missing))
    assert result.code == 1 and str(missing) in result.err and ".partial" not in result.err


@pytest.mark.parametrize(("argv", "message"), [
    (["--concurrency", "0", "audit"], "argument --concurrency: invalid positive int value: '0'"),
    (["--max-retries", "-1", "audit"], "argument --max-retries: invalid non-negative int value: '-1'"),
    (["--timeout", "0", "audit"], "argument --timeout: invalid number of seconds > 0 value: '0'"),
    (["audit", "--page-size", "1001"], "argument --page-size: invalid page size (1 to 1000) value: '1001'"),
    (["audit", "--max-pages", "0"], "argument --max-pages: invalid positive int value: '0'"),
    (["audit", "--since", "1d", "--until", "2d"], "--since 1d is after --until 2d: the window is empty"),
])
def test_errors_name_the_cli_options_not_python_parameters(cli: Any, argv: list[str], message: str) -> None:
    result = cli("--sandbox", *argv)
    assert result.code == 2 and message in result.err
    for python_name in ("concurrency must", "end_time", "or None", "max_pages", "page_size"):
        assert python_name not in result.err


def test_runs_that_match_nothing_hint_at_delivered_only(cli: Any) -> None:
    hidden = cli("--sandbox", "runs", "--status", "FAILED", "--since", "30d")
    assert hidden.code == 0 and "--no-delivered-only" in hidden.err
    shown = cli("--sandbox", "runs", "--status", "FAILED", "--since", "30d", "--no-delivered-only")
    assert shown.code == 0 and shown.out and "--no-delivered-only" not in shown.err


def test_a_403_names_the_permission_once(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with make_fake(tokens={"audit-only": ("audit",)}) as fake:
        monkeypatch.setenv("CORTEX_API_TOKEN", "audit-only")
        result = cli(*connection(fake), "notifications")
    assert result.code == 3 and result.err.count("View Notification logs") == 1
    error = PermissionDeniedError(403, "denied", permission="View audit logs")
    assert "(the token needs the 'View audit logs' permission)" in str(error)


def test_a_404_hints_at_the_base_url(cli: Any) -> None:
    with make_fake() as fake:
        wrong = f"{fake.url}/nope"
        result = cli("--base-url", wrong, "--requests-per-minute", "0", "audit")
    assert result.code == 6 and f"check --base-url ({wrong})" in result.err
