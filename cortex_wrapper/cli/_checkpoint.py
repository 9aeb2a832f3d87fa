"""The checkpoint file of an incremental export, and the cursor that decides which records are new.

The file is JSON, written atomically (temporary file, fsync, ``os.replace``, fsync of the directory)
and holds no secret::

    {"cortex_logs_checkpoint": 1, "command": "runs", "format": "jsonl", "query": {"statuses": ["FAILED"]},
     "output_bytes": 18230, "records": 57, "newest": "2026-11-21T09:14:03.120000+00:00",
     "at_newest": ["id:4711"], "undated_ids": [[12, 15], [40, 40]], "undated_other": []}

``output_bytes`` is the length of the output this checkpoint covers; ``newest`` the timestamp of
the newest record exported (an offset-less one, as checkpoints written before the models read such
times as UTC hold, is UTC: ``cortex_api_client.types.parse_datetime``); ``at_newest`` the identities
(ids, or SHA-256 fingerprints of audit entries, with repeats) of the exported records carrying
exactly that timestamp.

Records without a timestamp (``dateCreated`` is optional) cannot be placed before or after
``newest``, so the checkpoint remembers which ones it exported: ``undated_ids`` their ids as sorted,
disjoint ranges of consecutive ids, ``undated_other`` any other identity (none today: audit entries,
the kind without ids, always have a timestamp). That is the only part of the checkpoint that grows
with the export, and only with undated records: a range costs the same whether it holds one id or a
million, so size follows the gaps between the undated ids (one range per undated record only when
no two of them are consecutive), never the records that have a timestamp. Both keys may be absent
(checkpoints written before them): nothing undated was remembered.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cortex_api_client.types import parse_datetime

from ._durable import atomic_text_file
from ._exitcodes import EXIT_USAGE, CliError

MAGIC = "cortex_logs_checkpoint"
VERSION = 1
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
    undated: Undated = field(default_factory=Undated)

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {
            MAGIC: VERSION, "command": self.command, "format": self.format, "query": self.query,
            "output_bytes": self.output_bytes, "records": self.records,
            "newest": self.newest.isoformat() if self.newest else None,
            "at_newest": sorted(self.at_newest.elements()),
            **self.undated.to_json(),
        }

    @classmethod
    def from_json(cls, data: Any, path: Path) -> Checkpoint:
        """Read the file's content; ``CliError`` when it is not a checkpoint this version writes."""
        try:
            if not isinstance(data, dict) or data.get(MAGIC) != VERSION:
                raise ValueError(f"no '{MAGIC}': {VERSION} marker")
            newest = parse_datetime(data["newest"]) if data["newest"] is not None else None
            marks = data["at_newest"]
            if not isinstance(marks, list) or not all(isinstance(mark, str) for mark in marks):
                raise ValueError("at_newest is not a list of strings")
            undated = Undated.from_json(data.get("undated_ids", []), data.get("undated_other", []))
            checkpoint = cls(str(data["command"]), str(data["format"]), dict(data["query"]), int(data["output_bytes"]),
                             int(data["records"]), newest, Counter(marks), undated)
        except (KeyError, TypeError, ValueError) as exc:
            raise CliError(f"{path} is not a cortex-logs checkpoint ({exc})") from None
        if checkpoint.output_bytes < 0:
            raise CliError(f"{path} is not a cortex-logs checkpoint (bad output_bytes)")
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
    with atomic_text_file(path, "checkpoint") as write:
        write(json.dumps(checkpoint.to_json(), indent=1) + "\n")


class Cursor:
    """Admits the records a checkpoint does not cover, and tracks the newest timestamp admitted.

    A record older than the checkpoint's ``newest`` is covered; one at exactly ``newest`` is covered
    when its identity is among ``at_newest`` (each mark covers one record). A record without a
    timestamp is covered when its identity is among the undated ones exported (a server may return
    it in every window): each is exported once.
    """

    def __init__(self, checkpoint: Checkpoint) -> None:
        self._covered_until = checkpoint.newest
        self._covered = Counter(checkpoint.at_newest)
        self.newest = checkpoint.newest
        self.at_newest = Counter(checkpoint.at_newest)
        self.undated = checkpoint.undated.copy()

    def admit(self, timestamp: dt.datetime | None, identity: str) -> bool:
        """True when the record is new (and note it); False when the checkpoint covers it."""
        if timestamp is None:
            return self.undated.add(identity)
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
        checkpoint.undated = self.undated.copy()
