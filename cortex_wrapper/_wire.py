"""Records as the API sent them (``RawRecord``): split out of a page body with their own text, then validated.

``pager.raw_pages()`` yields these instead of models, for consumers that must keep every record exactly
as it came (an audit-log exporter): same keys, same order, same timestamp text, unknown fields and enum
values as sent. Each is still checked against the spec, as strictly as the models check it:

* ``split_body`` walks the page's top-level JSON object with the standard library's decoder and takes
  each record of the list with the span of text it came in, at about the cost of ``json.loads``;
* ``RecordCheck`` accepts a record whose every field has its spec type (required fields present,
  timestamps that parse, enum fields text) without building a model, and records unknown enum values in
  ``UNKNOWN_ENUM_VALUES`` as the models do. Anything it cannot vouch for (a nested object, a field of
  the wrong type) goes through the model parse, which raises the same error it raises for ``pages()``.
  So a body is accepted by ``raw_pages()`` exactly when ``pages()`` accepts it.
"""

from __future__ import annotations

import json
import json.decoder
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cortex_api_client.operations import ENUM_SITES, OperationSpec
from cortex_api_client.types import UNKNOWN_ENUM_VALUES, parse_datetime

_WHITESPACE = re.compile(r"[ \t\n\r]*").match  # JSON's insignificant whitespace, as json.decoder skips it
_DECODER = json.JSONDecoder()
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as the API sent it: ``data`` (the decoded JSON object, keys in wire order) and ``text``.

    ``text`` is the record's JSON text exactly as it stood in the response body (escapes, spacing and
    number forms included). Two records are equal when their data are.
    """

    data: dict[str, Any]
    text: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawRecord) and self.data == other.data

    def __hash__(self) -> int:
        return hash(self.text)

    def get(self, wire_name: str, default: Any = None) -> Any:
        """The value of a field by its wire name (``dateCreated``), or ``default``."""
        return self.data.get(wire_name, default)


def _skip(text: str, index: int) -> int:
    found = _WHITESPACE(text, index)
    assert found is not None  # the pattern matches the empty string
    return found.end()


def split_body(text: str, list_key: str) -> tuple[dict[str, Any], list[RawRecord] | None]:
    """The page's top-level fields, and the records of ``list_key`` with their text (None: not a list).

    Raises ``ValueError`` when ``text`` is not one JSON object. A record that is not an object is kept
    with ``data`` set to what it is, for the caller to reject.
    """
    index = _skip(text, 0)
    if text[index:index + 1] != "{":
        raise ValueError("not a JSON object")
    envelope: dict[str, Any] = {}
    records: list[RawRecord] | None = None
    index = _skip(text, index + 1)
    if text[index:index + 1] == "}":
        index += 1
    else:
        while True:
            if text[index:index + 1] != '"':
                raise ValueError(f"expected a key at {index}")
            key, index = _scanstring(text, index + 1)
            index = _skip(text, index)
            if text[index:index + 1] != ":":
                raise ValueError(f"expected ':' at {index}")
            index = _skip(text, index + 1)
            if key == list_key and text[index:index + 1] == "[":
                records, index = _split_list(text, index + 1)
                envelope[key] = None
            else:
                envelope[key], index = _DECODER.raw_decode(text, index)
                if key == list_key:
                    records = None
            index = _skip(text, index)
            separator = text[index:index + 1]
            index += 1
            if separator == "}":
                break
            if separator != ",":
                raise ValueError(f"expected ',' or '}}' at {index - 1}")
            index = _skip(text, index)
    if _skip(text, index) != len(text):
        raise ValueError("extra data after the JSON object")
    return envelope, records


def _split_list(text: str, index: int) -> tuple[list[RawRecord], int]:
    records: list[RawRecord] = []
    index = _skip(text, index)
    if text[index:index + 1] == "]":
        return records, index + 1
    decode, append = _DECODER.raw_decode, records.append
    while True:
        value, end = decode(text, index)
        append(RawRecord(value, text[index:end]))
        separator = text[end:end + 1]
        if separator == "," and text[end + 1:end + 2] == "{":  # compact JSON, the usual case: no whitespace to skip
            index = end + 1
            continue
        index = _skip(text, end)
        separator = text[index:index + 1]
        index += 1
        if separator == "]":
            return records, index
        if separator != ",":
            raise ValueError(f"expected ',' or ']' at {index - 1}")
        index = _skip(text, index)


_TYPES: dict[str, frozenset[type]] = {
    "str": frozenset({str}), "enum": frozenset({str}), "datetime": frozenset({str}), "int": frozenset({int}),
    "number": frozenset({int, float}), "bool": frozenset({bool}),
}


def _enum_values() -> dict[str, frozenset[str]]:
    """Per enum class, every value it lists: the union over the sites that share the class (its concept)."""
    values: dict[str, set[str]] = {}
    for site in ENUM_SITES.values():
        if site.class_name is not None and not site.open:
            values.setdefault(site.class_name, set()).update(site.values)
    return {name: frozenset(known) for name, known in values.items()}


class RecordCheck:
    """The fast check of one operation's records against its fields in the operation table."""

    def __init__(self, spec: OperationSpec[Any], full_parse: Callable[[dict[str, Any]], object]) -> None:
        known = _enum_values()
        self._types: dict[str, frozenset[type]] = {}
        self._nested: set[str] = set()
        self._required = frozenset(f.wire for f in spec.fields if f.required)
        self._dates = tuple(f.wire for f in spec.fields if f.value_type == "datetime")
        self._enums: list[tuple[str, str, frozenset[str]]] = []
        for f in spec.fields:
            if f.value_type in _TYPES:
                allowed = _TYPES[f.value_type]
                self._types[f.wire] = allowed if f.required else allowed | {type(None)}
            else:
                self._nested.add(f.wire)
            site = ENUM_SITES.get(f.site) if f.site else None
            if f.value_type == "enum" and site is not None and site.class_name in known:
                self._enums.append((f.wire, site.class_name, known[site.class_name]))
        self._full_parse = full_parse

    def __call__(self, data: Any) -> None:
        """Accept ``data`` or raise what the model parse raises for it (``KeyError``, ``TypeError``, ``ValueError``)."""
        if not isinstance(data, dict) or not self._fast(data):
            self._full_parse(data)
            return
        for wire, class_name, values in self._enums:
            value = data.get(wire)
            if value is not None and value not in values:
                UNKNOWN_ENUM_VALUES.add(class_name, value)

    def _fast(self, data: Mapping[str, Any]) -> bool:
        types = self._types
        for key, value in data.items():
            allowed = types.get(key)
            if allowed is None:
                if key in self._nested:
                    return False  # nested models: the full parse checks them
            elif type(value) not in allowed:
                return False
        if not self._required <= data.keys():
            return False
        for wire in self._dates:
            value = data.get(wire)
            if value is not None:
                try:
                    parse_datetime(value)
                except (ValueError, OverflowError):
                    return False
        return True
