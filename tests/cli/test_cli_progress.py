"""The progress line: counts, rate, rate-limit waits from the client's on_event hook; only on a TTY."""

from __future__ import annotations

import io
import logging
import os
import select
import subprocess
import sys
from typing import Any

import pytest

from cortex_wrapper import PageFetched, RateLimitPause, Retrying
from cortex_wrapper.cli._progress import ConsoleHandler, Progress
from cortex_wrapper.testing import FakeCortex, Outcome

from ..support.cli import TOKEN, connection
from ..support.operations import ROOT


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_counts_rate_and_waits() -> None:
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, enabled=True, clock=clock)
    progress.start("audit log entries")
    clock.now += 2
    progress.advance(1000, 3000)
    assert stream.getvalue().endswith("\r\x1b[Kaudit log entries: 1,000/3,000 records (33%), 500 rec/s")
    progress.waiting(5, "429 rate limited")
    assert stream.getvalue().endswith("records (33%), 500 rec/s, waiting 5s (rate limited)")
    clock.now += 2
    progress.advance(1000)
    assert stream.getvalue().endswith("2,000/3,000 records (67%), 500 rec/s")
    progress.note("cortex-logs: warning: something")
    assert "\r\x1b[Kcortex-logs: warning: something\n" in stream.getvalue()
    progress.finish()
    assert stream.getvalue().endswith("\r\x1b[Kaudit log entries: 2,000 records, 500 rec/s, done in 4.0s\n")


def test_progress_disabled_writes_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=False)
    progress.start("runs")
    progress.advance(10, 10)
    progress.waiting(1, "429 rate limited")
    progress.finish()
    assert stream.getvalue() == ""


def test_progress_shows_waits_from_the_client_hook() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    progress.start("notification logs")
    progress.on_event(Retrying("listNotificationLogs", 3, "429 rate limited", 429, 1, 5.0))
    assert stream.getvalue().endswith(", waiting 5s (rate limited)")
    progress.on_event(Retrying("listNotificationLogs", 4, "503 server error", 503, 1, 0.5))
    assert stream.getvalue().endswith(", waiting 0.5s (503 server error)")
    progress.on_event(RateLimitPause("listNotificationLogs", 5, 2.0))
    assert stream.getvalue().endswith(", waiting 2s (rate limited)")
    before = stream.getvalue()
    progress.on_event(PageFetched("listNotificationLogs", 5, 100, 0.1, "req-1", 0))
    assert stream.getvalue() == before  # pages are counted by the export loop, not the hook


def test_handler_leaves_retries_to_the_progress_line_and_redacts_the_rest() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    handler = ConsoleHandler(progress, quiet=False, debug=False, secrets=[TOKEN])
    logger = logging.getLogger("cortex_wrapper.test-progress")
    logger.addHandler(handler)
    try:
        progress.start("notification logs")
        event = Retrying("listNotificationLogs", 3, "429 rate limited", 429, 1, 5.0)
        logger.warning("page 3: 429 rate limited; retry 1/5 in 5.00s", extra={"cortex_event": event})
        assert "retry 1/5" not in stream.getvalue()  # structured: no text is parsed, and none is printed
        logger.warning("token %s in a message", TOKEN)
        assert TOKEN not in stream.getvalue() and "token *** in a message" in stream.getvalue()
    finally:
        logger.removeHandler(handler)


def stderr_is_a_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cortex_wrapper.cli.is_tty", lambda stream: stream is sys.stderr)


def test_progress_on_a_tty_shows_rate_limit_waits(cli: Any, fake: FakeCortex, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr_is_a_tty(monkeypatch)
    fake.script(200, Outcome(429, retry_after=0))
    result = cli(*connection(fake), "--concurrency", "1", "audit", "--page-size", "100")
    assert result.code == 0
    assert "waiting 0s (rate limited)" in result.err
    assert "audit log entries: 100/400 records (25%)" in result.err
    last = result.err.rsplit("\r\x1b[K", 1)[1]
    assert last.startswith("audit log entries: 400 records, ") and "done in" in last and last.endswith("\n")
    assert "retry 1/5" not in result.err, "the wait shows on the progress line, not as a warning"


def test_quiet_or_no_tty_means_no_progress(cli: Any, fake: FakeCortex, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(*connection(fake), "audit").err.count("records") == 0
    stderr_is_a_tty(monkeypatch)
    assert cli(*connection(fake), "--quiet", "audit").err == ""


def test_no_progress_while_records_go_to_the_terminal(cli: Any, fake: FakeCortex,
                                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setattr("cortex_wrapper.cli.is_tty", lambda stream: True)
    assert "records" not in cli(*connection(fake), "--quiet", "audit", "--format", "table").err
    assert "records" not in cli(*connection(fake), "audit", "--format", "table").err
    assert "records" in cli(*connection(fake), "audit", "--output", str(tmp_path / "a.jsonl")).err


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_real_terminal_gets_a_progress_line(fake: FakeCortex) -> None:
    import pty

    master, slave = pty.openpty()
    chunks = []
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "cortex_wrapper.cli", *connection(fake), "runs", "--page-size", "50"],
            stdout=subprocess.DEVNULL, stderr=slave, env={**os.environ, "CORTEX_API_TOKEN": TOKEN}, cwd=ROOT,
        )
        while True:  # drain the terminal while the command runs, so it never blocks on a full buffer
            finished = process.poll() is not None
            while select.select([master], [], [], 0.01)[0]:
                chunks.append(os.read(master, 65536))
            if finished:
                break
    finally:
        os.close(slave)
        os.close(master)
    terminal = b"".join(chunks).decode()
    assert process.wait(timeout=60) == 0
    assert "notification runs:" in terminal and "rec/s" in terminal and "done in" in terminal
    assert TOKEN not in terminal


def test_nothing_is_printed_after_the_outcome_of_the_command() -> None:
    """A page fetch still in flight after Ctrl-C or an error may log a retry: it must not follow the last line."""
    import argparse
    import contextlib
    import io
    import logging

    from cortex_wrapper.cli import _report
    from cortex_wrapper.cli._progress import ConsoleHandler, Progress

    stream = io.StringIO()
    handler = ConsoleHandler(Progress(stream, enabled=False), quiet=False, debug=False, secrets=())
    logger = logging.getLogger("cortex_wrapper")
    logger.addHandler(handler)
    try:
        logger.warning("before the end: shown")
        args = argparse.Namespace(debug=False, export=None, base_url=None)
        with contextlib.redirect_stderr(stream):
            assert _report(KeyboardInterrupt(), args, handler) == 130
        logger.warning("listNotificationLogs page 3: 503 server error; retry 1/5 in 0.50s")  # a straggler
        handler.progress.note("cortex-logs: warning: a straggler's warning")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == "cortex-logs: warning: before the end: shown\ncortex-logs: interrupted\n"
