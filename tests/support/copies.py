"""A copy of the repo to change and regenerate in (tests of what one edit of configuration or spec brings)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .operations import ROOT


def copy_repo(tmp_path: Path) -> Path:
    """The repo's files under ``tmp_path/repo`` (no venvs, git or caches); the JSON-schema packages linked in."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv*", ".git", "__pycache__", ".ruff_cache",
                                                                ".mypy_cache", ".pytest_cache", "node_modules"))
    nodes = ROOT / "tests" / "schemas" / "node_modules"
    if nodes.exists():
        (copy / "tests" / "schemas" / "node_modules").symlink_to(nodes)
    return copy
