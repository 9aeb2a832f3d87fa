"""``--sandbox``: a built-in FakeCortex on 127.0.0.1 with a few thousand seeded, realistic records.

The records keep one rhythm from a fixed epoch, ``EPOCH``: record ``g`` of a kind is a pure function of
``(SEED, g)``, its timestamp included, so it is the same in every run. A run serves the records of the 90
days before now (``*_COUNT`` of each kind, the ones whose timestamps have passed), and, while it runs, each
later record from the moment its timestamp passes, as a live tenant would: ``--since 30d`` finds records
whatever today's date, and two ``--checkpoint`` runs a second apart export nothing twice. A small share of
records carries an enum value no doc version lists, as real drift would (on purpose: a first run warns).

Notification logs and runs follow ``LIFECYCLE``, as the API's do: each is created ``READY`` (a run ``CREATED``)
and settles to its final state after a delay drawn from ``(SEED, g)`` (seconds to hours, a few near a day), its
``dateUpdated`` (and ``dateDelivered``) then moving to that moment. Which state a record is in is a function of
``(SEED, g)`` and ``wall_clock`` alone, so ``notifications --follow`` sees the same id change state while a rerun
at one moment serves the same records. Audit entries never change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from cortex_api_client.operations import OPERATIONS

from .._registry import presentation

if TYPE_CHECKING:
    from ..testing import Lifecycle, RecordedRequest
    from ..testing._synthetic import Generator

SEED = 20_261_122
AUDIT_LOG_COUNT = 3_000
NOTIFICATION_LOG_COUNT = 4_000
NOTIFICATION_RUN_COUNT = 1_000
UNKNOWN_ENUM_RATE = 0.002
EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
"""The timestamp (to the step's jitter) of record 0 of each kind: the anchor of the sandbox's data."""
COUNTS = {spec.method_name: presentation(spec).sandbox_count for spec in OPERATIONS}
"""The records of each served operation over the sandbox's 90 days: the registry's ``sandbox_count`` (the three
constants above are its entries for the notification and audit logs)."""

wall_clock: Callable[[], float] = time.time
"""The sandbox's Unix-time clock (``time.time``): which records have arrived. Tests replace it."""


@functools.cache
def lifecycle() -> Lifecycle:
    """How the sandbox's notification logs and runs settle: ``Lifecycle``'s default delays (seconds to hours)."""
    from ..testing import Lifecycle

    return Lifecycle(supplied=True)  # the fake gets the records as final, each settling at its dateUpdated


@functools.cache
def _generators() -> dict[str, Generator]:
    """The sandbox's record generators, one per kind: record 0 of each is at ``EPOCH``."""
    from ..testing._synthetic import SPAN_MS, make_generator

    reference_us = (int(EPOCH.timestamp()) * 1000 + SPAN_MS) * 1000  # 90 days of records ending there
    return {kind: make_generator(kind, SEED, count, reference_us, UNKNOWN_ENUM_RATE, run_count=NOTIFICATION_RUN_COUNT,
                                 lifecycle=lifecycle())
            for kind, count in COUNTS.items()}  # fmt: skip


@functools.lru_cache(maxsize=2 * sum(COUNTS.values()))
def _record(kind: str, g: int) -> dict[str, object]:
    """Record ``g`` of ``kind`` in its final state (a pure function of ``(SEED, g)``): made once per process."""
    return _generators()[kind].record(g)


class _Tenant:
    """The sandbox's records: a window of the 90 days before now, growing as now moves on."""

    def __init__(self, now: Callable[[], float]) -> None:
        from ..testing._synthetic import SPAN_MS

        self._now = now
        self._lock = threading.Lock()
        self._span_ms = SPAN_MS
        self._start_ms = int(EPOCH.timestamp()) * 1000
        self._generators = _generators()
        self._served: dict[str, int] = {}  # kind: records 0..n-1 have been delivered (the oldest may be left out)

    def _arrived(self, generator: Generator) -> int:
        """How many records of ``generator`` have a timestamp at or before now (they are timed in increasing order)."""
        now_us = int(self._now() * 1_000_000)
        # ts(g) >= start + g * SPAN // count: no record past this index has arrived yet
        candidate = max(0, (now_us // 1000 - self._start_ms) * generator.count // self._span_ms + 1)
        while candidate > 0 and generator.ts(candidate - 1) > now_us:
            candidate -= 1
        return candidate

    def deliver(self, kind: str, insert: Callable[[str, list[dict[str, object]]], None]) -> None:
        """``insert`` the records of ``kind`` that arrived since its last delivery, oldest first.

        The first delivery of a kind holds the newest ``*_COUNT`` records that have arrived (so a run makes only
        the kinds it asks for). One delivery at a time: no request sees a record before every older one is in.
        """
        generator = self._generators[kind]
        with self._lock:
            new = self._arrived(generator)
            old = self._served.get(kind, max(0, new - generator.count))
            if new > old:
                insert(kind, [_record(kind, g) for g in range(old, new)])  # the fake copies what it is given
            self._served[kind] = max(old, new)


@contextlib.contextmanager
def sandbox() -> Iterator[tuple[str, str]]:
    """Start the seeded fake; yield its base URL and token; stop it after."""
    from ..testing import FakeCortex, Faults  # imported here: only the sandbox needs the fake

    clock = wall_clock
    tenant = _Tenant(clock)
    fake = FakeCortex(
        seed=SEED,
        faults=Faults(seed=SEED),  # unknown enum values come with the records (UNKNOWN_ENUM_RATE), fixed per record
        wall_clock=clock,
        lifecycle=lifecycle(),  # the inserted records are served created until their dateUpdated
    )

    def arrive(request: RecordedRequest) -> None:
        if request.operation is not None:  # the record kind the request asks for
            tenant.deliver(request.operation, fake.insert)

    fake.on_request = arrive
    with fake:
        yield fake.url, fake.token
