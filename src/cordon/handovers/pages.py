"""Handovers in the web app: hand a contact living in another ward over from the person
page; the receiving ward takes it up, says what was done or why not; the sender follows
the answer — never the name (docs/access.md)."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cordon.access import guard
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError
from cordon.handovers import service
from cordon.handovers.enums import RECEIVER_MOVES, SENDER_MOVES, HandoverStatus
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


@router.get("/handovers")
def handovers_page(request: Request, session: SessionDep, who: PageUser) -> Response:
    needs(who, Permission.handovers)
    return _page(request, session, who, {})


def _page(
    request: Request, session: SessionDep, who: PageUser, errors: dict[int, str], status: int = 200
) -> Response:
    incoming, n_in = service.incoming(session, who, limit=100)
    outgoing, n_out = service.outgoing(session, who, limit=100)
    sent = service.sent_from(session, who, outgoing)
    own = [s.own_person_id for s in sent.values() if s.own_person_id is not None]
    seen = guard.visible(session, who, [h.person_id for h in incoming + outgoing] + own)
    recorder.read(session, "handovers", None, seen, view="handovers")
    moves = {}
    for h in incoming + outgoing:
        receiver, sender = service.sides(session, who, h)
        allowed = set(RECEIVER_MOVES.get(h.status, ())) if receiver else set()
        allowed |= set(SENDER_MOVES.get(h.status, ())) if sender else set()
        moves[h.id] = [m for m in HandoverStatus if m in allowed]
    context = {
        "incoming": incoming,
        "n_in": n_in,
        "outgoing": outgoing,
        "n_out": n_out,
        "names": guard.names(session, who, seen),
        "moves": moves,
        "sent": sent,
        "errors": errors,
    }
    return render(request, "handovers/list.html", context, who=who, status=status)


@router.post("/handovers")
def send(
    request: Request,
    session: SessionDep,
    who: PageUser,
    exposure_id: Annotated[Id, Form()],
    note: Text = "",
) -> Response:
    """Hand over the contact of an exposure (the button beside a contact out of sight)."""
    needs(who, Permission.handovers)
    # already handed over, or nothing to hand over: nothing is written, the list says
    with suppress(CordonError):
        service.send(session, who, exposure_id=exposure_id, note=note.strip() or None)
    return RedirectResponse("/handovers", status_code=303)


@router.post("/handovers/{handover_id}")
def answer(
    request: Request,
    session: SessionDep,
    who: PageUser,
    handover_id: Id,
    status: Text,
    note: Text = "",
) -> Response:
    needs(who, Permission.handovers)
    t = texts_for(request, who)
    try:
        move = HandoverStatus(status)
        service.answer(session, who, handover_id, status=move, text=note or None)
    except ValueError:
        return _page(request, session, who, {handover_id: t.gettext("Choose an answer.")}, 422)
    except CordonError as exc:
        if exc.status == 404:
            raise
        if exc.status == 422 and exc.problems:  # the note the answer needs, in the user's words
            message = t.problem(exc.problems[0], t.gettext("Say what was done, or why not."))
        else:
            message = t.gettext("Someone answered it meanwhile: see its status now.")
        return _page(request, session, who, {handover_id: message}, 422)
    return RedirectResponse("/handovers", status_code=303)
