from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.models import User
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.access.who import HandoverHandler
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.geography.models import AdminUnit
from cordon.handovers import service
from cordon.handovers.enums import PENDING, HandoverStatus
from cordon.handovers.models import Handover
from cordon.handovers.schemas import (
    HandoverAnswerIn,
    HandoverContactIn,
    HandoverIn,
    HandoverOut,
    UnitRef,
)

router = APIRouter(prefix="/handovers", tags=["handovers"])


def _out(session: Session, who: Principal, rows: list[Handover]) -> list[HandoverOut]:
    seen = guard.visible(session, who, [h.person_id for h in rows])
    names = guard.names(session, who, seen)
    unit_ids = {h.from_unit_id for h in rows} | {h.to_unit_id for h in rows}
    units = {
        u.id: UnitRef(id=u.id, code=u.code, name=u.name)
        for u in session.scalars(select(AdminUnit).where(AdminUnit.id.in_(sorted(unit_ids))))
    }
    user_ids = {h.sent_by for h in rows} | {h.answered_by for h in rows if h.answered_by}
    users = dict(
        session.execute(select(User.id, User.username).where(User.id.in_(sorted(user_ids)))).all()
    )
    recorder.read(session, "handovers", None, seen, view="handovers")
    return [
        HandoverOut(
            id=h.id,
            status=h.status,
            exposure_id=h.exposure_id,
            person_id=h.person_id if h.person_id in seen else None,
            name=names.get(h.person_id, guard.HIDDEN),
            from_unit=units[h.from_unit_id],
            to_unit=units[h.to_unit_id],
            note=h.note,
            sent_by=users[h.sent_by],
            sent_at=h.created_at,
            answer=h.answer,
            answered_by=users.get(h.answered_by) if h.answered_by else None,
            answered_at=h.answered_at,
        )
        for h in rows
    ]


@router.post("", response_model=HandoverOut, status_code=201)
def send(session: SessionDep, who: HandoverHandler, body: HandoverIn) -> HandoverOut:
    """Hand a contact who lives outside your jurisdiction over to their ward."""
    handover = service.send(session, who, exposure_id=body.exposure_id, note=body.note)
    return _out(session, who, [handover])[0]


@router.post("/contacts", response_model=HandoverOut, status_code=201)
def hand_over_contact(
    session: SessionDep, who: HandoverHandler, body: HandoverContactIn
) -> HandoverOut:
    """Record a contact who lives outside your jurisdiction and hand them over to their ward,
    in one step: the exposure with your person, and the handover. Whether the contact was
    registered already, and as whom, stays with the receiving ward."""
    who.require(Permission.exposures_write)
    handover = service.hand_over_contact(
        session,
        who,
        person_id=body.person_id,
        contact=body.contact,
        met=body.met.model_dump(),
        note=body.note,
    )
    return _out(session, who, [handover])[0]


@router.get("", response_model=Page[HandoverOut])
def list_handovers(
    session: SessionDep,
    who: HandoverHandler,
    page: PageDep,
    box: Annotated[
        Literal["incoming", "outgoing"],
        Query(
            description="incoming: contacts living in your jurisdiction; outgoing: sent by "
            "your unit or a unit below it."
        ),
    ] = "incoming",
    status: Annotated[
        list[HandoverStatus] | None,
        Query(
            description="Only these statuses (default: open and accepted for incoming, "
            "all for outgoing)."
        ),
    ] = None,
) -> Page[HandoverOut]:
    """The handover inbox (still to do, by default) or what your unit sent."""
    if box == "incoming":
        rows, total = service.incoming(
            session, who, statuses=status or PENDING, limit=page.limit, offset=page.offset
        )
    else:
        rows, total = service.outgoing(
            session,
            who,
            statuses=status or tuple(HandoverStatus),
            limit=page.limit,
            offset=page.offset,
        )
    return page.answer(_out(session, who, rows), total)


@router.get("/{handover_id}", response_model=HandoverOut)
def get_handover(session: SessionDep, who: HandoverHandler, handover_id: Id) -> HandoverOut:
    return _out(session, who, [service.get(session, who, handover_id)])[0]


@router.post("/{handover_id}/status", response_model=HandoverOut)
def answer(
    session: SessionDep, who: HandoverHandler, handover_id: Id, body: HandoverAnswerIn
) -> HandoverOut:
    """Accept, complete or decline a handover to your jurisdiction; cancel one you sent."""
    handover = service.answer(session, who, handover_id, status=body.status, text=body.note)
    return _out(session, who, [handover])[0]
