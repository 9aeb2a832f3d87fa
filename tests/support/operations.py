"""The operations under test, from the generated operation table and the registry: no test keeps its own copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cortex_api_client.operations import OPERATIONS as TABLE
from cortex_api_client.operations import OperationSpec

from cortex_wrapper._registry import presentation

ROOT = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = json.loads((ROOT / "spec" / "reconciled" / "openapi.json").read_text("utf-8"))
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

OPERATIONS: dict[str, OperationSpec[Any]] = {spec.method_name: spec for spec in TABLE}
"""Client method name (``audit_logs``, ...) to its generated description."""
PATHS = {name: spec.path for name, spec in OPERATIONS.items()}
LIST_KEYS = {name: spec.list_key for name, spec in OPERATIONS.items()}
UPPER_BOUND = {name: next(p.wire for p in spec.parameters if p.name == spec.upper_bound) for name, spec in OPERATIONS.items()}
"""The wire name of each operation's upper time bound (``endTime``, ``untilDate``)."""
LOWER_FILTER = {name: spec.lower_bound for name, spec in OPERATIONS.items()}
UPPER_FILTER = {name: spec.upper_bound for name, spec in OPERATIONS.items()}
"""The client's keyword for each operation's time window (``start_time``/``end_time``, ...)."""
COMMANDS = {presentation(spec).command: name for name, spec in OPERATIONS.items()}
"""``cortex-logs`` command to client method name, as the registry presents each operation."""
