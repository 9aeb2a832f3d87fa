"""Whole crawls through the sync or async client, and the models the fake's records parse into."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from cortex_api_client.models import AuditLogResponse, NotificationLog, NotificationRun

from cortex_wrapper import AsyncCortexClient, CortexClient

from .api import Clock
from .operations import SCHEMAS

MODELS: dict[str, tuple[Any, str]] = {
    "audit_logs": (AuditLogResponse, "AuditLogResponse"),
    "notification_logs": (NotificationLog, "NotificationLog"),
    "notification_runs": (NotificationRun, "NotificationRun"),
}
COUNT_OPTION = {"audit_logs": "audit_log_count", "notification_logs": "notification_log_count",
                "notification_runs": "notification_run_count"}  # fmt: skip


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
