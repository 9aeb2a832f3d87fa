"""The checkpoint file of an incremental export, and the cursor that decides which records are new.

The file is JSON, written atomically (temporary file, fsync, ``os.replace``, fsync of the directory)
and holds no secret::

    {"cortex_logs_checkpoint": 1, "command": "runs", "format": "jsonl", "query": {"statuses": ["FAILED"]},
     "output_bytes": 18230, "records": 57, "newest": "2026-11-21T09:14:03.120000+00:00",
     "at_newest": ["id:4711"]}

``output_bytes`` is the length of the output this checkpoint covers; ``newest`` the timestamp of
the newest record exported; ``at_newest`` the identities (ids, or SHA-256 fingerprints of audit
entries, with repeats) of the exported records carrying exactly that timestamp.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._exitcodes import EXIT_USAGE, CliError
from ._export import fsync_directory

MAGIC = "cortex_logs_checkpoint"
VERSION = 1


@dataclass
class Checkpoint:
    """Where an incremental export stands."""

    command: str
    format: str
    query: dict[str, Any]
    output_bytes: int = 0
    records: int = 0
    newest: dt.datetime | None = None
    at_newest: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {
            MAGIC: VERSION, "command": self.command, "format": self.format, "query": self.query,
            "output_bytes": self.output_bytes, "records": self.records,
            "newest": self.newest.isoformat() if self.newest else None,
            "at_newest": sorted(self.at_newest.elements()),
        }

    @classmethod
    def from_json(cls, data: Any, path: Path) -> Checkpoint:
        """Read the file's content; ``CliError`` when it is not a checkpoint this version writes."""
        try:
            if not isinstance(data, dict) or data.get(MAGIC) != VERSION:
                raise ValueError(f"no '{MAGIC}': {VERSION} marker")
            newest = dt.datetime.fromisoformat(data["newest"]) if data["newest"] is not None else None
            marks = data["at_newest"]
            if not isinstance(marks, list) or not all(isinstance(mark, str) for mark in marks):
                raise ValueError("at_newest is not a list of strings")
            checkpoint = cls(str(data["command"]), str(data["format"]), dict(data["query"]), int(data["output_bytes"]),
                             int(data["records"]), newest, Counter(marks))
        except (KeyError, TypeError, ValueError) as exc:
            raise CliError(f"{path} is not a cortex-logs checkpoint ({exc})") from None
        if checkpoint.output_bytes < 0 or (newest is not None and newest.tzinfo is None):
            raise CliError(f"{path} is not a cortex-logs checkpoint (bad output_bytes or newest)")
        return checkpoint

    def check(self, path: Path, command: str, fmt: str, query: dict[str, Any]) -> None:
        """``CliError`` (bad usage) unless this checkpoint was written by the same command, format and filters."""
        if (self.command, self.format, self.query) != (command, fmt, query):
            raise CliError(
                f"{path} belongs to 'cortex-logs {self.command} --format {self.format}' with filters "
                f"{json.dumps(self.query, sort_keys=True)}; use the same, or another checkpoint file",
                EXIT_USAGE,
            )


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
    return Checkpoint.from_json(data, path)


def save(path: Path, checkpoint: Checkpoint) -> None:
    """Replace ``path`` atomically and durably: it is either the old checkpoint or the new one, never a mix."""
    temp = path.with_name(path.name + ".tmp")
    try:
        with open(temp, "w", encoding="utf-8") as stream:
            json.dump(checkpoint.to_json(), stream, indent=1)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise CliError(f"cannot write checkpoint {path}: {exc.strerror}") from None
    fsync_directory(path.resolve().parent)


class Cursor:
    """Admits the records a checkpoint does not cover, and tracks the newest timestamp admitted.

    A record older than the checkpoint's ``newest`` is covered; one at exactly ``newest`` is covered
    when its identity is among ``at_newest`` (each mark covers one record). Records without a
    timestamp are always admitted (a time window never returns them after the first run).
    """

    def __init__(self, checkpoint: Checkpoint) -> None:
        self._covered_until = checkpoint.newest
        self._covered = Counter(checkpoint.at_newest)
        self.newest = checkpoint.newest
        self.at_newest = Counter(checkpoint.at_newest)

    def admit(self, timestamp: dt.datetime | None, identity: str) -> bool:
        """True when the record is new (and note it); False when the checkpoint covers it."""
        if timestamp is None:
            return True
        if self._covered_until is not None:
            if timestamp < self._covered_until:
                return False
            if timestamp == self._covered_until and self._covered[identity] > 0:
                self._covered[identity] -= 1
                return False
        if self.newest is None or timestamp > self.newest:
            self.newest = timestamp
            self.at_newest = Counter({identity: 1})
        elif timestamp == self.newest:
            self.at_newest[identity] += 1
        return True

    def advance(self, checkpoint: Checkpoint, written: int, added: int) -> None:
        """Record in ``checkpoint`` what was just made durable: ``written`` bytes holding ``added`` records."""
        checkpoint.output_bytes += written
        checkpoint.records += added
        checkpoint.newest = self.newest
        checkpoint.at_newest = Counter(self.at_newest)
