"""Isolation in the web app: the jurisdiction's open orders, proposed ones first, each
confirmed as proposed or in another facility, or declined with a reason; orders in force
moved elsewhere; orders whose period is over released — on one page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cordon.access import guard
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError
from cordon.facilities import service as facilities
from cordon.facilities.enums import FacilityStatus
from cordon.isolation import release, service
from cordon.isolation.enums import OrderStatus, Place
from cordon.web.filters import PageNumber
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs, paging

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
Text = Annotated[str, Form(max_length=300)]  # a reason fits its column


def _page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    page: int,
    errors: dict[int, str] | None = None,
    status: int = 200,
) -> Response:
    offset = (page - 1) * PER_PAGE
    proposed, n_proposed = service.listed(
        session, scope=who.scope, statuses={OrderStatus.proposed}, limit=PER_PAGE, offset=offset
    )
    confirmed, n_confirmed = service.listed(
        session, scope=who.scope, statuses={OrderStatus.confirmed}, limit=PER_PAGE, offset=offset
    )
    due = release.due_for_release(session, scope=who.scope, limit=PER_PAGE)
    ids = [o.person_id for o in proposed + confirmed] + [d.order.person_id for d in due]
    recorder.read(session, "isolation_orders", None, ids, view="orders")
    places, _ = facilities.listed(session, status=FacilityStatus.open, limit=500)
    held = facilities.by_id(session, [o.facility_id for o in proposed + confirmed if o.facility_id])
    context = {
        "due": due,
        "proposed": proposed,
        "n_proposed": n_proposed,
        "confirmed": confirmed,
        "n_confirmed": n_confirmed,
        "names": guard.names(session, who, ids),
        "open_facilities": places,
        "facilities": held,
        "errors": errors or {},
        **paging(max(n_proposed, n_confirmed), page, PER_PAGE),
        "can_decide": who.can(Permission.isolation_write),
    }
    return render(request, "isolation/orders.html", context, who=who, status=status)


@router.get("/isolation")
def orders_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    page: PageNumber = 1,
) -> Response:
    needs(who, Permission.isolation_read)
    return _page(request, session, who, page)


@router.post("/isolation/orders/{order_id}")
def decide(
    request: Request,
    session: SessionDep,
    who: PageUser,
    order_id: Id,
    action: Text,
    version: Annotated[int, Form()],
    facility_id: Text = "",
    reason: Text = "",
    move_to: Text = "",
) -> Response:
    """Confirm (as proposed, or in the facility chosen), decline (with a reason), transfer
    an order in force (to a facility or home, with a reason) or release (the period over
    and the rule met)."""
    needs(who, Permission.isolation_write)
    order = service.get(session, order_id)
    guard.person(session, who, order.person_id)
    t = texts_for(request, who)
    try:
        if action == "release":
            release.release(session, order_id, version=version, by_user_id=who.user_id)
        elif action == "transfer":
            place = Place.home if move_to == "home" else Place.facility
            target = int(move_to) if move_to.isdigit() else None
            service.transfer(
                session,
                order_id,
                version=version,
                by_user_id=who.user_id,
                place=place,
                facility_id=target,
                reason=reason,
            )
        elif action == "decline":
            service.decline(
                session, order_id, version=version, by_user_id=who.user_id, reason=reason
            )
        else:
            chosen = int(facility_id) if facility_id.isdigit() else None
            service.confirm(
                session, order_id, version=version, by_user_id=who.user_id, facility_id=chosen
            )
    except CordonError as exc:
        said = t.problem(exc.problems[0]) if exc.problems else t.error(exc)
        return _page(request, session, who, 1, {order_id: said}, status=422)
    return RedirectResponse("/isolation", status_code=303)
