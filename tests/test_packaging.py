"""The built wheel, as a user gets it: what it ships, that it runs on its runtime dependencies alone, and that
``mypy --strict`` in the user's project sees its types.

Everything here is offline. The wheel is built with ``--no-isolation`` (an isolated build would fetch hatchling
from an index), installed with ``pip install --no-deps --no-index`` into a fresh virtual environment, and its
runtime dependencies are copied there from this project's own environment: exactly the closure of the wheel's
``Requires-Dist``, file by file from each distribution's ``RECORD``. Copying them, rather than putting this
environment's site-packages on the new one's path, keeps the editable install of ``cortex_wrapper`` and every
dev-only package out of sight.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import cortex_wrapper

from .support.operations import ROOT

MISSING_MARKER = "missing library stubs or py.typed marker"
DEV_ONLY = {"openapi-python-client", "ruff", "mypy", "pytest", "pytest-recording", "vcrpy", "jsonschema",
            "hypothesis", "jinja2", "pydantic", "typer", "build", "hatchling", "types-python-dateutil"}


def offline_env() -> dict[str, str]:
    """The environment for every subprocess here: no pip or Python settings inherited, and no way out.

    The proxy variables point at a closed loopback port, so anything that still tried an index would fail at
    once instead of reaching the network.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith(("PIP_", "PYTHON", "MYPY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                                        "NO_PROXY"))}
    dead_proxy = "http://127.0.0.1:9"
    return env | {
        "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONNOUSERSITE": "1", "HTTP_PROXY": dead_proxy, "HTTPS_PROXY": dead_proxy, "ALL_PROXY": dead_proxy,
        "http_proxy": dead_proxy, "https_proxy": dead_proxy, "all_proxy": dead_proxy,
    }


def run(*cmd: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False, cwd=cwd,
                          env=offline_env(), timeout=300)


def wheel_metadata(wheel: Path) -> tuple[list[str], list[str]]:
    """The wheel's file names and its ``Requires-Dist`` lines."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(metadata).decode())
    return names, message.get_all("Requires-Dist") or []


def runtime_closure(requires: list[str]) -> dict[str, importlib.metadata.Distribution]:
    """The installed distributions that satisfy ``requires`` (no extras), and theirs, transitively."""
    found: dict[str, importlib.metadata.Distribution] = {}
    pending = [Requirement(r) for r in requires]
    while pending:
        req = pending.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        dist = importlib.metadata.distribution(req.name)
        assert req.specifier.contains(dist.version, prereleases=True), (req, dist.version)
        found[name] = dist
        pending += [Requirement(r) for r in dist.requires or []]
    return found


def copy_distribution(dist: importlib.metadata.Distribution, site: Path) -> None:
    """Copy one installed distribution's files (its ``RECORD``, less scripts and bytecode) into ``site``."""
    assert dist.files, f"{dist.metadata['Name']} has no RECORD"
    for file in dist.files:
        if file.parts[0] == ".." or "__pycache__" in file.parts:
            continue
        source = Path(str(dist.locate_file(file)))
        target = site / file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


@dataclass(frozen=True)
class Installed:
    wheel: Path
    names: list[str]  # the files in the wheel
    root: Path  # the virtual environment
    python: Path
    site: Path  # its site-packages
    dependencies: set[str]  # the canonical names of the runtime dependencies copied in


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel once and install it, offline, into a fresh virtual environment with its dependencies."""
    work = tmp_path_factory.mktemp("packaging")
    build = run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", work / "dist", ROOT, cwd=work)
    assert build.returncode == 0, (
        "building the wheel offline needs the build backend (hatchling, as pinned in [build-system]) installed "
        "in this environment\n" + build.stdout + build.stderr
    )
    [wheel] = (work / "dist").glob("*.whl")
    names, requires = wheel_metadata(wheel)

    root = work / "venv"
    venv.create(root, with_pip=False, symlinks=True)
    python = root / "bin" / "python"
    site = Path(run(python, "-I", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                    cwd=work).stdout.strip())
    assert site.is_dir() and site.is_relative_to(root), site
    pip = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
              "--disable-pip-version-check", wheel, cwd=work)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    closure = runtime_closure(requires)
    for dist in closure.values():
        copy_distribution(dist, site)
    return Installed(wheel, names, root, python, site, set(closure))


@pytest.mark.slow
def test_wheel_ships_both_packages_with_their_py_typed_markers(installed: Installed) -> None:
    assert "cortex_wrapper/__init__.py" in installed.names and "cortex_api_client/__init__.py" in installed.names
    assert "cortex_wrapper/py.typed" in installed.names
    assert "cortex_api_client/py.typed" in installed.names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in installed.names)
    assert (installed.site / "cortex_wrapper" / "py.typed").is_file()


@pytest.mark.slow
def test_wheel_installs_with_only_runtime_dependencies(installed: Installed) -> None:
    assert {"httpx", "attrs", "python-dateutil"} <= installed.dependencies
    assert not installed.dependencies & DEV_ONLY, installed.dependencies & DEV_ONLY
    check = run(sys.executable, "-m", "pip", "--python", installed.python, "check", cwd=installed.root)
    assert check.returncode == 0, check.stdout + check.stderr

    probe = (
        "import importlib, importlib.metadata as m, json, pkgutil\n"
        "import cortex_api_client, cortex_wrapper\n"
        "modules = [i.name for p in (cortex_wrapper, cortex_api_client)"
        " for i in pkgutil.walk_packages(p.__path__, p.__name__ + '.')]\n"
        "for name in modules:\n"
        "    if name != 'cortex_wrapper.testing.pytest_plugin':\n"  # pytest loads it, where pytest is installed
        "        importlib.import_module(name)\n"
        "print(json.dumps({'files': [cortex_wrapper.__file__, cortex_api_client.__file__], 'modules': modules,"
        " 'spec_versions': list(cortex_wrapper.SPEC_VERSIONS), 'version': cortex_wrapper.__version__,"
        " 'metadata_version': m.version('cortex-wrapper'),"
        " 'distributions': sorted(d.metadata['Name'].lower() for d in m.distributions())}))\n"
    )
    result = run(installed.python, "-I", "-c", probe, cwd=installed.root)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    for file in seen["files"]:
        assert Path(file).is_relative_to(installed.site), file
    assert {"cortex_wrapper.cli", "cortex_wrapper.testing", "cortex_api_client.models"} <= set(seen["modules"])
    assert "2025-05" in seen["spec_versions"]
    assert seen["metadata_version"] == seen["version"] == cortex_wrapper.__version__  # one place: _version.py
    distributions = {canonicalize_name(n) for n in seen["distributions"]}
    assert distributions == {"cortex-wrapper"} | installed.dependencies

    cli = run(installed.root / "bin" / "cortex-logs", "--help", cwd=installed.root)
    assert cli.returncode == 0 and "usage:" in cli.stdout, cli.stdout + cli.stderr


USER_SCRIPT = '''\
"""A service using the installed wheel."""

from typing import assert_type

from cortex_wrapper import AuditLogResponse, CortexClient


def deleters() -> list[str]:
    with CortexClient(token="t") as client:
        names: list[str] = []
        for entry in client.audit_logs(actions=["DELETE"]):
            assert_type(entry, AuditLogResponse)
            names.append(entry.{field}.upper() if entry.{field} else "")
        return names
'''


def mypy_strict(installed: Installed, work: Path, field: str, cache: Path) -> tuple[int, str, str]:
    """Type-check a user script against the installed wheel: its exit code, report, and verbose log."""
    (work / "mypy.ini").write_text("[mypy]\n")
    (work / "service.py").write_text(USER_SCRIPT.format(field=field))
    result = run(sys.executable, "-m", "mypy", "--strict", "--python-executable", installed.python,
                 "--config-file", work / "mypy.ini", "--cache-dir", cache, "--verbose", "service.py", cwd=work)
    return result.returncode, result.stdout, result.stderr


@dataclass(frozen=True)
class Checked:
    """The first type check of the user's script (a cold cache, so the log shows every file mypy read)."""

    code: int
    report: str
    log: str
    cache: Path  # warm with the wheel's modules afterwards


@pytest.fixture(scope="module")
def checked(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    work = tmp_path_factory.mktemp("typecheck")
    cache = work / "cache"
    return Checked(*mypy_strict(installed, work, "actor_identifier", cache), cache=cache)


@pytest.mark.slow
def test_user_code_type_checks_against_the_installed_wheel(installed: Installed, checked: Checked) -> None:
    code, report, log = checked.code, checked.report, checked.log
    assert MISSING_MARKER not in report
    assert code == 0, report
    assert "Success: no issues found in 1 source file" in report
    # mypy read the wheel's copy, not this checkout's.
    assert f"Parsing {installed.site / 'cortex_wrapper' / '__init__.py'} (cortex_wrapper)" in log
    assert f"Parsing {installed.site / 'cortex_api_client' / 'models' / 'audit_log_response.py'}" in log
    assert str(ROOT / "cortex_wrapper") not in log and str(ROOT / "generated") not in log


@pytest.mark.slow
def test_misspelt_record_field_fails_the_users_type_check(installed: Installed, checked: Checked,
                                                         tmp_path: Path) -> None:
    # the cache the first check left: the wheel's modules are not analysed again, the script is
    code, report, _ = mypy_strict(installed, tmp_path, "actor_identifer", checked.cache)
    assert code == 1, report
    assert MISSING_MARKER not in report
    assert 'service.py:13: error: "AuditLogResponse" has no attribute "actor_identifer"' in report
    assert "Found 1 error in 1 file" in report  # mypy reports that line's two misspellings once; nothing else
