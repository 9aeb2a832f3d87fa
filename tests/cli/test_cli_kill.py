"""SIGKILL an incremental export at random points, rerun until it completes: no record lost, none repeated."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper.cli import main

from ..support.cli import TOKEN, connection, jsonl, make_fake
from ..support.operations import ROOT

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"), pytest.mark.slow]

LATENCY = 0.015  # seconds per request: ~60 requests make a ~1 s export, long enough to interrupt
KILLS = 10  # SIGKILLs at seeded random points, then one run to completion
COUNTS = {"notifications": {"notification_log_count": 1500}, "audit": {"audit_log_count": 1500}}


def export_argv(url_options: list[str], command: str, output: Path) -> list[str]:
    # --accept-gap: the fixture records are months old, past the 30 days Cortex keeps notification logs
    return [*url_options, "--concurrency", "2", command, "--page-size", "25", "--output", str(output),
            "--checkpoint", str(output) + ".ckpt", "--accept-gap"]


def wait_for_requests(fake: Any, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while fake.stats.requests < count and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)


@pytest.mark.parametrize(("command", "seed"), [("notifications", 101), ("audit", 202)])
def test_sigkill_at_random_points_then_resume(tmp_path: Path, command: str, seed: int) -> None:
    rng = random.Random(seed)
    counts = {"audit_log_count": 0, "notification_log_count": 0, **COUNTS[command]}
    with make_fake(seed=seed, **counts) as fake:
        reference = tmp_path / "reference.jsonl"
        assert main(export_argv(connection(fake), command, reference)) == 0  # one shot, no latency
        fake.latency = LATENCY
        output = tmp_path / "killed.jsonl"
        argv = [sys.executable, "-m", "cortex_wrapper.cli", *export_argv(connection(fake), command, output)]
        env = {**os.environ, "CORTEX_API_TOKEN": TOKEN}
        kills, sizes = 0, []
        for _ in range(KILLS):
            before = fake.stats.requests
            process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for_requests(fake, before + rng.randint(0, 8), process)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=30)
            sizes.append(output.stat().st_size if output.exists() else 0)
        done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert TOKEN not in done.stderr and TOKEN not in Path(str(output) + ".ckpt").read_text()
    assert kills >= KILLS - 1, "the export was interrupted at (nearly) every random point"
    exported, expected = jsonl(output.read_text()), jsonl(reference.read_text())
    assert len(exported) == len(expected) == 1500
    assert exported == expected, "record for record, in the same order"
    assert output.read_bytes() == reference.read_bytes()
    if command == "notifications":
        assert max(sizes) > 0, "oldest-first exports keep what they committed before the kill"
