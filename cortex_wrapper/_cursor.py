"""The cursor of an incremental read: which records are new, and what a checkpoint covers once they are committed.

Shared by the library's incremental engine (``_incremental``) and ``cortex-logs --checkpoint`` (``cli/_checkpoint``):
the late-arrival window (``seen`` from ``covered_from`` to ``newest``), the records without a timestamp
(``Undated``), the records that are not final yet (``_lifecycle.Unsettled``) and the frozen upper bound.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from cortex_api_client.operations import OperationSpec

from ._defaults import MAX_SEEN_IDENTITIES
from ._lifecycle import Unsettled, base_identity, has_lifecycle, is_final, state_key, state_of, status_of
from ._wire import compact_encoder

_ID = re.compile(r"id:(-?[1-9][0-9]*|0)")

EVENT_HASH_DIGITS = 32
"""Hex digits of the content hash in an audit entry's event id: 128 bits."""


_CANONICAL = compact_encoder(ensure_ascii=True, sort_keys=True)  # built once: see _wire.compact_encoder


def content_hash(data: Mapping[str, Any]) -> str:
    r"""SHA-256 (hex) of the record's canonical JSON: keys sorted, compact, ASCII (``\uXXXX`` escapes).

    Computed from the record as sent, so anyone holding the record can recompute it.
    """
    return hashlib.sha256(_CANONICAL(data).encode()).hexdigest()


class Occurrences:
    """Numbers identical records in the order they are read (the occurrence of an audit entry's event id)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def next(self, identity: str) -> int:
        """How many records with ``identity`` came before this one."""
        count = self._seen.get(identity, 0)
        self._seen[identity] = count + 1
        return count

def identity_of(operation: OperationSpec[Any], data: Mapping[str, Any]) -> str:
    """What tells two records, or two states of one, apart: ``id:<id>``, else ``sha256:<content hash>``.

    Records that change get ``:<status>`` (``id:7:FAILED``: each state is its own); audit entries have no id,
    their identity is the hash of their content (identical entries share it: ``Occurrences`` tells them apart).
    """
    wire = operation.id_wire
    if wire is not None:
        base = f"id:{data.get(wire)}"
        return state_key(base, status_of(data)) if has_lifecycle(operation.operation_id) else base
    return "sha256:" + content_hash(data)


def event_id_of(identity: str, occurrence: int) -> str:
    """The stable event id of a record with ``identity``: ``7`` or ``7:FAILED``, or for audit entries hash-occurrence.

    An audit entry's is ``<first 32 hex digits of the hash>-<occurrence>``, ``occurrence`` counting identical
    entries (the same bot reading the same object in the same millisecond) in the order they are read.
    """
    if identity.startswith("id:"):
        return identity[3:]
    return f"{identity.removeprefix('sha256:')[:EVENT_HASH_DIGITS]}-{occurrence}"



class CursorState(Protocol):
    """What a cursor reads from a checkpoint and writes back to it on each commit."""

    newest: dt.datetime | None
    seen: dict[str, tuple[dt.datetime, int]]
    covered_from: dt.datetime | None
    undated: Undated
    unsettled: Unsettled
    legacy_identities: bool


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

    def __init__(self, checkpoint: CursorState, lag: dt.timedelta, *, upper: dt.datetime | None = None,
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

    def _floor_of(self, checkpoint: CursorState) -> dt.datetime | None:
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
        if self._floor is not None and timestamp >= self._floor:
            return False  # in the window too (the bound is inclusive): the window's read admits it, into ``seen``
        self._note(base, timestamp, state_of(identity))
        return True

    def advance(self, checkpoint: CursorState) -> None:
        """Record in ``checkpoint`` what was just made durable (committed): the records admitted until now."""
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

    def fall_back(self, save: Callable[[], None]) -> None:
        """The pages did not come oldest first: ``save`` the checkpoint ``held`` (``_hold``), then stop tracking.

        The rest of the poll is buffered and committed once, in order, by the caller.
        """
        self.held = True
        try:
            save()
        finally:
            self.held = False
        self.track(False)

    def _hold(self, checkpoint: CursorState) -> None:
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
