"""Incremental reading for services: each new record, or new state of a record, exactly once, across restarts.

::

    reader = IncrementalReader(client, "notification_logs", FileCheckpointStore("logs.ckpt"))
    for batch in reader.poll():          # one poll: the batches of what is new since the last commit
        for change in batch:
            handle(change.event_id, change.record.data)
        batch.commit()                   # only now does the checkpoint move past these records

The policy is in ``Engine``, which the sync and async readers (they fetch pages and hold a list) and
``cortex-logs --checkpoint`` (it writes lines, holds them in a temporary file and keeps the output's state in its
checkpoint) drive alike. It is built on ``PollWindow`` (a poll's cursor, window and queries), ``RecordWindow``
(which records are new), ``OrderCheck``, ``retention_gap`` and ``note_polled``, and the cursor in ``_cursor``:

* Each poll reads the late-arrival window (``lag`` before the newest record committed) up to now, frozen at the
  poll's start; records the checkpoint covers are skipped. Notification logs and runs are read oldest first and
  come a page per batch (the order is checked: a server that ignores ``orderBy`` makes the rest of the poll one
  batch, sorted by time); audit entries come newest first, so a poll's window is one batch, in reverse.
* Notification logs and runs change after they are created (``_lifecycle``): each state is its own change (event
  id ``<id>:<status>``), and a record committed in a state that is not final is re-read, by one query per poll
  in the final statuses only, until it settles or ``settle`` passes.
* ``commit`` saves the engine's state (JSON text) through the store: a poll that ends, or a process killed, before
  a batch is committed gives that batch again at the next poll. A batch must be committed before the next one is
  asked for.
* A checkpoint further behind than Cortex keeps notifications (30 days, judged by the last complete poll) raises
  ``RetentionGapError`` unless ``accept_gap``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import AsyncGenerator, Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cortex_api_client.operations import OPERATIONS, OperationSpec
from cortex_api_client.types import parse_datetime

from . import _client
from ._client import AsyncCortexClient, CortexClient
from ._cursor import Cursor, Occurrences, Seen, Undated, event_id_of, identity_of
from ._defaults import DEFAULT_LAG_SECONDS, POLL_RECORD_REFRESH_SECONDS
from ._durable import atomic_text_file
from ._errors import CortexError
from ._lifecycle import DEFAULT_SETTLE_SECONDS, Unsettled, has_lifecycle, hides_unsettled, read_moment, resettle_filters
from ._operations import params_of, require_bounds, time_bounds
from ._registry import presentation
from ._wire import RawRecord

STATE_MAGIC = "cortex_incremental"
STATE_VERSION = 1
_UTC_MIN = dt.datetime.min.replace(tzinfo=dt.UTC)
_UTC_MAX = dt.datetime.max.replace(tzinfo=dt.UTC)


class RetentionGapError(CortexError):
    """The checkpoint's last complete poll is older than Cortex keeps notifications: records may be missing.

    ``covered`` is that moment, ``horizon`` the oldest one Cortex still keeps. Pass ``accept_gap=True`` to go on.
    """

    def __init__(self, message: str, covered: dt.datetime | None = None, horizon: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.covered, self.horizon = covered, horizon

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (str(self.args[0]), self.covered, self.horizon)


class CheckpointStore(Protocol):
    """Where a reader keeps its checkpoint: a JSON text, replaced whole on each commit.

    ``load`` returns the text last saved, None when there is none yet; ``save`` must make it durable before it
    returns (a crash after it must not give back the previous text), and replace it atomically.
    """

    def load(self) -> str | None:
        """The text last saved, None when nothing was."""
        ...

    def save(self, state: str) -> None:
        """Replace the stored text with ``state``, durably and atomically."""
        ...


class FileCheckpointStore:
    """A checkpoint in a file, replaced atomically and durably (temporary file, fsync, rename, fsync of the directory)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"FileCheckpointStore({str(self.path)!r})"

    def load(self) -> str | None:
        """The file's text, None when it does not exist."""
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def save(self, state: str) -> None:
        """Replace the file with ``state`` (an ``OSError`` names the file and leaves the old one whole)."""
        with atomic_text_file(self.path) as write:
            write(state)


@dataclass(frozen=True)
class Change:
    """One new record, or one new state of a record, as the API sent it.

    ``event_id`` is stable (the same in any poll, process or ``cortex-logs`` export): ``<id>`` for records that
    never change, ``<id>:<status>`` for notification logs and runs, the content hash and an occurrence for audit
    entries. ``record_id`` is the API's id, shared by every state of a record (None for audit entries).
    """

    record: RawRecord
    event_id: str
    record_id: str | None
    status: str | None
    timestamp: dt.datetime | None


