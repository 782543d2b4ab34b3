"""Situation reports in the API: this city's drafted, edited, approved, sent; all listed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response

from cordon.access.who import NetworkReader, NetworkSender, city_level
from cordon.core.bounds import Id
from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.network import comparison, sitrep_schedule, sitreps
from cordon.network.listing import described
from cordon.network.schemas import MessageOut
from cordon.network.sitrep_schemas import (
    DraftIn,
    ScheduleIn,
    ScheduleOut,
    SideBySideOut,
    SitRepEdit,
    SitRepOut,
    Versioned,
)

CITY = "A situation report speaks for the whole city: city-level users only."
router = APIRouter(prefix="/network/sitreps", tags=["network"])
XML = "application/xml"


@router.get("", response_model=Page[SitRepOut])
def list_sitreps(
    session: SessionDep,
    who: NetworkReader,
    page: PageDep,
    ours: Annotated[bool | None, Query(description="true: this city's; false: partners'.")] = None,
    peer_id: Annotated[Id | None, Query(description="Only this partner's.")] = None,
) -> Page[SitRepOut]:
    """Reports, the latest day first."""
    rows, total = sitreps.listed(
        session, peer_id=peer_id, ours=ours, limit=page.limit, offset=page.offset
    )
    return page.answer(rows, total)


@router.get("/side-by-side", response_model=SideBySideOut)
def side_by_side(
    session: SessionDep,
    who: NetworkReader,
    days: Annotated[int, Query(ge=1, le=1096, description="Days back from today.")] = 90,
) -> SideBySideOut:
    """This city and its partners over time, per 100,000 people: cases in 7 days, Rt, days
    since the last community case, beds free (from the reports sent and received)."""
    until = today()
    view = comparison.side_by_side(session, since=until - dt.timedelta(days=days - 1), until=until)
    return SideBySideOut.model_validate(view)


@router.get(
    "/schedule",
    response_model=ScheduleOut,
    responses={409: {"description": "Not on the network yet."}},
)
def get_schedule(session: SessionDep, who: NetworkReader) -> ScheduleOut:
    """When the worker sends the approved report of the day (null: by hand only)."""
    return ScheduleOut(daily_at=sitrep_schedule.daily_at(session))


@router.put("/schedule", response_model=ScheduleOut)
def set_schedule(session: SessionDep, who: NetworkSender, body: ScheduleIn) -> ScheduleOut:
    """From this local time each day, the worker sends the day's report once it is approved."""
    city_level(who, CITY)
    return ScheduleOut(daily_at=sitrep_schedule.set_daily(session, body.daily_at))


@router.post("", response_model=SitRepOut, status_code=201)
def draft_sitrep(session: SessionDep, who: NetworkSender, body: DraftIn) -> SitRepOut:
    """A new draft of the city's report, its figures read from the registry."""
    city_level(who, CITY)
    row = sitreps.draft(session, on=body.as_of, by_user_id=who.user_id, by=who.username)
    return sitreps.one(session, row.id)


@router.get("/{report_id}", response_model=SitRepOut)
def get_sitrep(session: SessionDep, who: NetworkReader, report_id: Id) -> SitRepOut:
    return sitreps.one(session, report_id)


@router.get(
    "/{report_id}/edxl-sitrep.xml",
    response_class=Response,
    responses={200: {"content": {XML: {}}, "description": "The report as EDXL-SitRep XML."}},
)
def sitrep_as_xml(session: SessionDep, who: NetworkReader, report_id: Id) -> Response:
    """The report in the shape of OASIS EDXL-SitRep 1.0 (docs/network.md)."""
    return Response(sitreps.as_xml(session, report_id), media_type=XML)


@router.put("/{report_id}", response_model=SitRepOut)
def edit_sitrep(
    session: SessionDep, who: NetworkSender, report_id: Id, body: SitRepEdit
) -> SitRepOut:
    """The summary, measures in force, version and next report due of a draft."""
    city_level(who, CITY)
    sitreps.edit(session, report_id, body)
    return sitreps.one(session, report_id)


@router.post("/{report_id}/approve", response_model=SitRepOut)
def approve_sitrep(
    session: SessionDep, who: NetworkSender, report_id: Id, body: Versioned
) -> SitRepOut:
    city_level(who, CITY)
    sitreps.approve(
        session, report_id, version=body.version, by_user_id=who.user_id, by=who.username
    )
    return sitreps.one(session, report_id)


@router.post("/{report_id}/send", response_model=list[MessageOut], status_code=202)
def send_sitrep(
    session: SessionDep, who: NetworkSender, report_id: Id, body: Versioned
) -> list[MessageOut]:
    """An approved report to every active peer that receives reports (202: the worker
    delivers each copy)."""
    city_level(who, CITY)
    sent = sitreps.send(session, report_id, version=body.version, by_user_id=who.user_id)
    return described(session, sent)
