"""The operations under test, from the generated operation table and the registry: no test keeps its own copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cortex_api_client.operations import OPERATIONS as TABLE
from cortex_api_client.operations import OperationSpec

from cortex_wrapper._operations import params_of, time_bounds
from cortex_wrapper._registry import presentation

ROOT = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = json.loads((ROOT / "spec" / "reconciled" / "openapi.json").read_text("utf-8"))
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

OPERATIONS: dict[str, OperationSpec[Any]] = {spec.method_name: spec for spec in TABLE}
"""Client method name (``audit_logs``, ...) to its generated description."""
PATHS = {name: spec.path for name, spec in OPERATIONS.items()}
LIST_KEYS = {name: spec.list_key for name, spec in OPERATIONS.items()}
BOUNDS: dict[str, tuple[str, str]] = {name: bounds for name, spec in OPERATIONS.items()
                                      if (bounds := time_bounds(spec)) is not None}
"""The operations with time bounds (not ``git_ops_logs``: paged in full), each its lower and upper filter."""
UPPER_BOUND = {name: params_of(OPERATIONS[name])[upper].wire for name, (_, upper) in BOUNDS.items()}
"""The wire name of each bounded operation's upper time bound (``endTime``, ``untilDate``)."""
LOWER_FILTER = {name: lower for name, (lower, _) in BOUNDS.items()}
UPPER_FILTER = {name: upper for name, (_, upper) in BOUNDS.items()}
"""The client's keyword for each bounded operation's time window (``start_time``/``end_time``, ...)."""
COMMANDS = {presentation(spec).command: name for name, spec in OPERATIONS.items()}
"""``cortex-logs`` command to client method name, as the registry presents each operation."""
