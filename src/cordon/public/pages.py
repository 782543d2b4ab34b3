"""The public dashboard (no sign-in), in Vietnamese and English, phone first: the city's
totals, new cases per day by source, the districts, the days since the last case, the
current Rt — all from the daily counts, rendered once per change (``served``).

``?on=YYYY-MM-DD`` shows the figures as they stood on a day (the demo's first wave: 2 June
2020); a date is not personal data.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.public.figures import Dashboard, dashboard
from cordon.public.served import served
from cordon.rt.estimate import Incidence, WindowEstimate, estimate
from cordon.rt.serial_interval import covid19
from cordon.web.templating import render, texts_for

router = APIRouter(include_in_schema=False)
SHOWN_DAYS = 28  # the daily table: the last four weeks


def current_rt(board: Dashboard) -> WindowEstimate | None:
    """The latest reliable estimate of Rt from the city's daily series (local: community, in
    quarantine and unclassified; imported infect but are not counted as infected here)."""
    if len(board.days) < 9:
        return None
    local = [
        c + q + u
        for c, q, u in zip(
            board.series["community"],
            board.series["in_quarantine"],
            board.series["unclassified"],
            strict=True,
        )
    ]
    found = estimate(Incidence.of(board.days[0], local, board.series["imported"]), covid19())
    reliable = [w for w in found if w.reliable]
    return reliable[-1] if reliable else None


@router.get("/public")
def public_dashboard(
    request: Request,
    session: SessionDep,
    on: Annotated[dt.date | None, Query(description="The figures as of this day.")] = None,
) -> Response:
    day = min(on or today(), today())
    lang = texts_for(request).lang

    def make() -> tuple[bytes, str]:
        board = dashboard(session, on=day)
        recent = list(zip(board.days, *board.series.values(), strict=True))[-SHOWN_DAYS:]
        context = {
            "board": board,
            "rt": current_rt(board),
            "recent": list(reversed(recent)),
            "as_of": on,
        }
        page = render(request, "public/dashboard.html", context)
        return bytes(page.body), "text/html; charset=utf-8"

    return served(request, session, ("dashboard", day, lang), make)
