"""The checkpoint file of an incremental export, and the cursor that decides which records are new.

The file is JSON, written atomically (temporary file, fsync, ``os.replace``, fsync of the directory)
and holds no secret::

    {"cortex_logs_checkpoint": 4, "command": "runs", "format": "jsonl", "with_id": false,
     "query": {"statuses": ["FAILED"]}, "output_bytes": 18230, "records": 57,
     "output_path": "/var/log/cortex/runs.jsonl", "output_tail": "9f86d081884c7d65...",
     "newest": "2026-11-21T09:14:03.120000+00:00", "covered_from": "2026-11-21T09:09:03.120000+00:00",
     "seen": [["id:4711:READY", "2026-11-21T09:14:03.120000+00:00", 1]], "legacy_identities": false,
     "undated_ids": [[12, 15], [40, 40]], "undated_other": [],
     "unsettled": [["id:4711", "2026-11-21T09:14:03.120000+00:00", "READY"]]}

``output_bytes`` is the length of the output this checkpoint covers, ``output_path`` the ``--output`` it
belongs to (absolute) and ``output_tail`` the SHA-256 of the last ``TAIL_BYTES`` (4 KiB) of those bytes
(``tail_digest``): the output is known by what it holds, not by its device and inode, so a restore from
backup, a move to another volume or a remount leaves it the same file, while logrotate's new, empty file
is another. ``newest`` is the timestamp of the newest record exported (offset-less times are UTC:
``parse_datetime``), but never later than the upper bound of the query that read it: a record dated in the
year 9999 is exported, and the cursor stays at the bound (its identity is kept in ``seen`` with its own
timestamp, so it does not repeat).

``polled_until`` (optional: absent in older files, read as unknown) is the upper bound of the last run
that read its whole window: everything up to it is covered, however old ``newest`` is, and the
retention check (exit 8) is judged by it. An idle run rewrites the file for it only once it is
``POLL_RECORD_REFRESH_SECONDS`` old, so an idle ``--follow`` poll still costs no write.

``seen`` holds the identities (ids, or SHA-256 fingerprints of audit entries, with repeat counts) of
the exported records whose timestamps lie from ``covered_from`` to ``newest``: the late-arrival
window (``--lag``). Each run re-reads that window and exports only what ``seen`` lacks, so a record
that appears late, with an older timestamp, is exported once, and nothing repeats. ``covered_from``
is ``newest - lag`` unless the window held more than ``MAX_SEEN_IDENTITIES`` records, when it is the
oldest timestamp kept (whole timestamps are dropped, so every record at ``covered_from`` is known).

Records without a timestamp (``dateCreated`` is optional) cannot be placed in the window, so the
checkpoint remembers which ones it exported: ``undated_ids`` their ids as sorted, disjoint ranges of
consecutive ids, ``undated_other`` any other identity. A range costs the same whether it holds one id
or a million, so size follows the gaps between the undated ids, never the records with a timestamp.

Notification logs and runs change after they are created (``_lifecycle``): ``seen`` holds one identity per
state (``id:7:READY``, ``id:7:FAILED``), and ``unsettled`` (version 4) the records exported in a state that
is not final, ``[identity, dateCreated, status]``, re-read until they change or the settle window passes (so
it holds at most the records created within it, and never more than ``MAX_UNSETTLED``).

Versions 1, 2 and 3 are read and upgraded: their ``seen`` identities (``id:7``) carry no state, so a record
read in the window is taken as exported in the state it is in now (no repeat), and tracked from then on.
Versions 1 and 2 are read and upgraded. Neither has ``output_path`` nor ``output_tail``: their output is
known by its length alone, once; version 2's ``output_file`` (the output's device and inode) is kept only
to find a file renamed by logrotate. Version 1 checkpoints (``at_newest``: the identities at ``newest``
only) are read as a window that starts at ``newest``; their audit fingerprints were taken over the model's
form of a record (``legacy_identities``), which the cursor still recognises at that one timestamp.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cortex_api_client.types import parse_datetime

from .._defaults import MAX_SEEN_IDENTITIES, POLL_RECORD_REFRESH_SECONDS
from .._lifecycle import Unsettled, base_identity, is_final, state_of
from ._durable import atomic_text_file
from ._exitcodes import EXIT_USAGE, CliError

MAGIC = "cortex_logs_checkpoint"
VERSION = 4
TAIL_BYTES = 4096
"""How much of the end of the output ``output_tail`` digests."""
_ID = re.compile(r"id:(-?[1-9][0-9]*|0)")


@dataclass
class Undated:
    """The identities of exported records without a timestamp: ids as ranges of consecutive ints, others as is.

    Range ``i`` is ``starts[i]..ends[i]``; the ranges are sorted, disjoint and not adjacent.
    """

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    others: set[str] = field(default_factory=set)

    def add(self, identity: str) -> bool:
        """Remember ``identity``; False when it was already remembered (the record was exported)."""
        number = _ID.fullmatch(identity)
        if number is None:
            if identity in self.others:
                return False
            self.others.add(identity)
            return True
        return self._add_id(int(number.group(1)))

    def _add_id(self, ident: int) -> bool:
        starts, ends = self.starts, self.ends
        left = bisect_right(starts, ident) - 1
        if left >= 0 and ends[left] >= ident:
            return False
        joins_left = left >= 0 and ends[left] == ident - 1
        joins_right = left + 1 < len(starts) and starts[left + 1] == ident + 1
        if joins_left and joins_right:
            ends[left] = ends[left + 1]
            del starts[left + 1], ends[left + 1]
        elif joins_left:
            ends[left] = ident
        elif joins_right:
            starts[left + 1] = ident
        else:
            starts.insert(left + 1, ident)
            ends.insert(left + 1, ident)
        return True

    def copy(self) -> Undated:
        """An independent copy."""
        return Undated(list(self.starts), list(self.ends), set(self.others))

    def to_json(self) -> dict[str, Any]:
        """``undated_ids`` (``[first, last]`` ranges in order) and ``undated_other`` (sorted)."""
        ranges = [[start, end] for start, end in zip(self.starts, self.ends, strict=True)]
        return {"undated_ids": ranges, "undated_other": sorted(self.others)}

    @classmethod
    def from_json(cls, ranges: Any, others: Any) -> Undated:
        """Read ``undated_ids`` and ``undated_other``; ``ValueError`` when they are not ranges and strings.

        Ranges may overlap or come in any order: they are merged.
        """
        if not isinstance(ranges, list) or not all(_is_range(pair) for pair in ranges):
            raise ValueError("undated_ids is not a list of [first, last] id ranges")
        if not isinstance(others, list) or not all(isinstance(mark, str) for mark in others):
            raise ValueError("undated_other is not a list of strings")
        undated = cls(others=set(others))
        for start, end in sorted(ranges):
            if undated.ends and start <= undated.ends[-1] + 1:
                undated.ends[-1] = max(undated.ends[-1], end)
            else:
                undated.starts.append(start)
                undated.ends.append(end)
        return undated


def _is_range(pair: Any) -> bool:
    return (isinstance(pair, list) and len(pair) == 2 and all(type(end) is int for end in pair)
            and pair[0] <= pair[1])


Seen = dict[str, tuple[dt.datetime, int]]
"""Identity -> (its timestamp, how many records with it were exported)."""


@dataclass
class Checkpoint:
    """Where an incremental export stands."""

    command: str
    format: str
    query: dict[str, Any]
    output_bytes: int = 0
    records: int = 0
    newest: dt.datetime | None = None
    seen: Seen = field(default_factory=dict)
    covered_from: dt.datetime | None = None
    undated: Undated = field(default_factory=Undated)
    with_id: bool = False
    output_path: str | None = None
    """The ``--output`` the checkpoint belongs to, absolute (None: a version 1 or 2 checkpoint, not yet upgraded)."""
    output_tail: str | None = None
    """``tail_digest`` of the last ``TAIL_BYTES`` the checkpoint covers (None: version 1 or 2)."""
    output_file: tuple[int, int] | None = None
    """A version 2 checkpoint's device and inode of the output: read, to find it renamed by logrotate; not written."""
    legacy_identities: bool = False
    polled_until: dt.datetime | None = None
    """The upper bound of the last run that read its whole window (None: not known, an older checkpoint)."""
    unsettled: Unsettled = field(default_factory=Unsettled)
    """The records exported in a state that is not final, re-read until they settle (empty before version 4)."""
    stored: str | None = field(default=None, compare=False, repr=False)
    """The file's text as last read or written: ``save`` leaves a file that already holds it alone."""

    @property
    def at_newest(self) -> Counter[str]:
        """The identities exported at exactly ``newest``, with repeats."""
        return Counter({identity: count for identity, (moment, count) in self.seen.items() if moment == self.newest})

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        seen = sorted([identity, moment.isoformat(), count] for identity, (moment, count) in self.seen.items())
        return {
            MAGIC: VERSION, "command": self.command, "format": self.format, "with_id": self.with_id,
            "query": self.query, "output_bytes": self.output_bytes, "records": self.records,
            "output_path": self.output_path, "output_tail": self.output_tail,
            "newest": self.newest.isoformat() if self.newest else None,
            "covered_from": self.covered_from.isoformat() if self.covered_from else None,
            "seen": seen, "legacy_identities": self.legacy_identities, **self.undated.to_json(),
            "polled_until": self.polled_until.isoformat() if self.polled_until else None,
            "unsettled": self.unsettled.to_json(),
        }

    def polled(self, upper: dt.datetime) -> bool:
        """Note that a run read its whole window, up to ``upper``; True when the file should be written for it.

        Coverage never shrinks (a clock stepped back gives a smaller ``upper``), and the file is worth a
        write only when what it says is ``POLL_RECORD_REFRESH_SECONDS`` old, or unknown.
        """
        stored = self.polled_until
        if stored is not None and (upper - stored).total_seconds() < POLL_RECORD_REFRESH_SECONDS:
            return False
        self.polled_until = upper
        return True

    @classmethod
    def from_json(cls, data: Any, path: Path) -> Checkpoint:
        """Read the file's content (version 1 to 4); ``CliError`` when it is not a checkpoint."""
        try:
            if not isinstance(data, dict) or data.get(MAGIC) not in (1, 2, 3, VERSION):
                raise ValueError(f"no '{MAGIC}': {VERSION} marker")
            newest = _moment(data["newest"])
            undated = Undated.from_json(data.get("undated_ids", []), data.get("undated_other", []))
            checkpoint = cls(str(data["command"]), str(data["format"]), dict(data["query"]), int(data["output_bytes"]),
                             int(data["records"]), newest, undated=undated)
            if data[MAGIC] == 1:
                checkpoint._read_v1(data)
            else:
                checkpoint._read_v2(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise CliError(f"{path} is not a cortex-logs checkpoint ({exc})") from None
        if checkpoint.output_bytes < 0:
            raise CliError(f"{path} is not a cortex-logs checkpoint (bad output_bytes)")
        return checkpoint

    def _read_v1(self, data: dict[str, Any]) -> None:
        marks = data["at_newest"]
        if not isinstance(marks, list) or not all(isinstance(mark, str) for mark in marks):
            raise ValueError("at_newest is not a list of strings")
        if self.newest is not None:
            self.seen = {mark: (self.newest, count) for mark, count in Counter(marks).items()}
        self.covered_from = self.newest
        self.legacy_identities = self.command == "audit"  # their fingerprints were of the model's form

    def _read_v2(self, data: dict[str, Any]) -> None:
        entries = data["seen"]
        if not isinstance(entries, list):
            raise ValueError("seen is not a list")
        for entry in entries:
            identity, moment, count = entry
            if not isinstance(identity, str) or type(count) is not int or count < 1:
                raise ValueError("seen holds a bad entry")
            self.seen[identity] = (parse_datetime(moment), count)
        self.covered_from = _moment(data["covered_from"])
        self.polled_until = _moment(data.get("polled_until"))  # absent in files written before it was
        self.with_id = data["with_id"] is True
        self.legacy_identities = data["legacy_identities"] is True
        if data[MAGIC] == 2:
            output_file = data["output_file"]
            if output_file is not None:
                device, inode = output_file
                self.output_file = (int(device), int(inode))
            return
        path, tail = data["output_path"], data["output_tail"]
        if not isinstance(path, str) or not isinstance(tail, str) or not re.fullmatch("[0-9a-f]{64}", tail):
            raise ValueError("output_path or output_tail is not a path and a SHA-256")
        self.output_path, self.output_tail = path, tail
        if data[MAGIC] >= 4:
            self.unsettled = Unsettled.from_json(data["unsettled"])

    def check(self, path: Path, command: str, fmt: str, query: dict[str, Any], with_id: bool) -> None:
        """``CliError`` (bad usage) unless this checkpoint was written by the same command, format and filters."""
        if (self.command, self.format, self.query, self.with_id) != (command, fmt, query, with_id):
            flag = " --with-id" if self.with_id else ""
            raise CliError(
                f"{path} belongs to 'cortex-logs {self.command} --format {self.format}{flag}' with filters "
                f"{json.dumps(self.query, sort_keys=True)}; use the same, or another checkpoint file",
                EXIT_USAGE,
            )


def tail_digest(tail: bytes) -> str:
    """``output_tail``: the SHA-256 (hex) of the last ``TAIL_BYTES`` of the output a checkpoint covers."""
    return hashlib.sha256(tail[-TAIL_BYTES:]).hexdigest()


def _moment(text: Any) -> dt.datetime | None:
    return parse_datetime(text) if text is not None else None


def load(path: Path) -> Checkpoint | None:
    """The checkpoint in ``path``, None when there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CliError(f"cannot read checkpoint {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise CliError(f"{path} is not a cortex-logs checkpoint (not JSON)") from None
    checkpoint = Checkpoint.from_json(data, path)
    checkpoint.stored = text
    return checkpoint


def _render(content: dict[str, Any]) -> str:
    """The file's text: one key per line, each value encoded by the C encoder (``indent`` would use the Python one)."""
    return "{\n" + ",\n".join(f" {json.dumps(key)}: {json.dumps(value)}" for key, value in content.items()) + "\n}\n"


def save(path: Path, checkpoint: Checkpoint, before: Callable[[], None] | None = None) -> None:
    """Replace ``path`` atomically and durably: it is either the old checkpoint or the new one, never a mix.

    ``before`` runs first, whenever the file is replaced: it makes durable what the new checkpoint covers
    (the output). A checkpoint that has not changed since it was read or written is not written again, and
    then ``before`` does not run either (an idle poll of ``--follow`` costs no fsync, temporary file or rename).
    """
    text = _render(checkpoint.to_json())
    if text == checkpoint.stored:
        return
    if before is not None:
        before()
    with atomic_text_file(path, "checkpoint") as write:
        write(text)
    checkpoint.stored = text


class Cursor:
    """Admits the records a checkpoint does not cover, and tracks what the checkpoint will cover next.

    A run reads from ``floor()`` (the late-arrival window's start) onwards. A record in that window is
    covered when ``seen`` holds its identity (each count covers one record); one before it is covered
    (exported by an earlier run); one without a timestamp is covered when its identity is among the
    undated ones exported. Everything else is new: it is admitted, and joins ``seen``.

    ``upper`` is the upper bound of the run's query: ``newest`` (and so the next run's floor) never
    passes it, whatever a record's date (year 9999, say); such a record stays in ``seen`` by its own date.

    While ``held`` (the pages did not come oldest first), ``advance`` keeps the window where the run started
    and adds every identity the run committed to ``seen``: a run that fails after it skips nothing it never
    read, and repeats nothing it wrote. ``track()`` keeps those identities (bounded) for it.
    """

    def __init__(self, checkpoint: Checkpoint, lag: dt.timedelta, *, upper: dt.datetime | None = None,
                 max_seen: int = MAX_SEEN_IDENTITIES, operation_id: str = "",
                 settle_from: dt.datetime | None = None) -> None:
        self.lag = lag
        self.operation_id = operation_id
        self.unsettled = checkpoint.unsettled.copy()
        self.settle_from = settle_from
        self.expired = self.unsettled.expire(settle_from) if settle_from is not None else 0
        self._final = {base_identity(key) for key in checkpoint.seen
                       if state_of(key) is not None and is_final(operation_id, state_of(key))}
        self.max_seen = max_seen
        self.upper = upper
        self._covered = {identity: count for identity, (_, count) in checkpoint.seen.items()}
        self._legacy_at = checkpoint.newest if checkpoint.legacy_identities else None
        self._floor = self._floor_of(checkpoint)
        self.newest = checkpoint.newest
        self.seen: Seen = dict(checkpoint.seen)
        self.covered_from = checkpoint.covered_from
        self.undated = checkpoint.undated.copy()
        self.shrunk: dt.datetime | None = None  # set when the window had to shrink below --lag
        self.held = False
        self._start = (checkpoint.newest, checkpoint.covered_from, dict(checkpoint.seen))
        self._tracking = False
        self._committed: Seen | None = {}  # the identities this run committed (None past max_seen): for ``held``
        self._pending: Seen = {}  # the ones admitted since the last commit

    def _floor_of(self, checkpoint: Checkpoint) -> dt.datetime | None:
        if checkpoint.newest is None:
            return None
        floor = checkpoint.newest - self.lag
        if checkpoint.covered_from is not None and checkpoint.covered_from > floor:
            floor = checkpoint.covered_from
        return floor

    def floor(self) -> dt.datetime | None:
        """Where this run starts reading: ``newest - lag``, or later where the checkpoint knows less."""
        return self._floor

    def admit(self, timestamp: dt.datetime | None, identity: str, legacy: Callable[[], str] | None = None) -> bool:
        """True when the record is new (and note it); False when the checkpoint covers it.

        ``legacy`` gives the record's identity as version 1 checkpoints wrote it (audit entries only).
        """
        base = base_identity(identity)
        if timestamp is None:
            return self.undated.add(base)  # an undated record is exported once, in the state first read
        if self._floor is not None and timestamp < self._floor:
            return False
        key = legacy() if legacy is not None and timestamp == self._legacy_at else identity
        remaining = self._covered.get(key, 0)
        if remaining > 0:
            self._covered[key] = remaining - 1
            return False
        status = state_of(identity)
        if base != identity:
            if self._covered.get(base, 0) > 0:  # a version 1-3 checkpoint exported it, in a state it did not note
                self._covered[base] -= 1
                if (entry := self.seen.pop(base, None)) is not None:
                    self.seen[identity] = entry  # known from now on by the state it is in
                self._note(base, timestamp, status)
                return False
            if base in self._final:  # its final state was exported: an older state read now is stale
                return False
            self._note(base, timestamp, status)
        moment, count = self.seen.get(identity, (timestamp, 0))
        self.seen[identity] = entry = (max(moment, timestamp), count + 1)
        if self._tracking:
            self._pending[identity] = entry
        if self.upper is not None and timestamp > self.upper:
            timestamp = self.upper  # exported, but the cursor stays within what the query asked for
        if self.newest is None or timestamp > self.newest:
            self.newest = timestamp
        return True

    def _note(self, base: str, timestamp: dt.datetime, status: str | None) -> None:
        """The record ``base`` was exported in ``status``: re-read it while that is not final (within the window)."""
        if self.settle_from is None or timestamp >= self.settle_from or is_final(self.operation_id, status):
            self.unsettled.note(self.operation_id, base, timestamp, status)
        if is_final(self.operation_id, status):
            self._final.add(base)

    def resettle(self, timestamp: dt.datetime | None, identity: str) -> bool:
        """True when a record re-read from before the window is in a new state of an unsettled record (note it)."""
        base = base_identity(identity)
        exported = self.unsettled.status(base)
        if timestamp is None or exported is None or exported == state_of(identity) or base in self._final:
            return False
        self._note(base, timestamp, state_of(identity))
        return True

    def advance(self, checkpoint: Checkpoint, written: int, added: int) -> None:
        """Record in ``checkpoint`` what was just made durable: ``written`` bytes holding ``added`` records."""
        checkpoint.output_bytes += written
        checkpoint.records += added
        if self.held:
            self._hold(checkpoint)
            return
        if self._tracking and self._committed is not None:
            self._committed.update(self._pending)
            if len(self._committed) > self.max_seen:
                self._committed = None
        self._pending.clear()
        checkpoint.newest = self.newest
        if self.newest is not None:
            self._prune(self.newest - self.lag)
        checkpoint.seen = dict(self.seen)
        checkpoint.covered_from = self.covered_from
        checkpoint.undated = self.undated.copy()
        checkpoint.unsettled = self.unsettled.copy()
        checkpoint.legacy_identities = checkpoint.legacy_identities and checkpoint.newest == self._legacy_at

    def track(self, on: bool = True) -> None:
        """Keep (or stop keeping) the identities this run commits, for a ``held`` commit."""
        self._tracking = on
        self._pending.clear()

    def _hold(self, checkpoint: Checkpoint) -> None:
        """The window where the run started, and every identity the run committed: nothing assumes an order.

        What was admitted since the last commit is not written yet, so it is not added (nor are undated
        ones: the checkpoint keeps those of the last commit). Past ``max_seen`` committed identities, only
        the ones still in the window are added: a run that then fails may repeat an older record (never skip one).
        """
        newest, covered_from, seen = self._start
        checkpoint.newest, checkpoint.covered_from = newest, covered_from
        committed = self._committed
        if committed is None:
            committed = {identity: entry for identity, entry in self.seen.items() if identity not in self._pending}
        checkpoint.seen = {**seen, **committed}

    def _prune(self, horizon: dt.datetime) -> None:
        """Forget identities older than the window; past ``max_seen``, shrink the window by whole timestamps."""
        self.seen = {identity: entry for identity, entry in self.seen.items() if entry[0] >= horizon}
        if self.covered_from is None or self.covered_from < horizon:
            self.covered_from = horizon
        if len(self.seen) <= self.max_seen:
            return
        moments = sorted({moment for moment, _ in self.seen.values()}, reverse=True)
        per_moment = Counter(moment for moment, _ in self.seen.values())
        kept, oldest = 0, moments[0]
        for moment in moments:
            if kept + per_moment[moment] > self.max_seen:
                break
            kept += per_moment[moment]
            oldest = moment
        self.seen = {identity: entry for identity, entry in self.seen.items() if entry[0] >= oldest}
        if self.newest is not None and oldest > self.newest:  # records dated past the query's bound
            oldest = self.newest
        self.covered_from = self.shrunk = oldest
