r"""Output formats: JSONL and CSV (both lossless) and an aligned text table.

Records come as the API sent them (``RawRecord``: the decoded data and the record's own JSON text), so
unknown enum values, fields the schema does not know, key order and timestamp text are kept. Text is
UTF-8; a lone surrogate (``"\ud800"`` is valid JSON, but no UTF-8 can hold what it decodes to) never
stops an export:

* JSONL is each record's JSON text exactly as it came, one per line. Only text that cannot stand on
  one line as UTF-8 is rewritten (a record spread over several lines is written compact; a lone
  surrogate written raw becomes its JSON escape), and every line parses back to the same value. The
  ``NaN``, ``Infinity`` and ``-Infinity`` tokens, which Python's json reads but JSON lacks, are written as
  strings (``"NaN"``); a number past a double's range (``1e400``) is JSON and stays as sent. With
  ``--with-id`` the record's stable event id comes first, as ``"_event_id"``.
* CSV has a fixed header: every property of the record schema (``Command.columns``) plus ``_extra``, a
  JSON object (escaped as in JSONL) of the fields no column holds exactly (``_event_id`` first with
  ``--with-id``). A column holds the wire value: text as sent (quoted when it holds ``"``, ``,``, CR or
  LF; timestamps as sent), integers in decimal, booleans as ``true``/``false``, arrays and objects
  (``notificationObjects``) as JSON. An empty cell is an absent field. Every value a cell cannot tell
  apart from something else goes to ``_extra`` and leaves its cell empty: the empty string
  (``{"objectType":""}``, not absent), text holding a lone surrogate, null, and a value of another
  type. ``read_csv`` reads columns, then applies ``_extra``; files written before values went to
  ``_extra`` read as they always did. JSON in a cell is ``to_json``'s: a value no double holds finitely
  (``1e400``, ``NaN``) is written as the string ``"Infinity"``, ``"-Infinity"`` or ``"NaN"``, as in ECS and OCSF.
* The table shows times (date-time columns) in UTC, an offset-less time being UTC as everywhere
  (``cortex_api_client.types.parse_datetime``); a time that UTC cannot hold (past the year 9999
  once in UTC) is shown as sent. Long cells are truncated, a lone surrogate shows as its escape.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from cortex_api_client.types import parse_datetime

from .._params import SURROGATE
from .._wire import ABSENT, RawRecord
from ._commands import Command
from ._json import escape_surrogates, record_json
from ._json import to_json as to_json  # the JSON of every format, long imported from here
from ._siem import MAPPINGS

EXTRA_COLUMN = "_extra"
NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?%?")
CELL_WIDTH = 32
TABLE_SAMPLE = 200
_NEEDS_QUOTES = re.compile('[",\r\n]')
"""A CSV cell holding any of these is quoted (its quotes doubled)."""


EVENT_ID = "_event_id"
"""The key (JSONL) and column (CSV) of a record's stable event id, with ``--with-id``."""


def jsonl_line(record: RawRecord, event_id: str | None = None) -> str:
    """The record's JSON text as sent, on one line of UTF-8; ``event_id`` first, as ``"_event_id"``, if given."""
    text = record_json(record)
    if event_id is not None:
        key = f'{{"{EVENT_ID}":{to_json(event_id)}'
        text = key + ("," + text[1:] if record.data else "}")
    return text + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return to_json(value)
    return str(value)


