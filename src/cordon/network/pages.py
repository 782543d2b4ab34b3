"""The Network page: this node, the partner cities side by side, the peers and the messages
exchanged (read-only; setting up and sending are in the API and ``cordon network``)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cordon.access.roles import Permission
from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.network import comparison, listing, service
from cordon.web.templating import render
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
DAYS = 90  # of reports side by side
SHOWN = 20  # latest messages


@router.get("/network")
def network_page(request: Request, session: SessionDep, who: PageUser) -> Response:
    """Partner cities' latest figures per 100,000 people, the peers and recent messages."""
    needs(who, Permission.network_read)
    on = today()
    view = comparison.side_by_side(session, since=on - dt.timedelta(days=DAYS - 1), until=on)
    messages, total = listing.messages(session, limit=SHOWN)
    context = {
        "node": service.this_node(session),
        "cities": view.cities,
        "peers": service.peers(session),
        "messages": messages,
        "total": total,
        "on": on,
    }
    return render(request, "network/index.html", context, who=who)
