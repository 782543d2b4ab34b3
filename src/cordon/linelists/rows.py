"""Cells → typed values column by column, and the rules between the cells of one row (dates
in order, the birth year, the ward), checked column by column too; a row's person →
``PersonRow``.

Every problem is collected with its file line and the column as the file names it; nothing
stops at the first problem. A row with a wrong cell is left out of the row rules, as a row
that breaks a rule is left out of what follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from cordon.core.errors import N_, BadValue, FieldProblem
from cordon.linelists.cells import CaughtAll, FieldReader
from cordon.linelists.lookups import Wards
from cordon.people.bulk import PersonRow
from cordon.people.enums import Sex

Progress = Callable[[str, int, int | None], None]


def no_progress(_phase: str, _done: int, _total: int | None) -> None:
    """The default progress callback: say nothing."""


@dataclass
class Cells:
    """A file's typed cells: ``columns[name][i]`` is row ``i``'s value (None when empty) for
    each column the file has or a default fills; ``bad[i]`` is set once row ``i`` has a
    problem."""

    lines: list[int]  # the file's line of each row
    columns: dict[str, list[Any]]
    bad: bytearray
    problems: list[FieldProblem]
    headers: dict[str, str]  # Cordon column → the file's header for it
    caught: dict[str, int] = field(default_factory=dict)  # cells the "*" catch-all took

    def has(self, name: str) -> bool:
        return name in self.columns

    def column(self, name: str) -> list[Any]:
        """The column, or None for every row when the file lacks it."""
        found = self.columns.get(name)
        return found if found is not None else [None] * len(self.lines)

    def problem(self, row: int, column: str, message: str, /, **params: object) -> None:
        """Row ``row`` is wrong in ``column``: ``message`` marked ``N_``, with ``params``."""
        self.refuse(row, column, BadValue(message, **params))

    def refuse(self, row: int, column: str, error: ValueError) -> None:
        header = self.headers.get(column, column)
        self.problems.append(FieldProblem.from_error(header, error, self.lines[row]))
        self.bad[row] = 1

    def good(self) -> list[int]:
        """The rows without a problem so far."""
        return [i for i, bad in enumerate(self.bad) if not bad]


def parse_cells(
    rows: Sequence[tuple[int, Sequence[str]]],
    readers: list[FieldReader],
    problems: list[FieldProblem],
    headers: dict[str, str],
) -> Cells:
    """Every cell typed, column by column: each distinct text of a column is trimmed and
    parsed once, and every wrong or missing cell is a problem of its row and column."""
    cells = Cells([line for line, _ in rows], {}, bytearray(len(rows)), problems, headers)
    matrix = list(zip_longest(*(texts for _, texts in rows), fillvalue=""))
    for name, index, header, parse, required, default in readers:
        raw = matrix[index] if index < len(matrix) else ("",) * len(rows)
        empty = raw.count("") == len(raw)  # many template columns are left empty
        parsed: dict[str, Any] = {}
        errors: dict[str, ValueError] = {}
        for text in {""} if empty else set(raw):
            given = text.strip() or default
            if not given:
                if required:
                    errors[text] = BadValue(N_("is required"))
                else:
                    parsed[text] = None
                continue
            try:
                parsed[text] = parse(given)
            except ValueError as exc:
                errors[text] = exc
        _unwrap_caught(cells, header, parsed, raw)
        if errors:
            for i, text in enumerate(raw):
                if text in errors:
                    problem = FieldProblem.from_error(header, errors[text], cells.lines[i])
                    problems.append(problem)
                    cells.bad[i] = 1
            cells.columns[name] = [parsed.get(text) for text in raw]
        elif empty:
            cells.columns[name] = [parsed[""]] * len(raw)
        else:
            cells.columns[name] = list(map(parsed.__getitem__, raw))
    return cells


def _unwrap_caught(cells: Cells, header: str, parsed: dict[str, Any], raw: Sequence[str]) -> None:
    """The values the mapping's catch-all took, counted by column (as the file names it)."""
    caught = {text for text, value in parsed.items() if isinstance(value, CaughtAll)}
    if not caught:
        return
    cells.caught[header] = sum(1 for text in raw if text in caught)
    for text in caught:
        parsed[text] = parsed[text].value


def check_order(
    cells: Cells, rows: list[int], earlier: str, later: str, *, blame_later: bool = False
) -> None:
    """In each of ``rows``, ``earlier`` must not be after ``later`` (when both are given)."""
    if not (cells.has(earlier) and cells.has(later)):
        return
    firsts, seconds = cells.columns[earlier], cells.columns[later]
    for i in rows:
        first, second = firsts[i], seconds[i]
        if first is None or second is None or first <= second:
            continue
        if blame_later:
            message = N_("%(day)s is before %(column)s (%(other)s)")
            cells.problem(i, later, message, day=second, column=earlier, other=first)
        else:
            message = N_("%(day)s is after %(column)s (%(other)s)")
            cells.problem(i, earlier, message, day=first, column=later, other=second)


