"""Deterministic synthetic records: record ``i`` of a kind is a pure function of ``(seed, i)``.

Nothing is materialised up front: a page of a million-record dataset costs O(pageSize). Timestamps
are strictly increasing in ``i`` (index 0 is the oldest), spread over the 90 days before the
reference time; indexes past ``count`` continue the same rhythm after it (used for inserted records).
Each field is drawn from its own hash stream, so a filter computes only the fields it looks at.

With a ``Lifecycle``, a notification record is generated in its final state with the moment it settles (the
internal field ``_settle``, µs, None when it never does; its final ``dateUpdated``); ``record(i, now=...)``
serves it in its created state before that moment (``_lifecycle.pending_view``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import ClassVar, cast

from cortex_api_client.operations import OPERATIONS

from .._registry import presentation
from . import _fields_audit, _fields_notifications, _generic
from ._lifecycle import CREATED_STATUS, Lifecycle, pending_get, pending_view
from ._util import GOLDEN, MASK64, splitmix

_SALT = 0xD1B54A32D192ED03
SPAN_MS = 90 * 86_400_000
NOTIONAL_COUNT = 10_000


class Draws:
    """Lazily computed fields of one synthetic record."""

    __slots__ = ("_cache", "gen", "i", "ident", "ts")
    gen: Generator
    i: int
    ts: int
    ident: int

    def __init__(self, gen: Generator, i: int, ts: int, ident: int) -> None:
        self.gen = gen
        self.i = i
        self.ts = ts
        self.ident = ident
        self._cache: dict[str, object] = {}

    def u(self, salt: int) -> int:
        """A 64-bit draw of stream ``salt`` for this record."""
        return splitmix((self.gen.key + self.i * GOLDEN + salt * _SALT) & MASK64)

    def frac(self, salt: int) -> float:
        """A draw in [0, 1) of stream ``salt``."""
        return self.u(salt) / 2.0**64

    def get(self, name: str) -> object:
        """The value of field ``name`` (None when the record has no such field)."""
        cache = self._cache
        if name in cache:  # not try/except: most look-ups are a record's first, and a raised KeyError costs more
            return cache[name]
        field = self.gen.fields.get(name)
        value = cache[name] = field(self) if field is not None else None
        return value

    def text(self, name: str) -> str:
        """Field ``name`` as a string."""
        return str(self.get(name))

    def number(self, name: str) -> int:
        """Field ``name`` as an integer."""
        value = self.get(name)
        return value if isinstance(value, int) else 0


Field = Callable[[Draws], object]


class Generator:
    """Record factory for one kind; subclasses name their fields."""

    kind: ClassVar[str]
    date_field: ClassVar[str | None]
    """The wire name of the record's time (None: records without one, still generated in a time order)."""
    fields: ClassVar[Mapping[str, Field]]

    def __init__(
        self, seed: int, count: int, reference_us: int, unknown_enum_rate: float = 0.0,
        lifecycle: Lifecycle | None = None,
    ) -> None:  # fmt: skip
        self.seed = seed
        self.count = count
        self.lifecycle = lifecycle if self.kind in CREATED_STATUS else None
        self.key = splitmix(splitmix(seed) ^ sum(map(ord, self.kind)))
        self.unknown_enum_rate = unknown_enum_rate
        self._start_ms = reference_us // 1000 - SPAN_MS
        self._spacing = count if count > 0 else NOTIONAL_COUNT
        self._public = tuple(name for name in self.fields if not name.startswith("_"))

    def ts(self, i: int) -> int:
        """Timestamp of record ``i`` in microseconds; strictly increasing in ``i``."""
        step = SPAN_MS // self._spacing
        jitter = splitmix((self.key ^ _SALT) + i) % step if step > 1 else 0
        return (self._start_ms + (i * SPAN_MS) // self._spacing + jitter) * 1000

    def draws(self, i: int, ts: int | None = None, ident: int | None = None) -> Draws:
        """Lazy view of record ``i``; ``ts``/``ident`` override its timestamp and id."""
        return Draws(self, i, self.ts(i) if ts is None else ts, i + 1 if ident is None else ident)

    def record(self, i: int, ts: int | None = None, ident: int | None = None, now: int | None = None) -> dict[str, object]:
        """Record ``i`` as a dict: wire fields plus internal filter attributes, absent fields omitted.

        With a lifecycle and ``now`` (µs), the record as it is at ``now``; without ``now``, its final state.
        """
        draws = self.draws(i, ts, ident)
        cache, fields = draws._cache, self.fields  # Draws.get inlined: a call per field was a tenth of the cost
        out: dict[str, object] = {}
        for name in self._public:
            if name in cache:
                value = cache[name]
            else:
                value = cache[name] = fields[name](draws)
            if value is not None:
                out[name] = value
        if now is not None and self.pending(draws, now):
            return pending_view(self.kind, out)
        return out

    def pending(self, draws: Draws, now: int) -> bool:
        """True when the record ``draws`` has not settled at ``now`` (µs); always False without a lifecycle."""
        if self.lifecycle is None:
            return False
        settle = draws.get("_settle")
        return not isinstance(settle, int) or now < settle

    def getter(self, i: int, now: int | None) -> Callable[[str], object]:
        """The attribute getter of record ``i`` as it is at ``now`` (its final state when ``now`` is None)."""
        draws = self.draws(i)
        if now is not None and self.pending(draws, now):
            return pending_get(self.kind, draws.get)
        return draws.get

    def settle(self, i: int) -> int | None:
        """When record ``i`` settles (µs), or None when it never does (or there is no lifecycle)."""
        if self.lifecycle is None:
            return None
        value = self.draws(i).get("_settle")
        return value if isinstance(value, int) else None


class AuditLogs(Generator):
    """Audit log entries (``AuditLogResponse`` plus actor attributes the filters use)."""

    kind = "audit_logs"
    date_field = "timestamp"
    fields = _fields_audit.FIELDS


class NotificationRuns(Generator):
    """Notification runs."""

    kind = "notification_runs"
    date_field = "dateCreated"
    fields = _fields_notifications.RUN_FIELDS


class NotificationLogs(Generator):
    """Notification logs; each belongs to a (synthetic) run whose type and medium it shares."""

    kind = "notification_logs"
    date_field = "dateCreated"
    fields = _fields_notifications.LOG_FIELDS

    def __init__(
        self, seed: int, count: int, reference_us: int, unknown_enum_rate: float = 0.0, run_count: int = 0,
        lifecycle: Lifecycle | None = None,
    ) -> None:  # fmt: skip
        super().__init__(seed, count, reference_us, unknown_enum_rate, lifecycle)
        self.run_count = run_count
        self.runs = NotificationRuns(seed, run_count, reference_us, unknown_enum_rate, lifecycle)
        self._last_run: Draws | None = None

    def run_index(self, i: int) -> int:
        """Index of the run that log ``i`` belongs to."""
        if self.run_count > 0 and self.count > 0:
            return (i * self.run_count) // self.count
        return i // 4

    def run_draws(self, i: int) -> Draws:
        """The lazy view of the run that log ``i`` belongs to.

        A log reads three fields of its run, and consecutive logs share a run, so the last view is kept and
        its fields are drawn once. A run's view is a pure function of its index, so sharing it (across
        threads too: at worst a field is computed twice, to the same value) changes no record.
        """
        index = self.run_index(i)
        last = self._last_run
        if last is None or last.i != index:
            last = self._last_run = self.runs.draws(index)
        return last


@functools.cache
def generic_class(kind: str) -> type[Generator]:
    """The generator class of an operation's records drawn from its fields (``_generic``), by its method name."""
    spec = next(op for op in OPERATIONS if op.method_name == kind)
    made = type(f"Generic{spec.model_name}", (Generator,), {
        "__doc__": f"Synthetic ``{spec.model_name}`` records, drawn from its fields in the operation table.",
        "kind": kind, "date_field": spec.time_field, "fields": _generic.recipes(spec),
    })
    return cast("type[Generator]", made)


def make_generator(
    kind: str, seed: int, count: int, reference_us: int, unknown_enum_rate: float = 0.0, run_count: int = 0,
    lifecycle: Lifecycle | None = None,
) -> Generator:  # fmt: skip
    """The generator for ``kind``, an operation's method name (``audit_logs``, ``git_ops_logs``, ...).

    The registry's ``records`` picks the hand-made recipes (``audit_logs``, ``notification_logs``,
    ``notification_runs``); any other operation gets records drawn from its fields (``generic``).
    ``lifecycle`` applies to the notification kinds only (audit entries never change).
    """
    spec = next((op for op in OPERATIONS if op.method_name == kind), None)
    if spec is None:
        raise ValueError(f"unknown record kind {kind!r}; expected one of "
                         f"{', '.join(op.method_name for op in OPERATIONS)}")
    records = presentation(spec).records
    if records == "audit_logs":
        return AuditLogs(seed, count, reference_us, unknown_enum_rate)
    if records == "notification_logs":
        return NotificationLogs(seed, count, reference_us, unknown_enum_rate, run_count, lifecycle)
    if records == "notification_runs":
        return NotificationRuns(seed, count, reference_us, unknown_enum_rate, lifecycle)
    return generic_class(kind)(seed, count, reference_us, unknown_enum_rate)