def _is_json_column(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") in ("array", "object") or "$ref" in schema


def _csv_cell(category: str, value: Any) -> str | None:
    """``value``'s cell in a column of ``category`` (``Command.csv_plan``); None when no cell holds it exactly.

    What a cell holds reads back (``_parse_cell``) as the value: text that is not empty and holds no lone
    surrogate, an int, a bool, and (``json``) any value but null. Anything else goes to ``_extra``.
    """
    if category == "text":
        return value if type(value) is str and value and (value.isascii() or not SURROGATE.search(value)) else None
    if category == "int":
        return str(value) if type(value) is int else None
    if category == "bool":
        return ("true" if value else "false") if type(value) is bool else None
    return None if value is None else to_json(value)


def _csv_field(cell: str) -> str:
    """A cell as a CSV field: quoted, its quotes doubled, when it holds a quote, comma, CR or LF."""
    return '"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell


def _csv_row(cells: Sequence[str]) -> str:
    """One CSV row. ``csv.writer`` would leave a lone CR bare (its line terminator is LF): this quotes it.

    Most rows need no quote: joined as they are, they hold no quote, CR or LF and only the separators' commas
    (a few scans at C speed, where a look at each cell costs a call per cell). Needed: runs CSV took 16.7 us a
    record without it, over the 15 us budget, and 11-13 with it (BENCHMARKS.md).
    """
    row = ",".join(cells)
    if '"' in row or "\n" in row or "\r" in row or row.count(",") != len(cells) - 1:
        row = ",".join(map(_csv_field, cells))
    return row + "\n"


def csv_header(command: Command, with_id: bool = False) -> str:
    """The header line: ``_event_id`` (with ``with_id``), the schema's properties and ``_extra``."""
    return _csv_row([*([EVENT_ID] if with_id else []), *command.columns, EXTRA_COLUMN])


def csv_line(command: Command, record: Mapping[str, Any], event_id: str | None = None) -> str:
    """One record (its wire data) as a CSV row under ``csv_header``: values no cell holds exactly go to ``_extra``.

    The one CSV encoder: every CSV line an export writes comes from here.
    """
    cells = [] if event_id is None else [event_id]
    misfits: dict[str, Any] = {}
    present = 0
    for name, category in command.csv_plan:
        value = record.get(name, ABSENT)
        if value is ABSENT:
            cells.append("")
            continue
        present += 1
        cell = _csv_cell(category, value)
        if cell is None:
            misfits[name] = value
            cell = ""
        cells.append(cell)
    # _extra: the fields no column holds (in the record's order), then the values no cell holds (columns' order)
    extra = {key: value for key, value in record.items() if key not in command.properties} if present < len(record) else {}
    extra.update(misfits)
    cells.append(to_json(extra) if extra else "")
    return _csv_row(cells)


def _parse_cell(schema: Mapping[str, Any], text: str) -> Any:
    if _is_json_column(schema):
        return json.loads(text)
    json_type = schema.get("type")
    if json_type == "integer":
        return int(text)
    if json_type == "boolean":
        return text == "true"
    return text


def read_csv(command: Command, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse a CSV export back into wire-form dicts (the inverse of ``csv_line``; open files with ``newline=""``)."""
    for row in csv.DictReader(lines):
        record = {
            name: _parse_cell(command.properties[name], text)
            for name, text in row.items()
            if name in command.properties and text != ""
        }  # an _event_id column is the exporter's, not the record's
        if row.get(EXTRA_COLUMN):
            record.update(json.loads(row[EXTRA_COLUMN]))
        yield record


def _utc_text(value: str) -> str | None:
    """A wire time as ``2026-11-21 09:14:03Z``; None when it is not one, or UTC cannot hold it."""
    try:
        moment = parse_datetime(value).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds") + "Z"  # %Y would not pad year 1


def _table_cell(value: Any, schema: Mapping[str, Any]) -> str:
    if isinstance(value, str) and schema.get("format") == "date-time" and (moment := _utc_text(value)):
        return moment
    text = " ".join(escape_surrogates(_cell(value)).split())
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """The width of each column: its longest cell or header."""
    return [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]


def render_rows(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int] | None = None
                ) -> list[str]:
    """Aligned lines: a header, a rule, then the rows (numbers right-aligned, lone surrogates as escapes)."""
    rows = [[escape_surrogates(cell) for cell in row] for row in rows]
    if widths is None:
        widths = column_widths(headers, rows)
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = (c.rjust(w) if NUMBER.fullmatch(c) else c.ljust(w)
                 for c, w in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
    return lines


class TableWriter:
    """A readable table: a chosen set of columns, long cells truncated; widths from the first rows."""

    def __init__(self, command: Command, write: Callable[[str], object]) -> None:
        self.columns = [name for name in command.table_columns if name in command.properties]
        self._schemas = [command.properties[name] for name in self.columns]
        self._write = write
        self._sample: list[list[str]] = []
        self._widths: list[int] | None = None
        self.count = 0

    def add(self, record: Mapping[str, Any]) -> None:
        """Add one record (wire-form dict)."""
        row = [_table_cell(record.get(name), schema) for name, schema in zip(self.columns, self._schemas, strict=True)]
        self.count += 1
        if self._widths is None:
            self._sample.append(row)
            if len(self._sample) >= TABLE_SAMPLE:
                self._flush()
            return
        fitted = [cell if len(cell) <= width else cell[: width - 1] + "…" for cell, width in zip(row, self._widths, strict=True)]
        self._write(render_rows(self.columns, [fitted], self._widths)[2] + "\n")

    def close(self) -> None:
        """Write what is buffered; say so when there were no records."""
        if self._widths is None:
            self._flush()
        if not self.count:
            self._write("(no records)\n")

    def _flush(self) -> None:
        self._widths = column_widths(self.columns, self._sample)
        lines = render_rows(self.columns, self._sample, self._widths)
        self._write("".join(line + "\n" for line in lines))
        self._sample = []


class LineWriter:
    """JSONL, CSV, ECS or OCSF to a text stream: the header first (CSV), then one line per record."""

    def __init__(self, command: Command, fmt: str, write: Callable[[str], object], with_id: bool = False) -> None:
        self.command = command
        self.fmt = fmt
        self._write = write
        self._line = lines_of(command, fmt)
        self.count = 0
        if fmt == "csv":
            write(csv_header(command, with_id))
        self.with_ids = needs_event_id(fmt, with_id)

    def add(self, record: RawRecord, event_id: str | None = None) -> None:
        """Add one record (with its event id under ``--with-id``)."""
        self.count += 1
        self._write(self._line(record, event_id))

    def add_page(self, records: Sequence[RawRecord], event_ids: Sequence[str | None]) -> None:
        """Add a page of records (each with its event id, or None) in one write."""
        line = self._line
        self._write("".join([line(record, event_id) for record, event_id in zip(records, event_ids, strict=True)]))
        self.count += len(records)

    def close(self) -> None:
        """Nothing buffered."""


def needs_event_id(fmt: str, with_id: bool) -> bool:
    """True when the lines of ``fmt`` carry each record's event id (``--with-id``, or a SIEM format)."""
    return with_id or fmt in MAPPINGS


Lines = Callable[[RawRecord, "str | None"], str]
"""A format's line of a record of one command, given its event id (or None: the SIEM formats need one)."""


def lines_of(command: Command, fmt: str) -> Lines:
    """The line of each of ``command``'s records in ``fmt`` (jsonl, csv, ecs or ocsf), set up once for all.

    The one encoder of each format: every line an export writes comes from here.
    """
    if fmt == "jsonl":
        return jsonl_line
    if fmt == "csv":
        return lambda record, event_id: csv_line(command, record.data, event_id)
    # a SIEM line given None for its event id fails on it (a TypeError): no check in a call of its own per record
    return cast(Lines, MAPPINGS[fmt](command))


def line_for(command: Command, fmt: str, record: RawRecord, event_id: str | None = None) -> str:
    """One record as a JSONL, CSV, ECS or OCSF line (the SIEM formats need ``event_id``): ``lines_of``, once."""
    return lines_of(command, fmt)(record, event_id)


class _Table:
    """``TableWriter`` taking records as they come (the table shows their data)."""

    def __init__(self, command: Command, write: Callable[[str], object]) -> None:
        self._table = TableWriter(command, write)

    @property
    def count(self) -> int:
        """Records added."""
        return self._table.count

    def add(self, record: RawRecord, event_id: str | None = None) -> None:
        """Add one record."""
        self._table.add(record.data)

    def add_page(self, records: Sequence[RawRecord], event_ids: Sequence[str | None]) -> None:
        """Add a page of records (the table has no event ids)."""
        for record in records:
            self._table.add(record.data)

    def close(self) -> None:
        """Write what is buffered."""
        self._table.close()


def writer_for(command: Command, fmt: str, write: Callable[[str], object], with_id: bool = False) -> _Table | LineWriter:
    """The writer of ``fmt`` (jsonl, csv or table)."""
    return _Table(command, write) if fmt == "table" else LineWriter(command, fmt, write, with_id)
