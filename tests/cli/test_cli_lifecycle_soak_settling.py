"""Lifecycle soak of ``cortex-logs notifications --follow`` as a process, against ``FakeCortex(lifecycle=...)`` on
127.0.0.1: its records settle after a seeded delay on its wall clock (``Creations`` creates them as requests come,
some late, some set by hand; ``Faults`` answers 429, 503 and drops connections). The follower is SIGKILLed at random
points and restarted, and its output rotated both ways once. Every record's final state is in the outputs exactly
once, and no state twice.
"""

from __future__ import annotations

import random
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from cortex_wrapper import CortexClient
from cortex_wrapper.testing import FakeCortex, Faults, Lifecycle, Outcome

from ..support.api import log_record
from ..support.soak import exported_states, follow_with_kills, stamp

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"), pytest.mark.slow]


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
