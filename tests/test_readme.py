"""The README's code examples run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def test_fakecortex_example_runs_as_a_test() -> None:
    [block] = [b for b in python_blocks() if "def test_failing_channels" in b]
    namespace: dict[str, Any] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    namespace["test_failing_channels"]()


def test_readme_starts_with_the_two_commands() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)[:2]
    assert "pip install -e '.[dev,cli]'" in commands[0] and "cortex-logs --sandbox" in commands[0]
    assert commands[1].startswith(".venv/bin/pytest")


def test_pinning_snippet_runs_as_written(caplog: Any) -> None:
    [block] = [b for b in python_blocks() if "SPEC_SHA256[:12]" in b]
    caplog.set_level("INFO")
    exec(compile(block, "README.md", "exec"), {"__name__": "service"})
    import cortex_wrapper

    assert f"cortex-wrapper {cortex_wrapper.__version__}, spec {cortex_wrapper.SPEC_SHA256[:12]}" in caplog.text
