"""``deploy/systemd/cortex-audit.service``: what it declares, ``systemd-analyze`` on it, and its command run as it would be.

The command is run as ``nobody`` (``setpriv``), under the unit's ``UMask=``, with its ``StateDirectory=``,
``LogsDirectory=`` and ``RuntimeDirectory=`` created in a temporary root as systemd would create them (owned by
the service's user, with the unit's modes), against the sandbox instead of Cortex.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import queue
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cortex_wrapper.cli._exitcodes import EXIT_AUTH, EXIT_USAGE

from ..support.cli import cli_argv
from ..support.operations import ROOT
from .recipes import UNIT, exec_start, parse, service, unit_file

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
SETPRIV = shutil.which("setpriv")
# What systemd makes of each directory setting: the root it is under, and its mode setting.
DIRECTORIES = {"StateDirectory": "/var/lib", "LogsDirectory": "/var/log", "RuntimeDirectory": "/run"}
CREDENTIALS = "%d"  # systemd's specifier for $CREDENTIALS_DIRECTORY


def declared_directories() -> dict[str, int]:
    """The directories the unit has systemd create (``/var/log/cortex``...), with their modes."""
    return {f"{root}/{service(key)}": int(service(f"{key}Mode"), 8) for key, root in DIRECTORIES.items()}


def test_the_unit_creates_every_directory_its_command_writes_to() -> None:
    args = parse(exec_start()[1:])
    assert args.follow and args.format == "ecs" and args.checkpoint and args.output and args.status_file
    directories = declared_directories()
    for path in (args.output, args.checkpoint, args.status_file):
        assert os.path.dirname(path) in directories, f"{path}: ProtectSystem=strict lets the service write only there"
    assert all(mode & 0o007 == 0 for mode in directories.values())
    assert service("UMask") == "0027"


def test_the_token_is_a_systemd_credential() -> None:
    args = parse(exec_start()[1:])
    name, _, source = service("LoadCredential").partition(":")
    assert args.token_file == f"{CREDENTIALS}/{name}" and source.startswith("/etc/")


def test_usage_and_auth_failures_are_not_restarted_and_the_network_is_waited_for() -> None:
    assert service("Restart") == "on-failure"
    assert {int(code) for code in service("RestartPreventExitStatus").split()} == {EXIT_USAGE, EXIT_AUTH}
    unit = unit_file()["Unit"]
    assert unit["Wants"] == ["network-online.target"] and unit["After"] == ["network-online.target"]


def test_the_unit_is_hardened() -> None:
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                       "PrivateDevices": "yes", "CapabilityBoundingSet": "", "RestrictSUIDSGID": "yes"}.items():
        assert service(key) == value, key


def _installable_copy(directory: Path) -> Path:
    """The unit with its ``ExecStart`` program replaced by this checkout's ``cortex-logs`` (verify wants it to exist)."""
    program = Path(ROOT / ".venv" / "bin" / "cortex-logs")
    if not program.exists():
        program = Path(shutil.which("cortex-logs") or "/bin/true")
    text = UNIT.read_text(encoding="utf-8").replace(f"ExecStart={exec_start()[0]} ", f"ExecStart={program} ")
    copy = directory / UNIT.name
    copy.write_text(text, encoding="utf-8")
    return copy