def order_warnings(
    cells: Cells, rows: list[int], earlier: str, later: str, *, blame_later: bool = False
) -> dict[int, FieldProblem]:
    """Like ``check_order``, for an order that real cases break (a case found before its
    symptoms, a diagnosis after death): row → a warning to review; the row stays good."""
    if not (cells.has(earlier) and cells.has(later)):
        return {}
    firsts, seconds = cells.columns[earlier], cells.columns[later]
    found: dict[int, FieldProblem] = {}
    for i in rows:
        first, second = firsts[i], seconds[i]
        if first is None or second is None or first <= second:
            continue
        if blame_later:
            column, day, other = later, second, first
            message = N_("%(day)s is before %(column)s (%(other)s): to be reviewed")
            other_column = earlier
        else:
            column, day, other = earlier, first, second
            message = N_("%(day)s is after %(column)s (%(other)s): to be reviewed")
            other_column = later
        header = cells.headers.get(column, column)
        found[i] = FieldProblem.of(
            header, message, row=cells.lines[i], day=day, column=other_column, other=other
        )
    return found


def person_rows(
    cells: Cells,
    rows: list[int],
    wards: Wards,
    reference: Callable[[int], dt.date],
    prefix: str = "",
    outside: frozenset[int] = frozenset(),
) -> list[PersonRow]:
    """The person of every row (columns named ``prefix`` + field), checked in ``rows``: the
    birth year against the date of birth and the age on the ``reference`` day of the row,
    and the ward (not looked up in the rows ``outside`` the city). Rows that break a rule are
    marked bad; their person is not to be used."""
    get = cells.column
    birth_years = _birth_years(cells, rows, reference, prefix)
    ward_ids = _ward_ids(cells, [i for i in rows if i not in outside], wards, prefix)
    sexes = get(prefix + "sex")
    if cells.has(prefix + "sex"):
        sexes = [sex or Sex.unknown for sex in sexes]
    else:
        sexes = [Sex.unknown] * len(sexes)
    return list(
        map(
            PersonRow,
            get(prefix + "full_name"),
            sexes,
            get(prefix + "date_of_birth"),
            birth_years,
            get(prefix + "phone"),
            get(prefix + "national_id"),
            get(prefix + "nationality"),
            get(prefix + "address"),
            get(prefix + "residence"),
            ward_ids,
        )
    )


def _birth_years(
    cells: Cells, rows: list[int], reference: Callable[[int], dt.date], prefix: str
) -> list[Any]:
    """The birth year of each row, from date of birth, birth year or age."""
    years = cells.column(prefix + "birth_year")
    if not (cells.has(prefix + "date_of_birth") or cells.has(prefix + "age")):
        return years
    years = list(years)
    borns, ages = cells.column(prefix + "date_of_birth"), cells.column(prefix + "age")
    for i in rows:
        if borns[i] is None and ages[i] is None:
            continue
        try:
            years[i] = _birth_year(borns[i], years[i], ages[i], reference(i))
        except _Disagreement as exc:
            cells.refuse(i, prefix + exc.column, exc)
    return years


class _Disagreement(BadValue):
    """Date of birth, birth year and age disagree: the column to blame, and why."""

    def __init__(self, column: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.column = column


def _birth_year(
    born: dt.date | None, year: int | None, age: int | None, reference: dt.date
) -> int | None:
    """The birth year given by a date of birth, a birth year and an age at ``reference``;
    ``_Disagreement`` when they disagree."""
    if born is not None and year is not None and born.year != year:
        raise _Disagreement(
            "birth_year", N_("%(year)s does not match the date of birth"), year=year
        )
    if year is None and born is not None:
        year = born.year
    if age is not None:
        from_age = reference.year - age
        if year is not None and abs(year - from_age) > 1:
            raise _Disagreement(
                "age", N_("%(age)s does not match the year of birth %(year)s"), age=age, year=year
            )
        year = year if year is not None else from_age
    if born is not None and born > reference:
        raise _Disagreement("date_of_birth", N_("is after %(day)s"), day=reference)
    return year


def _ward_ids(cells: Cells, rows: list[int], wards: Wards, prefix: str) -> list[Any]:
    """The ward of each row, by code, or by name (and district name); each distinct
    combination is looked up once."""
    n = len(cells.lines)
    if not (cells.has(prefix + "ward_code") or cells.has(prefix + "ward_name")):
        return [None] * n
    codes, names = cells.column(prefix + "ward_code"), cells.column(prefix + "ward_name")
    districts = cells.column(prefix + "district_name")
    found: list[Any] = [None] * n
    known: dict[tuple[Any, Any, Any], int | ValueError | None] = {}
    for i in rows:
        key = (codes[i], names[i], districts[i])
        if not (key[0] or key[1]):
            continue
        if key not in known:
            try:
                known[key] = wards.find(*key)
            except ValueError as exc:
                known[key] = exc
        ward = known[key]
        if isinstance(ward, ValueError):
            cells.refuse(i, prefix + ("ward_code" if key[0] else "ward_name"), ward)
        else:
            found[i] = ward
    return found
