"""Reaching contacts in the web app: the attempt form on the person page, and the list of
contacts still to reach in the user's jurisdiction (also on *my work today*)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cordon.access import guard
from cordon.access.roles import Permission
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.outreach import service
from cordon.outreach.enums import Channel, Outcome
from cordon.people.pages import render_person
from cordon.web.filters import PageNumber
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs, paging

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
Text = Annotated[str, Form()]


@router.post("/people/{person_id}/reach")
def record_attempt(
    request: Request,
    session: SessionDep,
    who: PageUser,
    person_id: Id,
    channel: Text = "",
    outcome: Text = "",
    note: Text = "",
) -> Response:
    """Record a call, visit or message to this contact; back to the person page."""
    needs(who, Permission.exposures_write)
    guard.person(session, who, person_id)
    t = texts_for(request, who)
    errors: dict[str, str] = {}
    if channel not in Channel.__members__:
        errors["channel"] = t.gettext("Choose how you tried to reach them.")
    if outcome not in Outcome.__members__:
        errors["outcome"] = t.gettext("Choose what came of it.")
    if len(note) > 2000:
        errors["note"] = t.gettext("Keep the note under 2,000 characters.")
    if errors:
        typed = {"channel": channel, "outcome": outcome, "note": note, "errors": errors}
        return render_person(request, session, who, person_id, reach=typed, status=422)
    service.record(
        session,
        person_id=person_id,
        channel=Channel(channel),
        outcome=Outcome(outcome),
        note=note.strip() or None,
        by_user_id=who.user_id,
    )
    return RedirectResponse(f"/people/{person_id}#reach", status_code=303)


@router.get("/tracing/to-reach")
def to_reach_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    page: PageNumber = 1,
) -> Response:
    """The contacts still to reach, longest waiting first."""
    needs(who, Permission.tracing_read)
    rows, total = service.still_to_reach(
        session, scope=who.scope, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    names = guard.shown(session, who, "people", [w.person_id for w in rows], view="to-reach")
    context = {
        "rows": rows,
        "total": total,
        **paging(total, page, PER_PAGE),
        "names": names,
        "links": who.can(Permission.people_read),
    }
    return render(request, "outreach/to_reach.html", context, who=who)
