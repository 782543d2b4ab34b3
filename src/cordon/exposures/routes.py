from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response

from cordon.access import guard
from cordon.access.who import ExposuresReader, ExposuresWriter
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.exposures import service
from cordon.exposures.schemas import (
    ContactIn,
    ContactListIn,
    EventExposureIn,
    EventExposureOut,
    ExposureIn,
    ExposureOut,
    ExposureUpdate,
)

router = APIRouter(tags=["exposures"])


@router.post("/exposures", status_code=201, response_model=ExposureOut)
def record_exposure(session: SessionDep, who: ExposuresWriter, body: ExposureIn) -> ExposureOut:
    """Record that two people met; their tiers and everyone's downstream follow at once.
    Both must be in your jurisdiction: a contact living elsewhere is recorded and handed
    over with ``POST /handovers/contacts``."""
    guard.person_field(session, who, body.person_id, "person_id")
    guard.contact_fields(session, who, {"contact_id": body.contact_id})
    contact = body.model_dump(exclude={"person_id"})
    (row,) = service.record_contacts(
        session, person_id=body.person_id, contacts=[ContactIn(**contact)]
    )
    return ExposureOut.model_validate(row)


@router.post("/exposures/contact-list", status_code=201, response_model=list[ExposureOut])
def record_contact_list(
    session: SessionDep, who: ExposuresWriter, body: ContactListIn
) -> list[ExposureOut]:
    """A person's whole contact list (a household, a workplace) in one go — all or nothing."""
    guard.person_field(session, who, body.person_id, "person_id")
    named = {f"contacts[{i}].contact_id": c.contact_id for i, c in enumerate(body.contacts)}
    guard.contact_fields(session, who, named)
    rows = service.record_contacts(session, person_id=body.person_id, contacts=body.contacts)
    return [ExposureOut.model_validate(r) for r in rows]


@router.get("/exposures", response_model=Page[ExposureOut])
def list_exposures(
    session: SessionDep,
    who: ExposuresReader,
    page: PageDep,
    person_id: Annotated[Id | None, Query(description="Exposures of this person.")] = None,
    since: Annotated[dt.date | None, Query(description="Contact on or after this day.")] = None,
) -> Page[ExposureOut]:
    if person_id is not None:
        guard.person(session, who, person_id)
    rows, total = service.list_exposures(
        session,
        person_id=person_id,
        since=since,
        limit=page.limit,
        offset=page.offset,
        scope=who.scope,
    )
    recorder.read(session, "exposures", None, [person_id], view="list")
    return page.answer([ExposureOut.model_validate(r) for r in rows], total)


@router.get("/exposures/{exposure_id}", response_model=ExposureOut)
def get_exposure(session: SessionDep, who: ExposuresReader, exposure_id: Id) -> ExposureOut:
    guard.exposure(session, who, exposure_id)
    return ExposureOut.model_validate(service.get_exposure(session, exposure_id))


@router.patch("/exposures/{exposure_id}", response_model=ExposureOut)
def update_exposure(
    session: SessionDep, who: ExposuresWriter, exposure_id: Id, body: ExposureUpdate
) -> ExposureOut:
    """Correct dates, setting or closeness; tiers that came through the old version follow."""
    guard.exposure(session, who, exposure_id)
    return ExposureOut.model_validate(
        service.update_exposure(session, exposure_id=exposure_id, changes=body)
    )


@router.delete("/exposures/{exposure_id}", status_code=204)
def delete_exposure(session: SessionDep, who: ExposuresWriter, exposure_id: Id) -> Response:
    guard.exposure(session, who, exposure_id)
    service.delete_exposure(session, exposure_id=exposure_id)
    return Response(status_code=204)


@router.post("/event-exposures", status_code=201, response_model=EventExposureOut)
def record_event_exposure(
    session: SessionDep, who: ExposuresWriter, body: EventExposureIn
) -> EventExposureOut:
    """A person at a cluster's place or event between two dates."""
    guard.person_field(session, who, body.person_id, "person_id")
    return EventExposureOut.model_validate(service.record_event_exposure(session, data=body))


@router.get("/event-exposures", response_model=Page[EventExposureOut])
def list_event_exposures(
    session: SessionDep,
    who: ExposuresReader,
    page: PageDep,
    cluster_id: Id | None = None,
    person_id: Id | None = None,
) -> Page[EventExposureOut]:
    if person_id is not None:
        guard.person(session, who, person_id)
    rows, total = service.list_event_exposures(
        session,
        cluster_id=cluster_id,
        person_id=person_id,
        limit=page.limit,
        offset=page.offset,
        scope=who.scope,
    )
    return page.answer([EventExposureOut.model_validate(r) for r in rows], total)
