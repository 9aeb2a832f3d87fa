"""``cortex-logs --checkpoint`` is a shell over the library's engine: it writes what ``IncrementalReader`` hands over.

Poll after poll, with records created and states changed in between, the CLI's lines (``--with-id``) carry the
event ids of the reader's changes, in the reader's order.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper import CortexClient, FileCheckpointStore, IncrementalReader, _client

from ..support.cli import BOUNDED, KINDS, NO_RECORDS, TOKEN, incremental_run, make_fake

STATES = {"notification_logs": ("READY", "FAILED"), "notification_runs": ("CREATED", "FAILED")}
"""A state that is not final, and a final one, for the operations whose records change."""


def reader_poll(client: CortexClient, operation: str, store: FileCheckpointStore, now: dt.datetime) -> list[str]:
    """One poll of the reader, every batch committed: the event ids, in order."""
    ids: list[str] = []
    for batch in IncrementalReader(client, operation, store, page_size=20, now=lambda: now).poll():
        ids.extend(change.event_id for change in batch)
        batch.commit()
    return ids


@pytest.mark.parametrize("command", sorted(BOUNDED))
def test_the_cli_writes_the_reader_s_changes_in_the_reader_s_order(cli: Any, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   command: str) -> None:
    operation = KINDS[command]
    output, store = tmp_path / "out.jsonl", FileCheckpointStore(tmp_path / "reader.ckpt")
    counts = {"audit_log_count": 90, "notification_log_count": 90, "notification_run_count": 90}
    with make_fake(**{**NO_RECORDS, **counts}) as fake, CortexClient(TOKEN, base_url=fake.url,
                                                                     requests_per_minute=None) as client:
        written = 0

        def both(step: str) -> list[str]:
            nonlocal written
            now = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=1)  # past what was created
            monkeypatch.setattr(_client, "_now", lambda: now)
            expected = reader_poll(client, operation, store, now)
            result = incremental_run(cli, fake, command, output, "--with-id", "--page-size", "20")
            assert result.code == 0, result.err
            lines = output.read_text().splitlines()[written:]
            written += len(lines)
            assert [json.loads(line)["_event_id"] for line in lines] == expected, step
            return expected

        assert both("the first poll"), "the fake's records"
        created = fake.insert_newest(operation, 7)
        if operation in STATES:
            for record in created:  # created in a state that is not final, as Cortex creates them
                fake.update(operation, int(str(record["id"])), status=STATES[operation][0])
        new = both("records created")
        assert new, "new records"
        if operation in STATES:
            for event_id in new[:3]:
                fake.update(operation, int(event_id.split(":")[0]), status=STATES[operation][1])
            assert len(both("states changed")) == len(new[:3])
        assert both("an idle poll") == []
