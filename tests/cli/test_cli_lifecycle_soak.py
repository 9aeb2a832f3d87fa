"""Lifecycle soak of ``cortex-logs notifications --follow`` as a process: records settle over time, the server
answers 429, 503 or drops the connection now and then, the follower is SIGKILLed at random points and restarted,
and its output is rotated both ways once. Every record's final state is in the outputs exactly once, and no
state twice.

Two servers: ``FakeCortex(lifecycle=Lifecycle(...))`` on 127.0.0.1, whose records settle after a seeded delay on
its wall clock (``Creations`` creates them as requests come, some late, some set by hand; ``Faults`` answers 429,
503 and drops connections), and ``ScriptedFake`` behind a small HTTP server, serving what ``Timeline`` says it
holds when.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from cortex_wrapper import CortexClient
from cortex_wrapper.testing import FakeCortex, Faults, Lifecycle, Outcome

from ..support.api import TOKEN, ScriptedFake, log_record
from ..support.operations import ROOT
from ..support.servers import Answer, verbatim

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"), pytest.mark.slow]


def stamp(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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


def copytruncate(output: Path, rotated: Path) -> None:
    shutil.copyfile(output, rotated)
    with output.open("r+b") as stream:
        stream.truncate(0)


def follow_with_kills(argv: list[str], output: Path, rng: random.Random, until: float, token: str = TOKEN,
                      done: Callable[[list[Path]], bool] | None = None) -> list[Path]:
    """Run the follower, SIGKILL it at random points and restart it until ``until``, rotating its output both ways
    once (rename and create while it runs, copytruncate between runs); then let it run (2.5 s, or until ``done``
    says the files hold what they should: at most 30 s more) and stop it with SIGTERM. The rotated files, oldest
    first. The copytruncate may strike before the checkpoint covers any byte of the file: a run killed before its
    first commit there leaves uncommitted lines for the copy."""
    env = {**os.environ, "CORTEX_API_TOKEN": token}
    rotations = ["rename", "copytruncate"]
    rotated: list[Path] = []
    # a loaded machine starts the interpreter slowly: go on past ``until`` (60 s at most) until both rotations happened
    while time.time() < until or (rotations and time.time() < until + 60):
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.6, 1.6))  # the interpreter starts in ~0.5 s: killed before, during, after polls
        if rotations and rotations[0] == "rename" and output.exists():  # logrotate's rename and create, live
            rotated.append(output.rename(output.with_name(f"{output.name}.{len(rotated) + 1}")))
            output.touch()
            rotations.pop(0)
            time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=30)
        assert b"Traceback" not in err, err.decode()
        if rotations == ["copytruncate"] and output.exists() and output.stat().st_size:
            rotated.append(output.with_name(f"{output.name}.{len(rotated) + 1}"))
            copytruncate(output, rotated[-1])
            rotations.pop(0)
    process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(2.5)  # the last states settle into the output
    deadline = time.time() + 30
    while done is not None and not done([*rotated, output]) and time.time() < deadline:
        time.sleep(0.2)  # a loaded machine: the follower is still catching up
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode()
    assert rotations == [], "both rotations happened"
    return rotated


def exported_states(files: list[Path]) -> tuple[list[dict[str, Any]], list[tuple[str, int, Any, Any]]]:
    """The lines of the concatenated outputs, and where each state exported more than once is."""
    placed = [(path.name, number, json.loads(line)) for path in files
              for number, line in enumerate(path.read_text().splitlines())]
    lines = [line for _, _, line in placed]
    states = Counter((line["id"], line["status"]) for line in lines)
    twice = {state for state, count in states.items() if count > 1}
    return lines, [(name, number, line["id"], line["status"]) for name, number, line in placed
                   if (line["id"], line["status"]) in twice]


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


HELD = 3
"""How many records a ``Creations`` keeps READY until the follower exported them so."""


class Creations:
    """What happens to a lifecycle FakeCortex over ``span`` seconds from ``start``, applied as requests come
    (``on_request``): records are created now (``insert_newest``: READY, settling after a seeded delay of 0.3 to
    3 s), some reach the API up to 0.4 s late (inside ``--lag``; they settle at their own ``dateUpdated``), and a
    few just created are set FAILED by hand (``update``). The first ``HELD`` created now stay READY until the test
    sees them exported so (``release``): a follower slowed by a loaded machine still sees some records change."""

    def __init__(self, seed: int, start: float, span: float = 4.0) -> None:
        rng = random.Random(seed)
        self.events = sorted((start + rng.uniform(0, span), rng.choice(["now", "now", "now", "late", "hand"]),
                              rng.uniform(0.2, 0.4), rng.choice([0.5, 1.5, 3.0])) for _ in range(36))
        self.end = start + span + 3.5
        self.lock = threading.Lock()
        self.ids = 0
        self.held: list[int] = []  # the first records created now stay READY until exported so (``release``)

    def release(self, fake: FakeCortex, exported_ready: set[str]) -> None:
        """Let the held records that were exported READY fail."""
        with self.lock:
            for ident in [ident for ident in self.held if str(ident) in exported_ready]:
                self.held.remove(ident)
                fake.update("notification_logs", ident, status="FAILED", failedReason="CLIENT_ERROR")

    def apply(self, fake: FakeCortex) -> None:
        """Apply what is due by now."""
        with self.lock:
            while self.events and self.events[0][0] <= time.time():
                _, what, late, settles = self.events.pop(0)
                if what == "late":
                    self.ids += 1_000  # ids above insert_newest's: it goes on after the largest
                    created = time.time() - late
                    fake.insert("notification_logs", [log_record(
                        self.ids, dateCreated=stamp(created), dateUpdated=stamp(created + settles), status="FAILED")])
                    continue
                record = fake.insert_newest("notification_logs")[0]
                self.ids = max(self.ids, int(str(record["id"])))
                if what == "now" and len(self.held) < HELD:  # however slowly the follower starts on a loaded
                    self.held.append(int(str(record["id"])))  # machine, some records are seen before they settle
                    fake.update("notification_logs", self.held[-1], status="READY")
                elif what == "hand":
                    fake.update("notification_logs", int(str(record["id"])), status="FAILED",
                                failedReason="CLIENT_ERROR")


@pytest.mark.parametrize("seed", [7, 8])
def test_follow_against_a_settling_fake_cortex_through_kills_faults_and_rotations(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    creations = Creations(seed, time.time() + 1.0)
    faults = Faults(seed=seed, rate_limit_rate=0.04, retry_after=(0, 0), error_rate=0.04, error_statuses=(503,),
                    drop_rate=0.03)
    fake = FakeCortex(lifecycle=Lifecycle(delay=(0.3, 3.0), late_share=0.0, supplied=True),
                      faults=faults, page_cache_bytes=0, seed=seed)
    fake.on_request = lambda request: creations.apply(fake)
    fake.script(Outcome(429, retry_after=0), 503, "drop")  # each kind at least once, whatever the timing
    output = tmp_path / "logs.jsonl"

    def served() -> dict[str, str]:
        with CortexClient(fake.token, base_url=fake.url, requests_per_minute=None, max_retries=20) as client:
            return {str(record.data["id"]): str(record.data["status"])
                    for page in client.notification_logs(page_size=1000).raw_pages() for record in page.items}

    def done(files: list[Path]) -> bool:
        if time.time() < creations.end:
            return False
        creations.apply(fake)
        lines, _ = exported_states([path for path in files if path.exists()])
        creations.release(fake, {str(line["id"]) for line in lines if line["status"] == "READY"})
        return not creations.held and {str(line["id"]): line["status"] for line in lines} == served()

    with fake:
        argv = [sys.executable, "-m", "cortex_wrapper.cli", "--base-url", fake.url, "--max-retries", "3", "--quiet",
                "notifications", "--follow", "--interval", "200ms", "--lag", "1s", "--page-size", "7",
                "--output", str(output), "--checkpoint", f"{output}.ckpt"]
        rotated = follow_with_kills(argv, output, rng, creations.end, fake.token, done)
        stats = fake.stats
        fake.set_faults(Faults())
        finals = served()
    assert creations.events == [], "every record was created"
    assert stats.by_status.get(429) and stats.by_status.get(503) and stats.dropped, "faults of each kind"
    assert {"DELIVERED", "FAILED", "IGNORED"} & set(finals.values()) and len(finals) >= 30
    lines, twice = exported_states([*rotated, output])
    assert twice == [], f"no state twice: {twice}"
    assert {str(line["id"]): line["status"] for line in lines} == finals, "every record ends in its final state"
    settled = {str(line["id"]) for line in lines if line["status"] == "READY"} & {
        ident for ident, status in finals.items() if status != "READY"}
    assert settled, "some records were exported READY, then in their final state"
    finals_once = [line for line in lines if line["status"] == finals[str(line["id"])]]
    assert len(finals_once) == len(finals), "each final state exactly once"
