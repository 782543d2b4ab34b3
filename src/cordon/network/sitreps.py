"""Situation reports: this city's drafted from its own registry, edited, approved and sent to
its peers; a partner's stored as received (docs/network.md, "Situation reports").

The figures are the public dashboard's (``public.figures``): city-wide, counted the same way,
so what a partner reads is what the city's own public reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.core.dates import today
from cordon.core.db import get_or_404
from cordon.core.errors import N_, InvalidInput
from cordon.core.pagination import paged
from cordon.facilities import service as facilities
from cordon.isolation import service as isolation
from cordon.isolation.enums import Place
from cordon.network import service
from cordon.network.enums import DistributionKind, Kind, ReportStatus, ReportVersion
from cordon.network.envelope import Envelope
from cordon.network.models import NetworkMessage, Peer, SituationReport
from cordon.network.ownership import Refusals, check_ours
from cordon.network.sitrep_schemas import Figures, SitRep, SitRepEdit, SitRepOut
from cordon.network.sitrep_xml import sitrep_xml
from cordon.public.figures import Dashboard, dashboard, rt_windows

ACTIVE_CLUSTER_DAYS = 14  # a cluster with a case this recent is active
PERIOD_DAYS = 1  # a daily report covers the day before ``as_of`` and ``as_of``


def figures(session: Session, on: dt.date) -> Figures:
    """The city's figures on ``on``, as its public dashboard counts them."""
    board = dashboard(session, on=on)
    held = isolation.held_by_ward(session, on=on)
    beds = facilities.beds(session)
    rt = _rt(board)
    city = board.city
    return Figures(
        confirmed=city.total.confirmed,
        community=city.total.community,
        imported=city.total.imported,
        in_quarantine=city.total.in_quarantine,
        unclassified=city.total.unclassified,
        new_last_7=city.last_7,
        new_last_14=city.last_14,
        recovered=city.total.recovered,
        deaths=city.total.deaths,
        active=max(city.total.active, 0),
        isolated_facility=sum(n for (_, place), n in held.items() if place is Place.facility),
        isolated_home=sum(n for (_, place), n in held.items() if place is Place.home),
        days_since_community_case=city.days_since(city.last_community_on, on),
        rt_mean=rt.get("mean"),
        rt_lower=rt.get("lower"),
        rt_upper=rt.get("upper"),
        rt_reliable=rt.get("reliable"),
        clusters_active=sum(
            1 for c in board.clusters if (on - c.last_on).days < ACTIVE_CLUSTER_DAYS
        ),
        beds_capacity=beds.capacity or None,
        beds_free=beds.free if beds.capacity else None,
    )


def _rt(board: Dashboard) -> dict[str, Any]:
    windows = rt_windows(board)
    if not windows:
        return {}
    last = windows[-1]
    return {
        "mean": round(last.mean, 2),
        "lower": round(last.lower, 2),
        "upper": round(last.upper, 2),
        "reliable": last.reliable,
    }


def draft(
    session: Session, *, on: dt.date | None = None, by_user_id: int | None, by: str
) -> SituationReport:
    """A new draft of this city's report on ``on`` (default today), from its registry."""
    on = on or today()
    if on > today():
        raise InvalidInput.on("as_of", N_("is in the future (%(day)s)"), day=on)
    me = service.node(session)
    last = session.scalar(
        select(func.max(SituationReport.number)).where(SituationReport.peer_id.is_(None))
    )
    report = SitRep(
        number=(last or 0) + 1,
        report_version=ReportVersion.update if last else ReportVersion.initial,
        as_of=on,
        period_from=on - dt.timedelta(days=PERIOD_DAYS),
        period_to=on,
        prepared_by=by,
        population=me.population,
        figures=figures(session, on),
    )
    row = SituationReport(peer_id=None, status=ReportStatus.draft, prepared_by_user_id=by_user_id)
    fill_row(row, report)
    session.add(row)
    session.flush()
    recorder.note(session, "network.sitrep drafted", "network_sitreps", row.id)
    return row


def fill_row(row: SituationReport, report: SitRep) -> None:
    """The report, and the figures the side-by-side view reads, on the row."""
    row.report = report.model_dump(mode="json")
    row.number, row.as_of, row.population = report.number, report.as_of, report.population
    row.new_last_7 = report.figures.new_last_7
    row.rt_mean = report.figures.rt_mean
    row.days_since_community_case = report.figures.days_since_community_case
    row.beds_free = report.figures.beds_free


