"""Durable file writes of the library and the CLI, in one place: a file replaced atomically, a directory fsync.

``atomic_text_file`` writes a new version of a file beside it (a unique temporary name), fsyncs it, renames it
over the old one, then fsyncs the directory: a reader sees the old file or the new one, never a mix, and a crash
leaves at most a temporary file behind. An ``OSError`` names the file the caller gave (``filename``), never the
temporary one. ``cortex_wrapper.cli._durable`` builds the CLI's errors and its appends on these.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


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
def atomic_text_file(path: Path, mode: int | None = None) -> Iterator[Callable[[str], object]]:
    """Write ``path`` through a temporary file in its directory, renamed over it only on success.

    The new file gets ``mode`` (default: what a new file gets under the umask). An ``OSError`` (from the
    temporary file, the write, the fsync or the rename, or the caller's body) removes the temporary file and
    is raised again with ``filename`` set to ``path``.
    """
    directory = path.resolve().parent
    try:
        fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
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
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(directory)