@pytest.mark.slow
@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed here")
def test_systemd_analyze_verify_finds_nothing_to_say(tmp_path: Path) -> None:
    assert SYSTEMD_ANALYZE is not None
    copy = _installable_copy(tmp_path)
    done = subprocess.run([SYSTEMD_ANALYZE, "verify", "--man=no", str(copy)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), done.stderr
    # verify only warns about a misspelt setting (exit 0): the output is the check
    broken = tmp_path / "broken" / UNIT.name
    broken.parent.mkdir()
    broken.write_text(copy.read_text(encoding="utf-8").replace("ProtectSystem=", "ProtectSytem="), encoding="utf-8")
    warned = subprocess.run([SYSTEMD_ANALYZE, "verify", "--man=no", str(broken)], capture_output=True, text=True,
                            timeout=60)
    assert "ProtectSytem" in warned.stderr


def _supports_offline() -> bool:
    assert SYSTEMD_ANALYZE is not None
    done = subprocess.run([SYSTEMD_ANALYZE, "security", "--help"], capture_output=True, text=True, timeout=60)
    return "--offline" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed here")
def test_systemd_analyze_security_rates_the_unit_ok() -> None:
    assert SYSTEMD_ANALYZE is not None
    if not _supports_offline():
        pytest.skip("this systemd-analyze has no security --offline (systemd 250 or later)")
    done = subprocess.run([SYSTEMD_ANALYZE, "security", "--offline=yes", "--threshold=20", str(UNIT)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-500:]  # exposure at most 2.0 of 10 ("OK")


@contextlib.contextmanager
def _service_root(uid: int, gid: int) -> Iterator[dict[str, Path]]:
    """A temporary root with the unit's directories made as systemd makes them; each declared path -> its copy."""
    root = Path(tempfile.mkdtemp(prefix="cortex-unit-"))
    try:
        root.chmod(0o755)
        made = {}
        for declared, mode in declared_directories().items():
            path = root / declared.lstrip("/")
            path.mkdir(parents=True)
            for parent in path.relative_to(root).parents:
                (root / parent).chmod(0o755)
            os.chown(path, uid, gid)
            path.chmod(mode)
            made[declared] = path
        yield made
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _sandboxed(argv: list[str], made: dict[str, Path]) -> list[str]:
    """``argv`` against the sandbox (which takes no token) and in the temporary root."""
    args = list(argv)
    if "--token-file" in args:
        index = args.index("--token-file")
        del args[index:index + 2]
    mapped = []
    for arg in args:
        for declared, path in made.items():
            if arg.startswith(declared + "/"):
                arg = str(path) + arg[len(declared):]
        mapped.append(arg)
    return ["--sandbox", *mapped]


@pytest.mark.slow
@pytest.mark.skipif(SETPRIV is None, reason="setpriv (util-linux) is not installed here")
@pytest.mark.skipif(os.geteuid() != 0, reason="running the command as another user needs root")
def test_the_command_runs_as_an_unprivileged_user_in_the_units_directories() -> None:
    assert SETPRIV is not None
    nobody = pwd.getpwnam("nobody")
    probe = subprocess.run([SETPRIV, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
                            sys.executable, "-c", "pass"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:  # e.g. a pyenv Python under /root, whose shared library nobody may read
        pytest.skip(f"this Python ({sys.executable}) cannot run as nobody here: {probe.stderr.strip()}")
    umask = int(service("UMask"), 8)
    with _service_root(nobody.pw_uid, nobody.pw_gid) as made:
        argv = _sandboxed(exec_start()[1:], made)
        args = parse(argv)
        process = subprocess.Popen(
            [SETPRIV, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--no-new-privs",
             *cli_argv(*argv)],
            stderr=subprocess.PIPE, text=True, umask=umask, cwd="/",
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"})
        assert process.stderr is not None
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        seen = []
        try:
            while (line := lines.get(timeout=60)) is not None:  # a cap: the first poll takes a second or two
                seen.append(line)
                if "poll 1:" in line:
                    break
            else:
                pytest.fail(f"the follower ended before its first poll: {''.join(seen)}")
            status = json.loads(Path(args.status_file).read_text(encoding="utf-8"))
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert code == 0, "".join(seen)
        assert status["state"] == "ok" and status["polls"] == 1 and status["records_exported"] > 0, status
        files = {Path(args.output), Path(args.checkpoint), Path(args.status_file)}
        for path in files:
            info = path.stat()
            assert stat.S_IMODE(info.st_mode) == 0o640 and info.st_uid == nobody.pw_uid, path
        for directory in made.values():
            assert stat.S_IMODE(directory.stat().st_mode) & 0o007 == 0
            for path in directory.iterdir():
                assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path  # nothing readable by everyone
        assert len(Path(args.output).read_text(encoding="utf-8").splitlines()) == status["records_exported"]
