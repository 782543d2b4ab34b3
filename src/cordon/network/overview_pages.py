"""What the Network page shows, read in one place: this node, the cities side by side (a
table and a chart per 100,000 people), today's report of the city with what an officer may do
with it, the warnings in force, the resource board, the people handed over (no names), the
partner cities and the latest messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.charts import BAND_COLOURS, Band, Layout, band_chart
from cordon.core.dates import today
from cordon.network import (
    comparison,
    listing,
    resource_board,
    service,
    share_listing,
    sitreps,
    warning_reads,
)
from cordon.network.enums import ReportStatus, ShareState
from cordon.network.models import SituationReport
from cordon.network.resource_board import Board
from cordon.network.schemas import MessageOut
from cordon.network.share_schemas import ShareOut
from cordon.network.sitrep_schemas import SitRepOut
from cordon.network.warning_schemas import WarningOut
from cordon.web.i18n import Texts

DAYS = 90  # of reports side by side
SHOWN = 20  # latest messages, exchanges, shares


@dataclass(frozen=True)
class NetworkView:
    node: Any
    cities: list[comparison.City]
    chart: str | None
    ours_today: SitRepOut | None
    warnings: list[WarningOut]
    board: Board
    shares: list[ShareOut]
    peers: list[Any]
    messages: list[MessageOut]
    total: int
    on: dt.date


def network_view(session: Session, t: Texts) -> NetworkView:
    on = today()
    view = comparison.side_by_side(session, since=on - dt.timedelta(days=DAYS - 1), until=on)
    messages, total = listing.messages(session, limit=SHOWN)
    shares, _ = share_listing.listed(session, states=[ShareState.pending], limit=SHOWN)
    return NetworkView(
        node=service.this_node(session),
        cities=view.cities,
        chart=_chart(view, t),
        ours_today=_ours_today(session, on),
        warnings=warning_reads.in_force(session),
        board=resource_board.board(session, limit=SHOWN),
        shares=shares,
        peers=service.peers(session),
        messages=messages,
        total=total,
        on=on,
    )


def _ours_today(session: Session, on: dt.date) -> SitRepOut | None:
    """The city's latest report of today not yet sent: what an officer approves and sends."""
    row = session.scalar(
        select(SituationReport)
        .where(
            SituationReport.peer_id.is_(None),
            SituationReport.as_of == on,
            SituationReport.status.in_([ReportStatus.draft, ReportStatus.approved]),
        )
        .order_by(SituationReport.number.desc())
        .limit(1)
    )
    return sitreps.described(session, [row])[0] if row is not None else None


def _chart(view: comparison.SideBySide, t: Texts) -> str | None:
    """Cases in 7 days per 100,000 people, a line per city (this city first, then the
    partners with the most recent reports, as many as can be told apart)."""
    shown = [c for c in view.cities if any(v is not None for v in c.cases_7_per_100k)]
    shown = shown[: len(BAND_COLOURS)]
    if not shown:
        return None
    bands = [
        Band(c.name, c.cases_7_per_100k, c.cases_7_per_100k, c.cases_7_per_100k) for c in shown
    ]
    return band_chart(
        view.days,
        bands,
        title=t.gettext("Cases in 7 days per 100,000 people"),
        y_label=t.gettext("per 100,000"),
        interval_label=None,
        layout=Layout(
            day_label=lambda d: t.date(d, "short"), number=t.number, svg_id="cities-chart"
        ),
    )
