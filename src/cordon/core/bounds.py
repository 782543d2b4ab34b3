"""The dates a person may enter, one rule for every form and API body (docs/architecture.md,
"Limits of input"): an epidemiological day (onset, confirmation, contact, sample …) from
2000-01-01 to a year from today; a date of birth from 1900-01-01 to today. Outside them a
date is a typing error (year 1, 2202) that the tier engine and the counts cannot use."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

from cordon.core.dates import today

NOTES = 4000  # characters of a multi-line note (a case's notes, a daily report's remark)
FIRST_DAY = dt.date(2000, 1, 1)
FIRST_BIRTH = dt.date(1900, 1, 1)
AHEAD = dt.timedelta(days=366)


def check_day(value: dt.date) -> dt.date:
    if value < FIRST_DAY:
        raise ValueError(f"must be on or after {FIRST_DAY}")
    if value > today() + AHEAD:
        raise ValueError("is too far in the future (at most a year from today)")
    return value


def check_birth(value: dt.date) -> dt.date:
    if value < FIRST_BIRTH:
        raise ValueError(f"must be on or after {FIRST_BIRTH}")
    if value > today():
        raise ValueError("is in the future")
    return value


Day = Annotated[dt.date, AfterValidator(check_day)]
BirthDate = Annotated[dt.date, AfterValidator(check_birth)]


MAX_INT = 2**63 - 1  # SQLite's INTEGER and PostgreSQL's BIGINT both end here

# A record's id, and a count of rows to skip: every path, query and body takes these.
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Offset = Annotated[int, Field(ge=0, le=MAX_INT)]
