"""The public dashboard (no sign-in), in Vietnamese and English, phone first: the city's
totals, new cases per day by source, the districts, the days since the last case, the
current Rt — all from the daily counts, rendered once per change (``served``).

``?on=YYYY-MM-DD`` shows the figures as they stood on a day (the demo's first wave: 2 June
2020); a date is not personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.core.errors import N_, NotFound
from cordon.public import pictures
from cordon.public.figures import Dashboard, dashboard, rt_windows
from cordon.public.served import served
from cordon.web.i18n import Texts
from cordon.web.templating import render, texts_for

router = APIRouter(include_in_schema=False)
SHOWN_DAYS = 28  # the daily table: the last four weeks
On = Annotated[dt.date | None, Query(description="The figures as of this day.")]


def as_of(on: dt.date | None) -> dt.date:
    """The day the figures are shown as of: ``on``, never after today."""
    return min(on or today(), today())


def _served_board(
    request: Request,
    session: Session,
    day: dt.date,
    key: tuple[str, ...],
    draw: Callable[[Dashboard, Texts], tuple[bytes, str]],
    headers: dict[str, str] | None = None,
) -> Response:
    """What ``draw`` makes of the dashboard as of ``day`` in the reader's language (bytes and
    their media type), made once per change of the counts (``served``)."""
    lang = texts_for(request).lang

    def make() -> tuple[bytes, str]:
        return draw(dashboard(session, on=day), texts_for(request))

    return served(request, session, (*key, day, lang), make, headers=headers)


@router.get("/public")
def public_dashboard(request: Request, session: SessionDep, on: On = None) -> Response:
    def draw(board: Dashboard, t: Texts) -> tuple[bytes, str]:
        windows = rt_windows(board)
        reliable = [w for w in windows if w.reliable]
        recent = list(zip(board.days, *board.series.values(), strict=True))[-SHOWN_DAYS:]
        context = {
            "board": board,
            "rt": reliable[-1] if reliable else None,
            "recent": list(reversed(recent)),
            "on": on,
            "map_14": pictures.map_of(board, t, 14),
            "map_7": pictures.map_of(board, t, 7),
            "curve": pictures.curve_of(board, t) if board.days else "",
            "rt_chart": pictures.rt_of(windows, t) if reliable else "",
        }
        page = render(request, "public/dashboard.html", context)
        return bytes(page.body), "text/html; charset=utf-8"

    return _served_board(request, session, as_of(on), ("dashboard",), draw)


@router.get("/public/charts/{name}.svg")
def chart_file(
    request: Request,
    session: SessionDep,
    name: Literal["map-7", "map-14", "cases", "rt"],
    on: On = None,
) -> Response:
    """A map or chart of the dashboard as an image to download (the curve with every day)."""

    def draw(board: Dashboard, t: Texts) -> tuple[bytes, str]:
        if name in ("map-7", "map-14"):
            svg = pictures.map_of(board, t, 7 if name == "map-7" else 14)
        elif name == "cases":
            svg = pictures.curve_of(board, t, every_day=True) if board.days else ""
        else:
            windows = rt_windows(board)
            svg = pictures.rt_of(windows, t) if any(w.reliable for w in windows) else ""
        if not svg:
            raise NotFound.of(N_("Not enough cases for this chart yet."))
        return svg.encode("utf-8"), "image/svg+xml; charset=utf-8"

    day = as_of(on)
    attachment = {"Content-Disposition": f'attachment; filename="{name}-{day.isoformat()}.svg"'}
    return _served_board(request, session, day, ("chart", name), draw, headers=attachment)
