"""Output formats: JSONL and CSV (both round-trip every field) and an aligned text table.

A record is written as its generated model's ``to_dict()``, so unknown enum values and fields the
schema does not know keep their raw form. CSV has a fixed header: every property of the record
schema (``Kind.columns``) plus ``_extra``, a JSON object of any field the schema lacks; nested values
(``notificationObjects``) are JSON strings and an absent field is an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from ._kinds import Kind

EXTRA_COLUMN = "_extra"
NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?%?")
CELL_WIDTH = 32
TABLE_SAMPLE = 200


def jsonl_line(record: Mapping[str, Any]) -> str:
    """One JSON object per line, UTF-8, compact."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def csv_header(kind: Kind) -> str:
    """The header line: the schema's properties and ``_extra``."""
    return _csv_line([*kind.columns, EXTRA_COLUMN])


def csv_line(kind: Kind, record: Mapping[str, Any]) -> str:
    """One record as a CSV row under ``csv_header``."""
    extra = {key: value for key, value in record.items() if key not in kind.properties}
    return _csv_line([*(_cell(record.get(name)) for name in kind.columns), _cell(extra) if extra else ""])


def _parse_cell(schema: Mapping[str, Any], text: str) -> Any:
    kind = schema.get("type")
    if kind in ("array", "object") or "$ref" in schema:
        return json.loads(text)
    if kind == "integer":
        return int(text)
    if kind == "boolean":
        return text == "true"
    return text


def read_csv(kind: Kind, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse a CSV export back into wire-form dicts (the inverse of ``csv_line``)."""
    for row in csv.DictReader(lines):
        record = {
            name: _parse_cell(kind.properties[name], text)
            for name, text in row.items()
            if name in kind.properties and text != ""
        }
        if row.get(EXTRA_COLUMN):
            record.update(json.loads(row[EXTRA_COLUMN]))
        yield record


def _table_cell(value: Any) -> str:
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            moment = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
        except ValueError:
            pass
        else:
            return moment.strftime("%Y-%m-%d %H:%M:%SZ")
    text = " ".join(_cell(value).split())
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """The width of each column: its longest cell or header."""
    return [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]


def render_rows(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int] | None = None
                ) -> list[str]:
    """Aligned lines: a header, a rule, then the rows (numbers right-aligned)."""
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

    def __init__(self, kind: Kind, write: Callable[[str], object]) -> None:
        self.columns = [name for name in kind.table_columns if name in kind.properties]
        self._write = write
        self._sample: list[list[str]] = []
        self._widths: list[int] | None = None
        self.count = 0

    def add(self, record: Mapping[str, Any]) -> None:
        """Add one record (wire-form dict)."""
        row = [_table_cell(record.get(name)) for name in self.columns]
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
    """JSONL or CSV to a text stream: the header first (CSV), then one line per record."""

    def __init__(self, kind: Kind, fmt: str, write: Callable[[str], object]) -> None:
        self.kind = kind
        self.fmt = fmt
        self._write = write
        self.count = 0
        if fmt == "csv":
            write(csv_header(kind))

    def add(self, record: Mapping[str, Any]) -> None:
        """Add one record (wire-form dict)."""
        self.count += 1
        self._write(line_for(self.kind, self.fmt, record))

    def close(self) -> None:
        """Nothing buffered."""


def line_for(kind: Kind, fmt: str, record: Mapping[str, Any]) -> str:
    """One record as a JSONL or CSV line."""
    return jsonl_line(record) if fmt == "jsonl" else csv_line(kind, record)


def writer_for(kind: Kind, fmt: str, write: Callable[[str], object]) -> TableWriter | LineWriter:
    """The writer of ``fmt`` (jsonl, csv or table)."""
    return TableWriter(kind, write) if fmt == "table" else LineWriter(kind, fmt, write)
