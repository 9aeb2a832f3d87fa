"""A local, spec-faithful Cortex API for tests and benchmarks.

``FakeCortex`` is a real HTTP server on 127.0.0.1 implementing the three list operations of the
reconciled spec (audit logs, notification logs, notification runs) with server-side filters,
pagination, validation (400), auth (401/403), a rate limit (429) and seeded fault injection::

    import httpx
    from cortex_wrapper.testing import FakeCortex, RateLimit

    with FakeCortex(seed=1, audit_log_count=5_000, rate_limit=RateLimit(100, per_seconds=60)) as fake:
        fake.script(429, 200)                       # the next request is rate limited, then all is well
        response = httpx.get(f"{fake.url}/api/v1/audit-logs", params={"page": 0, "pageSize": 100},
                             headers={"Authorization": f"Bearer {fake.token}"})
        assert fake.stats.by_status == {429: 1}

``fake.transport()`` serves the same fake in-process (an httpx transport, no socket or thread). The server needs
the standard library only; the spec is read from ``cortex_api_client`` at runtime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use (below), so that the pytest plugin's start-up costs nothing
    from ._clock import VirtualClock
    from ._fake import (
        DEFAULT_REFERENCE_TIME,
        DEFAULT_TOKEN,
        RECORD_KINDS,
        FakeCortex,
        RecordedRequest,
        Stats,
        generate_records,
    )
    from ._faults import Faults, Outcome
    from ._lifecycle import Lifecycle
    from ._ratelimit import RateLimit
    from ._vcr import cassette_config

_HOMES = {
    "DEFAULT_REFERENCE_TIME": "_fake", "DEFAULT_TOKEN": "_fake", "RECORD_KINDS": "_fake", "FakeCortex": "_fake",
    "RecordedRequest": "_fake", "Stats": "_fake", "generate_records": "_fake", "Faults": "_faults",
    "Outcome": "_faults", "Lifecycle": "_lifecycle", "RateLimit": "_ratelimit", "VirtualClock": "_clock", "cassette_config": "_vcr",
}  # fmt: skip

__all__ = [
    "DEFAULT_REFERENCE_TIME",
    "DEFAULT_TOKEN",
    "RECORD_KINDS",
    "FakeCortex",
    "Faults",
    "Lifecycle",
    "Outcome",
    "RateLimit",
    "RecordedRequest",
    "Stats",
    "VirtualClock",
    "cassette_config",
    "generate_records",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (``from cortex_wrapper.testing import FakeCortex`` as ever)."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
