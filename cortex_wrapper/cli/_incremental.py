"""Incremental export (``--checkpoint FILE``): each run appends only what is new, and survives SIGKILL.

Design:

* A poll is driven by the library's engine (``cortex_wrapper._incremental.Engine``), the one
  ``IncrementalReader`` runs: the queries (the late-arrival window ``--lag``, widened to ``--settle`` for a
  filter that hides unsettled records; the frozen upper bound; asking nothing when the window would start
  after it; the unsettled records' re-read), which records are new and their event ids (``take``), whether
  they are committed page by page or held to the end of a query and in which order (``holds``,
  ``oldest_first``), the order check and its fall back, what a commit records and the last complete poll
  (``commit``, ``finish``), and ``retention_gap``. What this module keeps is the output: the lines of each
  format, the durable append with its rotation and copytruncate handling, what is held kept in a temporary
  file (a newest-first window may not fit in memory), and the engine's store: a checkpoint file that holds the
  output's state (``output_bytes``, ``output_tail``, ``output_path``, ``output_head``) beside the engine's,
  written in the order below.
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
* Records are written as the API sent them (``raw_pages()``), each checked against the operation table's fields.
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
import functools
import json
import os
import stat
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._client import CortexClient
from .._defaults import DEFAULT_LAG_SECONDS, NOTIFICATION_RETENTION_DAYS
from .._durable import fsync_directory
from .._incremental import Change, Engine, Query, frozen_now, retention_gap, stamp_of
from .._lifecycle import DEFAULT_SETTLE_SECONDS
from .._operations import require_bounds
from ._checkpoint import TAIL_BYTES, Checkpoint, load, save, tail_digest
from ._commands import Command
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
from ._formats import csv_header, lines_of, needs_event_id
from ._progress import Progress

COPY_CHUNK = 1 << 20


def query_of(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters as the checkpoint keeps them: JSON values, lists sorted."""
    query = {name: sorted(value, key=str) if isinstance(value, list) else value for name, value in filters.items()}
    normalised: dict[str, Any] = json.loads(json.dumps(query, sort_keys=True))
    return normalised


