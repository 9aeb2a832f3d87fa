"""Incremental export (``--checkpoint FILE``): each run appends only what is new, and survives SIGKILL.

Design:

* A poll's policy is the library's (``cortex_wrapper._incremental``), the one ``IncrementalReader`` follows:
  ``PollWindow`` (the cursor over the checkpoint; the late-arrival window ``--lag``, widened to ``--settle``
  for a filter that hides unsettled records; the frozen upper bound; asking nothing when the window would
  start after it; the unsettled records' re-read and the window query), ``RecordWindow`` (which records are
  new, and their event ids), ``OrderCheck``, ``retention_gap`` and ``note_polled``. What this module keeps
  is the output: the lines of each format, the durable append with its rotation and copytruncate handling,
  a newest-first window buffered in a temporary file, and a checkpoint file that holds the output's state
  (``output_bytes``, ``output_tail``, ``output_path``) beside the cursor's, written in the order below.
* The output (JSONL or CSV) only grows, oldest record first. The checkpoint (see ``_checkpoint``)
  records the output's length in bytes, the newest exported timestamp (``timestamp`` for audit
  logs, ``dateCreated`` for notifications and runs) and the identities of the records sharing it.
* Order of writes, always: append to the output, ``fsync`` it, then replace the checkpoint
  atomically. So the checkpoint never covers bytes that are not durable, and whatever follows the
  covered length is the tail of an interrupted run. A run that would leave the checkpoint as it is
  (nothing new: an idle poll of ``--follow``) does neither.
* A run starts by locking the checkpoint (``FILE.lock`` beside it, ``flock``; a follower holds it from
  start to end), so a second export or follower on it exits at once. A checkpoint belongs to one
  ``--output`` path: another one is refused unless ``--output-moved``.
* Then it locks the output (``flock``; a regular file only) and *repairs* it: the output is the one the
  checkpoint covers when it begins with what the checkpoint covers, judged by its length and the SHA-256
  of the last 4 KiB covered (``output_tail``), not by its device and inode, which a restore, a move or a
  remount changes. Whatever follows the covered length is truncated. An empty output is a rotation
  (logrotate's create or copytruncate): the renamed file, when it is in the directory, loses a torn tail,
  and the run continues in the empty one. Anything else was changed by hand: an error. A first run writes
  an empty checkpoint before any output, so even its partial output is repaired.
* The covered length is where the file ends after each append (the offset the write ended at), never
  counted: copytruncate takes no lock and may empty the output during a run, and then the next append
  lands at offset 0. A run notices it (before the append, or by where the append landed) and commits it as
  a rotation; the copy holds what was committed before it, the emptied file what follows.
* The query's lower bound is the start of the late-arrival window: the checkpoint's newest timestamp
  less ``--lag`` (default 5 minutes; ``--since`` applies only while the checkpoint has none; clamped to
  the years 1..9999 in UTC, which the API's dates can say). Records in the window whose identity the
  checkpoint's ``seen`` holds are dropped, so nothing repeats, a record that reached the API late with
  a timestamp inside the window is exported once, and nothing at the boundary is lost. Identity: the
  id (notifications, runs), else a SHA-256 of the record's canonical JSON (audit entries have no id;
  identical entries count as many). Records without a timestamp (``dateCreated`` is optional) are
  exported once each: the checkpoint keeps their ids as ranges. A late record older than the window
  is never read: widen ``--lag`` for a source that delivers later than that.
* The query's upper bound is frozen by the run itself before the pager is made (``--until``, else now
  to the millisecond, from the injectable ``now``), so the run knows it: the cursor never moves past
  it, nor past now (a record dated in the year 9999 is exported, and the next window still starts
  before now). A run whose window would start after that bound (the wall clock stepped back by more
  than ``--lag``, or ``--since`` in the future) sends nothing, exports nothing and says why
  (``Exported.behind``): the next poll tries again. A run that read its whole window records its upper bound (``polled_until``):
  the retention check (exit 8) is judged by the last complete poll, not by the newest record, so a
  quiet filter (``--status FAILED``) polled every minute never looks like a gap.
* Records are written as the API sent them (``raw_pages()``), each validated as a model would be.
* Notifications and runs are read oldest first (``orderBy=ASC``) and committed page by page, so a
  killed run keeps every page it committed. The order is checked as the pages arrive, before each
  commit: at the first record older than one before it (a server that ignores ``orderBy``), the
  checkpoint goes back to the window the run started from, keeping the identities already written,
  and the rest of the run is buffered as audit logs are, then appended oldest first and committed once.
  So nothing committed assumes an order the server did not give. Audit logs come newest first (no
  ``orderBy``): the run buffers its window in an anonymous temporary file, then appends it reversed and
  commits once, so a killed run leaves at most a tail that the next run truncates. ``--max-pages``
  would leave a gap in a newest-first window and is refused for audit logs.
* The checkpoint also records the command, format and filters; a run with others is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import stat
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .._client import CortexClient
from .._cursor import Cursor
from .._defaults import DEFAULT_LAG_SECONDS, NOTIFICATION_RETENTION_DAYS
from .._durable import fsync_directory
from .._incremental import OrderCheck, PollWindow, RecordWindow, frozen_now, note_polled, retention_gap
from .._lifecycle import DEFAULT_SETTLE_SECONDS
from .._wire import RawRecord
from ._checkpoint import TAIL_BYTES, Checkpoint, load, save, tail_digest
from ._commands import Command as Kind
from ._durable import (
    AppendFile,
    FileLock,
    append,
    locked_append,
    naming,
    read_at,
    size,
    sync,
    truncate,
)
from ._exitcodes import EXIT_GAP, EXIT_USAGE, CliError
from ._formats import csv_header, line_for, needs_event_id
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


def lock_checkpoint(path: Path) -> FileLock:
    """The checkpoint's lock, ``FILE.lock`` beside it (the checkpoint itself is replaced, so it cannot hold a lock)."""
    return FileLock(Path(f"{path}.lock"), f"checkpoint {path} is in use by another cortex-logs; one export or "
                                          "follower per checkpoint")


