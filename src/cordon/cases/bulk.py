"""Bulk insert of cases and their infection sources (imports, demos), with status history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, Classification, SourceKind
from cordon.cases.models import Case, CaseStatusChange, InfectionSource
from cordon.core.bulk import insert_rows, next_ids
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
    ids = next_ids(session, Case, len(rows))
    now = utcnow()
    insert_rows(
        session,
        Case,
        CASE_COLUMNS,
        (
            (
                cid,
                r.code,
                r.person_id,
                r.status.value,
                r.classification.value if r.classification else None,
                r.asymptomatic,
                r.onset_on,
                r.sample_on,
                r.confirmed_on,
                r.isolated_on,
                r.discharged_on,
                r.died_on,
                r.province,
                r.treated_at,
                1,
                now,
                now,
            )
            for cid, r in zip(ids, rows, strict=True)
        ),
    )
    insert_rows(
        session,
        CaseStatusChange,
        ("case_id", "from_status", "to_status", "changed_at", "changed_by", "reason"),
        (
            (cid, None, r.status.value, now, changed_by, reason)
            for cid, r in zip(ids, rows, strict=True)
        ),
    )
    return list(ids)


def insert_sources(session: Session, rows: Sequence[SourceRow]) -> int:
    return insert_rows(
        session,
        InfectionSource,
        ("case_id", "kind", "source_case_id", "country_code", "cluster_id", "note"),
        (
            (r.case_id, r.kind.value, r.source_case_id, r.country_code, r.cluster_id, r.note)
            for r in rows
        ),
    )