def _check_usage(command: Command, fmt: str, output: str | None, checkpoint: str, filters: Mapping[str, Any],
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
    if max_pages is not None and not command.ordered:
        raise CliError(f"--max-pages with --checkpoint would leave a gap in {command.noun} (newest first)", EXIT_USAGE)


def lock_checkpoint(path: Path) -> FileLock:
    """The checkpoint's lock, ``FILE.lock`` beside it (the checkpoint itself is replaced, so it cannot hold a lock)."""
    return FileLock(Path(f"{path}.lock"), f"checkpoint {path} is in use by another cortex-logs; one export or "
                                          "follower per checkpoint")


def hold_checkpoint(command: Command, fmt: str, output: str | None, checkpoint: str, filters: Mapping[str, Any]) -> FileLock:
    """The checkpoint's lock for a follower to hold until it ends (the usage is checked first)."""
    _check_usage(command, fmt, output, checkpoint, filters, None)
    return lock_checkpoint(Path(checkpoint))


class _Held:
    """Lines held to the end of a query (``Engine.holds``), in an anonymous temporary file beside the output.

    A newest-first window may not fit in memory: only each line's offset and time stay there.
    """

    def __init__(self, output: AppendFile) -> None:
        self.label = f"a temporary file beside {output.path}"
        with naming(self.label):  # in the output's directory: a full disk names the output's
            self.file = tempfile.TemporaryFile(dir=Path(output.path).resolve().parent)  # noqa: SIM115 - closed below
        self.offsets, self.stamps = array("q"), array("d")

    def keep(self, stamp: float, line: bytes) -> None:
        """Hold ``line`` (its time: ``stamp_of``)."""
        with naming(self.label):
            self.offsets.append(self.file.tell())
            self.stamps.append(stamp)
            self.file.write(line)

    def lines(self, order: Iterable[int]) -> Iterator[bytes]:
        """The held lines in ``order`` (indexes, in the order they were kept)."""
        end = self.file.tell()
        offsets = self.offsets
        for index in order:
            stop = offsets[index + 1] if index + 1 < len(offsets) else end
            with naming(self.label):
                self.file.seek(offsets[index])
                line = self.file.read(stop - offsets[index])
            yield line

    def close(self) -> None:
        """Drop the file (it has no name: closing it frees its space)."""
        self.file.close()


class _Run:
    """One incremental run: the engine's poll (``_incremental.Engine``) over the checkpoint, written to the output.

    The engine decides which records are new, what is held and in which order it goes, and when a commit may be
    recorded; this class turns changes into lines, appends them (rotations included) and saves the checkpoint
    with the output's state (``save``: the engine's store).
    """

    def __init__(self, command: Command, fmt: str, out: AppendFile, path: Path, checkpoint: Checkpoint,
                 engine: Callable[..., Engine], notify: Callable[[str], None]) -> None:
        self.command, self.fmt, self.out, self.path, self.checkpoint = command, fmt, out, path, checkpoint
        self.notify = notify
        with_id = checkpoint.with_id
        self.csv_header = csv_header(command, with_id).encode() if fmt == "csv" else b""
        self.header = self.csv_header if checkpoint.output_bytes == 0 else b""
        self.end = checkpoint.output_bytes  # where the output ends: what was appended since the open included
        self.tail = read_at(out, max(0, self.end - TAIL_BYTES), min(self.end, TAIL_BYTES))
        self.added = 0
        self._with_id = needs_event_id(fmt, with_id)
        self._lines = lines_of(command, fmt)
        legacy = checkpoint.legacy_identities and command.id_wire is None
        self.engine = engine(save=self.save, legacy=command.legacy_identity if legacy else None)
        self.cursor = self.engine.cursor

    def query(self, query: Query, pages: Iterator[Any], progress: Progress) -> None:
        """Export what is new in ``query``'s pages: page by page, or held to its end (``Engine.holds``)."""
        engine, held = self.engine, None
        try:
            for page in pages:
                changes = engine.take(query, page.items)
                if engine.holds(query):
                    if held is None:
                        if engine.ordered:
                            self.notify(f"cortex-logs: the server did not send {self.command.noun} oldest first "
                                        "(orderBy=ASC ignored?): buffering the rest of this run, appended oldest "
                                        "first and committed once at its end")
                        held = _Held(self.out)
                    for change in changes:
                        held.keep(stamp_of(change), self._line(change))
                else:
                    self._write(bytearray().join(self._line(change) for change in changes), len(changes))
                progress.advance(len(page.items), page.total)
            if held is not None:
                self._write_held(held)
        finally:
            if held is not None:
                held.close()
        if self.header and not query.resettle:  # a CSV output the window added nothing to still gets its header
            self._write(bytearray(), 0)

    def _line(self, change: Change) -> bytes:
        return self._lines(change.record, change.event_id if self._with_id else None).encode()

    def _append_lines(self, chunk: bytearray) -> None:
        """Append ``chunk`` (lines), a new output's CSV header first."""
        if chunk or self.header:
            chunk[:0] = self.header
            self.header = b""
            self.append(chunk)

    def _write(self, chunk: bytearray, added: int) -> None:
        """Append ``chunk`` (``added`` lines) and commit it."""
        self._append_lines(chunk)
        self.commit(added)

    def _write_held(self, held: _Held) -> None:
        """Append the held lines in the engine's order, in chunks, and commit them once."""
        count = len(held.stamps)
        chunk = bytearray()
        for line in held.lines(self.engine.oldest_first(held.stamps)):
            chunk += line
            if len(chunk) >= COPY_CHUNK:
                self._append_lines(chunk)
                chunk.clear()
        self._write(chunk, count)

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
            data = self.csv_header + data
            self._rotated(data)
        elif self.end == 0:
            self._mark_head(data)
        end = append(self.out, data)
        if end != self.end + len(data):
            if end != len(data):
                raise CliError(f"{self.out.path} changed outside cortex-logs during this run (it ended at "
                               f"{end - len(data)} bytes instead of {self.end}); restore it or start a new checkpoint")
            if self.csv_header:
                data = self.csv_header + data
                self._rotated(data)
                truncate(self.out, 0)
                end = append(self.out, data)
            else:
                self._rotated(data)
        self.tail = (self.tail + bytes(data[-TAIL_BYTES:]))[-TAIL_BYTES:]
        self.end = end

    def _rotated(self, first: bytes | bytearray) -> None:
        """The output was emptied in place during this run: the checkpoint now covers it from its start.

        ``first``: what the run appends to the emptied file first (``_mark_head``).
        """
        self.notify(f"cortex-logs: {self.out.path} was emptied while this run appended to it (copytruncate?); "
                    "continuing from its start")
        self.end, self.tail = 0, b""
        self.checkpoint.output_bytes = 0
        self.checkpoint.output_tail = tail_digest(b"")
        self._mark_head(first)  # as of the last commit, in the new file

    def _mark_head(self, first: bytes | bytearray) -> None:
        """Save, before the first append to an output the checkpoint covers none of, what that append begins with.

        Should the run die before its commit and copytruncate copy those bytes away, the next run finds the
        copy by them (``_rotated_away``) and cuts them: they would be exported again.
        """
        head = bytes(first[:TAIL_BYTES])
        self.checkpoint.output_head = (len(head), tail_digest(head))
        save(self.path, self.checkpoint, before=lambda: sync(self.out))

    def commit(self, added: int) -> None:
        """The appended lines are the checkpoint's: the engine records them, and ``save`` makes the output durable."""
        self.engine.commit(added)
        self.added += added

    def save(self) -> None:
        """The engine's store: the checkpoint, covering the output as appended so far, once that is durable.

        Everything appended is committed by then: the engine saves at a commit, at a fall back (which follows
        commits only) and at the end of the poll.
        """
        checkpoint = self.checkpoint
        checkpoint.output_bytes = self.end
        if self.end:
            checkpoint.output_head = None  # what the checkpoint covers now finds a copy (``_rotated_away``)
        checkpoint.output_tail = tail_digest(self.tail)
        save(self.path, checkpoint, before=lambda: sync(self.out))


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


def _begins_with(out: AppendFile, head: tuple[int, str]) -> bool:
    """Whether ``out`` begins with the bytes ``head`` (their length, ``tail_digest``) describes."""
    length, digest = head
    return size(out) >= length and tail_digest(read_at(out, 0, length)) == digest


def _rotated_away(output: Path, checkpoint: Checkpoint) -> Path | None:
    """The output as logrotate renamed or copied it (``out.jsonl.1``), if it is still there, with a torn tail to cut.

    It is a regular file of the directory whose name starts as the output's does (up to its first dot) and
    which holds what the checkpoint covers (``_holds``) and more (an interrupted run's tail); for a version 2
    checkpoint, the file with its inode. A checkpoint that covers no byte knows the file only by the first bytes
    a run appended to it (``output_head``): without them, there is none to find.
    """
    head = checkpoint.output_head if checkpoint.output_bytes == 0 else None
    if checkpoint.output_bytes == 0 and head is None:
        return None
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
            candidate = AppendFile(fd, Path(entry.path))
            if _begins_with(candidate, head) if head is not None else _holds(candidate, checkpoint):
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
    _repair_rotated(output, checkpoint, notify)
    notify(f"cortex-logs: {output} was rotated (it is empty: logrotate's create or copytruncate); "
           "continuing from its start")
    checkpoint.output_bytes, checkpoint.output_head = 0, None
    checkpoint.output_tail = tail_digest(b"")
    save(path, checkpoint, before=lambda: _sync_new(out))  # the new output may be logrotate's


def _repair_rotated(output: str, checkpoint: Checkpoint, notify: Callable[[str], None]) -> None:
    """Cut from the output's rotated copy, when it is still there, what an interrupted run left after the checkpoint."""
    old = _rotated_away(Path(output), checkpoint)
    if old is not None:
        with locked_append(old) as old_out:
            truncate(old_out, checkpoint.output_bytes)
        notify(f"cortex-logs: repaired {old} (rotated): dropped the tail an interrupted run left after the checkpoint")


def _check_output_path(path: Path, checkpoint: Checkpoint, output: str, moved: bool) -> None:
    """``CliError`` (bad usage) when ``checkpoint`` belongs to another ``--output``, unless ``moved`` says it moved."""
    own = checkpoint.output_path
    if own is None or moved or own == os.path.abspath(output) or Path(own).resolve() == Path(output).resolve():
        return
    raise CliError(f"checkpoint {path} belongs to --output {own}, not {output}: pass --output {own}, or add "
                   f"--output-moved if that file was moved to {output} (two exports cannot share a checkpoint)",
                   EXIT_USAGE)


def _open_checkpoint(path: Path, checkpoint: Checkpoint | None, out: AppendFile, output: str, command: Command, fmt: str,
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
        checkpoint = Checkpoint(command.command, fmt, query, with_id=with_id)
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
        elif found == 0 and checkpoint.output_head is not None:  # killed before its first commit, then copytruncate
            _repair_rotated(output, checkpoint, notify)
        checkpoint.output_head = None
        checkpoint.output_tail = tail_digest(read_at(out, max(0, covered - TAIL_BYTES), min(covered, TAIL_BYTES)))
        save(path, checkpoint, before=lambda: sync(out))  # only when upgraded or moved: else it is unchanged
    elif found == 0:
        _after_rotation(path, out, output, checkpoint, notify)
    else:
        raise CliError(f"{output} does not hold what checkpoint {path} covers ({covered} bytes, ending in what the "
                       f"last run wrote; it has {found}): it was changed outside cortex-logs; restore it, rotate it "
                       "to an empty file, or start a new checkpoint")
    return checkpoint


def _check_retention(command: Command, checkpoint: Checkpoint, accept_gap: bool, notify: Callable[[str], None],
                     now: dt.datetime) -> None:
    """A checkpoint further behind than Cortex keeps notifications may have missed records: stop (exit 8), or say so.

    The engine's rule (``_incremental.retention_gap``): behind is judged by the last complete poll
    (``polled_until``), else, in a checkpoint that does not say, by the newest record.
    """
    if not command.retained:
        return
    gap = retention_gap(command.operation, checkpoint.polled_until, checkpoint.newest, now, NOTIFICATION_RETENTION_DAYS)
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


def export_incremental(client: CortexClient, command: Command, filters: Mapping[str, Any], *, fmt: str,
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
    _check_usage(command, fmt, output, checkpoint, filters, max_pages)
    assert output is not None
    op = command.operation
    ordering = {"order_by": "ASC"} if command.ordered else {}
    low_filter, high_filter = require_bounds(op, "--checkpoint")  # the CLI refuses --checkpoint before (a usage error)
    bounded = {**filters, **ordering, low_filter: since, high_filter: until}
    command.pager(client, bounded, page_size, max_pages)  # check every argument before touching a file
    current = frozen_now(now)
    upper = until if until is not None else current
    reach = min(upper, current)  # what the query can cover: up to its bound, and never past the time it ran
    path = Path(checkpoint)
    with contextlib.nullcontext() if locked else lock_checkpoint(path):
        state = load(path)
        if state is not None:  # refused before the output is created or touched
            state.check(path, command.command, fmt, query_of(filters), with_id)
            _check_output_path(path, state, output, output_moved)
        with locked_append(Path(output)) as out:
            state = _open_checkpoint(path, state, out, output, command, fmt, query_of(filters), with_id, notify)
            _check_retention(command, state, accept_gap, notify, current)
            engine = functools.partial(Engine, op, state, filters, lag=lag, settle=settle, since=since, upper=upper,
                                       reach=reach)
            run = _Run(command, fmt, out, path, state, engine, notify)
            queries, lower = run.engine.queries(), run.engine.lower
            if not queries:  # never ask for a window that ends before it starts
                assert lower is not None
                if until is not None:
                    return Exported(0, state.newest)  # the checkpoint is already past --until: nothing to export
                if say_behind:
                    notify(f"cortex-logs: nothing to ask yet: the window starts at {lower.isoformat()}, after now "
                           f"({upper.isoformat()}; the clock stepped back, or --since is ahead); polls ask again "
                           "once the clock is there")
                return Exported(0, state.newest, behind=lower)
            progress.start(command.noun)
            for query in queries:
                pages = command.pager(client, query.filters, page_size, None if query.resettle else max_pages).raw_pages()
                run.query(query, pages, progress)
            run.engine.finish(max_pages is None)  # the whole window was read: all up to `reach` is covered
    progress.finish()
    if run.cursor.shrunk is not None:
        notify(f"cortex-logs: the late-arrival window holds over {run.cursor.max_seen:,} records; it now starts at "
               f"{run.cursor.shrunk.isoformat()}, later than --lag asks")
    return Exported(run.added, run.checkpoint.newest)
