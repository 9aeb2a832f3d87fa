"""Helpers shared by the reliability tests: run a crawl through the sync or async client, expected models."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cortex_api_client.models import AuditLogResponse, NotificationLog, NotificationRun

from cortex_wrapper import AsyncCortexClient, CortexClient

from ..conftest import Clock

SCHEMAS: dict[str, Any] = json.loads((Path(__file__).resolve().parents[2] / "spec" / "reconciled" / "openapi.json").read_text("utf-8"))["components"]["schemas"]
MODELS: dict[str, tuple[Any, str]] = {
    "audit_logs": (AuditLogResponse, "AuditLogResponse"),
    "notification_logs": (NotificationLog, "NotificationLog"),
    "notification_runs": (NotificationRun, "NotificationRun"),
}
COUNT_OPTION = {"audit_logs": "audit_log_count", "notification_logs": "notification_log_count",
                "notification_runs": "notification_run_count"}  # fmt: skip
UPPER_BOUND = {"audit_logs": "endTime", "notification_logs": "untilDate", "notification_runs": "untilDate"}
LOWER_FILTER = {"audit_logs": "start_time", "notification_logs": "from_date", "notification_runs": "from_date"}
UPPER_FILTER = {"audit_logs": "end_time", "notification_logs": "until_date", "notification_runs": "until_date"}


def as_models(kind: str, records: Iterable[Mapping[str, Any]]) -> list[Any]:
    """Records in wire form (internal filter attributes dropped) parsed into the client's models."""
    model, schema = MODELS[kind]
    fields = SCHEMAS[schema]["properties"]
    return [model.from_dict({k: v for k, v in record.items() if k in fields}) for record in records]


def crawl(mode: str, kind: str, options: Mapping[str, Any], clock: Clock | None = None, **filters: Any) -> list[Any]:
    """Every record of ``kind`` through the sync or async client built with ``options``; waits on ``clock``."""
    clock = clock or Clock()
    if mode == "sync":
        with CortexClient(sleep=clock.sleep, clock=clock, **options) as client:
            return list(getattr(client, kind)(**filters))

    async def collect() -> list[Any]:
        async with AsyncCortexClient(sleep=clock.asleep, clock=clock, **options) as client:
            return [item async for item in getattr(client, kind)(**filters)]

    return asyncio.run(collect())
