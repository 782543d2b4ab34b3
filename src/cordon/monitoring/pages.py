"""The daily self-report in the browser, through the personal link sent by SMS: no account,
phone first, in the person's language. A household head reports for the household's members
in isolation from their own link."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError
from cordon.isolation.enums import OrderStatus
from cordon.isolation.models import IsolationOrder
from cordon.monitoring import links, service
from cordon.monitoring.enums import Reporter, Symptom
from cordon.people.models import Person
from cordon.web.forms import PostedForm, Reader, value
from cordon.web.labels import words
from cordon.web.templating import render, texts_for

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
    typed: dict[str, object] = {
        "temperature": value(form, "temperature"),
        "note": value(form, "note"),
        "submission": value(form, "submission"),
        "for_order": value(form, "for_order"),
        "symptoms": [s for s in form.getlist("symptoms") if isinstance(s, str)],
    }
    temperature = reader.number("temperature", str(typed["temperature"]), 34, 43)
    allowed = {str(i) for i, _ in _household(session, order)}
    target = int(str(typed["for_order"])) if typed["for_order"] in allowed else order.id
    if reader.ok():
        recorder.act_as(session, SELF_REPORT)
        try:
            service.report(
                session,
                target,
                temperature=temperature,
                symptoms=list(typed["symptoms"]),  # type: ignore[call-overload]
                note=str(typed["note"]) or None,
                reporter=Reporter.self if target == order.id else Reporter.household,
                by_user_id=None,
                submission=str(typed["submission"]),
            )
        except CordonError as exc:
            session.rollback()
            reader.refused(exc)
    if not reader.ok():
        return _form(request, session, order, token, typed=typed, errors=reader.errors, status=422)
    return RedirectResponse(f"/r/{token}?sent=1", status_code=303)
