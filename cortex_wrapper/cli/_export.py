"""A plain export: every record of the query, in server order, to stdout or to a file replaced atomically."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._client import CortexClient
from ._commands import Command, Occurrences
from ._durable import output_file
from ._formats import needs_event_id, writer_for
from ._progress import Progress
from ._session import stdout


def export(client: CortexClient, command: Command, filters: Mapping[str, Any], *, fmt: str, output: str | None,
           page_size: int | None, max_pages: int | None, progress: Progress, with_id: bool = False) -> int:
    """Export the query's records as sent; return how many were written."""
    records = command.pager(client, filters, page_size, max_pages)
    to_file = output is not None and output != "-"
    target = output_file(Path(output)) if output is not None and to_file else contextlib.nullcontext(stdout().write)
    with target as write:
        writer = writer_for(command, fmt, write, with_id)
        ids = needs_event_id(fmt, with_id)
        occurrences = Occurrences()
        progress.start(command.noun)
        for page in records.raw_pages():
            event_ids: list[str | None] = [None] * len(page.items)
            if ids:
                identities = [command.identity(record) for record in page.items]
                event_ids = [command.event_id(identity, occurrences.next(identity)) for identity in identities]
            writer.add_page(page.items, event_ids)
            progress.advance(len(page.items), page.total)
        writer.close()
    progress.finish()
    return writer.count
