"""The served operations, from the generated operation table, with the argument checks the client adds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from cortex_api_client import operations as table
from cortex_api_client.operations import OperationSpec, Record

if TYPE_CHECKING:
    from cortex_api_client.models import AuditLogResponse, NotificationLog, NotificationRun

from ._defaults import MAX_PAGE_SIZE, MAX_QUERY_LENGTH
from ._errors import InvalidParameterError
from ._params import Pairs, Param, query_length, unsendable

T = TypeVar("T", bound=Record)


@dataclass(frozen=True)
class Operation(Generic[T]):
    """A paged list operation: its table entry, and its filters by Python name."""

    spec: OperationSpec[T]
    params: Mapping[str, Param] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", {p.name: Param(p) for p in self.spec.parameters})

    @property
    def operation_id(self) -> str:
        """``getAuditLogs``."""
        return self.spec.operation_id

    @property
    def path(self) -> str:
        """``/api/v1/audit-logs``."""
        return self.spec.path

    @property
    def list_key(self) -> str:
        """The key of the records' list in a page body (``logs``, ``runs``)."""
        return self.spec.list_key

    @property
    def permission(self) -> str:
        """The permission the token needs (``View audit logs``)."""
        return self.spec.permission

    @property
    def lower_bound(self) -> str:
        """The Python name of the lower time bound (``start_time``, ``from_date``)."""
        return self.spec.lower_bound

    @property
    def upper_bound(self) -> str:
        """The Python name of the upper time bound (``end_time``, ``until_date``)."""
        return self.spec.upper_bound

    @property
    def id_field(self) -> str | None:
        """The record attribute that identifies it, when records have one."""
        return self.spec.id_field

    @cached_property
    def parse_item(self) -> Callable[[Mapping[str, Any]], T]:
        """The record model's ``from_dict`` (looked up once: ``spec.model`` imports the model)."""
        return self.spec.model.from_dict

    def encode_extra(self, extra_query: Mapping[str, Any] | None) -> Pairs:
        """``extra_query``: parameters the pinned spec does not know, checked and sent as given, after the rest."""
        if extra_query is None:
            return []
        if not isinstance(extra_query, Mapping):
            raise InvalidParameterError("extra_query", f"must be a mapping of name to value(s), got {extra_query!r}")
        known = {p.wire: p.name for p in self.params.values()} | {"page": "page_size", "pageSize": "page_size"}
        pairs: Pairs = []
        for name, value in extra_query.items():
            if not isinstance(name, str) or not name.strip():
                raise InvalidParameterError("extra_query", f"names must be non-empty str, got {name!r}")
            python = known.get(name) or next((p.name for p in self.params.values() if p.name == name), None)
            if python is not None:
                raise InvalidParameterError(
                    "extra_query", f"{name!r} is a parameter the spec knows: use the keyword argument {python}=...")
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
                raise InvalidParameterError("extra_query", f"{name}: values must be str or a list of str, got {value!r}")
            for text in values:
                reason = unsendable(text)
                if reason is not None:
                    raise InvalidParameterError("extra_query", f"{name}: {reason}, got {text!r}")
                pairs.append((name, text))
        return pairs

    def encode(self, filters: Mapping[str, Any], where: str = "") -> Pairs:
        """Check every filter and return the query pairs, in the spec's parameter order (``query`` without extras)."""
        return self.query(filters, None, where)

    def query(self, filters: Mapping[str, Any], extra_query: Mapping[str, Any] | None = None, where: str = "", *,
              frozen: bool = False) -> Pairs:
        """The query of a call: every filter checked, in the spec's order, then ``extra_query``; checked whole.

        One length check covers it all, with the pairs each request of the crawl adds at their longest
        (``page``, ``pageSize`` and, when ``frozen``, the upper time bound the crawl freezes): a query over
        ``MAX_QUERY_LENGTH`` (httpx cannot send a URL over 65,536 characters) raises ``InvalidParameterError``
        naming its largest part, a filter or ``extra_query``, before any request. ``where`` names the public
        method in the ``TypeError`` for an unknown keyword.
        """
        unknown = [name for name in filters if name not in self.params]
        if unknown:
            method = where or self.spec.method_name
            raise TypeError(
                f"{method}() got an unexpected keyword argument {unknown[0]!r}; its filters are: "
                + ", ".join(self.params)
            )
        parts: dict[str, Pairs] = {name: param.encode(filters.get(name)) for name, param in self.params.items()}
        parts["extra_query"] = self.encode_extra(extra_query)
        lengths = {name: query_length(pairs) for name, pairs in parts.items() if pairs}
        added = [("page", str(_LONGEST_PAGE)), ("pageSize", str(MAX_PAGE_SIZE))]
        if frozen:
            added.append((self.params[self.upper_bound].wire, _LONGEST_BOUND))
        total = query_length([pair for pairs in parts.values() for pair in pairs] + added)
        if total > MAX_QUERY_LENGTH:
            largest = max(lengths, key=lengths.__getitem__)
            raise InvalidParameterError(
                largest, f"the query encodes to {total:,} characters of URL (filters, extra_query, page and page "
                f"size), over the {MAX_QUERY_LENGTH:,} a request can carry ({largest}: {lengths[largest]:,}); "
                "split it over several calls",
            )
        return [pair for pairs in parts.values() for pair in pairs]


_LONGEST_PAGE = 2**31 - 1
"""The page number the length check reserves room for (the API's ``page`` is an int32)."""
_LONGEST_BOUND = "9999-12-31T23:59:59.999"
"""The longest upper bound the crawl freezes (``format_datetime`` with milliseconds)."""


OPERATIONS: tuple[Operation[Any], ...] = tuple(Operation(spec) for spec in table.OPERATIONS)
"""Every served operation, in the table's order."""
_BY_ID = {operation.operation_id: operation for operation in OPERATIONS}


def operation_of(spec: OperationSpec[T]) -> Operation[T]:
    """The served operation that the table's ``spec`` describes."""
    found: Operation[T] = _BY_ID[spec.operation_id]
    return found

AUDIT_LOGS: Operation[AuditLogResponse] = _BY_ID[table.AUDIT_LOGS.operation_id]
NOTIFICATION_LOGS: Operation[NotificationLog] = _BY_ID[table.NOTIFICATION_LOGS.operation_id]
NOTIFICATION_RUNS: Operation[NotificationRun] = _BY_ID[table.NOTIFICATION_RUNS.operation_id]