REFUSALS = Refusals(
    theirs=N_("This is a partner city's report: it is read, not changed."),
    changed=N_("The report changed meanwhile (version %(now)s, not %(sent)s): reload it."),
    state=N_("The report is %(status)s, not %(wanted)s."),
)


def _ours(session: Session, report_id: int, version: int, status: ReportStatus) -> SituationReport:
    row = get_or_404(session, SituationReport, report_id, what="situation report")
    check_ours(row, version=version, status=status, refusals=REFUSALS)
    return row


def edit(session: Session, report_id: int, change: SitRepEdit) -> SituationReport:
    """The officer's words on a draft: summary, measures in force, version, next report."""
    row = _ours(session, report_id, change.version, ReportStatus.draft)
    report = SitRep.model_validate(row.report)
    given = change.model_dump(exclude_unset=True, exclude={"version"})
    fill_row(row, SitRep.model_validate({**report.model_dump(), **given}))
    session.flush()
    return row


def approve(
    session: Session, report_id: int, *, version: int, by_user_id: int | None, by: str
) -> SituationReport:
    row = _ours(session, report_id, version, ReportStatus.draft)
    report = SitRep.model_validate(row.report)
    fill_row(row, report.model_copy(update={"approved_by": by}))
    row.status = ReportStatus.approved
    row.approved_by_user_id = by_user_id
    session.flush()
    recorder.note(session, "network.sitrep approved", "network_sitreps", row.id)
    return row


def send(
    session: Session, report_id: int, *, version: int, by_user_id: int | None
) -> list[NetworkMessage]:
    """An approved report to every active peer that receives reports."""
    row = _ours(session, report_id, version, ReportStatus.approved)
    report = SitRep.model_validate(row.report)
    kind = (
        DistributionKind.report
        if report.report_version is ReportVersion.initial
        else DistributionKind.update
    )
    sent = service.send(
        session,
        service.Distribution(
            Kind.sitrep,
            row.report,
            distribution_kind=kind,
            description=f"Situation report {report.number}",
        ),
        by_user_id=by_user_id,
    )
    row.status = ReportStatus.sent
    row.distribution_id = sent[0].distribution_id if sent else None
    session.flush()
    return sent


def receive(session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage) -> None:
    """A partner's report, kept as it came (the kinds table calls this)."""
    try:
        report = SitRep.model_validate(envelope.content.payload)
    except ValueError as exc:
        raise InvalidInput.on(
            "content.payload", N_("is not a situation report: %(why)s"), why=str(exc)[:200]
        ) from None
    row = SituationReport(
        peer_id=peer.id, status=ReportStatus.received, distribution_id=envelope.distribution_id
    )
    fill_row(row, report)
    session.add(row)
    session.flush()


def described(session: Session, rows: list[SituationReport]) -> list[SitRepOut]:
    ids = sorted({r.peer_id for r in rows if r.peer_id is not None})
    found = session.execute(select(Peer.id, Peer.node_id).where(Peer.id.in_(ids)))
    names = {peer_id: node_id for peer_id, node_id in found}  # noqa: C416
    return [
        SitRepOut.of(
            r,
            peer=names.get(r.peer_id) if r.peer_id else None,
            report=SitRep.model_validate(r.report),
        )
        for r in rows
    ]


def listed(
    session: Session,
    *,
    peer_id: int | None = None,
    ours: bool | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[SitRepOut], int]:
    """Reports, the latest day first: this city's, a partner's, or all."""
    query = select(SituationReport)
    if ours is True:
        query = query.where(SituationReport.peer_id.is_(None))
    elif ours is False:
        query = query.where(SituationReport.peer_id.is_not(None))
    if peer_id is not None:
        query = query.where(SituationReport.peer_id == peer_id)
    rows, total = paged(
        session,
        query,
        SituationReport.as_of.desc(),
        SituationReport.id.desc(),
        limit=limit,
        offset=offset,
    )
    return described(session, rows), total


def one(session: Session, report_id: int) -> SitRepOut:
    row = get_or_404(session, SituationReport, report_id, what="situation report")
    return described(session, [row])[0]


def as_xml(session: Session, report_id: int) -> str:
    """The report as EDXL-SitRep XML (``sitrep_xml``), from the city that wrote it."""
    row = get_or_404(session, SituationReport, report_id, what="situation report")
    city = session.get(Peer, row.peer_id) if row.peer_id is not None else service.node(session)
    assert city is not None
    return sitrep_xml(
        SitRep.model_validate(row.report),
        sender=city.node_id,
        city=city.name,
        message_id=row.distribution_id,
    )
