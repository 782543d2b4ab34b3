"""Read a line list (CSV or XLSX) as a header and a stream of rows of strings with their
line numbers.

The file is read as a stream: a CSV is decoded line by line (its encoding found from its
first 64 KiB), an XLSX sheet row by row (openpyxl's read-only mode), and ``open_table``
hands the rows on one at a time, so the bytes, the text and the rows are never all in
memory at once. The header need not be the first line: ``find_header`` picks it (see
``linelists.header``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cordon.core.errors import N_, FieldProblem, InvalidInput
from cordon.linelists.encodings import SAMPLE, choose_encoding
from cordon.linelists.header import HEAD_LINES, Header, find_header

XLSX_MAGIC = b"PK\x03\x04"
CSV_ERROR = N_("not a readable CSV file: %(error)s")
Line = tuple[int, list[str]]
Naming = Callable[[str], str | None]  # a header cell → the Cordon column it names


@dataclass
class Table:
    """What a file holds: its header and each non-blank row with the file's line number —
    all of them as they are read (``open_table``), or one chunk of them."""

    name: str
    header: list[str]
    rows: Iterable[Line] = field(default_factory=list)
    header_line: int = 1
    encoding: str = "utf-8"


@contextmanager
def open_table(
    data: bytes | IO[bytes] | Path,
    name: str,
    *,
    encoding: str | None = None,
    header_row: int | None = None,
    naming: Naming | None = None,
) -> Iterator[Table]:
    """Read CSV (',' ';' or tab; UTF-8, UTF-16, Windows-1258 or -1252) or XLSX, chosen by the
    file's content and name: the header at once, the rows as ``rows`` is iterated (once,
    inside the ``with``). ``encoding`` and ``header_row`` override what is detected;
    ``naming`` tells the header's cells it knows (to find a header below a title block). A
    seekable stream is read from its start, so the same file may be opened again."""
    with _stream(data) as stream:
        stream.seek(0)
        start = stream.read(len(XLSX_MAGIC))
        stream.seek(0)
        if start == XLSX_MAGIC or name.lower().endswith((".xlsx", ".xlsm")):
            with _open_xlsx(stream, name, header_row, naming) as table:
                yield table
        else:
            with _open_csv(stream, name, encoding, header_row, naming) as table:
                yield table


def chunked(rows: Iterable[Line], size: int) -> Iterator[list[Line]]:
    """``rows`` in lists of ``size`` (the last may be shorter)."""
    chunk: list[Line] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _stream:  # noqa: N801 — a context manager used like a function
    """A seekable binary stream of ``data``, closed after when this opened it."""

    def __init__(self, data: bytes | IO[bytes] | Path) -> None:
        self.owned = not hasattr(data, "read")
        if isinstance(data, Path):
            if not data.is_file():
                raise InvalidInput.on(
                    data.name, N_("file not found in %(folder)s"), folder=str(data.parent)
                )
            self.io: IO[bytes] = data.open("rb")
        elif isinstance(data, bytes):
            self.io = io.BytesIO(data)
        elif data.seekable():
            self.io = data
        else:
            self.io, self.owned = io.BytesIO(data.read()), True

    def __enter__(self) -> IO[bytes]:
        return self.io

    def __exit__(self, *_: object) -> None:
        if self.owned:
            self.io.close()


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@contextmanager
def _open_csv(
    stream: IO[bytes], name: str, named: str | None, header_row: int | None, naming: Naming | None
) -> Iterator[Table]:
    sample = stream.read(SAMPLE)
    stream.seek(0)
    encoding = choose_encoding(sample, named, name)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        lines = list(_decoded(_nfc(text.readline() for _ in range(HEAD_LINES + 1)), name, encoding))
        delimiter = sniff_delimiter(_likely_header(lines, header_row))
        rest = _decoded(_nfc(iter(text.readline, "")), name, encoding)
        reader = csv.reader(_chain(lines, rest), delimiter=delimiter)
        table = _table(_csv_lines(reader), name, header_row, naming)
        table.encoding = encoding
        yield table
    finally:
        text.detach()


def _decoded(lines: Iterable[str], name: str, encoding: str) -> Iterator[str]:
    """``lines``, with a line that cannot be decoded refused as the file's encoding problem."""
    try:
        yield from lines
    except UnicodeDecodeError as exc:
        raise _undecodable(name, encoding, exc) from None


