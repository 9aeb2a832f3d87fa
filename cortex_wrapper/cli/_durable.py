"""Every durable file write of the CLI, in one place: atomic replace, append with fsync, directory fsync.

* ``atomic_text_file`` writes a new version of a file beside it (a unique temporary name), fsyncs it,
  renames it over the old one, then fsyncs the directory: a reader sees the old file or the new one,
  never a mix, and a crash leaves at most a temporary file behind.
* ``locked_append`` opens a file for appending, locked against a second writer; ``append`` writes all
  of a buffer to it and ``sync`` makes what was appended durable.
* Errors are ``CliError`` exceptions naming the file the user gave, never the temporary one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ._exitcodes import CliError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]


def fsync_directory(path: Path) -> None:
    """Make a rename in ``path`` durable (where the platform allows opening a directory)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def new_file_mode() -> int:
    """The mode a new file gets: ``0o666`` less the umask, as ``open()`` would give it."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_text_file(path: Path, what: str = "", mode: int | None = None) -> Iterator[Callable[[str], object]]:
    """Write ``path`` through a temporary file in its directory, renamed over it only on success.

    The new file gets ``mode`` (default: what a new file gets under the umask).
    """
    label = f"{what} {path}" if what else str(path)
    directory = path.resolve().parent
    try:
        fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise CliError(f"cannot write {label}: {exc.strerror}") from None
    try:
        os.fchmod(fd, new_file_mode() if mode is None else mode)
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream.write
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise CliError(f"cannot write {label}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(directory)


@contextlib.contextmanager
def output_file(path: Path) -> Iterator[Callable[[str], object]]:
    """Write an export to ``path`` as a user expects of ``--output``.

    A regular file (or a new one) is replaced atomically, keeping an existing file's mode; through a
    symlink it is the target that is replaced, the link stays; a device, FIFO or socket (``/dev/stdout``,
    ``/dev/null``) is written in place, streamed, never replaced. Errors name ``path``.
    """
    target = path.resolve() if path.is_symlink() else path
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise CliError(f"cannot write {path}: it is a directory")
        try:
            stream = open(target, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CliError(f"cannot write {path}: {exc.strerror}") from None
        with stream:
            yield stream.write
        return
    mode = stat.S_IMODE(info.st_mode) if info is not None else None
    with atomic_text_file(target, mode=mode) as write:
        yield write


@contextlib.contextmanager
def locked_append(path: Path, mode: int = 0o666) -> Iterator[int]:
    """``path`` opened for appending (created with ``mode`` less the umask if new), locked against a second writer."""
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, mode)
    except OSError as exc:
        raise CliError(f"cannot open {path}: {exc.strerror}") from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise CliError(f"another cortex-logs is writing {path}") from None
        yield fd
    finally:
        os.close(fd)


def append(fd: int, data: bytes | bytearray) -> int:
    """Write all of ``data`` to ``fd`` (``os.write`` may write less); how many bytes."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    return len(data)


def sync(fd: int) -> None:
    """Make everything written to ``fd`` durable."""
    os.fsync(fd)


def sync_created(fd: int, path: Path) -> None:
    """Make a file just created at ``path`` (open as ``fd``) durable, its directory entry included."""
    sync(fd)
    fsync_directory(path.resolve().parent)


def truncate(fd: int, length: int) -> None:
    """Cut ``fd`` back to ``length`` bytes, durably."""
    os.ftruncate(fd, length)
    os.fsync(fd)
