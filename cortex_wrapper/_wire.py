"""Records as the API sent them (``RawRecord``), and the one validation of a record (``RecordCheck``).

``pager.raw_pages()`` yields these instead of models, for consumers that must keep every record exactly
as it came (an audit-log exporter): same keys, same order, same timestamp text, unknown fields and enum
values as sent. Each is still checked against the spec:

* ``split_body`` walks the page's top-level JSON object with the standard library's decoder and takes
  each record of the list with the span of text it came in, at about the cost of ``json.loads``;
* ``RecordCheck`` accepts a record whose every field has its spec type (required fields present,
  timestamps that parse, the fields of nested objects and of arrays' items too, at any depth), from the operation table's fields, and records unknown
  enum values in ``UNKNOWN_ENUM_VALUES`` as the models do; for a record it refuses it raises the error that
  names the field. It is the only validation of a record: ``pages()`` runs it before building the models,
  so a body is accepted by ``raw_pages()`` exactly when ``pages()`` accepts it, with the same error.
"""

from __future__ import annotations

import datetime as dt
import json
import json.decoder
import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any, ClassVar

from cortex_api_client.operations import ENUM_SITES, Field, OperationSpec
from cortex_api_client.types import UNKNOWN_ENUM_VALUES, parse_datetime

_WHITESPACE = re.compile(r"[ \t\n\r]*").match  # JSON's insignificant whitespace, as json.decoder skips it
_BLANKS = " \t\n\r"
_DECODER = json.JSONDecoder()
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]  # raw_decode's C scanner


@dataclass(frozen=True, slots=True, eq=False)  # its own __eq__ (by data), and so no hash: see below
class RawRecord:
    """One record as the API sent it: ``data`` (the decoded JSON object, keys in wire order) and ``text``.

    ``text`` is the record's JSON text exactly as it stood in the response body (escapes, spacing and
    number forms included). Two records are equal when their data are; like their data (a dict), records
    have no hash.
    """

    data: dict[str, Any]
    text: str
    __hash__: ClassVar[None]  # type: ignore[assignment]  # as dict declares it: not Hashable, for a type checker too

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawRecord) and self.data == other.data

    def get(self, wire_name: str, default: Any = None) -> Any:
        """The value of a field by its wire name (``dateCreated``), or ``default``."""
        return self.data.get(wire_name, default)


