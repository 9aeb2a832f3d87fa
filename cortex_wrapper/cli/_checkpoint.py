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

``output_head`` (optional: absent in older files, read as null) is set only while the checkpoint covers no byte
of the output (a first run, or the first after a rotation): the length and the SHA-256 of the first bytes (up to
``TAIL_BYTES``) that the run is about to append there, saved before it appends them. A run killed before its
first commit leaves those bytes uncovered; when logrotate's copytruncate then copies them away and empties the
output, the next run finds the copy by them and cuts them, as it cuts a torn tail after what a checkpoint
covers (else they would be exported twice: in the copy, and again in the new file).

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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cortex_api_client.types import parse_datetime

from .._cursor import Seen, Undated
from .._lifecycle import Unsettled
from ._durable import atomic_text_file
from ._exitcodes import EXIT_USAGE, CliError

MAGIC = "cortex_logs_checkpoint"
VERSION = 4
TAIL_BYTES = 4096
"""How much of the end of the output ``output_tail`` digests."""


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
    output_head: tuple[int, str] | None = None
    """While ``output_bytes`` is 0: the length and ``tail_digest`` of the first bytes a run appends (None: none)."""
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
            "output_head": list(self.output_head) if self.output_head is not None else None,
        }

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
        head = data.get("output_head")  # absent in files written before it was
        if head is not None:
            length, digest = head
            if type(length) is not int or not 0 < length <= TAIL_BYTES or not isinstance(digest, str) \
                    or not re.fullmatch("[0-9a-f]{64}", digest):
                raise ValueError("output_head is not a length and a SHA-256")
            self.output_head = (length, digest)
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