@dataclass
class Batch:
    """Changes to handle, then ``commit``: the checkpoint covers them only once committed.

    Iterate over it, or read ``changes``; ``len()`` says how many.
    """

    changes: list[Change]
    _commit: Callable[[], None] = field(repr=False)
    committed: bool = False

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def commit(self) -> None:
        """Save the checkpoint past this batch (idempotent)."""
        if not self.committed:
            self._commit()
            self.committed = True


@dataclass
class _State:
    """The engine's checkpoint: the cursor's state, the query it belongs to and the last complete poll."""

    operation: str
    query: dict[str, Any]
    newest: dt.datetime | None = None
    seen: Seen = field(default_factory=dict)
    covered_from: dt.datetime | None = None
    undated: Undated = field(default_factory=Undated)
    unsettled: Unsettled = field(default_factory=Unsettled)
    legacy_identities: bool = False
    polled_until: dt.datetime | None = None
    records: int = 0

    def to_text(self) -> str:
        seen = sorted([key, moment.isoformat(), count] for key, (moment, count) in self.seen.items())
        content = {
            STATE_MAGIC: STATE_VERSION, "operation": self.operation, "query": self.query, "records": self.records,
            "newest": _iso(self.newest), "covered_from": _iso(self.covered_from), "seen": seen,
            **self.undated.to_json(), "unsettled": self.unsettled.to_json(), "polled_until": _iso(self.polled_until),
        }
        return json.dumps(content, separators=(",", ":")) + "\n"

    @classmethod
    def from_text(cls, text: str) -> _State:
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get(STATE_MAGIC) != STATE_VERSION:
                raise ValueError(f"no '{STATE_MAGIC}': {STATE_VERSION} marker")
            seen: Seen = {}
            for key, moment, count in data["seen"]:
                if not isinstance(key, str) or type(count) is not int or count < 1:
                    raise ValueError("seen holds a bad entry")
                seen[key] = (read_moment(moment), count)
            return cls(str(data["operation"]), dict(data["query"]), _moment(data["newest"]), seen,
                       _moment(data["covered_from"]), Undated.from_json(data["undated_ids"], data["undated_other"]),
                       Unsettled.from_json(data["unsettled"]), False, _moment(data["polled_until"]),
                       int(data["records"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not an incremental reader's checkpoint ({exc})") from None


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: Any) -> dt.datetime | None:
    return parse_datetime(text) if text is not None else None


def _utc(moment: dt.datetime) -> dt.datetime:
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        return _UTC_MAX if moment.year == dt.MAXYEAR else _UTC_MIN


def query_of(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters as a checkpoint keeps them: JSON values (enum members by value), lists sorted."""
    def plain(value: Any) -> Any:
        if isinstance(value, (list, tuple, set, frozenset)):
            return sorted((plain(item) for item in value), key=str)
        return getattr(value, "value", value)

    normalised: dict[str, Any] = json.loads(json.dumps({k: plain(v) for k, v in filters.items()}, sort_keys=True,
                                                       default=str))
    return normalised


def retention_gap(operation: OperationSpec[Any], polled_until: dt.datetime | None, newest: dt.datetime | None,
                  now: dt.datetime, days: int | None = None) -> RetentionGapError | None:
    """The gap error when a checkpoint is further behind than Cortex keeps ``operation``'s records, else None.

    Behind is judged by the last poll that read its whole window (``polled_until``), else by the newest record.
    ``days``: how long the records are kept (default: what the registry says; None there: for ever).
    """
    if days is None:
        days = presentation(operation).retention_days
    marks = [moment for moment in (polled_until, newest) if moment is not None]
    if days is None or not marks or max(marks) >= now - dt.timedelta(days=days):
        return None
    covered, horizon = max(marks), now - dt.timedelta(days=days)
    what = "last complete poll" if polled_until is not None else "newest record"
    return RetentionGapError(
        f"a gap is possible: the checkpoint's {what} ({covered.isoformat()}) is older than the {days} days Cortex "
        f"keeps these records; records from then until {horizon.isoformat(timespec='seconds')} "
        f"({(horizon - covered).days} days or more) may be gone", covered, horizon)


def effective_lag(operation: OperationSpec[Any], filters: Mapping[str, Any], lag: dt.timedelta,
                  settle: dt.timedelta) -> dt.timedelta:
    """The window a poll re-reads: ``lag``, or the settle window when a filter hides unsettled records."""
    if has_lifecycle(operation.operation_id) and hides_unsettled(operation.operation_id, filters):
        return max(lag, settle)
    return lag


def resettle_query(operation: OperationSpec[Any], filters: Mapping[str, Any], cursor: Cursor,
                   lower: dt.datetime | None) -> dict[str, Any] | None:
    """The query that re-reads the unsettled records from before the window (``lower``), None when none is needed.

    The API filters neither by id nor by ``dateUpdated``: it spans from the oldest unsettled record's
    ``dateCreated`` to the window's start, in the final statuses only, so the records still unsettled are not
    sent at all: it costs one request whatever their number (plus a page per 1,000 records settled in that span).
    """
    oldest = cursor.unsettled.oldest()
    bounds = time_bounds(operation)
    if not has_lifecycle(operation.operation_id) or bounds is None or oldest is None or lower is None or oldest >= lower:
        return None
    narrowed = resettle_filters(operation.operation_id, filters)
    if narrowed is None:
        return None
    ordering = {"order_by": "ASC"} if "order_by" in params_of(operation) else {}
    return {**narrowed, **ordering, bounds[0]: oldest, bounds[1]: lower}


class RecordWindow:
    """Which records of a poll are new: the per-record rule of ``IncrementalReader`` and ``cortex-logs --checkpoint``.

    ``read`` admits a record of the window (identity, occurrence counted over every record read, the cursor's
    verdict) and gives its ``Change``, or None when the checkpoint covers it; ``reread`` does the same for a
    record of the unsettled re-read (a new state of an unsettled record only). ``legacy`` gives a record's
    identity as version 1 checkpoints of ``cortex-logs`` wrote it (audit entries).
    """

    def __init__(self, operation: OperationSpec[Any], cursor: Cursor,
                 legacy: Callable[[RawRecord], str] | None = None) -> None:
        self.operation, self.cursor, self.legacy = operation, cursor, legacy
        self.time_field = operation.time_field
        self.id_wire = operation.id_wire
        self.lifecycle = has_lifecycle(operation.operation_id)
        self.occurrences = Occurrences()

    def timestamp(self, record: RawRecord) -> dt.datetime | None:
        """The record's time (``timestamp``, ``dateCreated``), None when it has none or UTC cannot hold it."""
        value = record.data.get(self.time_field) if self.time_field is not None else None
        if not isinstance(value, str):
            return None
        try:
            return parse_datetime(value)
        except (ValueError, OverflowError):
            return None

    def read(self, record: RawRecord) -> tuple[dt.datetime | None, Change | None]:
        """The record's time, and its change when it is new (else None)."""
        identity = identity_of(self.operation, record.data)
        occurrence = self.occurrences.next(identity)  # counted over every record read, covered or not
        stamp = self.timestamp(record)
        legacy = self.legacy
        if not self.cursor.admit(stamp, identity, (lambda: legacy(record)) if legacy is not None else None):
            return stamp, None
        return stamp, self._change(record, identity, stamp, occurrence)

    def reread(self, record: RawRecord) -> Change | None:
        """The change of a record of the unsettled re-read, when it is a new state of an unsettled record."""
        identity = identity_of(self.operation, record.data)
        stamp = self.timestamp(record)
        return self._change(record, identity, stamp, 0) if self.cursor.resettle(stamp, identity) else None

    def _change(self, record: RawRecord, identity: str, stamp: dt.datetime | None, occurrence: int) -> Change:
        data = record.data
        status = data.get("status") if self.lifecycle else None
        record_id = str(data.get(self.id_wire)) if self.id_wire is not None else None
        return Change(record, event_id_of(identity, occurrence), record_id,
                      status if isinstance(status, str) else None, stamp)


@dataclass
class Query:
    """One query of a poll: its filters (bounds and order included), and whether it is the unsettled re-read."""

    filters: dict[str, Any]
    resettle: bool


def frozen_now(now: Callable[[], dt.datetime] | None = None) -> dt.datetime:
    """Now, aware UTC, to the millisecond (what the wire says): the upper bound a poll freezes before it asks."""
    moment = (now or _client._now)().astimezone(dt.UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@dataclass
class PollWindow:
    """One poll's window, the rule of ``IncrementalReader`` and ``cortex-logs --checkpoint`` alike.

    ``open`` makes the cursor over a checkpoint's state (the late-arrival window ``lag``, widened to ``settle``
    when a filter hides unsettled records; unsettled records older than ``settle`` before ``reach`` expire) and
    places the window: from the cursor's floor (else ``since``; clamped to what UTC holds) to ``upper``, frozen.
    ``reach`` is what the poll can cover (``upper``, or now when an ``until`` lies ahead). ``queries`` are what
    the poll sends: none when the window would start after it ends (the clock stepped back), else the unsettled
    records' re-read (if any), then the window, oldest first where the API can order.
    """

    operation: OperationSpec[Any]
    filters: Mapping[str, Any]
    cursor: Cursor
    lower: dt.datetime | None
    upper: dt.datetime

    @classmethod
    def open(cls, operation: OperationSpec[Any], state: Any, filters: Mapping[str, Any], *, lag: dt.timedelta,
             settle: dt.timedelta, since: dt.datetime | None, upper: dt.datetime,
             reach: dt.datetime | None = None) -> PollWindow:
        """The window of a poll over ``state`` (a ``CursorState``), up to ``upper``."""
        reach = upper if reach is None else reach
        lifecycle = has_lifecycle(operation.operation_id)
        cursor = Cursor(state, effective_lag(operation, filters, lag, settle), upper=reach,
                        operation_id=operation.operation_id, settle_from=reach - settle if lifecycle else None)
        floor = cursor.floor() or since
        return cls(operation, filters, cursor, _utc(floor) if floor is not None else None, upper)

    @property
    def behind(self) -> bool:
        """The window would start after its end: the poll asks nothing."""
        return self.lower is not None and self.lower > self.upper

    def queries(self) -> list[Query]:
        """What this poll asks: the unsettled records' re-read (if any), then the window."""
        if self.behind:
            return []
        op, queries = self.operation, []
        resettle = resettle_query(op, self.filters, self.cursor, self.lower)
        if resettle is not None:
            queries.append(Query(resettle, True))
        ordering = {"order_by": "ASC"} if "order_by" in params_of(op) else {}
        lower, upper = require_bounds(op, "an incremental read")
        queries.append(Query({**self.filters, **ordering, lower: self.lower, upper: self.upper}, False))
        return queries


def note_polled(state: Any, upper: dt.datetime) -> bool:
    """Note in ``state`` that a poll read its whole window, up to ``upper``; True when that is worth a write.

    Coverage never shrinks (a clock stepped back gives a smaller ``upper``), and ``polled_until`` moves only once
    what it says is ``POLL_RECORD_REFRESH_SECONDS`` old, or unknown: an idle poll costs no write.
    """
    stored = state.polled_until
    if stored is not None and (upper - stored).total_seconds() < POLL_RECORD_REFRESH_SECONDS:
        return False
    state.polled_until = upper
    return True


class OrderCheck:
    """Whether a poll's pages do come oldest first, as they arrive (records without a time say nothing)."""

    def __init__(self) -> None:
        self.latest: dt.datetime | None = None

    def holds(self, stamp: dt.datetime | None) -> bool:
        """False at the first record older than one seen before it."""
        if stamp is None:
            return True
        if self.latest is not None and stamp < self.latest:
            return False
        self.latest = stamp
        return True


class Engine:
    """One poll's policy over a checkpoint's state, for ``IncrementalReader`` and ``cortex-logs --checkpoint`` alike.

    It decides the queries (``PollWindow``), which records are new (``take``), whether they are handed over page by
    page or held to the end of the query (``holds``: audit entries, which come newest first, and the rest of a poll
    whose pages turned out of order) and in which order they then go (``oldest_first``), and what a commit records
    (``commit``, ``finish``). It does no I/O: ``save`` writes ``state`` where the caller keeps it, the caller holds
    what it buffers (a list, a temporary file) and writes what it exports.
    """

    def __init__(self, operation: OperationSpec[Any], state: Any, filters: Mapping[str, Any], *, lag: dt.timedelta,
                 settle: dt.timedelta, since: dt.datetime | None, upper: dt.datetime, save: Callable[[], None],
                 reach: dt.datetime | None = None, legacy: Callable[[RawRecord], str] | None = None) -> None:
        self.operation, self.state, self.save = operation, state, save
        self.reach = upper if reach is None else reach
        self.window = PollWindow.open(operation, state, filters, lag=lag, settle=settle, since=since, upper=upper,
                                      reach=self.reach)
        self.cursor, self.lower = self.window.cursor, self.window.lower
        self.records = RecordWindow(operation, self.cursor, legacy)
        self.ordered = "order_by" in params_of(operation)
        self.out_of_order = False
        if self.ordered:
            self.cursor.track()  # the identities each commit covers, should the pages turn out of order
        self.order = OrderCheck()

    def queries(self) -> list[Query]:
        """What this poll asks (``PollWindow.queries``): none when the window would start after it ends."""
        return self.window.queries()

    def holds(self, query: Query) -> bool:
        """Whether the changes of ``query`` are held to its end (then ``oldest_first``), not committed page by page."""
        return not query.resettle and (not self.ordered or self.out_of_order)

    def take(self, query: Query, records: Sequence[RawRecord]) -> list[Change]:
        """The new changes among a page of ``query``'s records (the order is checked as they come)."""
        changes: list[Change] = []
        if query.resettle:
            for record in records:
                if (change := self.records.reread(record)) is not None:
                    changes.append(change)
            return changes
        for record in records:
            stamp, change = self.records.read(record)
            if change is not None:
                changes.append(change)
            if self.ordered and not self.out_of_order and not self.order.holds(stamp):
                self._fall_back()
        return changes

    def _fall_back(self) -> None:
        """The server does not send oldest first: save the window the poll started from, hold the rest.

        What this poll admitted since its last commit (the page that showed it included) stays uncommitted.
        """
        self.out_of_order = True
        self.cursor.fall_back(lambda: self.commit(0))

    def oldest_first(self, stamps: Sequence[float]) -> Sequence[int]:
        """The order to hand held changes over in, as indexes into their ``stamps`` (``stamp_of``), in arrival order.

        Newest-first pages are reversed; pages out of order are sorted by time (undated records first).
        """
        count = len(stamps)
        if self.out_of_order:
            return sorted(range(count), key=stamps.__getitem__)
        return range(count - 1, -1, -1)

    def commit(self, added: int) -> None:
        """The caller made ``added`` changes durable: record everything handed over so far, and ``save``."""
        self.state.records += added
        self.cursor.advance(self.state)
        self.save()

    def finish(self, complete: bool) -> None:
        """The poll ended; ``complete``: it read its whole window (noted at most every ``POLL_RECORD_REFRESH_SECONDS``)."""
        self.cursor.track(False)
        self.cursor.advance(self.state)
        if complete:
            note_polled(self.state, self.reach)
        self.save()


def stamp_of(change: Change) -> float:
    """A change's time as ``Engine.oldest_first`` sorts it: POSIX seconds, undated records first."""
    return change.timestamp.timestamp() if change.timestamp is not None else -math.inf


class _Reader:
    """What both readers are configured with (the arguments are checked here, before any request)."""

    def __init__(self, client: Any, operation: str, store: CheckpointStore, *, filters: Mapping[str, Any] | None,
                 since: dt.datetime | None, lag: dt.timedelta, settle: dt.timedelta, page_size: int | None,
                 accept_gap: bool, now: Callable[[], dt.datetime] | None) -> None:
        by_name = {op.method_name: op for op in OPERATIONS}
        if operation not in by_name:
            raise ValueError(f"operation must be one of {', '.join(sorted(by_name))}, got {operation!r}")
        self.operation = op = by_name[operation]
        self.filters = dict(filters or {})
        lower, upper = require_bounds(op, "an incremental read")
        for name in ("order_by", lower, upper):
            if name in self.filters:
                raise ValueError(f"filters: {name} is the reader's own (use since= for where a first poll starts)")
        if lag < dt.timedelta(0) or settle <= dt.timedelta(0):
            raise ValueError("lag must be 0 or more, and settle more than 0")
        client._pager(op, {**self.filters, lower: since}, page_size, None, None)  # checks every filter now
        self.client, self.store, self.query = client, store, query_of(self.filters)
        self.since, self.lag, self.settle, self.page_size = since, lag, settle, page_size
        self.accept_gap, self.now = accept_gap, now

    def _engine(self) -> Engine:
        """A poll's engine over the stored checkpoint (``RetentionGapError`` when it is too far behind)."""
        op = self.operation
        text = self.store.load()
        state = _State.from_text(text) if text is not None else _State(op.operation_id, self.query)
        if (state.operation, state.query) != (op.operation_id, self.query):
            raise ValueError(f"the checkpoint belongs to {state.operation} with filters "
                             f"{json.dumps(state.query, sort_keys=True)}, not to this reader's")
        upper = frozen_now(self.now)
        gap = retention_gap(op, state.polled_until, state.newest, upper)
        if gap is not None and not self.accept_gap:
            raise gap
        stored = text

        def save() -> None:  # the store is written only when the state's text changed (an idle poll writes nothing)
            nonlocal stored
            if (text := state.to_text()) != stored:
                self.store.save(text)
                stored = text

        return Engine(op, state, self.filters, lag=self.lag, settle=self.settle, since=self.since, upper=upper,
                       save=save)


def _handed(engine: Engine, query: Query, changes: list[Change], held: list[Change]) -> Batch | None:
    """What a page's ``changes`` give the caller now: a batch to commit, or nothing (held, or none: saved)."""
    if engine.holds(query):
        held.extend(changes)
        return None
    return _batch(engine, changes)


def _held(engine: Engine, held: list[Change]) -> Batch | None:
    """The changes held to the end of a query, oldest first, as one batch (nothing when there are none)."""
    order = engine.oldest_first([stamp_of(change) for change in held])
    batch = _batch(engine, [held[index] for index in order]) if held else None
    held.clear()
    return batch


def _batch(engine: Engine, changes: list[Change]) -> Batch | None:
    if not changes:
        engine.commit(0)  # the window moves on (nothing to hand over)
        return None
    return Batch(changes, lambda: engine.commit(len(changes)))


def _check_committed(batch: Batch) -> None:
    if not batch.committed:
        raise RuntimeError("commit() the batch before asking for the next one (or stop this poll)")


_LAG = dt.timedelta(seconds=DEFAULT_LAG_SECONDS)
_SETTLE = dt.timedelta(seconds=DEFAULT_SETTLE_SECONDS)


class IncrementalReader(_Reader):
    """Reads ``operation`` (``audit_logs``, ``notification_logs``, ``notification_runs``) incrementally.

    Each ``poll()`` yields batches of what is new since the last commit; ``batch.commit()`` saves the checkpoint
    through ``store`` once the caller has handled it. ``since`` is where a first poll starts (default: the
    beginning); ``lag`` the late-arrival window re-read on every poll; ``settle`` how long a notification log or run
    not yet final is re-read; ``accept_gap`` goes on past a ``RetentionGapError``; ``now`` is injectable for tests.
    """

    def __init__(self, client: CortexClient, operation: str, store: CheckpointStore, *,
                 filters: Mapping[str, Any] | None = None, since: dt.datetime | None = None,
                 lag: dt.timedelta = _LAG, settle: dt.timedelta = _SETTLE, page_size: int | None = None,
                 accept_gap: bool = False, now: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(client, operation, store, filters=filters, since=since, lag=lag, settle=settle,
                         page_size=page_size, accept_gap=accept_gap, now=now)

    def poll(self) -> Generator[Batch, None, None]:
        """One poll: the batches of new records and states, each to be committed before the next is asked for."""
        engine, held = self._engine(), list[Change]()
        queries = engine.queries()
        for query in queries:
            for page in self.client._pager(self.operation, query.filters, self.page_size, None, None).raw_pages():
                if (batch := _handed(engine, query, engine.take(query, page.items), held)) is not None:
                    yield batch
                    _check_committed(batch)
            if (batch := _held(engine, held)) is not None:
                yield batch
                _check_committed(batch)
        engine.finish(bool(queries))


class AsyncIncrementalReader(_Reader):
    """``IncrementalReader`` for ``AsyncCortexClient``: ``async for batch in reader.poll()``; the same policy."""

    def __init__(self, client: AsyncCortexClient, operation: str, store: CheckpointStore, *,
                 filters: Mapping[str, Any] | None = None, since: dt.datetime | None = None,
                 lag: dt.timedelta = _LAG, settle: dt.timedelta = _SETTLE, page_size: int | None = None,
                 accept_gap: bool = False, now: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(client, operation, store, filters=filters, since=since, lag=lag, settle=settle,
                         page_size=page_size, accept_gap=accept_gap, now=now)

    async def poll(self) -> AsyncGenerator[Batch, None]:
        """One poll: the batches of new records and states, each to be committed before the next is asked for."""
        engine, held = self._engine(), list[Change]()
        queries = engine.queries()
        for query in queries:
            async for page in self.client._pager(self.operation, query.filters, self.page_size, None,
                                                 None).raw_pages():
                if (batch := _handed(engine, query, engine.take(query, page.items), held)) is not None:
                    yield batch
                    _check_committed(batch)
            if (batch := _held(engine, held)) is not None:
                yield batch
                _check_committed(batch)
        engine.finish(bool(queries))



