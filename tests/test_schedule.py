"""``pytest -n auto`` runs one worker more than cores, and the tests marked slow are collected first."""

from __future__ import annotations

import os
from typing import Any, cast

import pytest

from .support import schedule


class _Item:
    def __init__(self, name: str, slow: bool) -> None:
        self.name, self._slow = name, slow

    def get_closest_marker(self, name: str) -> object | None:
        return object() if name == "slow" and self._slow else None


def test_slow_tests_come_first_each_group_in_its_collected_order() -> None:
    collected = [_Item("a", False), _Item("b", True), _Item("c", False), _Item("d", True), _Item("e", False)]
    items = cast(list[pytest.Item], collected)
    schedule.pytest_collection_modifyitems(items)
    assert [cast(Any, item).name for item in items] == ["b", "d", "a", "c", "e"]


def test_auto_runs_one_worker_more_than_the_cores_this_process_may_use() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    assert schedule.pytest_xdist_auto_num_workers(cast(pytest.Config, None)) == cores + 1
