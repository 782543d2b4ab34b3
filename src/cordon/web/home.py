"""The home page: my work today — in the user's jurisdiction, what needs doing now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases import lab
from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus
from cordon.core.dates import start_of_today, today
from cordon.core.deps import SessionDep
from cordon.handovers import service as handovers
from cordon.isolation import tasks
from cordon.monitoring import service as monitoring
from cordon.outreach import service as outreach
from cordon.tracing import service as tracing
from cordon.web.templating import render
from cordon.web.viewer import PageUser

router = APIRouter(include_in_schema=False)
SHOWN = 20
RECENT_DAYS = 7
COUNTED = 10_000  # work lists count up to this many ("10,000+")


def _lab_work(session: Session, who: Principal) -> dict[str, Any]:
    """The laboratory's work: samples due to be taken, and results still to enter."""
    samples, n_samples = tasks.due(session, scope=who.scope, limit=SHOWN)
    awaited, n_awaited = lab.awaiting_results(session, scope=who.scope, limit=SHOWN)
    return {"samples": samples, "n_samples": n_samples, "awaited": awaited, "n_awaited": n_awaited}


@router.get("/")
def home(request: Request, session: SessionDep, who: PageUser) -> Response:
    context: dict[str, object] = {"recent_days": RECENT_DAYS}
    people: list[int] = []
    if who.can(Permission.cases_read):
        suspected, n_suspected = cases.list_cases(
            session, status=CaseStatus.suspected, limit=SHOWN, scope=who.scope
        )
        since = today() - dt.timedelta(days=RECENT_DAYS)
        confirmed, n_confirmed = cases.list_cases(
            session,
            status=CaseStatus.confirmed,
            confirmed_from=since,
            limit=SHOWN,
            scope=who.scope,
        )
        context |= {
            "suspected": suspected,
            "n_suspected": n_suspected,
            "confirmed": confirmed,
            "n_confirmed": n_confirmed,
        }
        people += [c.person_id for c in suspected + confirmed]
    if who.can(Permission.tracing_read):
        waiting, n_waiting = outreach.still_to_reach(
            session, scope=who.scope, limit=SHOWN, cap=COUNTED
        )
        moved, n_moved = tracing.tier_moved_since(
            session, start_of_today(), limit=SHOWN, scope=who.scope, cap=COUNTED
        )
        context |= {"waiting": waiting, "n_waiting": n_waiting, "moved": moved, "n_moved": n_moved}
        context["counted"] = COUNTED
        people += [w.person_id for w in waiting] + [m.person_id for m in moved]
    if who.can(Permission.isolation_read):
        flags, n_flags = monitoring.open_flags(session, scope=who.scope, limit=SHOWN)
        context |= {"flags": flags, "n_flags": n_flags}
        people += [f.person_id for f in flags]
    if who.can(Permission.handovers):
        inbox, n_inbox = handovers.incoming(session, who, limit=SHOWN)
        context |= {"inbox": inbox, "n_inbox": n_inbox}
        people += [h.person_id for h in inbox]
    if who.can(Permission.lab_write):
        work = _lab_work(session, who)
        context |= work
        people += [t.person_id for t in [*work["samples"], *work["awaited"]]]
    context["names"] = guard.names(session, who, people)
    recorder.read(session, "people", None, people, view="home")
    return render(request, "home.html", context, who=who)
