"""The three operations: path, list key, model, permission and parameters, from the spec."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from cortex_api_client.models import AuditLogResponse, NotificationLog, NotificationRun

from ._defaults import MAX_QUERY_LENGTH
from ._errors import InvalidParameterError
from ._params import Pairs, Param, params_from_spec
from ._spec import spec

T = TypeVar("T")


@dataclass(frozen=True)
class Operation(Generic[T]):
    """A paged list operation of the Cortex API."""

    operation_id: str
    path: str
    list_key: str
    parse_item: Callable[[Mapping[str, Any]], T]
    permission: str
    params: Mapping[str, Param]
    lower_bound: str
    upper_bound: str
    id_field: str | None

    def encode(self, filters: Mapping[str, Any]) -> Pairs:
        """Check every filter and return the query pairs, in the spec's parameter order."""
        unknown = set(filters) - set(self.params)
        if unknown:
            raise TypeError(f"unexpected filter(s) {sorted(unknown)}; valid: {', '.join(self.params)}")
        pairs: Pairs = []
        lengths: dict[str, int] = {}
        for name, param in self.params.items():
            encoded = param.encode(filters.get(name))
            lengths[name] = len(urlencode(encoded))
            pairs += encoded
        if sum(lengths.values()) > MAX_QUERY_LENGTH:
            largest = max(lengths, key=lengths.__getitem__)
            raise InvalidParameterError(
                largest, f"the filters encode to {sum(lengths.values()):,} characters of URL query, over the "
                f"{MAX_QUERY_LENGTH:,} a request can carry ({largest}: {lengths[largest]:,}); split it over several calls",
            )
        return pairs


def _operation(
    operation_id: str,
    *,
    list_key: str,
    parse_item: Callable[[Mapping[str, Any]], T],
    permission: str,
    bounds: tuple[str, str],
    id_field: str | None,
) -> Operation[T]:
    for path, item in spec()["paths"].items():
        op = item.get("get")
        if op and op["operationId"] == operation_id:
            return Operation(
                operation_id, path, list_key, parse_item, permission,
                params_from_spec(op, operation_id), bounds[0], bounds[1], id_field,
            )
    raise LookupError(f"the reconciled spec has no GET operation {operation_id}")


AUDIT_LOGS = _operation(
    "getAuditLogs",
    list_key="logs",
    parse_item=AuditLogResponse.from_dict,
    permission="View audit logs",
    bounds=("start_time", "end_time"),
    id_field=None,
)
NOTIFICATION_LOGS = _operation(
    "listNotificationLogs",
    list_key="logs",
    parse_item=NotificationLog.from_dict,
    permission="View Notification logs",
    bounds=("from_date", "until_date"),
    id_field="id",
)
NOTIFICATION_RUNS = _operation(
    "listNotificationRuns",
    list_key="runs",
    parse_item=NotificationRun.from_dict,
    permission="View Notification logs",
    bounds=("from_date", "until_date"),
    id_field="id",
)
OPERATIONS = (AUDIT_LOGS, NOTIFICATION_LOGS, NOTIFICATION_RUNS)
