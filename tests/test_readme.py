"""The README's (and the docs pages') code examples run; the README stays short."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCS = "\n".join(path.read_text() for path in sorted((ROOT / "docs").glob("*.md")))
"""The documentation site's pages, where the README's longer examples live."""


def python_blocks() -> list[str]:
    """Every python block of the README and the docs pages."""
    return re.findall(r"```python\n(.*?)```", README + DOCS, re.DOTALL)


def test_the_readme_is_short_and_links_the_docs() -> None:
    assert len(README.splitlines()) <= 200, "the README is what a newcomer reads first: the rest goes to docs/"
    links = re.findall(r"\]\((docs/[^)#]+)", README)
    assert {"docs/library.md", "docs/cli.md", "docs/siem.md", "docs/testing.md", "docs/contributing.md"} <= set(links)
    for link in links:
        assert (ROOT / link).exists(), link


def test_the_library_example_runs_against_a_cortex(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The README's first python block, with the environment pointing at a FakeCortex instead of Cortex."""
    from cortex_wrapper.testing import FakeCortex

    [block] = [b for b in re.findall(r"```python\n(.*?)```", README, re.DOTALL) if "with CortexClient() as" in b]
    reference = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)  # the example asks for November 2026 onwards
    with FakeCortex(seed=3, audit_log_count=400, notification_log_count=400, reference_time=reference) as fake:
        monkeypatch.setenv("CORTEX_API_TOKEN", fake.token)
        monkeypatch.setenv("CORTEX_BASE_URL", fake.url)
        exec(compile(block, "README.md", "exec"), {"__name__": "service"})
        assert {request.operation for request in fake.requests} == {"audit_logs", "notification_logs"}
    out = capsys.readouterr().out.splitlines()
    assert any("DELETE" in line.split() for line in out[:-1]), "some deleted entries were printed"
    assert out[-1].startswith("[(") and "CHANNEL_NOT_FOUND" in out[-1], "the failed reasons, counted"


@pytest.mark.slow  # a pytest run inside this one
def test_fakecortex_example_runs_as_a_test(pytester: pytest.Pytester) -> None:
    [block] = [b for b in python_blocks() if "def test_failing_channels" in b]
    test = block[block.index("@pytest.mark.cortex_fake"):]
    assert len(test.strip().splitlines()) == 4  # the test itself: a marker, a signature, two assertions
    pytester.makepyfile(test_failed_notifications=block)
    result = pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


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
    assert "npm ci --prefix tests/schemas" in ci
    assert commands[1] == ".venv/bin/pytest -n auto"  # .ci/run runs it in .venv, and in .venv-3.X for each other version
    assert '"$venv/bin/pytest" -n auto' in ci and "venv=.venv\n" in ci and "venv=.venv-$version\n" in ci


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