def hold_checkpoint(kind: Kind, fmt: str, output: str | None, checkpoint: str, filters: Mapping[str, Any]) -> FileLock:
    """The checkpoint's lock for a follower to hold until it ends (the usage is checked first)."""
    _check_usage(kind, fmt, output, checkpoint, filters, None)
    return lock_checkpoint(Path(checkpoint))


class _Run:
    """One incremental run: the open output, its checkpoint, the cursor."""

    def __init__(self, kind: Kind, fmt: str, out: AppendFile, path: Path, checkpoint: Checkpoint, cursor: Cursor,
                 notify: Callable[[str], None]) -> None:
        self.kind, self.fmt, self.out, self.path, self.checkpoint = kind, fmt, out, path, checkpoint
        self.notify = notify
        self.cursor = cursor  # the poll's (``PollWindow``)
        with_id = checkpoint.with_id
        self.csv_header = csv_header(kind, with_id).encode() if fmt == "csv" else b""
        self.header = self.csv_header if checkpoint.output_bytes == 0 else b""
        self.end = checkpoint.output_bytes  # where the output ends: what was appended since the open included
        self.tail = read_at(out, max(0, self.end - TAIL_BYTES), min(self.end, TAIL_BYTES))
        self.added = 0
        self._with_id = needs_event_id(fmt, with_id)
        legacy = checkpoint.legacy_identities and kind.id_wire is None
        self.window = RecordWindow(kind.operation, self.cursor, kind.legacy_identity if legacy else None)

    def resettle(self, pages: Iterator[Any], progress: Progress) -> None:
        """Records re-read from before the window (final states only): append the new states of unsettled ones.

        Committed page by page; the order within this span does not matter (each line is a state change of a
        record already exported, and the cursor does not move).
        """
        for page in pages:
            chunk, added = bytearray(), 0
            for record in page.items:
                change = self.window.reread(record)
                if change is not None:
                    chunk += line_for(self.kind, self.fmt, record, change.event_id if self._with_id else None).encode()
                    added += 1
            if added:
                chunk[:0] = self.header
                self.header = b""
                self.append(chunk)
                self.commit(added)
            progress.advance(len(page.items), page.total)

    def read(self, record: RawRecord) -> tuple[dt.datetime | None, bytes | None]:
        """The record's timestamp, and its line when the checkpoint does not cover it (else None): ``RecordWindow``."""
        stamp, change = self.window.read(record)
        if change is None:
            return stamp, None
        return stamp, line_for(self.kind, self.fmt, record, change.event_id if self._with_id else None).encode()

    def append(self, data: bytes | bytearray) -> None:
        """Append ``data``; the output's end is taken from the file after the write, not counted.

        logrotate's ``copytruncate`` takes no lock: it may empty the output at any time. That is a rotation
        like the one ``_open_checkpoint`` notices: the copy holds what was appended before, the emptied file
        what follows (CSV: after a header of its own). An output found empty before an append is committed as
        rotated first; one emptied between that look and the write shows as a write that landed at offset 0,
        and is then committed as rotated (what was just written stays uncommitted until the next commit). An
        append that lands anywhere else means that something else wrote to the output: refused.
        """
        if not data:
            return
        if self.end and size(self.out) == 0:
            self._rotated()
            data = self.csv_header + data
        end = append(self.out, data)
        if end != self.end + len(data):
            if end != len(data):
                raise CliError(f"{self.out.path} changed outside cortex-logs during this run (it ended at "
                               f"{end - len(data)} bytes instead of {self.end}); restore it or start a new checkpoint")
            self._rotated()
            if self.csv_header:
                truncate(self.out, 0)
                data = self.csv_header + data
                end = append(self.out, data)
        self.tail = (self.tail + bytes(data[-TAIL_BYTES:]))[-TAIL_BYTES:]
        self.end = end

    def _rotated(self) -> None:
        """The output was emptied in place during this run: the checkpoint now covers it from its start."""
        self.notify(f"cortex-logs: {self.out.path} was emptied while this run appended to it (copytruncate?); "
                    "continuing from its start")
        self.end, self.tail = 0, b""
        self.checkpoint.output_bytes = 0
        self.checkpoint.output_tail = tail_digest(b"")
        save(self.path, self.checkpoint, before=lambda: sync(self.out))  # as of the last commit, in the new file

    def commit(self, added: int) -> None:
        """Advance the checkpoint over what was appended; replacing it makes the output durable first."""
        self.checkpoint.records += added
        self.checkpoint.output_bytes = self.end
        self.cursor.advance(self.checkpoint)
        self.checkpoint.output_tail = tail_digest(self.tail)
        save(self.path, self.checkpoint, before=lambda: sync(self.out))
        self.added += added

    def stream(self, pages: Iterator[Any], progress: Progress) -> None:
        """Oldest first: append and commit page by page, while the pages do come oldest first.

        Each page is checked before it is committed. At the first record older than one read before it,
        the checkpoint goes back to where the run started (``Cursor.held``) and the rest is buffered.
        """
        pages = iter(pages)
        order = OrderCheck()
        self.cursor.track()
        for page in pages:
            read = [self.read(item) for item in page.items]
            if not all([order.holds(stamp) for stamp, _ in read]):
                self._out_of_order(page, read, pages, progress)
                return
            chunk, added = bytearray(self.header), 0
            for _, line in read:
                if line is not None:
                    chunk += line
                    added += 1
            self.header = b""
            self.append(chunk)
            self.commit(added)
            progress.advance(len(page.items), page.total)
        if self.header:
            self.append(self.header)
            self.commit(0)

    def _out_of_order(self, page: Any, read: list[tuple[dt.datetime | None, bytes | None]], pages: Iterator[Any],
                      progress: Progress) -> None:
        """The server does not send oldest first: commit the window the run started from, buffer the rest."""
        self.notify(f"cortex-logs: the server did not send {self.kind.noun} oldest first (orderBy=ASC ignored?): "
                    "buffering the rest of this run, appended oldest first and committed once at its end")
        self.cursor.fall_back(lambda: self.commit(0))  # what earlier pages committed assumes no order now
        progress.advance(len(page.items), page.total)
        self.buffered(pages, progress, first=read, oldest_first=True)

    def buffered(self, pages: Iterator[Any], progress: Progress, *,
                 first: Iterable[tuple[dt.datetime | None, bytes | None]] = (), oldest_first: bool = False) -> None:
        """Newest first: buffer the window, then append it reversed and commit once.

        ``first``: records already read (timestamp, line); ``oldest_first``: append sorted by timestamp
        (undated records first), for pages that came in no known order.
        """
        label = f"a temporary file beside {self.out.path}"
        with naming(label):  # an anonymous file in the output's directory: a full disk names the output's
            buffer = tempfile.TemporaryFile(dir=Path(self.out.path).resolve().parent)  # noqa: SIM115 - closed below
        with buffer:
            offsets, stamps = array("q"), array("d")

            def keep(stamp: dt.datetime | None, line: bytes | None) -> None:
                if line is not None:
                    offsets.append(buffer.tell())
                    stamps.append(stamp.timestamp() if stamp is not None else -math.inf)
                    buffer.write(line)

            with naming(label):
                for stamp, line in first:
                    keep(stamp, line)
            for page in pages:
                with naming(label):
                    for item in page.items:
                        keep(*self.read(item))
                progress.advance(len(page.items), page.total)
            offsets.append(buffer.tell())
            count = len(offsets) - 1
            order = sorted(range(count), key=stamps.__getitem__) if oldest_first else range(count - 1, -1, -1)
            self._append_in(buffer, offsets, order, label)
        self.commit(count)

    def _append_in(self, buffer: IO[bytes], offsets: array[int], order: Iterable[int], label: str) -> None:
        """Append the buffered lines in ``order`` (indexes into ``offsets``), in chunks."""
        chunk = bytearray(self.header)
        for index in order:
            with naming(label):
                buffer.seek(offsets[index])
                chunk += buffer.read(offsets[index + 1] - offsets[index])
            if len(chunk) >= COPY_CHUNK:
                self.append(chunk)
                chunk.clear()
        self.append(chunk)

