"""The README's code examples run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def test_fakecortex_example_runs_as_a_test() -> None:
    [block] = [b for b in python_blocks() if "def test_failing_channels" in b]
    namespace: dict[str, Any] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    namespace["test_failing_channels"]()


def test_incremental_example_runs_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    [block] = [b for b in python_blocks() if b.startswith("# incremental.py")]
    assert len(block.splitlines()) <= 20
    exec(compile(block, "README.md", "exec"), {"__name__": "service"})
    failed = capsys.readouterr().out.splitlines()
    assert failed and all(line.split()[0].endswith(":FAILED") for line in failed)


def test_readme_starts_with_the_two_commands() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)[:2]
    assert "pip install -e '.[dev,cli]'" in commands[0] and "cortex-logs --sandbox" in commands[0]
    assert "npm ci --prefix tests/schemas" in commands[0]  # the ECS schema package of tests/cli/test_cli_siem.py
    ci = (ROOT / ".ci" / "run").read_text()
    assert "npm ci --prefix tests/schemas" in ci and ci.rstrip().endswith(commands[1])
    assert commands[1].startswith(".venv/bin/pytest")


def test_pinning_snippet_runs_as_written(caplog: Any) -> None:
    [block] = [b for b in python_blocks() if "SPEC_SHA256[:12]" in b]
    caplog.set_level("INFO")
    exec(compile(block, "README.md", "exec"), {"__name__": "service"})
    import cortex_wrapper

    assert f"cortex-wrapper {cortex_wrapper.__version__}, spec {cortex_wrapper.SPEC_SHA256[:12]}" in caplog.text


def run_example(tmp_path: Path, name: str, cortex_log: str) -> subprocess.CompletedProcess[str]:
    """Run the README's python block that starts with ``# NAME``, with ``CORTEX_LOG`` set."""
    [block] = [b for b in python_blocks() if b.startswith(f"# {name}")]
    script = tmp_path / name
    script.write_text(block)
    env = {**os.environ, "CORTEX_LOG": cortex_log}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60, check=True)


@pytest.mark.slow
@pytest.mark.parametrize("cortex_log", ["", "debug"])
def test_advanced_example_runs_as_written(tmp_path: Path, cortex_log: str) -> None:
    done = run_example(tmp_path, "advanced.py", cortex_log)
    lines = done.stdout.splitlines()
    assert lines[0] == "listNotificationLogs page 0: 429 rate limited, retry 1 in 0.0s"
    pages = [line for line in lines if line.startswith("listNotificationLogs page") and "records" in line]
    assert pages and pages[0].startswith("listNotificationLogs page 0: ")
    assert any(line.startswith("0 ") and line.split()[3] == "1" for line in lines)  # page 0 took one retry
    if cortex_log == "debug":
        assert "cortex_wrapper" in done.stderr and "HTTP Request: GET" in done.stderr and "channelKinds=private" in done.stderr
    else:
        assert done.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize("cortex_log", ["", "info"])
def test_async_advanced_example_runs_as_written(tmp_path: Path, cortex_log: str) -> None:
    done = run_example(tmp_path, "advanced_async.py", cortex_log)
    lines = done.stdout.splitlines()
    assert lines[0] == "listNotificationLogs page 0: 50 records, 1 retries"  # the 429 cost one retry
    assert [line.split()[:2] for line in lines if line[0].isdigit()] == [["0", "50"], ["1", "50"], ["2", "20"]]
    if cortex_log == "info":
        assert "429 rate limited; retry 1/5" in done.stderr
    else:
        assert done.stderr == ""
