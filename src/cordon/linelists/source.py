"""The file being imported, made ready to validate: its table, layout and column parsers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from cordon.core.config import get_settings
from cordon.core.dates import today as current_day
from cordon.core.errors import N_, FieldProblem, InvalidInput
from cordon.linelists.cells import FieldReader, build_parser, field_readers
from cordon.linelists.columns import COLUMNS, Column, Shape
from cordon.linelists.lookups import Wards
from cordon.linelists.mapping import DEFAULT, Mapping, resolve_layout
from cordon.linelists.rows import Cells, Progress, no_progress, parse_cells
from cordon.linelists.tables import Line, Table
from cordon.people.bulk import fold_names


@dataclass
class Source:
    table: Table
    readers: list[FieldReader]
    headers: dict[str, str]  # Cordon column → the file's header for it
    ignored: list[str]
    wards: Wards
    today: dt.date
    progress: Progress = no_progress
    problems: list[FieldProblem] = field(default_factory=list)
    status_default: Any = None  # cases: the mapping's status, after the dates' own

    def chunk(self, rows: list[Line]) -> Source:
        """The same file's next ``rows``, with no problems yet."""
        return replace(self, table=replace(self.table, rows=rows), problems=[])

    def problem(self, line: int, column: str, message: str, /, **params: object) -> None:
        """``line`` is wrong in ``column``: ``message`` marked ``N_``, with ``params``."""
        header = self.headers.get(column, column)
        self.problems.append(FieldProblem.of(header, message, row=line, **params))


def prepare(
    session: Session,
    table: Table,
    shape: Shape,
    mapping: Mapping = DEFAULT,
    *,
    progress: Progress = no_progress,
    today: dt.date | None = None,
) -> Source:
    """Match the header to ``shape``'s columns (raises ``InvalidInput`` if it cannot)."""
    columns = COLUMNS[shape]
    layout = resolve_layout(table.header, columns, mapping, table.header_line)
    day = today or current_day()
    region = get_settings().phone_region
    status = mapping.defaults.get("status") if shape is Shape.cases else None
    if status is not None:  # a death or discharge date says more than the default
        defaults = {k: v for k, v in mapping.defaults.items() if k != "status"}
        mapping = replace(mapping, defaults=defaults)
    readers = field_readers(columns, layout, mapping, region, day)
    headers = {r.name: r.header for r in readers}
    wards = Wards.load(session)
    src = Source(table, readers, headers, layout.ignored, wards, day, progress)
    if status is not None:
        src.status_default = _default_status(status, columns, mapping, region, day)
    return src


def _default_status(
    value: str, columns: tuple[Column, ...], mapping: Mapping, region: str, day: dt.date
) -> Any:
    column = next(c for c in columns if c.name == "status")
    try:
        return build_parser(column, mapping, region, day)(value)
    except ValueError as exc:
        raise InvalidInput.of(
            N_("The mapping file has problems."), [FieldProblem.from_error("defaults.status", exc)]
        ) from None


def parsed_cells(src: Source) -> Cells:
    """The chunk's cells typed column by column (problems go to ``src.problems``)."""
    rows = src.table.rows
    assert isinstance(rows, list)
    return parse_cells(rows, src.readers, src.problems, src.headers)


class FoldedLine(Protocol):
    folded: str  # the name this line matches people by, folded once (``fold``)


L = TypeVar("L", bound=FoldedLine)


def fold_line_names(src: Source, lines: list[L], names: list[str]) -> None:
    """Fold the name of every line (``names``, in order) in one pass."""
    for item, folded in zip(lines, fold_names(names), strict=True):
        item.folded = folded
