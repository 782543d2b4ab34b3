"""Read a line list (CSV or XLSX) into a header and rows of strings with their line numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cordon.core.errors import N_, FieldProblem, InvalidInput

XLSX_MAGIC = b"PK\x03\x04"
CSV_ERROR = N_("not a readable CSV file: %(error)s")


@dataclass
class Table:
    """What a file holds: its header and each non-blank row with the file's line number."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def read_table(data: bytes | IO[bytes] | Path, name: str) -> Table:
    """Read CSV (UTF-8, ',' ';' or tab) or XLSX, chosen by the file's content and name."""
    raw = _bytes(data)
    if raw.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(raw, name)
    return _read_csv(raw, name)


def _bytes(data: bytes | IO[bytes] | Path) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, Path):
        if not data.is_file():
            raise InvalidInput.on(
                data.name, N_("file not found in %(folder)s"), folder=str(data.parent)
            )
        return data.read_bytes()
    return data.read()


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInput.of(
            N_("%(name)s is not UTF-8 text: save it as 'CSV UTF-8' and try again."),
            [FieldProblem.of("file", N_("not UTF-8 (invalid byte here)"), row=line)],
            name=name,
        ) from None


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(raw: bytes, name: str) -> Table:
    text = _decode(raw, name)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput.on("file", N_("%(name)s is empty"), row=1, name=name) from None
    except csv.Error as exc:
        raise InvalidInput.on("file", CSV_ERROR, row=1, error=str(exc)) from None
    table = Table(name, [h.strip() for h in header])
    append = table.rows.append
    try:
        for row in reader:
            if any(row):
                append((reader.line_num, row))
    except csv.Error as exc:
        line = reader.line_num
        raise InvalidInput.on("file", CSV_ERROR, row=line, error=str(exc)) from None
    return table


def _read_xlsx(raw: bytes, name: str) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise InvalidInput.on(
            "file", N_("%(name)s is not a readable XLSX workbook"), name=name
        ) from None
    try:
        return _sheet_table(book.worksheets[0].iter_rows(values_only=True), name)
    finally:
        book.close()


def _sheet_table(rows: Iterator[tuple[Any, ...]], name: str) -> Table:
    header_cells = next(rows, None)
    if header_cells is None:
        raise InvalidInput.on("file", N_("%(name)s has an empty first sheet"), row=1, name=name)
    table = Table(name, [cell_text(c).strip() for c in header_cells])
    while table.header and not table.header[-1]:
        table.header.pop()
    for line, cells in enumerate(rows, start=2):
        values = [cell_text(c) for c in cells]
        if any(values):
            table.rows.append((line, values))
    return table


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates in ISO form, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
