"""--sandbox: the built-in FakeCortex, no token, data anchored to now."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

from cortex_wrapper.cli._sandbox import AUDIT_LOG_COUNT

from ..support.operations import ROOT


def test_sandbox_audit_table_from_the_console_entry_without_a_token() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CORTEX_API_TOKEN", "CORTEX_API_KEY")}
    done = subprocess.run([sys.executable, "-m", "cortex_wrapper.cli", "--sandbox", "audit", "--since", "30d",
                           "--format", "table"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["timestamp", "action"]
    rows = lines[2:]
    assert 0.2 * AUDIT_LOG_COUNT < len(rows) < 0.5 * AUDIT_LOG_COUNT, "about a third of 90 days of data"
    newest = dt.datetime.strptime(rows[0][:20], "%Y-%m-%d %H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert dt.datetime.now(dt.UTC) - newest < dt.timedelta(days=2), "the data is anchored to now"


def test_sandbox_summary_and_exports(cli: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("CORTEX_API_TOKEN")
    result = cli("--sandbox", "summary", "--format", "json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["notification_logs"]["total"] > 100 and summary["notification_runs"]["total"] > 10
    runs = cli("--sandbox", "--quiet", "runs", "--since", "7d", "--status", "COMPLETED", "--format", "csv")
    assert runs.code == 0 and len(runs.out.splitlines()) > 10 and runs.err == ""


def test_sandbox_refuses_a_base_url(cli: Any) -> None:
    result = cli("--sandbox", "--base-url", "https://api.getcortexapp.com", "audit")
    assert result.code == 2 and "--sandbox serves its own data" in result.err
