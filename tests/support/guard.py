"""The quick loop's guard: a test not marked ``slow`` fails when its body takes longer than the limits below.

``tests/conftest.py`` imports the hook, so it runs for every test; ``tests/test_quick_loop_guard.py`` tests it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

QUICK_TEST_CPU_SECONDS = 0.5
"""The most CPU a test not marked ``slow`` may spend in its body (all of its process's threads): the quick loop
(``pytest -m "not slow" -n auto``) stays quick. CPU, not wall time, so that a loaded machine does not fail it; and
five times what the heaviest quick test spends on a quiet machine (about 0.1 s: every test over that is marked
``slow``), as a machine busy on both cores also inflates a test's CPU time."""
QUICK_TEST_WALL_SECONDS = 10.0
"""The most wall time such a test may take: a generous bound that catches a test waiting for real, not load."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test not marked ``slow`` whose body takes longer than the quick loop's limits: mark it, or make it cheaper."""
    if item.get_closest_marker("slow") is not None:
        return (yield)
    cpu, wall = time.process_time(), time.perf_counter()
    result = yield
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if cpu > QUICK_TEST_CPU_SECONDS or wall > QUICK_TEST_WALL_SECONDS:
        pytest.fail(f"{item.nodeid} is not marked slow but took {cpu:.2f}s of CPU and {wall:.2f}s in all (limits "
                    f"{QUICK_TEST_CPU_SECONDS:g}s and {QUICK_TEST_WALL_SECONDS:g}s): mark it @pytest.mark.slow, or make it "
                    "cheaper", pytrace=False)
    return result
