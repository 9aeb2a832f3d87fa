"""Record storage for one operation: a lazy synthetic base plus explicit (supplied or inserted) records.

A query yields the merged sequence of both parts in time order. Pages are O(pageSize) when only a
date window narrows the synthetic base (found by binary search, timestamps being monotone); other
filters scan it once per distinct filter and cache the matching indexes.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ._params import parse_datetime
from ._synthetic import Generator
from ._util import splitmix

NO_TS = -(2**62)
EXPLICIT_IDENTITY = 2**48
_SCAN_CACHE_SIZE = 8
UNKNOWN_ENUMS = {
    "audit_logs": ("action", "ARCHIVE"),
    "notification_logs": ("medium", "CARRIER_PIGEON"),
    "notification_runs": ("medium", "CARRIER_PIGEON"),
}
Row = tuple[int, dict[str, object]]


@dataclass(frozen=True)
class Selection:
    """A hashable query: inclusive time window, attribute memberships, summary search, deliveredOnly."""

    start: int | None = None
    end: int | None = None
    conditions: tuple[tuple[str, frozenset[object]], ...] = ()
    search: str | None = None
    delivered_only: bool = False

    def narrows(self) -> bool:
        """True when something other than the time window filters records."""
        return bool(self.conditions) or bool(self.search) or self.delivered_only

    def in_window(self, ts: int | None) -> bool:
        """True when ``ts`` lies in the window (records without a date match only an open window)."""
        if self.start is None and self.end is None:
            return True
        if ts is None:
            return False
        return (self.start is None or ts >= self.start) and (self.end is None or ts <= self.end)

    def matches(self, get: Callable[[str], object]) -> bool:
        """True when the record whose attributes ``get`` returns passes every non-window filter."""
        for name, allowed in self.conditions:
            if get(name) not in allowed:
                return False
        if self.search:
            summary = get("summary")
            if not isinstance(summary, str) or self.search not in summary.lower():
                return False
        if self.delivered_only:
            delivered = get("deliveredCount")
            if not isinstance(delivered, int) or delivered <= 0:
                return False
        return True


@dataclass(frozen=True)
class _Stored:
    seq: int
    ts: int | None
    data: dict[str, object] = field(compare=False)

    @property
    def order(self) -> tuple[int, int]:
        return (NO_TS if self.ts is None else self.ts, self.seq)


def _derive_audit_attributes(data: dict[str, object]) -> None:
    identifier = data.get("actorIdentifier")
    if isinstance(identifier, str):
        if "@" in identifier:
            data.setdefault("actorEmail", identifier)
        if data.get("actorType") in ("API_KEY", "PERSONAL_API_KEY"):
            data.setdefault("actorApiKeyIdentifier", identifier)


def _count_at_or_before(base: Sequence[int], ts_of: Callable[[int], int], ts: int) -> int:
    lo, hi = 0, len(base)
    while lo < hi:
        mid = (lo + hi) // 2
        if ts_of(base[mid]) <= ts:
            lo = mid + 1
        else:
            hi = mid
    return lo


class Dataset:
    """Thread-safe records of one kind."""

    def __init__(self, generator: Generator, records: Iterable[Mapping[str, object]] = (), fault_seed: int = 0) -> None:
        self.gen = generator
        self.kind = generator.kind
        self._lock = threading.RLock()
        self._records: list[_Stored] = []
        self._seq = 0
        self.version = 0  # bumped by every insert
        self._max_explicit_id = 0
        self._inserted_newest = 0
        self._fault_key = splitmix(fault_seed ^ 0x5EED)
        self._scans: OrderedDict[Selection, array[int]] = OrderedDict()
        self._explicit: dict[Selection, tuple[list[_Stored], list[int]]] = {}
        self.insert(records, apply_faults=True)

    def __len__(self) -> int:
        with self._lock:
            return self.gen.count + len(self._records)

    def insert(self, records: Iterable[Mapping[str, object]], apply_faults: bool = True) -> None:
        """Add records (wire fields plus optional internal attributes) in time order."""
        with self._lock:
            for record in records:
                data = dict(record)
                if self.kind == "audit_logs":
                    _derive_audit_attributes(data)
                if apply_faults and splitmix(self._fault_key + self._seq) / 2.0**64 < self.gen.unknown_enum_rate:
                    name, value = UNKNOWN_ENUMS[self.kind]
                    data[name] = value
                ident = data.get("id")
                if isinstance(ident, int):
                    self._max_explicit_id = max(self._max_explicit_id, ident)
                raw = data.get(self.gen.date_field)
                stored = _Stored(self._seq, parse_datetime(raw) if isinstance(raw, str) else None, data)
                self._seq += 1
                insort(self._records, stored, key=lambda s: s.order)
            self._explicit.clear()
            self.version += 1

    def insert_newest(self, count: int, not_before: int = NO_TS) -> list[dict[str, object]]:
        """Insert ``count`` generated records newer than every existing one and not before ``not_before`` (µs)."""
        made: list[dict[str, object]] = []
        with self._lock:
            for _ in range(count):
                i = self.gen.count + self._inserted_newest
                self._inserted_newest += 1
                ts = max(self.gen.ts(i), self._newest_ts() + 1000, not_before)
                made.append(self.gen.record(i, ts=ts, ident=self._max_id() + 1))
                self.insert(made[-1:], apply_faults=False)
        return made

    def _newest_ts(self) -> int:
        newest = self.gen.ts(self.gen.count - 1) if self.gen.count else NO_TS
        if self._records and self._records[-1].ts is not None:
            newest = max(newest, self._records[-1].ts)
        return newest

    def _max_id(self) -> int:
        return max(self.gen.count, self._max_explicit_id)

    def page(self, sel: Selection, page: int, size: int, descending: bool) -> tuple[int, list[Row], int]:
        """The total number of matches, the rows of page ``page`` (0-indexed) in order, and the data version."""
        with self._lock:
            version = self.version
            base = self._base(sel)
            explicit, positions = self._explicit_view(sel, base)
            total = len(base) + len(explicit)
            start = page * size
            if descending:
                lo, hi = max(0, total - start - size), max(0, total - start)
            else:
                lo, hi = min(total, start), min(total, start + size)
            rows = self._slice(base, explicit, positions, lo, hi)
        if descending:
            rows.reverse()
        return total, rows, version

    def _base(self, sel: Selection) -> Sequence[int]:
        count, ts = self.gen.count, self.gen.ts
        lo = 0 if sel.start is None else _count_at_or_before(range(count), ts, sel.start - 1)
        hi = count if sel.end is None else _count_at_or_before(range(count), ts, sel.end)
        window = range(lo, max(lo, hi))
        if not sel.narrows() or not window:
            return window
        cached = self._scans.get(sel)
        if cached is None:
            cached = array("q", (i for i in window if sel.matches(self.gen.draws(i).get)))
            self._scans[sel] = cached
            if len(self._scans) > _SCAN_CACHE_SIZE:
                self._scans.popitem(last=False)
        self._scans.move_to_end(sel)
        return cached

    def _explicit_view(self, sel: Selection, base: Sequence[int]) -> tuple[list[_Stored], list[int]]:
        cached = self._explicit.get(sel)
        if cached is None:
            matched = [r for r in self._records if sel.in_window(r.ts) and sel.matches(r.data.get)]
            if base:
                positions = [
                    k + (0 if r.ts is None else _count_at_or_before(base, self.gen.ts, r.ts))
                    for k, r in enumerate(matched)
                ]
            else:
                positions = list(range(len(matched)))
            cached = (matched, positions)
            if len(self._explicit) >= _SCAN_CACHE_SIZE * 8:
                self._explicit.clear()
            self._explicit[sel] = cached
        return cached

    def _slice(self, base: Sequence[int], explicit: list[_Stored], positions: list[int], lo: int, hi: int) -> list[Row]:
        rows: list[Row] = []
        k = bisect_left(positions, lo)
        for position in range(lo, hi):
            if k < len(positions) and positions[k] == position:
                stored = explicit[k]
                rows.append((EXPLICIT_IDENTITY + stored.seq, stored.data))
                k += 1
            else:
                index = base[position - k]
                rows.append((index, self.gen.record(index)))
        return rows
