"""Running ``cortex-logs ... --follow`` as a process through SIGKILLs and rotations, for the lifecycle soaks."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .api import TOKEN
from .operations import ROOT


def stamp(moment: float) -> str:
    """A moment (POSIX seconds) as the API writes times: UTC, to the millisecond, ``Z``."""
    return dt.datetime.fromtimestamp(moment, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def copytruncate(output: Path, rotated: Path) -> None:
    """What logrotate's copytruncate does: copy the file, then empty it where it is (the writer keeps its fd)."""
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
