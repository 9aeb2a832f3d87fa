"""Fixtures for every test: the sync/async harness, fresh enum warnings, and no token in any log record."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from cortex_wrapper._enums import reset_seen

from .support.api import TOKEN, Harness
from .support.guard import pytest_runtest_call  # noqa: F401  (a hook: the quick loop's time limits)


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Harness:
    return Harness(request.param)


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


