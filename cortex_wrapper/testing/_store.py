"""Record storage for one operation: a lazy synthetic base plus explicit (supplied or inserted) records.

A query yields the merged sequence of both parts in time order. Pages are O(pageSize) when only a
date window narrows the synthetic base (found by binary search, timestamps being monotone); other
filters scan it once per distinct filter and cache the matching indexes.

With a lifecycle (``Generator.lifecycle``), what a notification record looks like depends on the moment of the
request (``now``, µs). Only the records created within the longest delay before ``now`` can be unsettled, so
``state(now)`` names the data's state exactly by the version, that zone of the base and how many settle moments
of the zone and of the live explicit records have passed: equal keys, equal data. The page cache and the scans
of filters on lifecycle attributes are keyed by it; every other scan stays keyed by its filter alone.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cortex_api_client.operations import OPERATIONS

from . import _generic
from ._lifecycle import CREATED_STATUS, LIFECYCLE_ATTRIBUTES, pending_get, pending_view, supplied_settle
from ._params import parse_datetime
from ._synthetic import Generator
from ._util import format_ts, splitmix

NO_TS = -(2**62)
EXPLICIT_IDENTITY = 2**48
_SCAN_CACHE_SIZE = 8
UNKNOWN_ENUMS = {
    "audit_logs": ("action", "ARCHIVE"),
    "notification_logs": ("medium", "CARRIER_PIGEON"),
    "notification_runs": ("medium", "CARRIER_PIGEON"),
}
"""The field and value a fault of unknown enum values sets, per hand-made kind (others: ``_generic.unknown_enum``)."""
Row = tuple[int, dict[str, object]]


def unknown_enum(kind: str) -> tuple[str, str] | None:
    """The unknown enum fault of an operation without hand-made records: its first enum field, if any."""
    spec = next((op for op in OPERATIONS if op.method_name == kind), None)
    return _generic.unknown_enum(spec) if spec is not None else None


PRESENT: frozenset[object] = frozenset({object()})
"""The condition of a ``true`` boolean filter (``errorOnly``): its attribute holds some value, whatever it is."""


def is_path(attribute: str) -> bool:
    """True when a filter's attribute is a path into nested fields (``repository.repositoryName``)."""
    return "." in attribute or "|" in attribute or "[]" in attribute


def path_values(get: Callable[[str], object], path: str) -> list[object]:
    """The values at ``path`` in the record whose attributes ``get`` returns, ``None``s left out.

    ``a.b`` is field ``b`` of object ``a``, ``a[].b`` field ``b`` of each item of array ``a``, and ``p|q``
    the values of both paths.
    """
    found: list[object] = []
    for one in path.split("|"):
        steps = one.split(".")
        values = _spread(steps[0], [get(steps[0].removesuffix("[]"))])
        for step in steps[1:]:
            key = step.removesuffix("[]")
            values = _spread(step, [value.get(key) for value in values if isinstance(value, dict)])
        found += [value for value in values if value is not None]
    return found


