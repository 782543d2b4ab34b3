"""Public figures computed from the registry (read-only): the numbers a bulletin prints.

- ``national_totals``: cumulative cases, recovered and deaths at the end of a day — or, for a
  bulletin published during the day, after a given case code was announced.
- ``province_last_case``: a province's last new case and the days without one since.
- ``daily_counts`` and ``daily_mismatches``: the registry's daily series against a reference.

A case counts once it is an F0 (confirmed, recovered or died); a province's cases are those it
reported (``Case.province``, the province that treats the patient — the Ministry's rule).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cordon.cases.enums import F0_STATUSES, CaseStatus
from cordon.cases.models import Case
from cordon.core.errors import InvalidInput

REFERENCE_DAILY = (
    Path(__file__).resolve().parent / "data" / "vietnam-2020" / "national_daily_2020.csv"
)
_NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class Totals:
    on: dt.date
    cases: int
    recovered: int
    deaths: int
    through: str | None = None  # the last case announced when the bulletin was published

    @property
    def active(self) -> int:
        return self.cases - self.recovered - self.deaths


@dataclass(frozen=True)
class LastCase:
    province: str
    on: dt.date
    cases: int  # the province's cases up to ``on``
    last_case_on: dt.date | None
    days_without_new_case: int | None


@dataclass(frozen=True)
class Mismatch:
    day: dt.date
    figure: str  # "new_cases", "new_recovered", "new_deaths"
    registry: int
    reference: int


def _count(session: Session, *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(*where)) or 0


def _case_number(code: str) -> int | None:
    match = _NUMBER.search(code)
    return int(match.group(1)) if match else None


def _announced_on_day(session: Session, day: dt.date, through: str) -> int:
    """Cases of ``day`` announced up to ``through`` (codes number cases in announcement order)."""
    last = _case_number(through)
    if last is None:
        raise InvalidInput.on("through", f"{through!r} is not a case code with a number (BN262)")
    codes = session.scalars(
        select(Case.code).where(Case.status.in_(F0_STATUSES), Case.confirmed_on == day)
    )
    return sum(1 for code in codes if (n := _case_number(code)) is not None and n <= last)


def national_totals(session: Session, on: dt.date, *, through: str | None = None) -> Totals:
    """Cumulative figures at the end of ``on``. With ``through`` (e.g. "BN262"): the figures of
    a bulletin published during ``on`` right after that case was announced — cases of earlier
    days, the day's cases up to that code, and recoveries and deaths of earlier days."""
    if through is None:
        return Totals(
            on=on,
            cases=_count(session, Case.status.in_(F0_STATUSES), Case.confirmed_on <= on),
            recovered=_count(
                session, Case.status == CaseStatus.recovered, Case.discharged_on <= on
            ),
            deaths=_count(session, Case.status == CaseStatus.died, Case.died_on <= on),
        )
    before = national_totals(session, on - dt.timedelta(days=1))
    return Totals(
        on=on,
        cases=before.cases + _announced_on_day(session, on, through),
        recovered=before.recovered,
        deaths=before.deaths,
        through=through,
    )


def province_last_case(session: Session, province: str, on: dt.date) -> LastCase:
    """The province's last new case announced on or before ``on``, and the whole days since."""
    where = (Case.status.in_(F0_STATUSES), Case.province == province, Case.confirmed_on <= on)
    last = session.scalar(select(func.max(Case.confirmed_on)).where(*where))
    return LastCase(
        province=province,
        on=on,
        cases=_count(session, *where),
        last_case_on=last,
        days_without_new_case=(on - last).days if last else None,
    )


def _per_day(
    session: Session, column: InstrumentedAttribute[dt.date | None], status: frozenset[CaseStatus]
) -> dict[dt.date, int]:
    rows = session.execute(
        select(column, func.count())
        .where(Case.status.in_(status), column.is_not(None))
        .group_by(column)
    ).all()
    return {d: int(n) for d, n in rows if d is not None}


def daily_counts(session: Session) -> dict[str, dict[dt.date, int]]:
    """New cases, recoveries and deaths per day, as the registry has them."""
    return {
        "new_cases": _per_day(session, Case.confirmed_on, F0_STATUSES),
        "new_recovered": _per_day(session, Case.discharged_on, frozenset({CaseStatus.recovered})),
        "new_deaths": _per_day(session, Case.died_on, frozenset({CaseStatus.died})),
    }


def daily_mismatches(session: Session, reference: Path = REFERENCE_DAILY) -> list[Mismatch]:
    """Every day and figure where the registry's daily series differs from ``reference``
    (a CSV with date, new_cases, new_recovered, new_deaths), over the reference's days."""
    counts = daily_counts(session)
    found = []
    with reference.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            day = dt.date.fromisoformat(row["date"])
            for figure, per_day in counts.items():
                mine, theirs = per_day.get(day, 0), int(row[figure])
                if mine != theirs:
                    found.append(Mismatch(day, figure, mine, theirs))
    return found
