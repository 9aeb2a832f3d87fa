"""How ``pytest -n auto`` spreads the suite over its workers: the slow tests first, one worker more than cores.

``tests/conftest.py`` imports both hooks; ``tests/test_schedule.py`` tests them.

The slow tests (soaks, kills, fuzzing, the benchmark smoke, runs of mypy and the generator) are a few dozen of
two thousand, and they take two thirds of the suite's time. xdist hands out files in collection order, so a
long file collected last ran alone at the end while the other workers idled. Collected first, the long files
start at once and the quick ones fill in around them. Several of the slow tests spend most of their time
waiting (on a follower's poll interval, a timeline of records settling, a child process), so one worker more
than there are cores keeps the cores busy while they wait.
"""

from __future__ import annotations

import os

import pytest

EXTRA_WORKERS = 1
"""Workers beyond the machine's cores under ``-n auto``: the waiting soaks leave a core idle otherwise."""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: the cores this process may run on, plus ``EXTRA_WORKERS``."""
    return len(os.sched_getaffinity(0)) + EXTRA_WORKERS if hasattr(os, "sched_getaffinity") else (
        (os.cpu_count() or 1) + EXTRA_WORKERS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked ``slow`` first, each group in its collected order (so a file stays together)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