def _likely_header(lines: list[str], header_row: int | None) -> str:
    """The line to count delimiters on: the header's when given, else the busiest one."""
    if header_row is not None and header_row <= len(lines):
        return lines[header_row - 1]
    return max(lines, key=lambda line: max(line.count(d) for d in ",;\t"), default="")


def _chain(first: list[str], rest: Iterable[str]) -> Iterator[str]:
    yield from (line for line in first if line)
    yield from rest


def _nfc(lines: Iterable[str]) -> Iterator[str]:
    """Lines in Unicode's composed form: Windows-1258 writes Vietnamese tone marks as separate
    combining characters, and names must match however the file spelled them."""
    normalize, normal = unicodedata.normalize, unicodedata.is_normalized
    for line in lines:
        yield line if line.isascii() or normal("NFC", line) else normalize("NFC", line)


def _csv_lines(reader: Any) -> Iterator[Line]:
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise InvalidInput.on("file", CSV_ERROR, row=reader.line_num, error=str(exc)) from None


def _undecodable(name: str, encoding: str, exc: UnicodeDecodeError) -> InvalidInput:
    return InvalidInput.of(
        N_(
            "%(name)s could not be read as %(encoding)s: name its encoding in the mapping "
            "file ([file] encoding = \"cp1258\") or save it as 'CSV UTF-8'."
        ),
        [FieldProblem.of("file", N_("not %(encoding)s text"), encoding=encoding)],
        name=name,
        encoding=encoding,
    )


def _table(
    lines: Iterator[Line], name: str, header_row: int | None, naming: Naming | None
) -> Table:
    """The header (found among the first lines) and the non-blank rows after it, read as
    they are asked for."""
    head: list[Line] = []
    limit = max(HEAD_LINES, (header_row or 0) + 1)
    for item in lines:
        head.append(item)
        if len(head) >= limit:
            break
    if not head:
        raise InvalidInput.on("file", N_("%(name)s is empty"), row=1, name=name)
    header: Header = find_header(head, header_row, naming)
    rest = head[header.rows :]
    del head
    return Table(name, header.cells, _filled(rest, lines), header_line=header.line)


def _filled(first: list[Line], lines: Iterator[Line]) -> Iterator[Line]:
    """The non-blank rows of ``first``, then of ``lines``."""
    for line, cells in first:
        if any(cells):
            yield line, cells
    first.clear()
    for line, cells in lines:
        if any(cells):
            yield line, cells


@contextmanager
def _open_xlsx(
    stream: IO[bytes], name: str, header_row: int | None, naming: Naming | None
) -> Iterator[Table]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise InvalidInput.on(
            "file", N_("%(name)s is not a readable XLSX workbook"), name=name
        ) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        lines = ((n, _row_text(cells)) for n, cells in enumerate(rows, start=1))
        try:
            table = _table(lines, name, header_row, naming)
        except InvalidInput as exc:
            if exc.problems and exc.problems[0].template == N_("%(name)s is empty"):
                raise InvalidInput.on(
                    "file", N_("%(name)s has an empty first sheet"), row=1, name=name
                ) from None
            raise
        yield table
    finally:
        book.close()


def _row_text(cells: tuple[Any, ...]) -> list[str]:
    values = [cell_text(c) for c in cells]
    while values and not values[-1]:
        values.pop()
    return values


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
    if isinstance(value, str) and not value.isascii():
        return unicodedata.normalize("NFC", value)
    return str(value)
