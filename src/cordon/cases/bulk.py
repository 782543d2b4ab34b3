"""Bulk insert of cases and their infection sources (imports, demos), with status history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, Classification, SourceKind
from cordon.cases.models import Case, CaseStatusChange, InfectionSource
from cordon.core.bulk import insert_columns, next_ids
from cordon.core.models import utcnow


@dataclass(frozen=True)
class CaseRow:
    code: str
    person_id: int
    status: CaseStatus
    classification: Classification | None = None
    asymptomatic: bool | None = None
    onset_on: dt.date | None = None
    sample_on: dt.date | None = None
    confirmed_on: dt.date | None = None
    isolated_on: dt.date | None = None
    discharged_on: dt.date | None = None
    died_on: dt.date | None = None
    province: str | None = None
    treated_at: str | None = None


@dataclass(frozen=True)
class SourceRow:
    case_id: int
    kind: SourceKind
    source_case_id: int | None = None
    country_code: str | None = None
    cluster_id: int | None = None
    note: str | None = None


CASE_COLUMNS = (
    "id",
    "code",
    "person_id",
    "status",
    "classification",
    "asymptomatic",
    "onset_on",
    "sample_on",
    "confirmed_on",
    "isolated_on",
    "discharged_on",
    "died_on",
    "province",
    "treated_at",
    "version",
    "created_at",
    "updated_at",
)


def insert_cases(
    session: Session, rows: Sequence[CaseRow], *, changed_by: str, reason: str
) -> list[int]:
    """Insert ``rows``; each gets a first history entry (``changed_by``, ``reason``)."""
    columns: dict[str, Sequence[Any]] = {
        name: [getattr(r, name) for r in rows] for name in CASE_COLUMNS[1:14]
    }
    ids = insert_case_columns(session, columns, changed_by=changed_by, reason=reason)
    return list(ids)


def insert_case_columns(
    session: Session, columns: Mapping[str, Sequence[Any]], *, changed_by: str, reason: str
) -> range:
    """Insert cases given column by column (``CASE_COLUMNS`` names; ``code``, ``person_id``
    and ``status`` required, absent ones NULL), each with its first history entry."""
    n = len(columns["code"])
    ids = next_ids(session, Case, n)
    now = [utcnow()] * n
    nulls = [None] * n
    given = {**columns, "id": ids, "version": [1] * n, "created_at": now, "updated_at": now}
    insert_columns(session, Case, CASE_COLUMNS, [given.get(c, nulls) for c in CASE_COLUMNS])
    insert_columns(
        session,
        CaseStatusChange,
        ("case_id", "from_status", "to_status", "changed_at", "changed_by", "reason"),
        (ids, nulls, columns["status"], now, [changed_by] * n, [reason] * n),
    )
    return ids


SOURCE_COLUMNS = ("case_id", "kind", "source_case_id", "country_code", "cluster_id", "note")


def insert_sources(session: Session, rows: Sequence[SourceRow]) -> int:
    return insert_columns(
        session,
        InfectionSource,
        SOURCE_COLUMNS,
        [[getattr(r, name) for r in rows] for name in SOURCE_COLUMNS],
    )
