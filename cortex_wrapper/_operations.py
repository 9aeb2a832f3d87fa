"""The argument checks the client adds to the generated operation table, as functions of its ``OperationSpec``.

The table (``cortex_api_client.operations``) is the one description of an operation; this module only
checks and encodes a call's arguments against it, and finds the function that parses its records.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from cortex_api_client.operations import OperationSpec, Parameter, Record

from ._defaults import MAX_PAGE_SIZE, MAX_QUERY_LENGTH
from ._errors import InvalidParameterError
from ._params import Pairs, encode_param, query_length, unsendable

T = TypeVar("T", bound=Record)


@functools.cache
def params_of(spec: OperationSpec[Any]) -> Mapping[str, Parameter]:
    """The filters of ``spec`` by Python name (``start_time``), in the spec's order."""
    return {p.name: p for p in spec.parameters}


@functools.cache
def parse_function(spec: OperationSpec[T]) -> Callable[[Mapping[str, Any]], T]:
    """The record model's ``from_dict`` (looked up once per operation: ``spec.model`` imports the model)."""
    return spec.model.from_dict


def time_bounds(spec: OperationSpec[Any]) -> tuple[str, str] | None:
    """The filters of ``spec``'s lower and upper time bounds (``start_time``, ``end_time``); None when it has none.

    An operation without a ``date-time`` filter (``listGitOpsLogs``) has no time bounds: a call pages through
    every record as served, with no bound to freeze, and nothing can narrow a later read to what is new.
    """
    if spec.lower_bound is None or spec.upper_bound is None:
        return None
    return spec.lower_bound, spec.upper_bound


def require_bounds(spec: OperationSpec[Any], what: str) -> tuple[str, str]:
    """``time_bounds(spec)``, or ``ValueError`` saying that ``what`` (``an incremental read``) needs them."""
    bounds = time_bounds(spec)
    if bounds is None:
        raise ValueError(f"{spec.operation_id} has no time bounds (the API filters it by no date), so {what} "
                         f"cannot narrow a read to what is new: page it in full ({spec.method_name}())")
    return bounds


def encode_extra(spec: OperationSpec[Any], extra_query: Mapping[str, Any] | None) -> Pairs:
    """``extra_query``: parameters the pinned spec does not know, checked and sent as given, after the rest."""
    if extra_query is None:
        return []
    if not isinstance(extra_query, Mapping):
        raise InvalidParameterError("extra_query", f"must be a mapping of name to value(s), got {extra_query!r}")
    params = params_of(spec)
    known = {p.wire: p.name for p in params.values()} | {"page": "page_size", "pageSize": "page_size"}
    pairs: Pairs = []
    for name, value in extra_query.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidParameterError("extra_query", f"names must be non-empty str, got {name!r}")
        python = known.get(name) or (name if name in params else None)
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


def encode(spec: OperationSpec[Any], filters: Mapping[str, Any], where: str = "") -> Pairs:
    """Check every filter and return the query pairs, in the spec's parameter order (``query`` without extras)."""
    return query(spec, filters, None, where)


def query(spec: OperationSpec[Any], filters: Mapping[str, Any], extra_query: Mapping[str, Any] | None = None,
          where: str = "", *, frozen: bool = False) -> Pairs:
    """The query of a call: every filter checked, in the spec's order, then ``extra_query``; checked whole.

    One length check covers it all, with the pairs each request of the crawl adds at their longest
    (``page``, ``pageSize`` and, when ``frozen``, the upper time bound the crawl freezes): a query over
    ``MAX_QUERY_LENGTH`` (httpx cannot send a URL over 65,536 characters) raises ``InvalidParameterError``
    naming its largest part, a filter or ``extra_query``, before any request. ``where`` names the public
    method in the ``TypeError`` for an unknown keyword.
    """
    params = params_of(spec)
    unknown = [name for name in filters if name not in params]
    if unknown:
        method = where or spec.method_name
        raise TypeError(
            f"{method}() got an unexpected keyword argument {unknown[0]!r}; its filters are: " + ", ".join(params)
        )
    parts: dict[str, Pairs] = {name: encode_param(param, filters.get(name)) for name, param in params.items()}
    parts["extra_query"] = encode_extra(spec, extra_query)
    lengths = {name: query_length(pairs) for name, pairs in parts.items() if pairs}
    added = [("page", str(_LONGEST_PAGE)), ("pageSize", str(MAX_PAGE_SIZE))]
    if frozen and spec.upper_bound is not None:
        added.append((params[spec.upper_bound].wire, _LONGEST_BOUND))
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
