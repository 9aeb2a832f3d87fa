"""Lifecycle soak of ``cortex-logs notifications --follow`` as a process: records settle over time, the server
answers 429, 503 or drops the connection now and then, the follower is SIGKILLed at random points and restarted,
and its output is rotated both ways once. Every record's final state is in the outputs exactly once, and no
state twice.

The server double is ``ScriptedFake`` (its ``records`` are what the server holds at the request's moment) behind
a small HTTP server on 127.0.0.1; ``Timeline`` says what it holds when, so the lifecycle FakeCortex can replace it.
"""

from __future__ import annotations

import datetime as dt
import http.server
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..support.api import TOKEN, ScriptedFake, log_record
from ..support.operations import ROOT

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

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                roll = rng.random()
            if roll < 0.04:
                self.send_response(429)
                self.send_header("Retry-After", "0")
                self.end_headers()
                return
            if roll < 0.08:
                self.send_response(503)
                self.end_headers()
                return
            if roll < 0.11:
                self.close_connection = True  # dropped: no answer at all
                return
            request = httpx.Request("GET", f"http://127.0.0.1{self.path}", headers=dict(self.headers))
            response = api(request)
            body = response.read()
            self.send_response(response.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def copytruncate(output: Path, rotated: Path) -> None:
    shutil.copyfile(output, rotated)
    with output.open("r+b") as stream:
        stream.truncate(0)


@pytest.mark.parametrize("seed", [5, 6])
def test_follow_exports_every_final_state_once_through_kills_faults_and_rotations(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    timeline = Timeline(seed, time.time() + 1.0)
    output = tmp_path / "logs.jsonl"
    env = {**os.environ, "CORTEX_API_TOKEN": TOKEN}
    with serve(timeline, random.Random(seed)) as url:
        argv = [sys.executable, "-m", "cortex_wrapper.cli", "--base-url", url, "--max-retries", "3", "--quiet",
                "notifications", "--follow", "--interval", "200ms", "--lag", "1s", "--page-size", "7",
                "--output", str(output), "--checkpoint", f"{output}.ckpt"]
        rotations = ["rename", "copytruncate"]
        rotated: list[Path] = []
        deadline = timeline.end + 60  # a loaded machine starts the interpreter slowly: go on until both rotations
        while time.time() < timeline.end + 1.5 or (rotations and time.time() < deadline):
            process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0.6, 1.6))  # the interpreter starts in ~0.5 s: killed before, during, after polls
            if rotations and rotations[0] == "rename" and output.exists():  # logrotate's rename and create, live
                rotated.append(output.rename(tmp_path / f"logs.jsonl.{len(rotated) + 1}"))
                output.touch()
                rotations.pop(0)
                time.sleep(0.5)
            process.send_signal(signal.SIGKILL)
            _, err = process.communicate(timeout=30)
            assert b"Traceback" not in err, err.decode()
            if rotations == ["copytruncate"] and output.exists() and output.stat().st_size:
                rotated.append(tmp_path / f"logs.jsonl.{len(rotated) + 1}")
                copytruncate(output, rotated[-1])
                rotations.pop(0)
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(2.5)  # the last states settle into the output
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err.decode()
    assert rotations == [], "both rotations happened"
    placed = [(path.name, number, json.loads(line)) for path in [*rotated, output]
              for number, line in enumerate(path.read_text().splitlines())]
    lines = [line for _, _, line in placed]
    states = Counter((line["id"], line["status"]) for line in lines)
    twice = [state for state, count in states.items() if count > 1]
    where = [(name, number, line["id"], line["status"]) for name, number, line in placed
             if (line["id"], line["status"]) in twice]
    assert twice == [], f"no state twice: {where}; plan {[timeline.plan[ident - 1] for ident, _ in twice]}"
    latest = {line["id"]: line["status"] for line in lines}
    assert latest == timeline.finals(), "every record ends in its final state"
    assert sum(1 for (_, status) in states if status != "READY") == len(timeline.plan), "each final state once"
