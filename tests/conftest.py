"""Fixtures for every test: the sync/async harness (async under asyncio and trio), the anyio backends, fresh enum
warnings, and no token in any log record."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest

from cortex_wrapper._enums import reset_seen

from .support.api import TOKEN, Harness
from .support.guard import pytest_runtest_call  # noqa: F401  (a hook: the quick loop's time limits)
from .support.schedule import pytest_collection_modifyitems, pytest_xdist_auto_num_workers  # noqa: F401  (hooks)

# pytest rewrites the asserts of each test module it imports, and keeps the result as bytecode in __pycache__
# (gitignored). Under PYTHONDONTWRITEBYTECODE, as this project's machines set it, it cannot, so every run (every
# xdist worker) rewrote all of them again: 2.5 s of a 12 s quick loop on a 2-core machine. The tests' own
# process may write it: the test modules are imported after this line.
sys.dont_write_bytecode = False


@pytest.fixture(params=["sync", "async-asyncio", "async-trio"])
def harness(request: pytest.FixtureRequest) -> Harness:
    """The sync client, and the async client under asyncio and under trio."""
    return Harness(request.param)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every ``@pytest.mark.anyio`` test runs under asyncio and under trio (anyio's pytest plugin)."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _fresh_enum_warnings() -> Iterator[None]:
    reset_seen()
    yield


@pytest.fixture(autouse=True)
def _no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test: the token appears in no log record, at any level (DEBUG included)."""
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        assert TOKEN not in record.getMessage(), f"token leaked in log record {record.name}"


