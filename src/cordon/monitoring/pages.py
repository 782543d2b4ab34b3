"""Daily monitoring in the browser.

- The daily self-report, through the personal link sent by SMS: no account, phone first, in
  the person's language. A household head reports for the household's members in isolation
  from their own link.
- The ward health worker's page (``/monitoring``): the jurisdiction's open flags, each closed
  saying what was done, and who has not reported today, each with a form for a report taken
  by phone.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases.enums import Symptom
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError, NotFound
from cordon.isolation import service as isolation
from cordon.isolation.enums import OrderStatus
from cordon.isolation.models import IsolationOrder
from cordon.monitoring import history, links, service
from cordon.monitoring.enums import Reporter
from cordon.people import service as people
from cordon.people.models import Person
from cordon.web.filters import PageNumber
from cordon.web.forms import PostedForm, Reader, value
from cordon.web.labels import words
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs, paging

router = APIRouter(include_in_schema=False)
SELF_REPORT = recorder.Actor(None, "self-report link")


def _given(full_name: str) -> str:
    """The given name (the last word of a Vietnamese name): enough for the person to know the
    page is theirs, without the full name on a page opened by a link."""
    return full_name.split()[-1] if full_name.split() else ""


def _household(session: Session, order: IsolationOrder) -> list[tuple[int, str]]:
    """The orders the link may report for: its own, then the household's others in force."""
    person = session.get(Person, order.person_id)
    own = [(order.id, _given(person.full_name) if person else "")]
    if person is None or person.household_id is None:
        return own
    others = session.execute(
        select(IsolationOrder.id, Person.full_name)
        .join(Person, Person.id == IsolationOrder.person_id)
        .where(
            Person.household_id == person.household_id,
            IsolationOrder.status == OrderStatus.confirmed,
            IsolationOrder.id != order.id,
        )
        .order_by(IsolationOrder.id)
    ).all()
    return own + [(int(i), _given(n)) for i, n in others]


def _form(
    request: Request,
    session: Session,
    order: IsolationOrder,
    token: str,
    *,
    typed: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    sent: bool = False,
    status: int = 200,
) -> Response:
    t = texts_for(request)
    context = {
        "token": token,
        "members": _household(session, order),
        "symptoms": [(s.value, t.gettext(words(s))) for s in Symptom],
        "form": typed or {"submission": uuid.uuid4().hex, "for_order": str(order.id)},
        "errors": errors or {},
        "sent": sent,
    }
    return render(request, "monitoring/report.html", context, status=status)


def _gone(request: Request) -> Response:
    return render(request, "monitoring/link_gone.html", {}, status=404)


