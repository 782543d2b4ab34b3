"""Cells → typed values per row (parsed column by column); a row's person → ``PersonRow``.

Every problem is collected with its file line and the column as the file names it; nothing
stops at the first problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from cordon.core.errors import FieldProblem
from cordon.people.bulk import PersonRow
from cordon.people.enums import Sex
from cordon.transfer.cells import FieldReader
from cordon.transfer.lookups import Wards

Values = dict[str, Any]
Progress = Callable[[str, int, int | None], None]


def no_progress(_phase: str, _done: int, _total: int | None) -> None:
    """The default progress callback: say nothing."""


@dataclass
class RowContext:
    """What validating one row needs: where to put problems and how to name columns."""

    line: int
    problems: list[FieldProblem]
    headers: dict[str, str]

    def problem(self, column: str, message: str) -> None:
        self.problems.append(FieldProblem(self.headers.get(column, column), message, self.line))


def parse_rows(
    rows: Sequence[tuple[int, Sequence[str]]],
    readers: list[FieldReader],
    problems: list[FieldProblem],
) -> Iterator[tuple[int, Values]]:
    """The typed values of each row whose cells are all right, with its line (an empty cell
    is None). Column by column: each distinct text of a column is parsed once, and every
    wrong or missing cell is a problem of its row and column."""
    lines = [line for line, _ in rows]
    bad = bytearray(len(rows))
    names: list[str] = []
    columns: list[list[Any]] = []
    matrix = list(zip_longest(*(cells for _, cells in rows), fillvalue=""))
    for name, index, header, parse, required, default in readers:
        raw = list(map(str.strip, matrix[index])) if index < len(matrix) else [""] * len(rows)
        parsed: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for text in set(raw):
            given = text or default
            if not given:
                if required:
                    errors[text] = "is required"
                else:
                    parsed[text] = None
                continue
            try:
                parsed[text] = parse(given)
            except ValueError as exc:
                errors[text] = str(exc)
        names.append(name)
        if not errors:
            columns.append(list(map(parsed.__getitem__, raw)))
            continue
        for i, text in enumerate(raw):
            if text in errors:
                problems.append(FieldProblem(header, errors[text], lines[i]))
                bad[i] = 1
        columns.append([parsed.get(text) for text in raw])
    for i, cells in enumerate(zip(*columns, strict=True)):
        if not bad[i]:
            yield lines[i], dict(zip(names, cells, strict=True))


PERSON_KEYS = (
    "full_name",
    "sex",
    "date_of_birth",
    "birth_year",
    "age",
    "phone",
    "national_id",
    "nationality",
    "address",
    "residence",
    "ward_code",
    "ward_name",
    "district_name",
)


def person_row(
    values: Values, ctx: RowContext, wards: Wards, reference: dt.date, prefix: str = ""
) -> PersonRow | None:
    """The person described by ``values`` (columns named ``prefix`` + field), checked."""
    if prefix:
        values = {key: values.get(prefix + key) for key in PERSON_KEYS}
    get = values.get
    birth_year = _birth_year(values, ctx, reference, prefix)
    ok = birth_year is not False
    ward_id = None
    if get("ward_code") or get("ward_name"):
        try:
            ward_id = wards.find(get("ward_code"), get("ward_name"), get("district_name"))
        except ValueError as exc:
            column = "ward_code" if get("ward_code") else "ward_name"
            ctx.problem(prefix + column, str(exc))
            ok = False
    if not ok:
        return None
    return PersonRow(
        get("full_name") or "",
        get("sex") or Sex.unknown,
        get("date_of_birth"),
        birth_year,
        get("phone"),
        get("national_id"),
        get("nationality"),
        get("address"),
        get("residence"),
        ward_id,
    )


def _birth_year(
    values: Values, ctx: RowContext, reference: dt.date, prefix: str
) -> int | bool | None:
    """The birth year from date of birth, birth year or age (False if they disagree)."""
    born: dt.date | None = values.get("date_of_birth")
    year: int | None = values.get("birth_year")
    age: int | None = values.get("age")
    if born is None and age is None:
        return year
    if born is not None and year is not None and born.year != year:
        ctx.problem(prefix + "birth_year", f"{year} does not match the date of birth")
        return False
    if year is None and born is not None:
        year = born.year
    if age is not None:
        from_age = reference.year - age
        if year is not None and abs(year - from_age) > 1:
            ctx.problem(prefix + "age", f"{age} does not match the year of birth {year}")
            return False
        year = year if year is not None else from_age
    if born is not None and born > reference:
        ctx.problem(prefix + "date_of_birth", f"is after {reference.isoformat()}")
        return False
    return year


def check_order(
    values: Values, ctx: RowContext, earlier: str, later: str, *, blame_later: bool = False
) -> bool:
    """``earlier`` must not be after ``later`` (when both are given)."""
    first, second = values.get(earlier), values.get(later)
    if first is None or second is None or first <= second:
        return True
    if blame_later:
        ctx.problem(later, f"{second.isoformat()} is before {earlier} ({first.isoformat()})")
    else:
        ctx.problem(earlier, f"{first.isoformat()} is after {later} ({second.isoformat()})")
    return False
