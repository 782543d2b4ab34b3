"""Exposures: who met whom, when, where and how closely. Every change moves the F-tiers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from cordon.clusters.models import Cluster
from cordon.core.dates import today
from cordon.core.db import get_or_404, move_person_rows
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput
from cordon.core.events import publish
from cordon.core.pagination import paged
from cordon.core.scope import CITY, Scope
from cordon.core.sql import where_given
from cordon.events import ExposuresAdded, ExposuresRemoved, PersonsMerged
from cordon.exposures.models import EventExposure, Exposure
from cordon.exposures.schemas import ContactIn, EventExposureIn, ExposureUpdate
from cordon.people.models import Person

NO_PERSON = N_("no person with id %(id)s")
MERGED = N_("person %(id)s was merged into %(into)s")
FUTURE = N_("%(day)s is in the future")
STALE = N_("stale (current version is %(version)s)")


def _check_people(session: Session, person_id: int, contacts: Sequence[ContactIn]) -> None:
    """Every person named must exist (and not be merged away); nobody meets themself; no date
    lies in the future."""
    problems: list[FieldProblem] = []
    wanted = {person_id} | {c.contact_id for c in contacts}
    rows = session.execute(select(Person.id, Person.merged_into_id).where(Person.id.in_(wanted)))
    found = {row[0]: row[1] for row in rows}
    if person_id not in found:
        problems.append(FieldProblem.of("person_id", NO_PERSON, id=person_id))
    elif found[person_id] is not None:
        merged = found[person_id]
        problems.append(FieldProblem.of("person_id", MERGED, id=person_id, into=merged))
    horizon = today()
    for i, c in enumerate(contacts):
        prefix = f"contacts[{i}]." if len(contacts) > 1 else ""
        if c.contact_id == person_id:
            problems.append(
                FieldProblem.of(f"{prefix}contact_id", N_("a person cannot be their own contact"))
            )
        elif c.contact_id not in found:
            problems.append(FieldProblem.of(f"{prefix}contact_id", NO_PERSON, id=c.contact_id))
        elif found[c.contact_id] is not None:
            merged = found[c.contact_id]
            problems.append(
                FieldProblem.of(f"{prefix}contact_id", MERGED, id=c.contact_id, into=merged)
            )
        if c.last_on > horizon:
            problems.append(FieldProblem.of(f"{prefix}last_on", FUTURE, day=c.last_on))
    if problems:
        raise InvalidInput("The exposure cannot be recorded.", problems)


def record_contacts(
    session: Session, *, person_id: int, contacts: Sequence[ContactIn], cause: str | None = None
) -> list[Exposure]:
    """Record a person's contacts, all or none; the tiers follow in the same transaction."""
    _check_people(session, person_id, contacts)
    rows = [
        Exposure(
            person_id=person_id,
            contact_id=c.contact_id,
            first_on=c.first_on,
            last_on=c.last_on,
            setting=c.setting,
            closeness=c.closeness,
            note=c.note,
        )
        for c in contacts
    ]
    session.add_all(rows)
    session.flush()
    publish(
        session,
        ExposuresAdded(
            cause=cause or f"contacts of person {person_id} recorded",
            exposure_ids=tuple(r.id for r in rows),
        ),
    )
    return rows


def get_exposure(session: Session, exposure_id: int) -> Exposure:
    return get_or_404(session, Exposure, exposure_id, what="exposure")


def update_exposure(session: Session, *, exposure_id: int, changes: ExposureUpdate) -> Exposure:
    """Correct an exposure: what came through the old version is retracted, the new one spreads."""
    row = get_exposure(session, exposure_id)
    if row.version != changes.version:
        raise Conflict(
            f"Exposure {row.id} is at version {row.version}, not {changes.version}: "
            "someone changed it meanwhile; reload it and retry.",
            [FieldProblem.of("version", STALE, version=row.version)],
        )
    values = changes.model_dump(exclude_unset=True, exclude={"version"})
    first = values.get("first_on", row.first_on)
    last = values.get("last_on", row.last_on)
    if last < first:
        raise InvalidInput.on(
            "last_on", N_("%(day)s is before first_on (%(first)s)"), day=last, first=first
        )
    if last > today():
        raise InvalidInput.on("last_on", FUTURE, day=last)
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    cause = f"exposure {exposure_id} corrected"
    publish(
        session,
        ExposuresRemoved(
            cause=cause, exposure_ids=(row.id,), person_ids=(row.person_id, row.contact_id)
        ),
    )
    publish(session, ExposuresAdded(cause=cause, exposure_ids=(row.id,)))
    return row


def delete_exposure(session: Session, *, exposure_id: int) -> None:
    row = get_exposure(session, exposure_id)
    ends = (row.person_id, row.contact_id)
    session.delete(row)
    session.flush()
    publish(
        session,
        ExposuresRemoved(
            cause=f"exposure {exposure_id} deleted", exposure_ids=(exposure_id,), person_ids=ends
        ),
    )


def list_exposures(
    session: Session,
    *,
    person_id: int | None = None,
    since: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
    scope: Scope = CITY,
) -> tuple[list[Exposure], int]:
    """Newest first; those with at least one of the two people in ``scope``."""
    query = select(Exposure)
    if not scope.whole_city:
        query = query.where(
            or_(
                scope.holds(Exposure.person_id, Person.id, Person.ward_id),
                scope.holds(Exposure.contact_id, Person.id, Person.ward_id),
            )
        )
    if person_id is not None:
        query = query.where(or_(Exposure.person_id == person_id, Exposure.contact_id == person_id))
    if since is not None:
        query = query.where(Exposure.last_on >= since)
    return paged(session, query, Exposure.id.desc(), limit=limit, offset=offset)


def record_event_exposure(session: Session, *, data: EventExposureIn) -> EventExposure:
    """A person at a cluster's place or event (a flight, a bar, a hospital ward)."""
    problems = []
    if session.get(Person, data.person_id) is None:
        problems.append(FieldProblem.of("person_id", NO_PERSON, id=data.person_id))
    if session.get(Cluster, data.cluster_id) is None:
        no_cluster = N_("no cluster with id %(id)s")
        problems.append(FieldProblem.of("cluster_id", no_cluster, id=data.cluster_id))
    if data.last_on > today():
        problems.append(FieldProblem.of("last_on", FUTURE, day=data.last_on))
    if problems:
        raise InvalidInput("The event exposure cannot be recorded.", problems)
    row = EventExposure(**data.model_dump())
    session.add(row)
    session.flush()
    return row


def list_event_exposures(
    session: Session,
    *,
    cluster_id: int | None = None,
    person_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    scope: Scope = CITY,
) -> tuple[list[EventExposure], int]:
    query = select(EventExposure)
    query = query.where(scope.holds(EventExposure.person_id, Person.id, Person.ward_id))
    query = where_given(
        query, (EventExposure.cluster_id, cluster_id), (EventExposure.person_id, person_id)
    )
    return paged(session, query, EventExposure.id.desc(), limit=limit, offset=offset)


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """The duplicate's exposures and event exposures become the kept person's, on either
    side; an exposure between the two would be a self-contact and is dropped. Before the
    tier engine reacts: it reads the exposures."""
    pair = (event.kept_id, event.merged_id)
    session.execute(
        delete(Exposure).where(Exposure.person_id.in_(pair), Exposure.contact_id.in_(pair))
    )
    merged, kept = event.merged_id, event.kept_id
    move_person_rows(session, Exposure, EventExposure, merged_id=merged, kept_id=kept)
    move_person_rows(session, Exposure, merged_id=merged, kept_id=kept, column="contact_id")