def _spread(step: str, values: list[Any]) -> list[Any]:
    """``values``, each list's items in its place when ``step`` names an array (``files[]``)."""
    if not step.endswith("[]"):
        return values
    return [item for value in values if isinstance(value, list) for item in value]


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

    def lifecycle_dependent(self) -> bool:
        """True when a filter looks at an attribute that changes as a record settles."""
        return self.delivered_only or any(name in LIFECYCLE_ATTRIBUTES for name, _ in self.conditions)

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
            if is_path(name) or allowed is PRESENT:
                values = path_values(get, name)
                if not (values if allowed is PRESENT else any(value in allowed for value in values)):
                    return False
            elif get(name) not in allowed:
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
    settle: int | None = field(default=None, compare=False)  # µs; None: served as ``data`` at every moment

    def pending(self, now: int | None) -> bool:
        return self.settle is not None and now is not None and now < self.settle

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
        self._explicit: dict[Hashable, tuple[list[_Stored], list[int]]] = {}
        self.lifecycle = generator.lifecycle
        self._settles: list[int] = []  # the settle moments of the live explicit records, sorted
        self._zone: tuple[int, int, list[int]] = (0, 0, [])  # base indexes lo..hi-1 and their settle moments, sorted
        self._zone_settle: dict[int, int | None] = {}  # the settle moment of each base index of the zone
        self._live_scans: OrderedDict[Hashable, array[int]] = OrderedDict()
        self._zone_matches: OrderedDict[Selection, dict[int, tuple[bool, bool]]] = OrderedDict()
        self._overrides: dict[int, dict[str, object]] = {}  # base records ``update`` scripted
        self.insert(records, apply_faults=True)

    def __len__(self) -> int:
        with self._lock:
            return self.gen.count + len(self._records)

    def insert(
        self, records: Iterable[Mapping[str, object]], apply_faults: bool = True, live: bool | None = None
    ) -> None:
        """Add records (wire fields plus optional internal attributes) in time order.

        ``live`` (default: the lifecycle's ``supplied``) serves each record in its created state until its
        ``dateUpdated`` when its status is final.
        """
        if live is None:
            live = self.lifecycle is not None and self.lifecycle.supplied
        with self._lock:
            for record in records:
                data = dict(record)
                if self.kind == "audit_logs":
                    _derive_audit_attributes(data)
                if apply_faults and splitmix(self._fault_key + self._seq) / 2.0**64 < self.gen.unknown_enum_rate:
                    unknown = UNKNOWN_ENUMS.get(self.kind) or unknown_enum(self.kind)
                    if unknown is not None:
                        data[unknown[0]] = unknown[1]
                ident = data.get("id")
                if isinstance(ident, int):
                    self._max_explicit_id = max(self._max_explicit_id, ident)
                raw = data.get(self.gen.date_field) if self.gen.date_field is not None else None
                settle = supplied_settle(self.kind, data) if live else None
                stored = _Stored(self._seq, parse_datetime(raw) if isinstance(raw, str) else None, data, settle)
                if settle is not None:
                    insort(self._settles, settle)
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
                self.insert(made[-1:], apply_faults=False, live=self.lifecycle is not None)
        return made

    def _newest_ts(self) -> int:
        newest = self.gen.ts(self.gen.count - 1) if self.gen.count else NO_TS
        if self._records and self._records[-1].ts is not None:
            newest = max(newest, self._records[-1].ts)
        return newest

    def _max_id(self) -> int:
        return max(self.gen.count, self._max_explicit_id)

    def state(self, now: int | None = None) -> Hashable:
        """A key equal for two moments exactly when the data is the same at both (the version without a lifecycle)."""
        with self._lock:
            if self.lifecycle is None or now is None:
                return self.version
            lo, hi, settles = self._zone_at(now)
            return (self.version, lo, hi, bisect_right(settles, now), bisect_right(self._settles, now))

    def _zone_at(self, now: int) -> tuple[int, int, list[int]]:
        """The base indexes that may be unsettled at ``now`` (older ones have settled, newer ones have not)."""
        assert self.lifecycle is not None
        count, ts = self.gen.count, self.gen.ts
        lo = _count_at_or_before(range(count), ts, now - self.lifecycle.max_delay_us)
        hi = _count_at_or_before(range(count), ts, now)
        if self._zone[:2] != (lo, hi):  # the clock moved past a creation: update the zone by what entered and left
            known, settles = self._zone_settle, self._zone[2]
            left = [(i, known.pop(i)) for i in [i for i in known if not lo <= i < hi]]
            entered = [(i, self.gen.settle(i)) for i in range(lo, hi) if i not in known]
            known.update(entered)
            if len(left) + len(entered) > 64:  # a jump: sort afresh rather than move the list item by item
                settles = sorted(moment for moment in known.values() if moment is not None)
            else:
                for _, moment in left:
                    if moment is not None:
                        del settles[bisect_left(settles, moment)]
                for _, moment in entered:
                    if moment is not None:
                        insort(settles, moment)
            self._zone = (lo, hi, settles)
        return self._zone

    def _zone_match(self, sel: Selection, i: int) -> tuple[bool, bool]:
        """Whether base record ``i`` of the zone matches ``sel`` settled, and created (cached per filter)."""
        matches = self._zone_matches.get(sel)
        if matches is None:
            matches = self._zone_matches[sel] = {}
            if len(self._zone_matches) > _SCAN_CACHE_SIZE:
                self._zone_matches.popitem(last=False)
        found = matches.get(i)
        if found is None:
            if len(matches) > 4 * max(1024, len(self._zone_settle)):  # the zone moved on: forget what left it
                matches.clear()
            scripted = self._overrides.get(i) if self._overrides else None
            if scripted is not None:
                found = (sel.matches(scripted.get),) * 2
            else:
                get = self.gen.draws(i).get
                found = (sel.matches(get), sel.matches(pending_get(self.kind, get)))
            matches[i] = found
        return found

    def page(
        self, sel: Selection, page: int, size: int, descending: bool, now: int | None = None
    ) -> tuple[int, list[Row], Hashable]:
        """The total number of matches, the rows of page ``page`` (0-indexed) in order, and ``state(now)``.

        ``now`` (µs) is the moment the lifecycle judges records by; None serves every record in its final state.
        """
        with self._lock:
            if self.lifecycle is None:
                now = None
            token = self.state(now)
            base = self._base(sel, now, token)
            explicit, positions = self._explicit_view(sel, base, now, token)
            total = len(base) + len(explicit)
            start = page * size
            if descending:
                lo, hi = max(0, total - start - size), max(0, total - start)
            else:
                lo, hi = min(total, start), min(total, start + size)
            rows = self._slice(base, explicit, positions, lo, hi, now)
        if descending:
            rows.reverse()
        return total, rows, token

    def update(self, ident: int, fields: Mapping[str, object], now: int) -> dict[str, object]:
        """Script record ``ident``'s next state: its state at ``now`` with ``fields`` set (None removes a field).

        A notification record's ``dateUpdated`` moves to ``now`` (at least a millisecond past its previous one)
        unless ``fields`` sets it. The record keeps that state from then on (it leaves the lifecycle).
        """
        for name in ("id", self.gen.date_field):
            if name in fields:
                raise ValueError(f"update cannot change {name!r}: a record keeps its id and {self.gen.date_field}")
        with self._lock:
            index = next((k for k, r in enumerate(self._records) if r.data.get("id") == ident), None)
            if index is not None:
                stored = self._records[index]
                current = pending_view(self.kind, stored.data) if stored.pending(now) else stored.data
            elif 1 <= ident <= self.gen.count:
                current = self._overrides.get(ident - 1) or self.gen.record(ident - 1, now=now)
            else:
                raise KeyError(f"no {self.kind} record has id {ident}")
            data = {**current, **fields}
            for name, value in fields.items():
                if value is None:
                    del data[name]
            previous = current.get("dateUpdated")
            if self.kind in CREATED_STATUS and "dateUpdated" not in fields:
                moment = now // 1000 * 1000
                if isinstance(previous, str) and (before := parse_datetime(previous)) is not None:
                    moment = max(moment, before + 1000)
                data["dateUpdated"] = format_ts(moment)
            if index is not None:
                if stored.settle is not None:
                    self._settles.remove(stored.settle)
                self._records[index] = _Stored(stored.seq, stored.ts, data)
            else:
                self._overrides[ident - 1] = data
            self._scans.clear()
            self._live_scans.clear()
            self._zone_matches.clear()
            self._explicit.clear()
            self.version += 1
            return dict(data)

    def _getter(self, i: int, now: int | None) -> Callable[[str], object]:
        """The attributes of base record ``i`` at ``now`` (``update`` overrides first)."""
        scripted = self._overrides.get(i) if self._overrides else None
        if scripted is not None:
            return scripted.get
        return self.gen.getter(i, now) if now is not None else self.gen.draws(i).get

    def _base(self, sel: Selection, now: int | None = None, token: Hashable = None) -> Sequence[int]:
        count, ts = self.gen.count, self.gen.ts
        lo = 0 if sel.start is None else _count_at_or_before(range(count), ts, sel.start - 1)
        hi = count if sel.end is None else _count_at_or_before(range(count), ts, sel.end)
        window = range(lo, max(lo, hi))
        if not sel.narrows() or not window:
            return window
        cached = self._scans.get(sel)  # the matches among records in their final states
        if cached is None:
            if self._overrides:
                cached = array("q", (i for i in window if sel.matches(self._getter(i, None))))
            else:  # the common case, without the look-up per record
                draws = self.gen.draws
                cached = array("q", (i for i in window if sel.matches(draws(i).get)))
            self._scans[sel] = cached
            if len(self._scans) > _SCAN_CACHE_SIZE:
                self._scans.popitem(last=False)
        self._scans.move_to_end(sel)
        if now is None or not sel.lifecycle_dependent():
            return cached
        key = (sel, token)
        live = self._live_scans.get(key)
        if live is None:  # the settled matches, then the matches at ``now`` of the records that may not have settled
            zone_lo = max(window.start, self._zone_at(now)[0])
            settle, match = self._zone_settle.get, self._zone_match
            live = cached[: bisect_left(cached, zone_lo)]
            for i in range(zone_lo, window.stop):
                moment = settle(i)
                if match(sel, i)[0 if moment is not None and moment <= now else 1]:
                    live.append(i)
            self._live_scans[key] = live
            if len(self._live_scans) > _SCAN_CACHE_SIZE:
                self._live_scans.popitem(last=False)
        self._live_scans.move_to_end(key)
        return live

    def _explicit_view(
        self, sel: Selection, base: Sequence[int], now: int | None = None, token: Hashable = None
    ) -> tuple[list[_Stored], list[int]]:
        key: Hashable = (sel, token) if now is not None and sel.lifecycle_dependent() else sel
        cached = self._explicit.get(key)
        if cached is None:
            kind = self.kind
            matched = [
                r
                for r in self._records
                if sel.in_window(r.ts)
                and sel.matches(pending_get(kind, r.data.get) if r.pending(now) else r.data.get)
            ]
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
            self._explicit[key] = cached
        return cached

    def _slice(
        self, base: Sequence[int], explicit: list[_Stored], positions: list[int], lo: int, hi: int, now: int | None
    ) -> list[Row]:
        rows: list[Row] = []
        k = bisect_left(positions, lo)
        overrides = self._overrides
        for position in range(lo, hi):
            if k < len(positions) and positions[k] == position:
                stored = explicit[k]
                data = pending_view(self.kind, stored.data) if stored.pending(now) else stored.data
                rows.append((EXPLICIT_IDENTITY + stored.seq, data))
                k += 1
            else:
                index = base[position - k]
                scripted = overrides.get(index) if overrides else None
                rows.append((index, scripted if scripted is not None else self.gen.record(index, now=now)))
        return rows
