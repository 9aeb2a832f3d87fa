"""``--sandbox``: a built-in FakeCortex on 127.0.0.1 with a few thousand seeded, realistic records.

The synthetic records span the 90 days before the fake's reference time, which the sandbox sets to
now (to the second), so ``--since 30d`` finds records whatever today's date. A small share of records
carries an enum value no doc version lists, as real drift would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

SEED = 20_261_122
AUDIT_LOG_COUNT = 3_000
NOTIFICATION_LOG_COUNT = 4_000
NOTIFICATION_RUN_COUNT = 1_000
UNKNOWN_ENUM_RATE = 0.002


@contextlib.contextmanager
def sandbox() -> Iterator[tuple[str, str]]:
    """Start the seeded fake; yield its base URL and token; stop it after."""
    from ..testing import FakeCortex, Faults  # imported here: only the sandbox needs the fake

    fake = FakeCortex(
        seed=SEED,
        audit_log_count=AUDIT_LOG_COUNT,
        notification_log_count=NOTIFICATION_LOG_COUNT,
        notification_run_count=NOTIFICATION_RUN_COUNT,
        reference_time=dt.datetime.now(dt.UTC).replace(microsecond=0),
        faults=Faults(seed=SEED, unknown_enum_rate=UNKNOWN_ENUM_RATE),
    )
    with fake:
        yield fake.url, fake.token
