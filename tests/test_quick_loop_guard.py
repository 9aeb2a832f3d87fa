"""The conftest guard fails a test not marked slow that takes too long, and leaves slow tests alone."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

GUARD = (Path(__file__).parent / "support" / "guard.py").read_text() + "\nQUICK_TEST_CPU_SECONDS = 0.05\n"
"""The guard as the suite runs it, with a tenth of its CPU limit: the busy tests below spin past it, not past 0.5 s."""
BUSY = """
import time

import pytest


def spin() -> None:
    end = time.process_time() + 0.07
    while time.process_time() < end:
        pass


def test_quick() -> None:
    pass


def test_busy() -> None:
    spin()


@pytest.mark.slow
def test_busy_but_marked() -> None:
    spin()
"""


def test_a_busy_test_not_marked_slow_fails(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(GUARD)
    pytester.makeini("[pytest]\nmarkers =\n    slow: slow\n")
    pytester.makepyfile(test_guarded=BUSY)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly",
                                          "-p", "no:asyncio")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_busy is not marked slow but took *s of CPU*mark it @pytest.mark.slow*"])
