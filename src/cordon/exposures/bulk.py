"""Bulk insert of person-to-person exposures (imports, generated cities)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cordon.core.bulk import insert_rows, next_ids
from cordon.core.models import utcnow
from cordon.exposures.enums import Closeness, Setting
from cordon.exposures.models import Exposure


@dataclass(frozen=True)
class ExposureRow:
    person_id: int
    contact_id: int
    first_on: dt.date
    last_on: dt.date
    setting: Setting
    closeness: Closeness
    note: str | None = None


COLUMNS = (
    "id",
    "person_id",
    "contact_id",
    "first_on",
    "last_on",
    "setting",
    "closeness",
    "note",
    "created_at",
    "updated_at",
)


def insert_exposures(session: Session, rows: Sequence[ExposureRow]) -> list[int]:
    """Insert validated ``rows`` (distinct people, first ≤ last); returns ids in order."""
    ids = next_ids(session, Exposure, len(rows))
    now = utcnow()
    insert_rows(
        session,
        Exposure,
        COLUMNS,
        (
            (
                eid,
                r.person_id,
                r.contact_id,
                r.first_on,
                r.last_on,
                r.setting.value,
                r.closeness.value,
                r.note,
                now,
                now,
            )
            for eid, r in zip(ids, rows, strict=True)
        ),
    )
    return list(ids)
