"""Bulk insert of cases and their infection sources (imports, demos), with status history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from cordon.cases.columns import CASE_FIELDS
from cordon.cases.enums import CaseStatus, Classification, SourceKind
from cordon.cases.models import Case, CaseStatusChange, InfectionSource
from cordon.core.bulk import insert_columns, next_ids, table_of
from cordon.core.models import utcnow
from cordon.people.models import Person


@dataclass(frozen=True)
class CaseRow:
    """A case to insert: its fields are ``CASE_FIELDS``, in that order."""

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


# The table's columns as the bulk insert writes them: the case's fields and the bookkeeping.
CASE_COLUMNS = ("id", *CASE_FIELDS, "version", "created_at", "updated_at", "ward_id")


def insert_cases(
    session: Session, rows: Sequence[CaseRow], *, changed_by: str, reason: str
) -> list[int]:
    """Insert ``rows``; each gets a first history entry (``changed_by``, ``reason``)."""
    columns: dict[str, Sequence[Any]] = {
        name: [getattr(r, name) for r in rows] for name in CASE_FIELDS
    }
    ids = insert_case_columns(session, columns, changed_by=changed_by, reason=reason)
    return list(ids)


def wards_of_people(
    session: Session, person_ids: Iterable[int], *, known: Mapping[int, int | None]
) -> dict[int, int | None]:
    """person → ward, reading those not ``known`` (10,000 a query)."""
    out = dict(known)
    missing = sorted({p for p in person_ids if p not in out})
    for start in range(0, len(missing), 10_000):
        part = missing[start : start + 10_000]
        rows = session.execute(select(Person.id, Person.ward_id).where(Person.id.in_(part)))
        out.update({int(p): w for p, w in rows})
    return out


def insert_case_columns(
    session: Session,
    columns: Mapping[str, Sequence[Any]],
    *,
    changed_by: str,
    reason: str,
    wards: Mapping[int, int | None] | None = None,
) -> range:
    """Insert cases given column by column (``CASE_COLUMNS`` names; ``code``, ``person_id``
    and ``status`` required, absent ones NULL), each with its first history entry. The
    people's wards are ``wards`` (person → ward) where known, else read."""
    n = len(columns["code"])
    ids = next_ids(session, Case, n)
    now = [utcnow()] * n
    nulls = [None] * n
    ward_of = wards_of_people(session, columns["person_id"], known=wards or {})
    given = {
        **columns,
        "id": ids,
        "version": [1] * n,
        "created_at": now,
        "updated_at": now,
        "ward_id": [ward_of.get(p) for p in columns["person_id"]],
    }
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


def keep_warnings(session: Session, *, warnings: Mapping[int, list[dict[str, object]]]) -> None:
    """The facts to review of an import, stored with their cases (case id → its warnings as
    records): one Core statement, one executemany, not the ORM's bulk path."""
    if not warnings:
        return
    table = table_of(Case)
    statement = update(table).where(table.c.id == bindparam("case"))
    rows = [{"case": case_id, "warnings": said} for case_id, said in warnings.items()]
    session.execute(statement.values(warnings=bindparam("warnings")), rows)
