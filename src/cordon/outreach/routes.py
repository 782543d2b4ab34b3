from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.models import User
from cordon.access.who import ExposuresWriter, TracingReader
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.outreach import service
from cordon.outreach.models import ReachAttempt
from cordon.outreach.schemas import ReachAttemptIn, ReachAttemptOut, WaitingOut

router = APIRouter(tags=["outreach"])


def attempts_out(session: Session, rows: list[ReachAttempt]) -> list[ReachAttemptOut]:
    user_ids = sorted({a.by_user_id for a in rows if a.by_user_id is not None})
    users = dict(session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all())
    return [ReachAttemptOut.of(a, by=_name(users, a.by_user_id)) for a in rows]


def _name(users: dict[int, str], user_id: int | None) -> str | None:
    return None if user_id is None else users.get(user_id)


@router.post("/people/{person_id}/reach-attempts", response_model=ReachAttemptOut, status_code=201)
def record_attempt(
    session: SessionDep, who: ExposuresWriter, person_id: Id, body: ReachAttemptIn
) -> ReachAttemptOut:
    """Record a call, visit or message to a contact and what came of it."""
    guard.person(session, who, person_id)
    attempt = service.record(
        session, person_id=person_id, by_user_id=who.user_id, **body.model_dump()
    )
    return attempts_out(session, [attempt])[0]


@router.get("/people/{person_id}/reach-attempts", response_model=list[ReachAttemptOut])
def list_attempts(session: SessionDep, who: TracingReader, person_id: Id) -> list[ReachAttemptOut]:
    """Every attempt to reach this person, latest first."""
    guard.person(session, who, person_id)
    rows = service.attempts_of(session, person_id)
    recorder.read(session, "reach_attempts", person_id, [person_id])
    return attempts_out(session, rows)


@router.get("/tracing/to-reach", response_model=Page[WaitingOut])
def to_reach(session: SessionDep, who: TracingReader, page: PageDep) -> Page[WaitingOut]:
    """Contacts in your jurisdiction still to reach (their tier asks for it and no attempt
    since their tier last moved reached them), longest waiting first."""
    rows, total = service.still_to_reach(
        session, scope=who.scope, limit=page.limit, offset=page.offset
    )
    names = guard.shown(session, who, "people", [w.person_id for w in rows], view="to-reach")
    items = [WaitingOut(name=names.get(w.person_id, ""), **vars(w)) for w in rows]
    return page.answer(items, total)
