"""Keeping the public counts (``DailyCount``) equal to the registry.

A change to one case recounts its ward — every day of it, from the ward's cases by one index
range — in the change's own transaction, so the dashboard is never behind the registry and
never ahead of it. A registry loaded at once (an import, a demo) recounts the city in a few
statements. The counts are what the public may know: numbers per day and ward, no case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, Classification
from cordon.cases.models import Case
from cordon.core.config import get_settings
from cordon.core.models import utcnow
from cordon.events import CaseChanged, PersonMoved, PersonsMerged, RegistryLoaded
from cordon.geography.models import AdminUnit
from cordon.public.models import NO_WARD, DailyCount, Freshness

COUNTED = (CaseStatus.confirmed, CaseStatus.recovered, CaseStatus.died)
COLUMNS = ("community", "imported", "in_quarantine", "unclassified", "recovered", "deaths")


def of_city() -> ColumnElement[bool]:
    """A case of the city: its ward is one of the city's (copied on the case, ADR 0007), or
    no ward is known and the city reported it (its name read in the same statement)."""
    city = select(AdminUnit.name).where(AdminUnit.code == get_settings().city_code)
    return or_(Case.ward_id.is_not(None), Case.province == city.scalar_subquery())


def _rows(wards: Collection[int] | None) -> Subquery:
    """(ward, day, one column's 1) for every counted event of the city's cases: a
    confirmation by its source, a recovery, a death; limited to ``wards`` when given."""
    ward = func.coalesce(Case.ward_id, NO_WARD).label("ward_id")
    where = [Case.status.in_(COUNTED), of_city()]
    if wards is not None:
        known = [w for w in wards if w != NO_WARD]
        clauses = [Case.ward_id.in_(known)] if known else []
        if NO_WARD in wards:
            clauses.append(Case.ward_id.is_(None))
        where.append(or_(*clauses))

    def part(day: Any, column: str, *extra: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
        values = [literal(1 if c == column else 0).label(c) for c in COLUMNS]
        return select(ward, day.label("day"), *values).where(*where, day.is_not(None), *extra)

    confirmed = [part(Case.confirmed_on, c.value, Case.classification == c) for c in Classification]
    confirmed.append(part(Case.confirmed_on, "unclassified", Case.classification.is_(None)))
    return union_all(
        *confirmed,
        part(Case.discharged_on, "recovered", Case.status == CaseStatus.recovered),
        part(Case.died_on, "deaths", Case.status == CaseStatus.died),
    ).subquery()


def recount(session: Session, wards: Collection[int] | None = None) -> None:
    """Count again the given wards (``NO_WARD`` for the city's cases without one), or the
    whole city: their rows deleted and written again from the registry, in two statements."""
    stale = delete(DailyCount)
    if wards is not None:
        if not wards:
            return
        stale = stale.where(DailyCount.ward_id.in_(sorted(wards)))
    session.execute(stale)
    events = _rows(wards)
    grouped = select(
        events.c.ward_id, events.c.day, *(func.sum(events.c[c]) for c in COLUMNS)
    ).group_by(events.c.ward_id, events.c.day)
    session.execute(insert(DailyCount).from_select(["ward_id", "day", *COLUMNS], grouped))
    _touch(session)


def _touch(session: Session) -> None:
    """The counts changed: a new version, refreshed now."""
    if session.get(Freshness, 1) is None:
        session.add(Freshness(id=1, version=0))
        session.flush()
    session.execute(
        update(Freshness)
        .where(Freshness.id == 1)
        .values(version=Freshness.version + 1, refreshed_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def freshness(session: Session) -> tuple[int, dt.datetime | None]:
    row = session.get(Freshness, 1)
    return (row.version, row.refreshed_at) if row else (0, None)


def wards_of_cases(session: Session, case_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(case_ids))
    found: set[int] = set()
    for i in range(0, len(ids), 5000):
        rows = session.scalars(select(Case.ward_id).where(Case.id.in_(ids[i : i + 5000])))
        found |= {NO_WARD if w is None else int(w) for w in rows}
    return found


def on_case_changed(session: Session, event: CaseChanged) -> None:
    """A case created, or its status or dates changed: its ward is counted again."""
    recount(session, wards_of_cases(session, [event.case_id]))


def on_person_moved(session: Session, event: PersonMoved) -> None:
    """A person with cases moved: both wards are counted again."""
    if session.scalar(select(Case.id).where(Case.person_id == event.person_id).limit(1)):
        wards = {NO_WARD if w is None else w for w in (event.from_ward, event.to_ward)}
        recount(session, wards)


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """Two records of one person merged: the cases of the one merged away may have changed
    ward (to the kept one's), and which ward they left is no longer known — the city is
    counted again (a merge is rare, an officer's act)."""
    if session.scalar(select(Case.id).where(Case.person_id == event.kept_id).limit(1)):
        recount(session)


def on_registry_loaded(session: Session, event: RegistryLoaded) -> None:
    """Many cases at once: the whole city is counted again."""
    if event.case_ids or event.case_count:
        recount(session)
