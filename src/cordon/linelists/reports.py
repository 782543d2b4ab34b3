"""What an import hands back besides its counts: every problem with its row, column, value
and message (``--errors FILE.csv``, the import page's download), and the rows it left out,
unchanged, with an ``error`` column, to fix and import again (``--skip-invalid``).

Both are written as the import finds them, chunk by chunk, to temporary files (kept in
memory while small): a file wrong on every row does not hold its problems in memory. The
first ``KEPT`` problems stay at hand (``errors``) for an answer that shows a few.

These files hold the list's own cells (names, phones): they go to the person who imported,
never into logs or API error answers.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass, field
from typing import IO

from cordon.core.errors import FieldProblem
from cordon.linelists.tables import Table

ERROR_COLUMN = "error"
ERRORS_HEADER = ("row", "column", "value", "message")
KEPT = 1000
IN_MEMORY = 4 * 2**20  # bytes of a report file kept in memory before it goes to disk


def _spool() -> IO[str]:
    return tempfile.SpooledTemporaryFile(
        max_size=IN_MEMORY, mode="w+", encoding="utf-8", newline=""
    )


@dataclass
class Report:
    """Filled by an import: the problems as rows of the errors file, and the rejected rows."""

    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # the first KEPT
    error_count: int = 0
    header: list[str] = field(default_factory=list)
    rejected_count: int = 0
    _errors: IO[str] = field(default_factory=_spool, repr=False)
    _rejected: IO[str] = field(default_factory=_spool, repr=False)
    _width: int = 0

    def clear(self) -> None:
        """Forget everything (an import that checks its file again)."""
        for spool in (self._errors, self._rejected):
            spool.close()
        self.errors, self.error_count, self.header, self.rejected_count = [], 0, [], 0
        self._errors, self._rejected, self._width = _spool(), _spool(), 0

    def add_problems(self, problems: list[FieldProblem], table: Table) -> None:
        """``problems`` of the rows of ``table`` (a chunk of the file, or its rows named)."""
        if not problems:
            return
        cells = dict(table.rows)
        where = {title: i for i, title in reversed(list(enumerate(table.header)))}
        writer = csv.writer(self._errors, lineterminator="\r\n")
        for p in problems:
            row = cells.get(p.row or 0, [])
            index = where.get(p.field, len(row))
            value = row[index] if index < len(row) else ""
            error = ("" if p.row is None else str(p.row), p.field, value, p.message)
            writer.writerow(error)
            if len(self.errors) < KEPT:
                self.errors.append(error)
        self.error_count += len(problems)

    def reject(self, problems: list[FieldProblem], table: Table) -> None:
        """The rows of ``problems`` (rows of ``table``), each with its messages last."""
        said: dict[int, list[str]] = {}
        for p in problems:
            said.setdefault(p.row or 0, []).append(f"{p.field}: {p.message}")
        self.header = list(table.header)
        writer = csv.writer(self._rejected, lineterminator="\r\n")
        for line, cells in table.rows:
            if line in said:
                self._width = max(self._width, len(cells))
                writer.writerow([*cells, "; ".join(said[line])])
                self.rejected_count += 1

    def errors_csv(self) -> bytes:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(ERRORS_HEADER)
        self._errors.seek(0)
        out.write(self._errors.read())
        self._errors.seek(0, io.SEEK_END)
        return out.getvalue().encode("utf-8-sig")

    def rejected_csv(self) -> bytes:
        width = max(len(self.header), self._width)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([*self.header, *[""] * (width - len(self.header)), ERROR_COLUMN])
        self._rejected.seek(0)
        for row in csv.reader(self._rejected):
            cells, error = row[:-1], row[-1]
            writer.writerow([*cells, *[""] * (width - len(cells)), error])
        self._rejected.seek(0, io.SEEK_END)
        return out.getvalue().encode("utf-8-sig")
