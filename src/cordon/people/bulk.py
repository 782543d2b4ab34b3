"""Bulk insert of people (imports, generated cities): ids reserved up front, name tokens too.

Rows must be validated already (names normalised, phones in E.164): see ``people.service``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cordon.core.bulk import insert_rows, next_ids
from cordon.core.models import utcnow
from cordon.core.text import fold
from cordon.people.enums import Sex
from cordon.people.models import Person, PersonNameToken

PERSON_COLUMNS = (
    "id",
    "full_name",
    "name_folded",
    "sex",
    "date_of_birth",
    "birth_year",
    "phone",
    "national_id",
    "nationality",
    "address",
    "residence",
    "ward_id",
    "household_id",
    "version",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class PersonRow:
    full_name: str
    sex: Sex = Sex.unknown
    date_of_birth: dt.date | None = None
    birth_year: int | None = None
    phone: str | None = None
    national_id: str | None = None
    nationality: str | None = None
    address: str | None = None
    residence: str | None = None
    ward_id: int | None = None
    household_id: int | None = None


def name_tokens(folded_name: str) -> list[str]:
    return [t[:60] for t in folded_name.split()][:12]


def insert_people(session: Session, rows: Sequence[PersonRow]) -> list[int]:
    """Insert ``rows``; returns their ids in the same order."""
    ids = next_ids(session, Person, len(rows))
    now = utcnow()
    folded = [fold(r.full_name) for r in rows]
    insert_rows(
        session,
        Person,
        PERSON_COLUMNS,
        (
            (
                pid,
                r.full_name,
                f,
                r.sex.value,
                r.date_of_birth,
                r.birth_year
                if r.birth_year is not None
                else (r.date_of_birth.year if r.date_of_birth else None),
                r.phone,
                r.national_id,
                r.nationality,
                r.address,
                r.residence,
                r.ward_id,
                r.household_id,
                1,
                now,
                now,
            )
            for pid, r, f in zip(ids, rows, folded, strict=True)
        ),
    )
    insert_rows(
        session,
        PersonNameToken,
        ("person_id", "position", "token"),
        (
            (pid, pos, tok)
            for pid, f in zip(ids, folded, strict=True)
            for pos, tok in enumerate(name_tokens(f))
        ),
    )
    return list(ids)
