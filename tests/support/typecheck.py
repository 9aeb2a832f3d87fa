"""``mypy --strict`` on a user's script, as a downstream project runs it, with one mypy cache per test session.

Run cold (``--no-incremental``), each check analysed this package, httpx, attrs and the standard library
again before the script itself: about three seconds of CPU per test. The checks of one session share a cache
directory instead (every xdist worker's: it sits beside the workers' base temporary directories), and take
turns under a lock, so the first check fills it and the others analyse only what it does not hold.

That changes no verdict: mypy takes a cached module only when its source still has the cached size and hash,
and caches no module with errors, so each test's script is checked, and its errors reported, in full. The
wheel's type check (``test_packaging.py``) keeps a cache of its own: mypy would take the installed copy of
``cortex_wrapper`` for this checkout's (same bytes, another path), and that test asserts which copy it read.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest


def mypy_strict(script: Path, tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """``mypy --strict script`` in the script's directory, under a config of its own (not the repository's)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the session's, not one worker's
    config = script.parent / "mypy.ini"
    config.write_text("[mypy]\n")  # not the repository's configuration
    with (shared / "mypy-cache.lock").open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # released when the file closes
        return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(shared / "mypy-cache"),
                               "--config-file", str(config), str(script)],
                              capture_output=True, text=True, cwd=script.parent, check=False)