@router.get("/r/{token}")
def report_form(
    request: Request,
    session: SessionDep,
    token: str,
    sent: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    order = links.order_of(session, token)
    if order is None:
        return _gone(request)
    return _form(request, session, order, token, sent=bool(sent))


@router.post("/r/{token}")
def send_report(request: Request, session: SessionDep, token: str, form: PostedForm) -> Response:
    order = links.order_of(session, token)
    if order is None:
        return _gone(request)
    t = texts_for(request)
    reader = Reader(t)
    typed = _typed_report(form, "for_order")
    temperature = reader.number("temperature", str(typed["temperature"]), 34, 43)
    allowed = {str(i) for i, _ in _household(session, order)}
    target = int(str(typed["for_order"])) if typed["for_order"] in allowed else order.id
    if reader.ok():
        recorder.act_as(session, SELF_REPORT)
        try:
            reporter = Reporter.self if target == order.id else Reporter.household
            _send(session, target, typed, temperature, reporter=reporter, by_user_id=None)
        except CordonError as exc:
            reader.refused(exc)
    if not reader.ok():
        return _form(request, session, order, token, typed=typed, errors=reader.errors, status=422)
    return RedirectResponse(f"/r/{token}?sent=1", status_code=303)


def _typed_report(form: FormData, *more: str) -> dict[str, object]:
    """A daily report's fields as typed (and ``more`` fields of the form)."""
    names = ("temperature", "note", "submission", *more)
    typed: dict[str, object] = {name: value(form, name) for name in names}
    typed["symptoms"] = [s for s in form.getlist("symptoms") if isinstance(s, str)]
    return typed


def _send(
    session: Session,
    order_id: int,
    typed: dict[str, object],
    temperature: float | None,
    *,
    reporter: Reporter,
    by_user_id: int | None,
) -> None:
    """The daily report ``typed`` for ``order_id``, stored (once per its submission key)."""
    service.report(
        session,
        order_id,
        temperature=temperature,
        symptoms=list(typed["symptoms"]),  # type: ignore[call-overload]
        note=str(typed["note"]) or None,
        reporter=reporter,
        by_user_id=by_user_id,
        submission=str(typed["submission"]),
    )


# -- the ward health worker's page -------------------------------------------------------------

PER_PAGE = 50
Saved = Literal["report", "flag"]


def _worker_page(
    request: Request,
    session: Session,
    who: Principal,
    page: int,
    *,
    typed: dict[str, dict[str, object]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    alert: str = "",
    saved: str = "",
    status: int = 200,
) -> Response:
    """Open flags of the jurisdiction, then who has not reported today (paged); a rejected
    form (``typed`` and ``errors`` by row: ``flag-<id>``, ``order-<id>``) shown again."""
    t = texts_for(request, who)
    flags, n_flags = service.open_flags(session, scope=who.scope, limit=PER_PAGE)
    offset = (page - 1) * PER_PAGE
    quiet, n_quiet = service.not_reported(session, scope=who.scope, limit=PER_PAGE, offset=offset)
    flagged, waiting = [f.person_id for f in flags], [o.person_id for o in quiet]
    recorder.read(session, "monitoring_flags", None, flagged, view="monitoring")
    recorder.read(session, "isolation_orders", None, waiting, view="not_reported")
    context = {
        "flags": flags,
        "n_flags": n_flags,
        "quiet": quiet,
        "n_quiet": n_quiet,
        "names": guard.names(session, who, flagged + waiting),
        "phones": {} if who.pseudonymised else people.phones_of(session, waiting),
        "symptoms": [(s.value, t.gettext(words(s))) for s in Symptom],
        "keys": {o.id: uuid.uuid4().hex for o in quiet},  # each form's own submission key
        "typed": typed or {},
        "errors": errors or {},
        "alert": alert,
        "saved": saved,
        "can_write": who.can(Permission.isolation_write),
        **paging(n_quiet, page, PER_PAGE),
    }
    return render(request, "monitoring/today.html", context, who=who, status=status)


def _page_of(form: FormData) -> int:
    typed = value(form, "page")
    return min(int(typed), 100_000) if typed.isdigit() and int(typed) >= 1 else 1


def _back(page: int, saved: Saved) -> Response:
    return RedirectResponse(f"/monitoring?page={page}&saved={saved}", status_code=303)


def _refused(
    request: Request,
    session: Session,
    who: Principal,
    page: int,
    row: str,
    typed: dict[str, object],
    reader: Reader,
    exc: CordonError | None = None,
) -> Response:
    """The page again, the row's form as typed with each problem next to its field; a
    refusal that concerns no field (the flag closed meanwhile, the order no longer in force)
    said at the top."""
    if exc is not None:
        reader.refused(exc)
        if not exc.problems:
            said = reader.t.error(exc)
            return _worker_page(request, session, who, page, alert=said, status=exc.status)
    return _worker_page(
        request, session, who, page, typed={row: typed}, errors={row: reader.errors}, status=422
    )


@router.get("/monitoring")
def worker_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    page: PageNumber = 1,
    saved: Annotated[Saved | None, Query()] = None,
) -> Response:
    """The ward health worker's day: flags to act on, and who has not reported today."""
    needs(who, Permission.isolation_read)
    return _worker_page(request, session, who, page, saved=saved or "")


@router.post("/monitoring/flags/{flag_id}/close")
def close_flag(
    request: Request, session: SessionDep, who: PageUser, flag_id: Id, form: PostedForm
) -> Response:
    """Close a flag saying what was done."""
    needs(who, Permission.isolation_write)
    guard.person(session, who, service.get_flag(session, flag_id).person_id)
    note, page = value(form, "note"), _page_of(form)
    try:
        service.close_flag(session, flag_id, by_user_id=who.user_id, note=note)
    except CordonError as exc:
        reader = Reader(texts_for(request, who))
        return _refused(request, session, who, page, f"flag-{flag_id}", {"note": note}, reader, exc)
    return _back(page, "flag")


@router.post("/monitoring/orders/{order_id}/report")
def enter_report(
    request: Request, session: SessionDep, who: PageUser, order_id: Id, form: PostedForm
) -> Response:
    """A daily report the worker took by phone or at the door; the same form sent twice
    (its ``submission`` key) is stored once."""
    needs(who, Permission.isolation_write)
    guard.person(session, who, isolation.get(session, order_id).person_id)
    reader = Reader(texts_for(request, who))
    typed = _typed_report(form)
    low, high = service.TEMPERATURE_RANGE
    temperature = reader.number("temperature", str(typed["temperature"]), low, high)
    page, row = _page_of(form), f"order-{order_id}"
    if not reader.ok():
        return _refused(request, session, who, page, row, typed, reader)
    try:
        _send(
            session, order_id, typed, temperature, reporter=Reporter.worker, by_user_id=who.user_id
        )
    except CordonError as exc:
        return _refused(request, session, who, page, row, typed, reader, exc)
    return _back(page, "report")


EXPORTS = {
    "csv": (history.as_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        history.as_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@router.get("/people/{person_id}/readings.{kind}")
def export_readings(
    request: Request, session: SessionDep, who: PageUser, person_id: Id, kind: str
) -> Response:
    """The person's follow-up history as CSV or XLSX (the file named by the person's id,
    never their name)."""
    needs(who, Permission.isolation_read)
    if kind not in EXPORTS:
        raise NotFound("No such export.")
    guard.person(session, who, person_id)
    recorder.note(session, "export", "self_reports", person_id, [person_id], view="readings")
    readings = history.shown_to(
        history.readings_of(session, person_id), pseudonymised=who.pseudonymised
    )
    write, media = EXPORTS[kind]
    name = f"readings-person-{person_id}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(write(readings), media_type=media, headers=headers)
