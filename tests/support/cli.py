"""Running ``cortex-logs`` in tests (in-process or as a subprocess) and reading back what a FakeCortex holds."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cortex_api_client.operations import OPERATIONS as TABLE

from cortex_wrapper._wire import split_body
from cortex_wrapper.testing import FakeCortex

from .operations import BOUNDS, COMMANDS, ROOT
from .operations import LIST_KEYS as OPERATION_LIST_KEYS
from .operations import PATHS as OPERATION_PATHS

TOKEN = "ctx-cli-SECRET-token-5e1f0a9c77d4"
REFERENCE = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
KINDS = COMMANDS
BOUNDED = {command: method for command, method in COMMANDS.items() if command is not None and method in BOUNDS}
"""The commands whose operation has time bounds: those ``--since``, ``--checkpoint`` and ``--follow`` apply to (every
one but ``gitops``, which exports in full)."""
PATHS = {command: OPERATION_PATHS[method] for command, method in COMMANDS.items()}
LIST_KEYS = {command: OPERATION_LIST_KEYS[method] for command, method in COMMANDS.items()}


@dataclass
class Result:
    code: int
    out: str
    err: str


def make_fake(**options: Any) -> FakeCortex:
    options.setdefault("seed", 11)
    options.setdefault("audit_log_count", 400)
    options.setdefault("notification_log_count", 400)
    options.setdefault("notification_run_count", 120)
    options.setdefault("reference_time", REFERENCE)
    options.setdefault("counts", {spec.method_name: 60 for spec in TABLE  # those without a *_count keyword
                                  if spec.method_name not in ("audit_logs", "notification_logs", "notification_runs")})
    options.setdefault("tokens", {TOKEN: tuple(spec.permission for spec in TABLE)})  # every served operation
    # records the fake creates "now" (insert_newest) are stamped a millisecond or more after its wall clock: with
    # the real clock, a run that starts within those milliseconds freezes its upper bound before them and misses
    # them (a race a loaded machine loses); the fake's clock runs 50 ms behind, so they are always in the past
    options.setdefault("wall_clock", lambda: time.time() - 0.05)
    return FakeCortex(**options)


def connection(fake: FakeCortex) -> list[str]:
    """Global options pointing at ``fake``, without client pacing."""
    return ["--base-url", fake.url, "--requests-per-minute", "0"]


CLI_MAIN = ("import signal, runpy; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "runpy.run_module('cortex_wrapper.cli', run_name='__main__')")


def cli_argv(*argv: str) -> list[str]:
    """``python -m cortex_wrapper.cli ARGV``, with Ctrl-C raising as in a terminal even when this test run was
    started with SIGINT ignored (a background job of a non-interactive shell), which a child would inherit."""
    return [sys.executable, "-c", CLI_MAIN, *argv]


def run_subprocess(*argv: str, env: dict[str, str] | None = None, timeout: float = 30) -> Result:
    """Run the real entry point, ``python -m cortex_wrapper.cli``."""
    environ = {**os.environ, "CORTEX_API_TOKEN": TOKEN, **(env or {})}
    done = subprocess.run([sys.executable, "-m", "cortex_wrapper.cli", *argv], capture_output=True, text=True,
                          env=environ, timeout=timeout, cwd=ROOT)
    assert TOKEN not in done.stdout and TOKEN not in done.stderr
    return Result(done.returncode, done.stdout, done.stderr)


def _ask(fake: FakeCortex, command: str, params: dict[str, Any]) -> httpx.Response:
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as client:
        return client.get(PATHS[command], params=params, headers={"Authorization": f"Bearer {TOKEN}"})


def server_records(fake: FakeCortex, command: str, **params: Any) -> list[dict[str, Any]]:
    """Every record the fake serves for ``command``, in wire form (asked in-process: the test's view, not the CLI's)."""
    records: list[dict[str, Any]] = []
    page = 0
    while True:
        response = _ask(fake, command, {**params, "page": page, "pageSize": 1000})
        response.raise_for_status()
        body = response.json()
        records += body[LIST_KEYS[command]]
        page += 1
        if page >= body["totalPages"]:
            return records


def server_texts(fake: FakeCortex, command: str, **params: Any) -> list[str]:
    """The JSON text of every record the fake serves for ``command``, exactly as it sends it (one page)."""
    response = _ask(fake, command, {**params, "page": 0, "pageSize": 1000})
    response.raise_for_status()
    return [record.text for record in split_body(response.text, LIST_KEYS[command])[1] or []]


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line]


NO_RECORDS = {"audit_log_count": 0, "notification_log_count": 0, "notification_run_count": 0}


def notification_log(ident: int, stamp: str | None = None, **fields: Any) -> dict[str, Any]:
    """A valid notification log record, dated ``stamp`` when given."""
    record = {"id": ident, "medium": "SLACK", "recipientType": "USER", "runId": 1, "status": "DELIVERED",
              "type": "WEEKLY_REPORT", **fields}
    if stamp is not None:
        record["dateCreated"] = stamp
    return record


def audit_entry(name: str, stamp: str, **fields: Any) -> dict[str, Any]:
    """A valid audit log entry."""
    return {"action": "UPDATE", "objectIdentifier": name, "objectType": "SERVICE", "timestamp": stamp, **fields}


def incremental_run(cli: Any, fake: FakeCortex, command: str, output: Path, *extra: str, fmt: str = "jsonl") -> Any:
    """One ``--checkpoint`` run of ``command`` into ``output`` (checkpoint beside it)."""
    return cli(*connection(fake), command, "--format", fmt, "--output", str(output), "--checkpoint",
               f"{output}.ckpt", *extra)
