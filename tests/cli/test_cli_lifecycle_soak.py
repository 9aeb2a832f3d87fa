"""Lifecycle soak of ``cortex-logs notifications --follow`` as a process: records settle over time, the server
answers 429, 503 or drops the connection now and then, the follower is SIGKILLed at random points and restarted,
and its output is rotated both ways once. Every record's final state is in the outputs exactly once, and no
state twice.

The server: ``ScriptedFake`` behind ``verbatim`` on 127.0.0.1, serving what ``Timeline`` says it holds when.
``test_cli_lifecycle_soak_settling.py`` runs the same against a FakeCortex whose records settle on their own (a
file of its own, so that the two soaks run on two xdist workers at once).
"""

from __future__ import annotations

import random
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..support.api import ScriptedFake, log_record
from ..support.servers import Answer, verbatim
from ..support.soak import exported_states, follow_with_kills, stamp

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"), pytest.mark.slow]


class Timeline:
    """``count`` notification logs created over ``span`` seconds from ``start``: each reaches the API up to 0.4 s
    late (inside ``--lag``), is served READY, and settles 0 to 3 s after its creation (most of them later than
    ``--lag``, so they are re-read from before the window)."""

    def __init__(self, seed: int, start: float, count: int = 40, span: float = 4.0) -> None:
        rng = random.Random(seed)
        self.plan = []
        for ident in range(1, count + 1):
            created = start + rng.uniform(0, span)
            arrives = created + rng.choice([0.0, 0.0, 0.2, 0.4])
            settles = created + rng.choice([0.0, 0.5, 1.5, 3.0])
            self.plan.append((ident, created, arrives, settles, rng.choice(["DELIVERED", "FAILED", "IGNORED"])))
        self.end = max(settles for _, _, _, settles, _ in self.plan)
        self._served: dict[tuple[int, str], dict[str, Any]] = {}

    def records(self, now: float) -> list[dict[str, Any]]:
        """The records the server holds at ``now`` (the same dict for a record that did not change)."""
        held = []
        for ident, created, arrives, settles, final in self.plan:
            if arrives <= now:
                status = final if settles <= now else "READY"
                key = (ident, status)
                if key not in self._served:
                    self._served[key] = log_record(ident, dateCreated=stamp(created), status=status)
                held.append(self._served[key])
        return held

    def finals(self) -> dict[int, str]:
        return {ident: final for ident, _, _, _, final in self.plan}


@contextmanager
def serve(timeline: Timeline, rng: random.Random) -> Iterator[str]:
    """An HTTP server on 127.0.0.1: the timeline through ScriptedFake, with 429, 503 and dropped connections."""
    api = ScriptedFake("notification_logs", [])
    api.on_request = lambda fake: setattr(fake, "records", timeline.records(time.time()))
    lock = threading.Lock()

    def answer(request: httpx.Request) -> Answer | None:
        with lock:
            roll = rng.random()
        if roll < 0.04:
            return 429, {"Retry-After": "0"}, b""
        if roll < 0.08:
            return 503, {}, b""
        if roll < 0.11:
            return None  # dropped: no answer at all
        response = api(request)
        return response.status_code, {}, response.read()

    with verbatim(answer) as url:
        yield url


@pytest.mark.parametrize("seed", [5, 6])
def test_follow_exports_every_final_state_once_through_kills_faults_and_rotations(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    timeline = Timeline(seed, time.time() + 1.0)
    output = tmp_path / "logs.jsonl"
    with serve(timeline, random.Random(seed)) as url:
        argv = [sys.executable, "-m", "cortex_wrapper.cli", "--base-url", url, "--max-retries", "3", "--quiet",
                "notifications", "--follow", "--interval", "200ms", "--lag", "1s", "--page-size", "7",
                "--output", str(output), "--checkpoint", f"{output}.ckpt"]
        rotated = follow_with_kills(argv, output, rng, timeline.end + 1.5)
    lines, twice = exported_states([*rotated, output])
    assert twice == [], f"no state twice: {twice}"
    latest = {line["id"]: line["status"] for line in lines}
    assert latest == timeline.finals(), "every record ends in its final state"
    states = {(line["id"], line["status"]) for line in lines}
    assert sum(1 for (_, status) in states if status != "READY") == len(timeline.plan), "each final state once"
