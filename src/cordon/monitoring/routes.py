from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.who import IsolationReader, IsolationWriter
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.isolation import service as isolation
from cordon.isolation.routes import orders_out
from cordon.isolation.schemas import OrderOut
from cordon.monitoring import history, service
from cordon.monitoring.enums import Reporter
from cordon.monitoring.models import Flag, SelfReport
from cordon.monitoring.schemas import CloseIn, FlagOut, ReadingOut, ReportIn, ReportOut

router = APIRouter(tags=["isolation"])


def report_out(
    r: SelfReport, flags: list[Flag] | None = None, *, before: bool = False
) -> ReportOut:
    kinds = [f.kind for f in flags or []]
    return ReportOut.model_validate(r).model_copy(update={"flags": kinds, "stored_before": before})


def flags_out(session: Session, who: Principal, rows: list[Flag]) -> list[FlagOut]:
    ids = [f.person_id for f in rows]
    names = guard.shown(session, who, "monitoring_flags", ids, view="flags")
    return [
        FlagOut.model_validate(f).model_copy(update={"name": names.get(f.person_id, "")})
        for f in rows
    ]


@router.post("/isolation/orders/{order_id}/reports", response_model=ReportOut, status_code=201)
def enter_report(
    session: SessionDep, who: IsolationWriter, order_id: Id, body: ReportIn
) -> ReportOut:
    """A daily report taken by a ward health worker (by phone or at the door)."""
    order = isolation.get(session, order_id)
    guard.person(session, who, order.person_id)
    done = service.report(
        session, order_id, reporter=Reporter.worker, by_user_id=who.user_id, **body.model_dump()
    )
    return report_out(done.report, done.flags, before=not done.new)


@router.get("/isolation/orders/{order_id}/reports", response_model=list[ReportOut])
def list_reports(session: SessionDep, who: IsolationReader, order_id: Id) -> list[ReportOut]:
    order = isolation.get(session, order_id)
    guard.person(session, who, order.person_id)
    recorder.read(session, "self_reports", order.person_id, [order.person_id])
    return [report_out(r) for r in service.reports_of(session, order_id)]


@router.get("/people/{person_id}/readings", response_model=list[ReadingOut])
def follow_up_history(session: SessionDep, who: IsolationReader, person_id: Id) -> list[ReadingOut]:
    """The person's daily readings in isolation, newest first, with the flags each raised."""
    guard.person(session, who, person_id)
    recorder.read(session, "self_reports", None, [person_id], view="follow-up history")
    readings = history.readings_of(session, person_id)
    shown = history.shown_to(readings, pseudonymised=who.pseudonymised)
    return [ReadingOut.model_validate(vars(r)) for r in shown]


@router.get("/monitoring/flags", response_model=Page[FlagOut])
def list_flags(session: SessionDep, who: IsolationReader, page: PageDep) -> Page[FlagOut]:
    """Open flags in your jurisdiction, newest first: missed reports, fever, symptoms."""
    rows, total = service.open_flags(session, scope=who.scope, limit=page.limit, offset=page.offset)
    items = flags_out(session, who, rows)
    return page.answer(items, total)


@router.post("/monitoring/flags/{flag_id}/close", response_model=FlagOut)
def close_flag(session: SessionDep, who: IsolationWriter, flag_id: Id, body: CloseIn) -> FlagOut:
    guard.person(session, who, service.get_flag(session, flag_id).person_id)
    closed = service.close_flag(session, flag_id, by_user_id=who.user_id, note=body.note)
    return flags_out(session, who, [closed])[0]


@router.get("/monitoring/not-reported", response_model=Page[OrderOut])
def not_reported(session: SessionDep, who: IsolationReader, page: PageDep) -> Page[OrderOut]:
    """People in isolation in your jurisdiction who have not reported today."""
    rows, total = service.not_reported(
        session, scope=who.scope, limit=page.limit, offset=page.offset
    )
    items = orders_out(session, who, rows)
    return page.answer(items, total)
