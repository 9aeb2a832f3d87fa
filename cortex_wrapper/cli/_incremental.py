"""Incremental export (``--checkpoint FILE``): each run appends only what is new, and survives SIGKILL.

Design:

* The output (JSONL or CSV) only grows, oldest record first. The checkpoint (see ``_checkpoint``)
  records the output's length in bytes, the newest exported timestamp (``timestamp`` for audit
  logs, ``dateCreated`` for notifications and runs) and the identities of the records sharing it.
* Order of writes, always: append to the output, ``fsync`` it, then replace the checkpoint
  atomically. So the checkpoint never covers bytes that are not durable, and whatever follows the
  covered length is the tail of an interrupted run. A run that would leave the checkpoint as it is
  (nothing new: an idle poll of ``--follow``) does neither.
* A run starts by locking the output (``flock``), then *repairs* it: truncates it back to the
  checkpoint's ``output_bytes`` (a shorter output is an error: it was changed by hand). A first run
  writes an empty checkpoint before any output, so even its partial output is repaired.
* The query's lower bound is the start of the late-arrival window: the checkpoint's newest timestamp
  less ``--lag`` (default 5 minutes; ``--since`` applies only while the checkpoint has none; clamped to
  the years 1..9999 in UTC, which the API's dates can say). Records in the window whose identity the
  checkpoint's ``seen`` holds are dropped, so nothing repeats, a record that reached the API late with
  a timestamp inside the window is exported once, and nothing at the boundary is lost. Identity: the
  id (notifications, runs), else a SHA-256 of the record's canonical JSON (audit entries have no id;
  identical entries count as many). Records without a timestamp (``dateCreated`` is optional) are
  exported once each: the checkpoint keeps their ids as ranges. A late record older than the window
  is never read: widen ``--lag`` for a source that delivers later than that.
* Records are written as the API sent them (``raw_pages()``), each validated as a model would be.
* Notifications and runs are read oldest first (``orderBy=ASC``) and committed page by page, so a
  killed run keeps every page it committed. Audit logs come newest first (no ``orderBy``): the run
  buffers its window in an anonymous temporary file, then appends it reversed and commits once, so
  a killed run leaves at most a tail that the next run truncates. ``--max-pages`` would leave a gap
  in a newest-first window and is refused for audit logs.
* The checkpoint also records the command, format and filters; a run with others is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .._client import CortexClient
from .._defaults import DEFAULT_LAG_SECONDS, NOTIFICATION_RETENTION_DAYS
from .._wire import RawRecord
from ._checkpoint import Checkpoint, Cursor, load, save
from ._dates import within_utc
from ._durable import append, locked_append, sync, sync_created, truncate
from ._exitcodes import EXIT_GAP, EXIT_USAGE, CliError
from ._formats import csv_header, line_for, needs_event_id
from ._kinds import Kind, Occurrences
from ._progress import Progress

COPY_CHUNK = 1 << 20


def query_of(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters as the checkpoint keeps them: JSON values, lists sorted."""
    query = {name: sorted(value, key=str) if isinstance(value, list) else value for name, value in filters.items()}
    normalised: dict[str, Any] = json.loads(json.dumps(query, sort_keys=True))
    return normalised


def _check_usage(kind: Kind, fmt: str, output: str | None, checkpoint: str, filters: Mapping[str, Any],
                 max_pages: int | None) -> None:
    if not output or output == "-":
        raise CliError("--checkpoint needs --output FILE (the export is appended to it)", EXIT_USAGE)
    if fmt == "table":
        raise CliError("--checkpoint writes jsonl, csv, ecs or ocsf, not table", EXIT_USAGE)
    if Path(output).resolve() == Path(checkpoint).resolve():
        raise CliError("--checkpoint and --output must be different files", EXIT_USAGE)
    for option, path in (("--output", output), ("--checkpoint", checkpoint)):
        if not Path(path).resolve().parent.is_dir():
            raise CliError(f"{option} {path}: no such directory")
    if filters.get("order_by") not in (None, "ASC"):
        raise CliError("--checkpoint exports oldest first: drop --order-by", EXIT_USAGE)
    if max_pages is not None and not kind.ordered:
        raise CliError(f"--max-pages with --checkpoint would leave a gap in {kind.noun} (newest first)", EXIT_USAGE)