def compact_encoder(*, ensure_ascii: bool, sort_keys: bool = False, allow_nan: bool = True) -> Callable[[Any], str]:
    """``json.JSONEncoder(separators=(",", ":"), ...).encode`` with these options, built once.

    ``JSONEncoder.encode`` builds its C encoder again on every call; this builds it once and calls it (same
    text), without the check for reference cycles (decoded JSON has none, nor do the events built from it).
    Needed: ``JSONEncoder.encode`` took an eighth more instructions per ECS or OCSF event, which with the event
    templates of ``cli._siem`` keep audit ECS and OCSF under the 20 us a record budget (BENCHMARKS.md).
    """
    python = json.JSONEncoder(ensure_ascii=ensure_ascii, separators=(",", ":"), sort_keys=sort_keys,
                              allow_nan=allow_nan, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C accelerator
        return python.encode
    strings = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    chunks = make(None, python.default, strings, None, ":", ",", sort_keys, False, allow_nan)
    join = "".join
    return lambda value: join(chunks(value, 0))


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
                records, index = _scan_list(text, index + 1)
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


def _scan_list(text: str, index: int) -> tuple[list[RawRecord], int]:
    """The records of the list whose ``[`` is just before ``text[index]``, and the index after the list.

    Each record is decoded by the C scanner on its own, so its span of text comes with it.
    """
    records: list[RawRecord] = []
    index = _skip(text, index)
    if text[index:index + 1] == "]":
        return records, index + 1
    while True:
        try:
            value, end = _SCAN(text, index)
        except StopIteration:
            raise ValueError(f"expected a value at {index}") from None
        records.append(RawRecord(value, text[index:end]))
        # a compact list (as the API sends) has no whitespace to skip: a look at one character spares two calls a
        # record. Needed: splitting a page of 1,000 audit entries took 2.7 us a record with them, 1.8 without,
        # a share of the ECS and OCSF budget's margin (BENCHMARKS.md)
        index = _skip(text, end) if text[end:end + 1] in _BLANKS else end
        separator = text[index:index + 1]
        index += 1
        if separator == "]":
            return records, index
        if separator != ",":
            raise ValueError(f"expected ',' or ']' at {index - 1}")
        if text[index:index + 1] in _BLANKS:
            index = _skip(text, index)


_TYPES: dict[str, frozenset[type]] = {
    "str": frozenset({str}), "enum": frozenset({str}), "datetime": frozenset({str}), "int": frozenset({int}),
    "number": frozenset({int, float}), "bool": frozenset({bool}), "array": frozenset({list}),
    "object": frozenset({dict}),
}
"""The JSON types (as ``json.loads`` gives them) a non-null value of each field type may have."""
_TYPE_NAMES = {"str": "str", "enum": "str", "datetime": "str", "int": "int", "number": "float or int", "bool": "bool",
               "array": "list", "object": "dict"}


class _Absent:
    """The value in a column (``dict.get``'s default) of a record that lacks the field."""

    __slots__ = ()


ABSENT = _Absent()
"""What ``column`` holds for a record that lacks the field: not None, which a record may hold."""


def column(records: Sequence[Mapping[str, Any]], wire: str, default: Any = ABSENT) -> list[Any]:
    """The values of field ``wire`` across ``records``, ``default`` where a record lacks it (at C speed)."""
    count = len(records)
    return list(map(dict.get, records, repeat(wire, count), repeat(default, count)))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Column:
    """A field across a page's records: its ``values`` (``column``), their ``types`` and whether any is ``absent``."""

    values: list[Any]
    types: set[type]
    """The types of the values, ``ABSENT``'s left out."""
    absent: bool
    """True when some record lacks the field."""


def take_column(records: Sequence[Mapping[str, Any]], wire: str) -> Column:
    """The ``Column`` of field ``wire`` across ``records``: two passes at C speed."""
    values = column(records, wire)
    found = set(map(type, values))
    absent = _Absent in found
    found.discard(_Absent)
    return Column(values, found, absent)


def _enum_values() -> dict[str, frozenset[str]]:
    """Per enum class, every value it lists: the union over the sites that share the class (its concept)."""
    values: dict[str, set[str]] = {}
    for site in ENUM_SITES.values():
        if site.class_name is not None and not site.open:
            values.setdefault(site.class_name, set()).update(site.values)
    return {name: frozenset(known) for name, known in values.items()}


class _Shape:
    """What the table says of one object schema: each field's types, the required ones, the nested items' shapes."""

    def __init__(self, fields: Sequence[Field], known: Mapping[str, frozenset[str]]) -> None:
        self.fields = tuple(fields)
        self.types: dict[str, frozenset[type]] = {}  # the types a present, non-null value may have
        self.items: dict[str, _Shape] = {}  # arrays of objects: their items' shape
        self.objects: dict[str, _Shape] = {}  # object fields with described fields: their shape
        self.required = frozenset(f.wire for f in fields if f.required)
        self.dates = frozenset(f.wire for f in fields if f.value_type == "datetime")
        self.enums: dict[str, tuple[str, frozenset[str]]] = {}
        for f in fields:
            if f.value_type == "array" and f.items:
                self.items[f.wire] = _Shape(f.items, known)
            elif f.value_type == "object" and f.items:
                self.objects[f.wire] = _Shape(f.items, known)
            self.types[f.wire] = _TYPES[f.value_type]
            site = ENUM_SITES.get(f.site) if f.site else None
            if f.value_type == "enum" and site is not None and site.class_name is not None and site.class_name in known:
                self.enums[f.wire] = (site.class_name, known[site.class_name])

    def accepts_all(self, records: Sequence[dict[str, Any]]) -> bool:
        """True when every record (a dict) has each field's type, its required fields and times that parse."""
        return self.scan(records) is not None

    def scan(self, records: Sequence[dict[str, Any]]) -> bool | None:
        """Whether some field of ``records`` (nested ones too) holds a null; None when a record does not fit.

        A record (a dict) fits when it has each field's type, its required fields and times that parse.
        Field by field: a pass over each column at C speed, not a loop per record.
        """
        nulls = False
        for wire, allowed in self.types.items():
            found = take_column(records, wire)
            null = type(None) in found.types
            if not found.types - {type(None)} <= allowed or (wire in self.required and (found.absent or null)):
                return None
            nulls = nulls or null
            if wire in self.dates and not _all_parse([v for v in found.values if type(v) is str]):
                return None
            shape = self.items.get(wire)
            if shape is not None:
                nested = list(chain.from_iterable(v for v in found.values if type(v) is list))
                if not set(map(type, nested)) <= {dict}:
                    return None
                inner = shape.scan(nested)
                if inner is None:
                    return None
                nulls = nulls or inner
            shape = self.objects.get(wire)
            if shape is not None:
                inner = shape.scan([v for v in found.values if type(v) is dict])
                if inner is None:
                    return None
                nulls = nulls or inner
        return nulls

    def check(self, record: dict[str, Any]) -> None:
        """Raise why ``record`` does not fit, naming the first field that does not, in the table's order.

        ``KeyError(path)`` for a required field absent or null, ``TypeError`` for a value of another type,
        ``ValueError`` (or ``OverflowError``), as ``parse_datetime`` raises it, for a time that does not parse. A field of
        a nested item or object is named by its path (``notificationObjects[1].id``, ``files[0].entity.tag``).
        """
        for f in self.fields:
            value = record.get(f.wire)
            if value is None:
                if f.wire in self.required:
                    raise KeyError(f.wire)
                continue
            allowed = self.types[f.wire]
            if type(value) not in allowed:
                raise TypeError(f"{f.wire} is {type(value).__name__}, not {_TYPE_NAMES[f.value_type]}")
            if f.wire in self.dates:
                try:
                    parse_datetime(value)
                except (ValueError, OverflowError) as exc:  # the same class of error, naming the field
                    raise _base_class(exc)(f"{f.wire}: {exc}") from None
            shape = self.items.get(f.wire)
            for index, item in enumerate(value if shape is not None else ()):
                where = f"{f.wire}[{index}]"
                if type(item) is not dict:
                    raise TypeError(f"{where} is {type(item).__name__}, not an object")
                _check_nested(shape, item, where)  # type: ignore[arg-type]  # not None when there are items
            if f.wire in self.objects:
                _check_nested(self.objects[f.wire], value, f.wire)

    def record_enums(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Record the unknown enum values of accepted records in ``UNKNOWN_ENUM_VALUES``, in the order they come."""
        for wire, (class_name, listed) in self.enums.items():
            values = column(records, wire)
            unknown = set(values).difference(listed, (None, ABSENT))
            for value in values if unknown else ():
                if value in unknown:
                    UNKNOWN_ENUM_VALUES.add(class_name, value)
        for wire, shape in self.items.items():
            nested = list(chain.from_iterable(v for v in column(records, wire) if type(v) is list))
            shape.record_enums(nested)
        for wire, shape in self.objects.items():
            shape.record_enums([v for v in column(records, wire) if type(v) is dict])


def _check_nested(shape: _Shape, value: dict[str, Any], where: str) -> None:
    """``shape.check(value)``, the error naming the nested field by its path (``files[0].entity.tag``)."""
    try:
        shape.check(value)
    except KeyError as exc:
        raise KeyError(f"{where}.{exc.args[0]}") from None
    except (TypeError, ValueError, OverflowError) as exc:  # the same class of error, its path prefixed
        raise _base_class(exc)(f"{where}.{exc}") from None


_PARSES: Callable[[str], object] = dt.datetime.fromisoformat
"""What ``parse_datetime`` (the one parser of wire timestamps) parses: it only adds UTC to an offset-less time."""


def _all_parse(values: list[str]) -> bool:
    """True when ``parse_datetime`` parses every value (``_PARSES`` without its call per value)."""
    try:
        deque(map(_PARSES, values), maxlen=0)
    except (ValueError, OverflowError):
        return False
    return True


def _base_class(error: Exception) -> type[Exception]:
    """``TypeError``, ``OverflowError`` or ``ValueError``: the one ``error`` is (a subclass may take other arguments)."""
    return next(cls for cls in (TypeError, OverflowError, ValueError) if isinstance(error, cls))


class RecordCheck:
    """The one validation of an operation's records: against its fields in the operation table.

    A record is accepted when every field has its spec type (nested arrays of objects included), its
    required fields are present and not null, and its timestamps parse (as ``parse_datetime`` parses them);
    its unknown enum values are then recorded in ``UNKNOWN_ENUM_VALUES``, as the models record them. Both
    ``pages()`` (which then builds the models) and ``raw_pages()`` judge records here, so they accept the
    same records and raise the same error for the same record.
    """

    def __init__(self, spec: OperationSpec[Any]) -> None:
        self._shape = _Shape(spec.fields, _enum_values())

    def __call__(self, data: dict[str, Any]) -> None:
        """Accept ``data`` or raise why not (``KeyError``, ``TypeError``, ``ValueError``: ``_Shape.check``)."""
        if not self._shape.accepts_all([data]):
            self._shape.check(data)
        self._shape.record_enums([data])

    def page(self, records: Sequence[dict[str, Any]]) -> bool:
        """``self(record)`` for each of a page's records (dicts), field by field when every one fits.

        Returns whether some record holds a null (so its model must be built with nulls read as absent).
        """
        nulls = self._shape.scan(records)
        if nulls is not None:
            self._shape.record_enums(records)
            return nulls
        for data in records:
            self(data)
        return True  # not reached for a page that does not fit: one of the records raised
