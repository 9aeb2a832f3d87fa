"""``.ci/run``: the suite under every supported Python, exactly the versions pyproject.toml declares."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / ".ci" / "run"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def ci_versions() -> list[str]:
    [line] = [line for line in CI.read_text().splitlines() if line.startswith("SUPPORTED=(")]
    return line.removeprefix("SUPPORTED=(").removesuffix(")").split()


def classifier_versions() -> list[str]:
    prefix = "Programming Language :: Python :: "
    found = [c.removeprefix(prefix) for c in PYPROJECT["project"]["classifiers"] if c.startswith(prefix)]
    return [v for v in found if re.fullmatch(r"3\.\d+", v)]


def test_ci_tests_exactly_the_versions_the_classifiers_declare() -> None:
    assert ci_versions() == classifier_versions() == ["3.11", "3.12", "3.13"]
    assert PYPROJECT["project"]["requires-python"] == f">={ci_versions()[0]}"  # the oldest supported is tested
    assert f"{sys.version_info[0]}.{sys.version_info[1]}" in ci_versions()  # the Python running this suite


def matrix(supported: list[str], main: str, *, failing: str = "", allow_missing: bool = False) -> subprocess.CompletedProcess[str]:
    """``.ci/run``'s matrix with ``SUPPORTED`` replaced and the venvs and suites stubbed (nothing installed or run)."""
    script = (
        f"source {shlex.quote(str(CI))}\n"
        f"SUPPORTED=({' '.join(supported)})\n"
        'make_venv() { echo "venv $2 from $1"; }\n'
        f'run_suite() {{ echo "suite $1"; [ "$1" != {shlex.quote(failing)} ]; }}\n'
        f"matrix {main}\n"
    )
    env = {"PATH": "/usr/bin:/bin:/root/.pyenv/bin:/root/.pyenv/shims", "HOME": str(Path.home())}
    if allow_missing:
        env["CORTEX_CI_ALLOW_MISSING"] = "1"
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
                          check=False)  # fmt: skip


@pytest.mark.slow  # a few bash processes, and pyenv
def test_a_supported_version_missing_from_the_machine_is_reported_and_fails_ci() -> None:
    done = matrix(["3.11", "2.5"], "3.11")
    assert "suite .venv" in done.stdout and "suite .venv-2.5" not in done.stdout  # the present one still ran
    assert "!!! Python 2.5 is supported but not installed on this machine: SKIPPED, NOT TESTED !!!" in done.stderr
    assert "Python 3.11: passed\nPython 2.5: SKIPPED (not installed)" in done.stdout
    assert done.returncode == 1 and "CI FAILED" in done.stderr

    excused = matrix(["3.11", "2.5"], "3.11", allow_missing=True)
    assert excused.returncode == 0 and "Python 2.5: SKIPPED (not installed)" in excused.stdout
    assert "SKIPPED, NOT TESTED" in excused.stderr  # excused, still loud


@pytest.mark.slow
def test_each_version_runs_in_its_own_venv_and_one_failure_fails_ci() -> None:
    passing = matrix(["3.11", "3.12", "3.13"], "3.11")
    assert passing.returncode == 0, passing.stderr
    assert re.findall(r"suite (\S+)", passing.stdout) == [".venv", ".venv-3.12", ".venv-3.13"]
    assert re.search(r"venv \.venv-3\.12 from \S*python3\.12\n", passing.stdout)  # found though the shim is not active
    assert "Python 3.11: passed\nPython 3.12: passed\nPython 3.13: passed" in passing.stdout

    failing = matrix(["3.11", "3.12", "3.13"], "3.11", failing=".venv-3.12")
    assert failing.returncode == 1
    assert "Python 3.12: FAILED\nPython 3.13: passed" in failing.stdout  # the later versions still ran


@pytest.mark.slow
@pytest.mark.parametrize(("summary", "code", "status"), [
    ("12 passed, 1 warning in 1.00s", 0, 1),
    ("12 passed, 3 warnings in 1.00s", 0, 1),
    ("1 failed, 11 passed in 1.00s", 1, 1),
    ("12 passed in 1.00s", 0, 0),
])
def test_a_run_fails_on_a_failed_test_or_a_warning(tmp_path: Path, summary: str, code: int, status: int) -> None:
    stub = tmp_path / "venv" / "bin" / "pytest"
    stub.parent.mkdir(parents=True)
    stub.write_text(f'#!/bin/sh\necho "{summary}"\nexit {code}\n')
    stub.chmod(0o755)
    script = f"source {shlex.quote(str(CI))}\nrun_suite {shlex.quote(str(stub.parent.parent))}\n"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
                          timeout=60, check=False)  # fmt: skip
    assert done.stdout == summary + "\n"  # the suite's output is shown as it runs
    assert done.returncode == status
    assert ("raised warnings" in done.stderr) == ("warning" in summary)
