"""The daily report on a schedule: the city sets a time of day, and from that time the
worker (``cordon worker``) sends the report of the day once an officer has approved it.
Approving stays an officer's act; the schedule only saves the last click, and a report
already sent by hand is not sent again."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.core.config import get_settings
from cordon.core.dates import now
from cordon.network import service, sitreps
from cordon.network.enums import ReportStatus
from cordon.network.models import SituationReport

EVERY_SECONDS = 60.0  # how often the worker looks whether the report is due


def set_daily(session: Session, daily_at: dt.time | None) -> dt.time | None:
    """Send the approved report of the day at ``daily_at`` (local time); None: by hand only."""
    me = service.node(session)
    me.sitrep_daily_at = daily_at.replace(second=0, microsecond=0) if daily_at else None
    session.flush()
    recorder.note(
        session,
        "network.sitrep schedule",
        "network_node",
        me.node_id,
        daily_at=me.sitrep_daily_at.isoformat() if me.sitrep_daily_at else None,
    )
    return me.sitrep_daily_at


def daily_at(session: Session) -> dt.time | None:
    return service.node(session).sitrep_daily_at


def send_scheduled(session: Session, at: dt.datetime | None = None) -> int:
    """The worker's job: the copies sent of the day's approved report if its time has come
    (at ``at``, default now)."""
    me = service.this_node(session)
    if me is None or me.sitrep_daily_at is None:
        return 0
    local = (at or now()).astimezone(ZoneInfo(get_settings().timezone))
    if local.time() < me.sitrep_daily_at:
        return 0
    row = session.scalar(
        select(SituationReport)
        .where(
            SituationReport.peer_id.is_(None),
            SituationReport.status == ReportStatus.approved,
            SituationReport.as_of == local.date(),
        )
        .order_by(SituationReport.number.desc())
        .limit(1)
    )
    if row is None:
        return 0
    sent = sitreps.send(session, row.id, version=row.version, by_user_id=None)
    recorder.note(session, "network.sitrep sent on schedule", "network_sitreps", row.id)
    return len(sent)
