"""A plain export: every record of the query, in server order, to stdout or to a file replaced atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .._client import CortexClient
from ._exitcodes import CliError
from ._formats import writer_for
from ._kinds import Kind
from ._progress import Progress
from ._session import stdout


def pager(client: CortexClient, kind: Kind, filters: Mapping[str, Any], page_size: int | None,
          max_pages: int | None) -> Any:
    """The client's lazy pager for ``kind`` (arguments are checked now, before any request)."""
    method = getattr(client, kind.method)
    return method(**filters, page_size=page_size, max_pages=max_pages)


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


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[Callable[[str], object]]:
    """Write ``path`` through a temporary file in its directory, renamed over it only on success."""
    directory = path.resolve().parent
    try:
        fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream.write
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(directory)


def export(client: CortexClient, kind: Kind, filters: Mapping[str, Any], *, fmt: str, output: str | None,
           page_size: int | None, max_pages: int | None, progress: Progress) -> int:
    """Export the query's records; return how many were written."""
    records = pager(client, kind, filters, page_size, max_pages)
    target = atomic_text_file(Path(output)) if output else contextlib.nullcontext(stdout().write)
    with target as write:
        writer = writer_for(kind, fmt, write)
        progress.start(kind.noun)
        for page in records.pages():
            for item in page.items:
                writer.add(item.to_dict())
            progress.advance(len(page.items), page.total)
        writer.close()
    progress.finish()
    return writer.count
