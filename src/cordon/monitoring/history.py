"""A person's follow-up history: every daily reading of their isolation (temperature,
symptoms, who reported it and when) with the flags each one raised, newest first — on the
person page, through the API, and as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access.models import User
from cordon.core.config import get_settings
from cordon.core.text import safe_text
from cordon.monitoring.enums import FlagKind, Reporter
from cordon.monitoring.models import Flag, SelfReport

COLUMNS = (
    "reported_on",
    "reported_at",
    "temperature",
    "symptoms",
    "reporter",
    "entered_by",
    "flags_raised",
    "note",
    "order_id",
)
SHOWN = 500  # a 28-day isolation with three readings a day is 84: this is every one


@dataclass(frozen=True)
class Reading:
    id: int
    order_id: int
    reported_on: dt.date
    reported_at: dt.datetime
    temperature: float | None
    symptoms: list[str]
    reporter: Reporter
    entered_by: str | None  # the worker's user name; None when the person sent it
    note: str | None
    flags: list[FlagKind]


def shown_to(readings: list[Reading], *, pseudonymised: bool) -> list[Reading]:
    """The readings as a role sees them: a pseudonymised one without the free text and the
    worker's name (either can single a person out)."""
    if not pseudonymised:
        return readings
    return [replace(r, note=None, entered_by=None) for r in readings]


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def readings_of(session: Session, person_id: int, *, limit: int = SHOWN) -> list[Reading]:
    """The person's daily readings, newest first, each with the flags it raised."""
    query = select(SelfReport).where(SelfReport.person_id == person_id)
    reports = list(session.scalars(query.order_by(SelfReport.reported_at.desc()).limit(limit)))
    ids = [r.id for r in reports]
    raised: dict[int, list[FlagKind]] = {}
    for report_id, kind in session.execute(
        select(Flag.report_id, Flag.kind).where(Flag.report_id.in_(ids)).order_by(Flag.id)
    ):
        raised.setdefault(int(report_id or 0), []).append(kind)
    users = {r.by_user_id for r in reports if r.by_user_id is not None}
    who = session.execute(select(User.id, User.username).where(User.id.in_(users)))
    names = {int(i): str(n) for i, n in who}
    return [
        Reading(
            id=r.id,
            order_id=r.order_id,
            reported_on=r.reported_on,
            reported_at=_utc(r.reported_at),
            temperature=r.temperature,
            symptoms=list(r.symptoms),
            reporter=r.reporter,
            entered_by=names.get(r.by_user_id) if r.by_user_id is not None else None,
            note=r.note,
            flags=raised.get(r.id, []),
        )
        for r in reports
    ]


def rows(readings: list[Reading]) -> list[list[object]]:
    """The readings as the export's rows (times in the city's zone)."""
    zone = ZoneInfo(get_settings().timezone)
    return [
        [
            r.reported_on.isoformat(),
            r.reported_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "" if r.temperature is None else float(r.temperature),
            "; ".join(r.symptoms),
            r.reporter.value,
            r.entered_by or "",
            "; ".join(k.value for k in r.flags),
            safe_text(r.note or ""),
            r.order_id,
        ]
        for r in readings
    ]


def as_csv(readings: list[Reading]) -> bytes:
    """UTF-8 with a BOM, so that Excel shows Vietnamese right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(readings))
    return ("\ufeff" + out.getvalue()).encode()


def as_xlsx(readings: list[Reading]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("readings")
    sheet.append(list(COLUMNS))
    for row in rows(readings):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
