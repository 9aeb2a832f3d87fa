"""Every durable file write of the CLI: atomic replace (the library's ``_durable``), append with fsync.

* ``atomic_text_file`` writes a new version of a file beside it (a unique temporary name), fsyncs it,
  renames it over the old one, then fsyncs the directory: a reader sees the old file or the new one,
  never a mix, and a crash leaves at most a temporary file behind.
* ``locked_append`` opens a regular file for appending, locked against a second writer; ``append`` writes all
  of a buffer to it (and says where the file ends after it), ``sync`` makes what was appended durable.
* ``FileLock`` holds a lock file (``flock``) for as long as a process needs it, with its pid for the message
  another process gets.
* Errors are ``CliError`` exceptions naming the file the user gave, never the temporary one, with the cause
  (``cannot write out.jsonl: No space left on device``): ``naming`` turns every ``OSError`` of an operation
  on a file into one.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import _durable
from ._exitcodes import CliError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def atomic_text_file(path: Path, what: str = "", mode: int | None = None) -> Iterator[Callable[[str], object]]:
    """Write ``path`` through a temporary file in its directory, renamed over it only on success (``_durable``).

    The new file gets ``mode`` (default: what a new file gets under the umask); a failure is a ``CliError``
    naming ``what`` and ``path`` and the cause.
    """
    label = f"{what} {path}" if what else str(path)
    try:
        with _durable.atomic_text_file(path, mode) as write:
            yield write
    except OSError as exc:
        raise CliError(f"cannot write {label}: {exc.strerror}") from None


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
def naming(path: Path | str, verb: str = "write") -> Iterator[None]:
    """An ``OSError`` inside becomes a ``CliError`` naming ``path`` (a file, or what it is) and the cause.

    For example ``cannot write out.jsonl: No space left on device``.
    """
    try:
        yield
    except OSError as exc:
        raise CliError(f"cannot {verb} {path}: {exc.strerror or exc}") from None


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "an unknown kind of file"


@dataclass(frozen=True)
class AppendFile:
    """A regular file open for appending (``locked_append``): its descriptor and the name the user gave it."""

    fd: int
    path: Path


@contextlib.contextmanager
def locked_append(path: Path, mode: int = 0o666) -> Iterator[AppendFile]:
    """``path`` opened for appending (created with ``mode`` less the umask if new), locked against a second writer.

    Only a regular file: an append-only export is repaired (truncated) and fsynced, which a device, FIFO or
    socket cannot be (``/dev/full``, a pipe that nobody reads would block the run for good).
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
    with naming(path, "open"):
        with contextlib.suppress(FileNotFoundError):
            _regular(path, os.stat(path).st_mode)  # before opening: opening a FIFO may block
        fd = os.open(path, flags, mode)
    try:
        with naming(path, "open"):
            _regular(path, os.fstat(fd).st_mode)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise CliError(f"another cortex-logs is writing {path}") from None
        yield AppendFile(fd, path)
    finally:
        os.close(fd)


def _regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise CliError(f"cannot append to {path}: not a regular file ({_kind_of(mode)}); --checkpoint appends to, "
                       "repairs and fsyncs a regular file")


def size(file: AppendFile) -> int:
    """How many bytes ``file`` holds now."""
    with naming(file.path, "read"):
        return os.fstat(file.fd).st_size


def read_at(file: AppendFile, offset: int, length: int) -> bytes:
    """Up to ``length`` bytes of ``file`` from ``offset`` (fewer at its end)."""
    chunks: list[bytes] = []
    with naming(file.path, "read"):
        while length > 0:
            chunk = os.pread(file.fd, length, offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
            length -= len(chunk)
    return b"".join(chunks)


def append(file: AppendFile, data: bytes | bytearray) -> int:
    """Write all of ``data`` at the end of ``file`` (``os.write`` may write less); the file's offset after it.

    That offset is where the file ended when the write landed, plus ``data``: a file emptied in place since the
    last append (logrotate's ``copytruncate``) shows as an offset of ``len(data)``. ``data`` is not empty.
    """
    view = memoryview(data)
    with naming(file.path):
        while view:
            view = view[os.write(file.fd, view):]
        return os.lseek(file.fd, 0, os.SEEK_CUR)


def sync(file: AppendFile) -> None:
    """Make everything written to ``file`` durable."""
    with naming(file.path):
        os.fsync(file.fd)


def truncate(file: AppendFile, length: int) -> None:
    """Cut ``file`` back to ``length`` bytes, durably."""
    with naming(file.path):
        os.ftruncate(file.fd, length)
        os.fsync(file.fd)


class FileLock:
    """An exclusive ``flock`` on a lock file (created if need be) that holds the holder's pid; ``close`` releases it.

    ``busy`` is the error when another process holds it (its pid is added).
    """

    def __init__(self, path: Path, busy: str) -> None:
        with naming(path, "open"):
            self.fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    holder = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip()
                    raise CliError(f"{busy} (pid {holder})" if holder.isdigit() else busy) from None
            with naming(path):
                os.ftruncate(self.fd, 0)
                os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the lock (idempotent)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
