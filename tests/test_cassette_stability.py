"""Re-recording a cassette changes nothing when the exchange did not change (issue 12, polish)."""

from __future__ import annotations

from pathlib import Path

import vcr as vcrpy

from cortex_wrapper import CortexClient
from cortex_wrapper.testing import FakeCortex, cassette_config

END = "2025-07-01T00:00:00"


def record(path: Path) -> str:
    with (
        FakeCortex(seed=3, audit_log_count=30, notification_run_count=10) as fake,
        vcrpy.use_cassette(str(path), record_mode="all", **cassette_config()),
        CortexClient(fake.token, fake.url, page_size=10, concurrency=1) as client,  # pages in flight at once
    ):  # finish in any order, and a cassette lists exchanges in the order they finish
        assert len(list(client.audit_logs(end_time=END))) == 30
        list(client.notification_runs(until_date=END, delivered_only=False))
    return path.read_text()


def test_recording_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = record(tmp_path / "first.yaml"), record(tmp_path / "second.yaml")
    assert first == second
    assert "date:" not in first.lower() and "server:" not in first.lower()
    assert "x-request-id" in first  # what does identify an exchange is kept