class _Run:
    """One incremental run: the open output, its checkpoint, the cursor."""

    def __init__(self, kind: Kind, fmt: str, fd: int, path: Path, checkpoint: Checkpoint, lag: dt.timedelta) -> None:
        self.kind, self.fmt, self.fd, self.path, self.checkpoint = kind, fmt, fd, path, checkpoint
        self.cursor = Cursor(checkpoint, lag)
        with_id = checkpoint.with_id
        self.header = csv_header(kind, with_id).encode() if fmt == "csv" and checkpoint.output_bytes == 0 else b""
        self.added = 0
        self._with_id = needs_event_id(fmt, with_id)
        self._legacy = checkpoint.legacy_identities and kind.id_wire is None
        self._occurrences = Occurrences()

    def line(self, record: RawRecord) -> bytes | None:
        """The record's line when the checkpoint does not cover it, else None."""
        kind = self.kind
        identity = kind.identity(record)
        occurrence = self._occurrences.next(identity)  # counted over every record read, covered or not
        legacy = (lambda: kind.legacy_identity(record)) if self._legacy else None
        if not self.cursor.admit(kind.timestamp(record), identity, legacy):
            return None
        event_id = kind.event_id(identity, occurrence) if self._with_id else None
        return line_for(kind, self.fmt, record, event_id).encode()

    def commit(self, written: int, added: int) -> None:
        """Advance the checkpoint over the appended bytes; replacing it makes the output durable first."""
        self.cursor.advance(self.checkpoint, written, added)
        save(self.path, self.checkpoint, before=lambda: sync(self.fd))
        self.added += added

    def stream(self, pages: Iterator[Any], progress: Progress) -> None:
        """Oldest first: append and commit page by page."""
        for page in pages:
            chunk, added = bytearray(self.header), 0
            for item in page.items:
                line = self.line(item)
                if line is not None:
                    chunk += line
                    added += 1
            self.header = b""
            self.commit(append(self.fd, chunk), added)
            progress.advance(len(page.items), page.total)
        if self.header:
            self.commit(append(self.fd, self.header), 0)

    def buffered(self, pages: Iterator[Any], progress: Progress) -> None:
        """Newest first: buffer the window, then append it reversed and commit once."""
        with tempfile.TemporaryFile(dir=Path(self.path).resolve().parent) as buffer:
            offsets = array("q")
            for page in pages:
                for item in page.items:
                    line = self.line(item)
                    if line is not None:
                        offsets.append(buffer.tell())
                        buffer.write(line)
                progress.advance(len(page.items), page.total)
            offsets.append(buffer.tell())
            written = self._append_reversed(buffer, offsets)
        self.commit(written, len(offsets) - 1)

    def _append_reversed(self, buffer: IO[bytes], offsets: array[int]) -> int:
        chunk, written = bytearray(self.header), 0
        for index in range(len(offsets) - 2, -1, -1):
            buffer.seek(offsets[index])
            chunk += buffer.read(offsets[index + 1] - offsets[index])
            if len(chunk) >= COPY_CHUNK:
                written += append(self.fd, chunk)
                chunk.clear()
        return written + append(self.fd, chunk)