def _sync_new(out: AppendFile) -> None:
    """Make an output that may have just been created durable, its directory entry included."""
    sync(out)
    fsync_directory(Path(out.path).resolve().parent)


def _holds(out: AppendFile, checkpoint: Checkpoint) -> bool:
    """Whether ``out`` begins with what ``checkpoint`` covers: its length, and the digest of its last bytes.

    A version 1 or 2 checkpoint has no digest: its length alone decides, once.
    """
    covered = checkpoint.output_bytes
    if size(out) < covered:
        return False
    if checkpoint.output_tail is None:
        return True
    return tail_digest(read_at(out, max(0, covered - TAIL_BYTES), min(covered, TAIL_BYTES))) == checkpoint.output_tail


def _rotated_away(output: Path, checkpoint: Checkpoint) -> Path | None:
    """The output as logrotate renamed it (``out.jsonl.1``), if it is still there, with a torn tail to cut.

    It is a regular file of the directory whose name starts as the output's does (up to its first dot) and
    which holds what the checkpoint covers (``_holds``) and more (an interrupted run's tail); for a version 2
    checkpoint, the file with its inode.
    """
    stem = output.name.partition(".")[0] or output.name
    try:
        entries = [entry for entry in os.scandir(output.resolve().parent) if entry.name.startswith(stem)]
    except OSError:
        return None
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_size <= checkpoint.output_bytes:
                continue
            if checkpoint.output_tail is None:
                if (info.st_dev, info.st_ino) == checkpoint.output_file:
                    return Path(entry.path)
                continue
            fd = os.open(entry.path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _holds(AppendFile(fd, Path(entry.path)), checkpoint):
                return Path(entry.path)
        except CliError:
            continue
        finally:
            os.close(fd)
    return None


def _after_rotation(path: Path, out: AppendFile, output: str, checkpoint: Checkpoint,
                    notify: Callable[[str], None]) -> None:
    """``--output`` is empty where the checkpoint covers bytes: logrotate rotated it (create, or copytruncate).

    The old file keeps what was committed (a torn tail an interrupted run left there is cut, when the old
    file is still in the directory); the checkpoint now covers the new file, from its start.
    """
    old = _rotated_away(Path(output), checkpoint)
    if old is not None:
        with locked_append(old) as old_out:
            truncate(old_out, checkpoint.output_bytes)
        notify(f"cortex-logs: repaired {old} (rotated): dropped the tail an interrupted run left after the checkpoint")
    notify(f"cortex-logs: {output} was rotated (it is empty: logrotate's create or copytruncate); "
           "continuing from its start")
    checkpoint.output_bytes = 0
    checkpoint.output_tail = tail_digest(b"")
    save(path, checkpoint, before=lambda: _sync_new(out))  # the new output may be logrotate's


def _check_output_path(path: Path, checkpoint: Checkpoint, output: str, moved: bool) -> None:
    """``CliError`` (bad usage) when ``checkpoint`` belongs to another ``--output``, unless ``moved`` says it moved."""
    own = checkpoint.output_path
    if own is None or moved or own == os.path.abspath(output) or Path(own).resolve() == Path(output).resolve():
        return
    raise CliError(f"checkpoint {path} belongs to --output {own}, not {output}: pass --output {own}, or add "
                   f"--output-moved if that file was moved to {output} (two exports cannot share a checkpoint)",
                   EXIT_USAGE)


def _open_checkpoint(path: Path, checkpoint: Checkpoint | None, out: AppendFile, output: str, kind: Kind, fmt: str,
                     query: dict[str, Any], with_id: bool, notify: Callable[[str], None]) -> Checkpoint:
    """The checkpoint (created empty on a first run) with the output repaired to the length it covers.

    The output is the one the checkpoint covers when it begins with the bytes the checkpoint covers
    (``_holds``): whatever follows is the tail of an interrupted run, and is cut. An empty output is a
    rotation (``_after_rotation``); anything else was changed outside cortex-logs, and is refused.
    """
    found = size(out)
    where = os.path.abspath(output)
    if checkpoint is None:
        if found:
            raise CliError(f"{output} already holds data that checkpoint {path} does not cover; "
                           "export to a new file, or pass the checkpoint that wrote it")
        checkpoint = Checkpoint(kind.command, fmt, query, with_id=with_id)
        checkpoint.output_path, checkpoint.output_tail = where, tail_digest(b"")
        save(path, checkpoint, before=lambda: _sync_new(out))  # a first run's new output
        return checkpoint
    checkpoint.output_path = where
    covered = checkpoint.output_bytes
    if _holds(out, checkpoint):
        if found > covered:
            truncate(out, covered)
            notify(f"cortex-logs: repaired {output}: dropped {found - covered} bytes "
                   "that an interrupted run left after the last checkpoint")
        checkpoint.output_tail = tail_digest(read_at(out, max(0, covered - TAIL_BYTES), min(covered, TAIL_BYTES)))
        save(path, checkpoint, before=lambda: sync(out))  # only when upgraded or moved: else it is unchanged
    elif found == 0:
        _after_rotation(path, out, output, checkpoint, notify)
    else:
        raise CliError(f"{output} does not hold what checkpoint {path} covers ({covered} bytes, ending in what the "
                       f"last run wrote; it has {found}): it was changed outside cortex-logs; restore it, rotate it "
                       "to an empty file, or start a new checkpoint")
    return checkpoint


def _check_retention(kind: Kind, checkpoint: Checkpoint, accept_gap: bool, notify: Callable[[str], None],
                     now: dt.datetime) -> None:
    """A checkpoint further behind than Cortex keeps notifications may have missed records: stop (exit 8), or say so.

    The engine's rule (``_incremental.retention_gap``): behind is judged by the last complete poll
    (``polled_until``), else, in a checkpoint that does not say, by the newest record.
    """
    if not kind.retained:
        return
    gap = retention_gap(kind.operation, checkpoint.polled_until, checkpoint.newest, now, NOTIFICATION_RETENTION_DAYS)
    if gap is None:
        return
    if not accept_gap:
        raise CliError(f"{gap}; rerun with --accept-gap to go on", EXIT_GAP)
    notify(f"cortex-logs: warning: {gap}")


@dataclass(frozen=True)
class Exported:
    """What one incremental run did: records appended, and the newest timestamp the checkpoint now covers.

    ``behind``: the run asked nothing, because its window would start there, after its end (now): the wall
    clock stepped back by more than ``--lag``, or ``--since`` is in the future. None when it polled.
    """

    added: int
    newest: dt.datetime | None
    behind: dt.datetime | None = None


def export_incremental(client: CortexClient, kind: Kind, filters: Mapping[str, Any], *, fmt: str,
                       output: str | None, checkpoint: str, since: dt.datetime | None, until: dt.datetime | None,
                       page_size: int | None, max_pages: int | None, progress: Progress,
                       notify: Callable[[str], None], lag: dt.timedelta = dt.timedelta(seconds=DEFAULT_LAG_SECONDS),
                       with_id: bool = False, accept_gap: bool = False, output_moved: bool = False,
                       locked: bool = False, now: Callable[[], dt.datetime] | None = None,
                       say_behind: bool = True,
                       settle: dt.timedelta = dt.timedelta(seconds=DEFAULT_SETTLE_SECONDS)) -> Exported:
    """Append the records the checkpoint does not cover to ``output``; say how many, and the newest.

    Each run re-reads the last ``lag`` before the newest record exported, for records that arrive late.
    The query's upper bound is ``until``, else ``now()`` (default: the library's clock, to the millisecond),
    frozen here and passed to the pager, so that the cursor knows it. ``say_behind=False`` leaves unsaid that
    a run asked nothing because the clock is behind its window (``--follow`` says it once).
    ``output_moved``: the checkpoint may belong to another ``--output`` (the file was moved there).
    ``locked``: the caller holds the checkpoint's lock (``hold_checkpoint``), as a follower does between polls.
    ``settle``: how long a notification log or run that is not final yet is re-read for its next state.
    """
    _check_usage(kind, fmt, output, checkpoint, filters, max_pages)
    assert output is not None
    op = kind.operation
    ordering = {"order_by": "ASC"} if kind.ordered else {}
    bounded = {**filters, **ordering, op.lower_bound: since, op.upper_bound: until}
    kind.pager(client, bounded, page_size, max_pages)  # check every argument before touching a file
    current = frozen_now(now)
    upper = until if until is not None else current
    reach = min(upper, current)  # what the query can cover: up to its bound, and never past the time it ran
    path = Path(checkpoint)
    with contextlib.nullcontext() if locked else lock_checkpoint(path):
        state = load(path)
        if state is not None:  # refused before the output is created or touched
            state.check(path, kind.command, fmt, query_of(filters), with_id)
            _check_output_path(path, state, output, output_moved)
        with locked_append(Path(output)) as out:
            state = _open_checkpoint(path, state, out, output, kind, fmt, query_of(filters), with_id, notify)
            _check_retention(kind, state, accept_gap, notify, current)
            window = PollWindow.open(op, state, filters, lag=lag, settle=settle, since=since, upper=upper, reach=reach)
            run = _Run(kind, fmt, out, path, state, window.cursor, notify)
            queries, lower = window.queries(), window.lower
            if not queries:  # never ask for a window that ends before it starts
                assert lower is not None
                if until is not None:
                    return Exported(0, state.newest)  # the checkpoint is already past --until: nothing to export
                if say_behind:
                    notify(f"cortex-logs: nothing to ask yet: the window starts at {lower.isoformat()}, after now "
                           f"({upper.isoformat()}; the clock stepped back, or --since is ahead); polls ask again "
                           "once the clock is there")
                return Exported(0, state.newest, behind=lower)
            progress.start(kind.noun)
            for query in queries:
                pages = kind.pager(client, query.filters, page_size, None if query.resettle else max_pages).raw_pages()
                if query.resettle:
                    run.resettle(pages, progress)
                else:
                    (run.stream if kind.ordered else run.buffered)(pages, progress)
            if max_pages is None and note_polled(state, reach):  # the whole window was read: all up to `reach` is covered
                save(path, state)
    progress.finish()
    if run.cursor.shrunk is not None:
        notify(f"cortex-logs: the late-arrival window holds over {run.cursor.max_seen:,} records; it now starts at "
               f"{run.cursor.shrunk.isoformat()}, later than --lag asks")
    return Exported(run.added, run.checkpoint.newest)
