"""A case's investigation: what the tracer's interview found (ADR 0016). Read whole, written
whole (a PUT of the form), with the version the tracer read; every write is audited as any
ORM write is (``audit.recorder``: the investigation and each place visited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cordon.cases.enums import F0_STATUSES
from cordon.cases.models import Case, CaseInvestigation, CaseVisit
from cordon.cases.schemas import InvestigationFields, InvestigationOut, Visit
from cordon.cases.service import get_case
from cordon.core.db import atomic
from cordon.core.errors import N_, Conflict, FieldProblem
from cordon.core.models import utcnow

LISTS = ("symptoms", "travel")


def investigation_of(session: Session, case_id: int) -> InvestigationOut:
    """The case's investigation (empty, version null, while nothing is recorded)."""
    get_case(session, case_id)
    found = session.get(CaseInvestigation, case_id)
    visits = [
        Visit(place=v.place, address=v.address, first_on=v.first_on, last_on=v.last_on)
        for v in _visits(session, case_id)
    ]
    if found is None:
        return InvestigationOut(case_id=case_id, version=None)
    fields = {
        name: getattr(found, name) for name in InvestigationFields.model_fields if name != "visits"
    }
    return InvestigationOut.model_validate(
        {
            **fields,
            "visits": visits,
            "case_id": case_id,
            "version": found.version,
            "updated_at": found.updated_at,
        }
    )


def _visits(session: Session, case_id: int) -> list[CaseVisit]:
    query = select(CaseVisit).where(CaseVisit.case_id == case_id)
    return list(session.scalars(query.order_by(CaseVisit.first_on, CaseVisit.id)))


def _stale(current: int | None) -> Conflict:
    return Conflict.of(
        N_("The investigation was changed by someone else meanwhile; reload and retry."),
        [FieldProblem.of("version", N_("stale (current version is %(version)s)"), version=current)],
    )


@atomic
def record_investigation(
    session: Session, case_id: int, data: InvestigationFields, *, expected_version: int | None
) -> CaseInvestigation:
    """Replace the case's investigation with ``data``; Conflict when someone saved it after
    ``expected_version`` (null: the tracer saw none yet)."""
    case = get_case(session, case_id)
    found = session.get(CaseInvestigation, case_id)
    current = found.version if found is not None else None
    if current != expected_version:
        raise _stale(current)
    if found is None:
        found = CaseInvestigation(case_id=case.id, person_id=case.person_id)
        session.add(found)
    values = data.model_dump(mode="json", exclude={"visits"})
    for name in ("how_found", "occupation", "workplace", "conditions_note", "hospital"):
        setattr(found, name, getattr(data, name))
    found.admitted_on = data.admitted_on
    found.conditions = values["conditions"]
    for name in LISTS:
        setattr(found, name, values[name])
    found.updated_at = utcnow()  # a new version at every save, the places' alone too
    _replace_visits(session, case.id, case.person_id, data.visits)
    try:
        session.flush()
    except (StaleDataError, IntegrityError):  # saved by someone else at the same moment
        raise _stale(None) from None
    return found


def _replace_visits(session: Session, case_id: int, person_id: int, visits: list[Visit]) -> None:
    """The places visited as the form says now: rows that stay are kept (their audit entries
    say nothing changed), others deleted or added."""
    wanted = {(v.place, v.address, v.first_on, v.last_on) for v in visits}
    held = _visits(session, case_id)
    kept = set()
    for row in held:
        key = (row.place, row.address, row.first_on, row.last_on)
        if key in wanted and key not in kept:
            kept.add(key)
        else:
            session.delete(row)
    for place, address, first_on, last_on in sorted(wanted - kept, key=str):
        session.add(
            CaseVisit(
                case_id=case_id,
                person_id=person_id,
                place=place,
                address=address,
                first_on=first_on,
                last_on=last_on,
            )
        )


def visits_by_case(
    session: Session, case_ids: list[int] | None = None
) -> dict[int, list[CaseVisit]]:
    """Places visited, by case (of these cases, or all): for the export."""
    query = select(CaseVisit).order_by(CaseVisit.case_id, CaseVisit.first_on, CaseVisit.id)
    if case_ids is not None:
        query = query.where(CaseVisit.case_id.in_(case_ids))
    out: dict[int, list[CaseVisit]] = {}
    for row in session.scalars(query):
        out.setdefault(row.case_id, []).append(row)
    return out


@dataclass(frozen=True)
class Trip:
    """A trip a confirmed case's investigation records, with the case's dates (no person)."""

    case_id: int
    confirmed_on: dt.date
    onset_on: dt.date | None
    sample_on: dt.date | None
    isolated_on: dt.date | None
    place: str
    from_on: dt.date
    to_on: dt.date | None


def trips(session: Session, *, since: dt.date, until: dt.date) -> list[Trip]:
    """The trips recorded for the cases confirmed from ``since`` to ``until`` (the early
    warnings' rule on travel between cities), the earliest confirmed first."""
    found = session.execute(
        select(Case, CaseInvestigation.travel)
        .join(CaseInvestigation, CaseInvestigation.case_id == Case.id)
        .where(
            Case.status.in_(sorted(F0_STATUSES)),
            Case.confirmed_on >= since,
            Case.confirmed_on <= until,
        )
        .order_by(Case.confirmed_on, Case.id)
    )
    out = []
    for case, travel in found:
        for trip in travel or []:
            assert case.confirmed_on is not None
            out.append(
                Trip(
                    case_id=case.id,
                    confirmed_on=case.confirmed_on,
                    onset_on=case.onset_on,
                    sample_on=case.sample_on,
                    isolated_on=case.isolated_on,
                    place=str(trip.get("place") or ""),
                    from_on=dt.date.fromisoformat(str(trip["from_on"])),
                    to_on=dt.date.fromisoformat(str(trip["to_on"])) if trip.get("to_on") else None,
                )
            )
    return out
