"""Bulk insert of person-to-person exposures (imports, generated cities)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cordon.core.bulk import insert_columns, next_ids
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
    return list(
        insert_exposure_columns(
            session, {name: [getattr(r, name) for r in rows] for name in COLUMNS[1:8]}
        )
    )


def insert_exposure_columns(session: Session, columns: Mapping[str, Sequence[Any]]) -> range:
    """Insert exposures given column by column (``COLUMNS`` names but ``id`` and the
    timestamps; ``note`` may be absent); returns their ids in order."""
    n = len(columns["person_id"])
    ids = next_ids(session, Exposure, n)
    now = [utcnow()] * n
    given = {**columns, "id": ids, "created_at": now, "updated_at": now}
    insert_columns(session, Exposure, COLUMNS, [given.get(c, [None] * n) for c in COLUMNS])
    return ids
