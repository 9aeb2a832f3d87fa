"""The reliability tests' one fixture: fewer cyclic garbage collections while a test runs."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

GC_THRESHOLD0 = 10_000
"""Allocations between two young collections while a test runs (CPython's default: 700)."""


@pytest.fixture(autouse=True)
def _fewer_collections() -> Iterator[None]:
    """Collect young garbage every 10,000 allocations instead of 700, for the test only.

    These tests allocate tens of millions of short-lived objects (hypothesis' choices, 50,000-record pages and
    their models) over a heap of hundreds of thousands of long-lived ones, so CPython collected 1,700 to 2,800
    times per file and every tenth collection of the middle generation walked the whole heap: a tenth of the
    files' CPU (the soak 1.6 s of 15 s, the fuzzing 2.7 s of 25 s). At 10,000 the collector still runs, 250 to
    400 times, for 0.8 s and 2.0 s. Nothing here depends on when garbage is collected; the threshold before the
    test is restored after it.
    """
    saved = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD0, *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)
