"""What an import hands back besides its counts: every problem with its row, column, value
and message (``--errors FILE.csv``, the import page's download), and the rows it left out,
unchanged, with an ``error`` column, to fix and import again (``--skip-invalid``).

These files hold the list's own cells (names, phones): they go to the person who imported,
never into logs or API error answers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from cordon.core.errors import FieldProblem
from cordon.transfer.readers import Table

ERROR_COLUMN = "error"
ERRORS_HEADER = ("row", "column", "value", "message")


@dataclass
class Report:
    """Filled by an import: the problems as rows of the errors file, and the rejected rows."""

    errors: list[tuple[str, str, str, str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rejected: list[list[str]] = field(default_factory=list)

    def add_problems(self, problems: list[FieldProblem], table: Table) -> None:
        cells = dict(table.rows)
        where = {title: i for i, title in reversed(list(enumerate(table.header)))}
        for p in problems:
            row = cells.get(p.row or 0, [])
            index = where.get(p.field, len(row))
            value = row[index] if index < len(row) else ""
            self.errors.append(("" if p.row is None else str(p.row), p.field, value, p.message))

    def reject(self, problems: list[FieldProblem], table: Table) -> None:
        """The rows of ``problems``, each with its messages in the last column."""
        said: dict[int, list[str]] = {}
        for p in problems:
            said.setdefault(p.row or 0, []).append(f"{p.field}: {p.message}")
        rows = [(line, cells) for line, cells in table.rows if line in said]
        width = max([len(table.header), *(len(cells) for _, cells in rows)])
        self.header = [*table.header, *[""] * (width - len(table.header)), ERROR_COLUMN]
        for line, cells in rows:
            padded = [*cells, *[""] * (width - len(cells))]
            self.rejected.append([*padded, "; ".join(said[line])])

    def errors_csv(self) -> bytes:
        return _csv([list(ERRORS_HEADER), *map(list, self.errors)])

    def rejected_csv(self) -> bytes:
        return _csv([self.header, *self.rejected])


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")
