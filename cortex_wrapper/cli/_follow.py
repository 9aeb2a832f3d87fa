"""``--follow``: poll for new records until SIGTERM or SIGINT, each poll an incremental run (``_incremental``).

* Each poll is exactly one ``--checkpoint`` run: it re-reads the late-arrival window (``--lag``), appends
  what is new, fsyncs, then replaces the checkpoint. A follower killed at any point and restarted, or
  replaced by a cron job on the same checkpoint, neither loses nor repeats a record.
* Polls start every ``--interval`` seconds (from the start of one to the start of the next), so a record
  waits about half an interval, plus a round trip, before it is in the file.
* A transient failure (429, 5xx, a dropped connection, a timeout, a body off the spec) never ends the
  loop: it is reported (stderr, ``--status-file``) and the next poll waits longer, doubling from the
  interval up to ``FOLLOW_MAX_BACKOFF_SECONDS`` (the cap is applied before the power, so no number of
  failures overflows it), and at least what a 429 asked for, up to ``FOLLOW_MAX_RETRY_AFTER_SECONDS``.
  ``--interval`` is at most ``FOLLOW_MAX_INTERVAL_SECONDS``, so no wait between polls is longer than that.
  Authentication and permission errors end it with their exit code; so do bad filters and local file errors.
* A poll whose window would start after its end (the wall clock stepped back by more than ``--lag`` since
  the checkpoint's newest record) asks the server nothing: it is an idle poll, said once, until the clock
  is there again (``_incremental``).
* The output may be rotated under it (logrotate's rename and create, or copytruncate): each poll opens
  ``--output`` afresh and the checkpoint notices another file there (``_incremental``).
* The follower holds the checkpoint's lock (``FILE.lock``) from start to end, so a second follower (or a
  ``--checkpoint`` run) on the same checkpoint exits at once; the output is locked during each poll only.
* SIGTERM or SIGINT stops it at once, whatever it is doing: what was committed stays committed, and a
  torn tail is cut by the next start. It then exits 0.
* ``--status-file`` is replaced atomically after every poll (``status_json``), for a health probe.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from .._client import CortexClient
from .._defaults import FOLLOW_MAX_BACKOFF_SECONDS, FOLLOW_MAX_RETRY_AFTER_SECONDS
from .._errors import CortexConnectionError, CortexResponseError, RateLimitError, ServerError
from .._lifecycle import DEFAULT_SETTLE_SECONDS
from .._retry import doubled
from ._commands import Command
from ._dates import UTC_MAX
from ._durable import atomic_text_file
from ._exitcodes import EXIT_OK, exit_code
from ._incremental import export_incremental, hold_checkpoint
from ._progress import Progress

TRANSIENT = (RateLimitError, ServerError, CortexConnectionError, CortexResponseError)
"""Failures a follower waits out: the next poll may succeed."""


class Stopped(BaseException):
    """Raised in the main thread by SIGTERM or SIGINT: the follower ends, exit 0.

    A ``BaseException``, as ``KeyboardInterrupt`` is, so that no ``except Exception`` on the way swallows it.
    """


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="milliseconds") if moment is not None else None


@dataclass
class Status:
    """What a health probe needs to know about a follower; written to ``--status-file`` after each poll."""

    command: str
    output: str
    interval: float
    started_at: dt.datetime = field(default_factory=_now)
    polls: int = 0
    consecutive_failures: int = 0
    records_exported: int = 0
    records_last_poll: int = 0
    last_poll_at: dt.datetime | None = None
    last_success_at: dt.datetime | None = None
    newest_record: dt.datetime | None = None
    last_error: dict[str, Any] | None = None
    next_poll_at: dt.datetime | None = None

    def to_json(self, now: dt.datetime) -> dict[str, Any]:
        """The status as JSON: ``state`` is ``ok`` while the last poll succeeded, else ``failing``."""
        lag = (now - self.newest_record).total_seconds() if self.newest_record is not None else None
        return {
            "state": "ok" if self.consecutive_failures == 0 and self.polls else ("failing" if self.polls else "starting"),
            "pid": os.getpid(), "command": self.command, "output": self.output, "interval_seconds": self.interval,
            "started_at": _iso(self.started_at), "polls": self.polls,
            "last_poll_at": _iso(self.last_poll_at), "last_success_at": _iso(self.last_success_at),
            "records_exported": self.records_exported, "records_last_poll": self.records_last_poll,
            "newest_record": _iso(self.newest_record), "lag_seconds": round(lag, 3) if lag is not None else None,
            "consecutive_failures": self.consecutive_failures, "last_error": self.last_error,
            "next_poll_at": _iso(self.next_poll_at),
        }


def write_status(path: Path, status: Status, now: dt.datetime) -> None:
    """Replace the status file atomically (a probe never reads half of one)."""
    with atomic_text_file(path, "status file") as write:
        write(json.dumps(status.to_json(now), indent=1) + "\n")


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT raise ``Stopped`` in the main thread, once; the previous handlers come back after."""
    raised = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        if not raised.is_set():
            raised.set()
            raise Stopped

    previous = {number: signal.signal(number, handler) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def backoff(interval: float, failures: int, error: BaseException) -> float:
    """Seconds before the next poll after ``failures`` failures in a row (the last one ``error``).

    Doubling from ``interval`` up to ``FOLLOW_MAX_BACKOFF_SECONDS`` (or ``interval``, when longer), and at least
    what a 429 asked for, up to ``FOLLOW_MAX_RETRY_AFTER_SECONDS``: every wait is capped, whatever the count
    of failures or the ``Retry-After``.
    """
    wait = doubled(interval, failures - 1, max(FOLLOW_MAX_BACKOFF_SECONDS, interval))
    retry_after = error.retry_after if isinstance(error, RateLimitError) else None
    return max(wait, min(retry_after, FOLLOW_MAX_RETRY_AFTER_SECONDS)) if retry_after is not None else wait


def _later(moment: dt.datetime, seconds: float) -> dt.datetime:
    """``moment`` plus ``seconds``, or the last moment a datetime holds when that is past it."""
    try:
        return moment + dt.timedelta(seconds=seconds)
    except OverflowError:
        return UTC_MAX


def follow(client: CortexClient, command: Command, filters: Mapping[str, Any], *, fmt: str, output: str | None,
           checkpoint: str, since: dt.datetime | None, page_size: int | None, progress: Progress,
           notify: Callable[[str], None], redact: Callable[[str], str], lag: dt.timedelta, with_id: bool,
           interval: float, status_file: str | None, wait: Callable[[float], None] = time.sleep,
           clock: Callable[[], float] = time.monotonic, now: Callable[[], dt.datetime] = _now,
           accept_gap: bool = False, output_moved: bool = False,
           settle: dt.timedelta = dt.timedelta(seconds=DEFAULT_SETTLE_SECONDS)) -> int:
    """Poll until stopped (``Stopped``); the exit code. ``wait``, ``clock`` and ``now`` are injectable for tests.

    The checkpoint stays locked until the follower ends: a second one on it exits at once.
    """
    lock = hold_checkpoint(command, fmt, output, checkpoint, filters)
    status = Status(command.command, str(output), interval, started_at=now())
    status_path = Path(status_file) if status_file else None
    behind = False  # the clock is behind the checkpoint's window, and the follower has said so
    try:
        if status_path is not None:
            write_status(status_path, status, now())
        while True:
            started = clock()
            delay = interval
            try:
                done = export_incremental(client, command, filters, fmt=fmt, output=output, checkpoint=checkpoint,
                                          since=since, until=None, page_size=page_size, max_pages=None,
                                          progress=progress, notify=notify, lag=lag, with_id=with_id,
                                          accept_gap=accept_gap, now=now, say_behind=not behind,
                                          output_moved=output_moved, locked=True, settle=settle)
            except TRANSIENT as error:
                status.consecutive_failures += 1
                delay = backoff(interval, status.consecutive_failures, error)
                message = redact(" ".join(str(error).split()))
                status.last_error = {"at": _iso(now()), "type": type(error).__name__, "message": message,
                                     "exit_code": exit_code(error)}
                notify(f"cortex-logs: poll failed, next in {delay:g}s: {message}")
            else:
                behind = done.behind is not None
                status.consecutive_failures = 0
                status.records_exported += done.added
                status.records_last_poll = done.added
                status.newest_record = done.newest
                status.last_success_at = now()
            status.polls += 1
            status.last_poll_at = now()
            remaining = max(0.0, started + delay - clock())
            status.next_poll_at = _later(now(), remaining)
            if status_path is not None:
                write_status(status_path, status, now())
            if status.consecutive_failures == 0:
                notify(f"cortex-logs: poll {status.polls}: {status.records_last_poll} new {command.noun}, newest "
                       f"{_iso(status.newest_record) or 'none yet'}")
            wait(remaining)
    except Stopped:
        notify("cortex-logs: stopped; everything exported is committed")
        return EXIT_OK
    finally:
        lock.close()
