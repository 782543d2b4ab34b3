"""The Network page: this node, the partner cities side by side (a table and a chart), the
city's report of today to approve and send, the warnings in force, the resource board, the
people handed over (no names), the peers and the messages. Setting up trust, raising
warnings, resource steps and handovers are in the API and ``cordon network``."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cordon.access.roles import Permission
from cordon.access.who import city_level
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import Conflict
from cordon.network import sitreps
from cordon.network.overview_pages import network_view
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
CITY = "A situation report speaks for the whole city: city-level users only."


@router.get("/network")
def network_page(request: Request, session: SessionDep, who: PageUser) -> Response:
    """The network at a glance, for roles that read it."""
    needs(who, Permission.network_read)
    view = network_view(session, texts_for(request, who))
    can_send = who.can(Permission.network_send) and who.scope.whole_city
    return render(request, "network/index.html", {"v": view, "can_send": can_send}, who=who)


@router.post("/network/sitreps/{report_id}")
def act_on_report(
    request: Request,
    session: SessionDep,
    who: PageUser,
    report_id: Id,
    action: Annotated[str, Form(max_length=10)],
    version: Annotated[int, Form(ge=1, le=2**31)],
) -> Response:
    """Approve today's report, or send the approved one (the buttons under it). A report
    changed meanwhile is left as it is: the page shows it as it is now."""
    needs(who, Permission.network_send)
    city_level(who, CITY)
    with suppress(Conflict):
        if action == "approve":
            sitreps.approve(
                session, report_id, version=version, by_user_id=who.user_id, by=who.username
            )
        elif action == "send":
            sitreps.send(session, report_id, version=version, by_user_id=who.user_id)
    return RedirectResponse("/network", status_code=303)