def _file_id(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def _rotated_away(directory: Path, file_id: tuple[int, int]) -> Path | None:
    """The file in ``directory`` that is ``file_id`` (the output renamed by logrotate), if it is still there."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return None
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == file_id:
            return Path(entry.path)
    return None


def _after_rotation(path: Path, fd: int, output: str, checkpoint: Checkpoint, notify: Callable[[str], None]) -> None:
    """``--output`` is another file than the checkpoint covers: logrotate renamed it (and maybe created a new one).

    The old file keeps what was committed (a torn tail an interrupted run left there is cut, when the old
    file is still in the directory); the checkpoint now covers the new file, from its start.
    """
    size = os.fstat(fd).st_size
    if size:
        raise CliError(f"{output} was replaced by a file that already holds {size} bytes the checkpoint {path} "
                       "does not cover; rotate it to an empty file (logrotate's create), or start a new checkpoint")
    assert checkpoint.output_file is not None
    old = _rotated_away(Path(output).resolve().parent, checkpoint.output_file)
    if old is not None and old.stat().st_size > checkpoint.output_bytes:
        with locked_append(old) as old_fd:
            truncate(old_fd, checkpoint.output_bytes)
        notify(f"cortex-logs: repaired {old} (rotated): dropped the tail an interrupted run left after the checkpoint")
    notify(f"cortex-logs: {output} was rotated; continuing in a new file")
    checkpoint.output_bytes = 0
    checkpoint.output_file = _file_id(fd)
    save(path, checkpoint, before=lambda: sync_created(fd, Path(output)))  # a new output: logrotate's


def _open_checkpoint(path: Path, fd: int, output: str, kind: Kind, fmt: str, query: dict[str, Any], with_id: bool,
                     notify: Callable[[str], None]) -> Checkpoint:
    """The checkpoint (created empty on a first run) with the output repaired to the length it covers."""
    size = os.fstat(fd).st_size
    checkpoint = load(path)
    if checkpoint is None:
        if size:
            raise CliError(f"{output} already holds data that checkpoint {path} does not cover; "
                           "export to a new file, or pass the checkpoint that wrote it")
        checkpoint = Checkpoint(kind.command, fmt, query, with_id=with_id, output_file=_file_id(fd))
        save(path, checkpoint, before=lambda: sync_created(fd, Path(output)))  # a first run's new output
        return checkpoint
    checkpoint.check(path, kind.command, fmt, query, with_id)
    if checkpoint.output_file is not None and checkpoint.output_file != _file_id(fd):
        _after_rotation(path, fd, output, checkpoint, notify)
        return checkpoint
    if size == 0 < checkpoint.output_bytes:  # emptied in place (logrotate's copytruncate)
        notify(f"cortex-logs: {output} was truncated (copytruncate?); continuing from its start")
        checkpoint.output_bytes = 0
    if size < checkpoint.output_bytes:
        raise CliError(f"{output} has {size} bytes but checkpoint {path} covers {checkpoint.output_bytes}: "
                       "it was changed outside cortex-logs; restore it or start a new checkpoint")
    if size > checkpoint.output_bytes:
        truncate(fd, checkpoint.output_bytes)
        notify(f"cortex-logs: repaired {output}: dropped {size - checkpoint.output_bytes} bytes "
               "that an interrupted run left after the last checkpoint")
    checkpoint.output_file = _file_id(fd)
    return checkpoint


def _check_retention(kind: Kind, checkpoint: Checkpoint, accept_gap: bool, notify: Callable[[str], None]) -> None:
    """A checkpoint further behind than Cortex keeps notifications may have missed records: stop (exit 8), or say so."""
    horizon = dt.datetime.now(dt.UTC) - dt.timedelta(days=NOTIFICATION_RETENTION_DAYS)
    if not kind.retained or checkpoint.newest is None or checkpoint.newest >= horizon:
        return
    message = (f"a gap is possible: the checkpoint's newest record ({checkpoint.newest.isoformat()}) is older than "
               f"the {NOTIFICATION_RETENTION_DAYS} days Cortex keeps {kind.noun}; records from then until "
               f"{horizon.isoformat(timespec='seconds')} ({(horizon - checkpoint.newest).days} days or more) may be gone")
    if not accept_gap:
        raise CliError(f"{message}; rerun with --accept-gap to go on", EXIT_GAP)
    notify(f"cortex-logs: warning: {message}")


@dataclass(frozen=True)
class Exported:
    """What one incremental run did: records appended, and the newest timestamp the checkpoint now covers."""

    added: int
    newest: dt.datetime | None


def export_incremental(client: CortexClient, kind: Kind, filters: Mapping[str, Any], *, fmt: str,
                       output: str | None, checkpoint: str, since: dt.datetime | None, until: dt.datetime | None,
                       page_size: int | None, max_pages: int | None, progress: Progress,
                       notify: Callable[[str], None], lag: dt.timedelta = dt.timedelta(seconds=DEFAULT_LAG_SECONDS),
                       with_id: bool = False, accept_gap: bool = False) -> Exported:
    """Append the records the checkpoint does not cover to ``output``; say how many, and the newest.

    Each run re-reads the last ``lag`` before the newest record exported, for records that arrive late.
    """
    _check_usage(kind, fmt, output, checkpoint, filters, max_pages)
    assert output is not None
    op = kind.operation
    ordering = {"order_by": "ASC"} if kind.ordered else {}
    bounded = {**filters, **ordering, op.lower_bound: since, op.upper_bound: until}
    kind.pager(client, bounded, page_size, max_pages)  # check every argument before touching a file
    path = Path(checkpoint)
    with locked_append(Path(output)) as fd:
        state = _open_checkpoint(path, fd, output, kind, fmt, query_of(filters), with_id, notify)
        _check_retention(kind, state, accept_gap, notify)
        run = _Run(kind, fmt, fd, path, state, lag)
        lower = run.cursor.floor() or since
        bounded[op.lower_bound] = lower = within_utc(lower) if lower is not None else None
        if lower is not None and until is not None and lower > until:
            return Exported(0, state.newest)  # the checkpoint is already past --until: nothing to export
        records = kind.pager(client, bounded, page_size, max_pages)
        progress.start(kind.noun)
        (run.stream if kind.ordered else run.buffered)(records.raw_pages(), progress)
    progress.finish()
    if run.cursor.shrunk is not None:
        notify(f"cortex-logs: the late-arrival window holds over {run.cursor.max_seen:,} records; it now starts at "
               f"{run.cursor.shrunk.isoformat()}, later than --lag asks")
    return Exported(run.added, run.checkpoint.newest)
