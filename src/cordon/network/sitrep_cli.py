"""``cordon network sitreps``: the city's situation reports drafted, approved, sent and
scheduled; every report listed and shown, as JSON or EDXL-SitRep XML."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from cordon.cli.output import AsJson, console, print_json, print_listing, user_errors
from cordon.core.dates import today
from cordon.core.db import session_scope
from cordon.core.errors import InvalidInput
from cordon.network import comparison, sitrep_schedule, sitreps
from cordon.network.sitrep_schemas import SideBySideOut, SitRepOut

app = typer.Typer(help="Situation reports: the city's and its partners'.", no_args_is_help=True)

By = Annotated[str, typer.Option(help="Who acts, as the report names them.")]
ReportId = Annotated[int, typer.Argument(help="The report's id (cordon network sitreps list).")]


@app.command("list")
def list_reports(
    ours: Annotated[
        bool | None, typer.Option("--ours/--partners", help="Only the city's, or only partners'.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Most reports shown.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Reports, the latest day first."""
    with session_scope() as session:
        rows, total = sitreps.listed(session, ours=ours, limit=limit)
    print_listing(rows, total, "reports", as_json=as_json, columns={
        "id": lambda r: str(r.id),
        "city": lambda r: r.peer or "(ours)",
        "no.": lambda r: str(r.report.number),
        "as of": lambda r: r.report.as_of.isoformat(),
        "status": lambda r: r.status.value,
        "new in 7 days": lambda r: str(r.report.figures.new_last_7),
        "Rt": lambda r: "" if r.report.figures.rt_mean is None else str(r.report.figures.rt_mean),
    })  # fmt: skip


@app.command("side-by-side")
def side_by_side(
    days: Annotated[int, typer.Option(min=1, max=1096, help="Days back from today.")] = 90,
    as_json: AsJson = False,
) -> None:
    """The cities side by side, per 100,000 people: each city's latest report (--json: every
    day of the view, as the API gives it)."""
    until = today()
    with session_scope() as session:
        view = comparison.side_by_side(
            session, since=until - dt.timedelta(days=days - 1), until=until
        )
        shown = SideBySideOut.model_validate(view)
    cities = [c for c in shown.cities if c.latest is not None]
    print_listing(cities, len(cities), "cities", as_json=as_json, columns={
        "city": lambda c: c.node_id,
        "as of": lambda c: str(c.latest.as_of if c.latest else ""),
        "7-day cases /100k": lambda c: _shown(c.latest.cases_7_per_100k if c.latest else None),
        "Rt": lambda c: _shown(c.latest.rt_mean if c.latest else None),
        "days since community case": lambda c: _shown(
            c.latest.days_since_community_case if c.latest else None
        ),
        "beds free": lambda c: _shown(c.latest.beds_free if c.latest else None),
    }, also={"days": [d.isoformat() for d in shown.days]})  # fmt: skip


def _shown(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@app.command("show")
def show(
    report_id: ReportId,
    xml: Annotated[bool, typer.Option("--xml", help="As EDXL-SitRep XML.")] = False,
) -> None:
    """One report, as JSON (the API's shape) or EDXL-SitRep XML."""
    with user_errors(), session_scope() as session:
        if xml:
            typer.echo(sitreps.as_xml(session, report_id))
            return
        print_json(sitreps.one(session, report_id).model_dump(mode="json"))


def _said(report: SitRepOut, what: str) -> None:
    console.print(f"Report {report.id} (no. {report.report.number}, {report.report.as_of}) {what}.")


@app.command("draft")
def draft(
    by: By,
    as_of: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Default: today.")
    ] = None,
) -> None:
    """A new draft of the city's report, its figures read from the registry."""
    with user_errors(), session_scope() as session:
        row = sitreps.draft(session, on=as_of.date() if as_of else None, by_user_id=None, by=by)
        session.commit()
        _said(sitreps.one(session, row.id), "drafted")


@app.command("approve")
def approve(report_id: ReportId, by: By) -> None:
    """Approve a draft: it can be sent (by hand, or by the worker on the schedule)."""
    with user_errors(), session_scope() as session:
        version = sitreps.one(session, report_id).version
        sitreps.approve(session, report_id, version=version, by_user_id=None, by=by)
        session.commit()
        _said(sitreps.one(session, report_id), "approved")


@app.command("send")
def send(report_id: ReportId) -> None:
    """Send an approved report to every partner that receives reports (cordon worker
    delivers each copy)."""
    with user_errors(), session_scope() as session:
        version = sitreps.one(session, report_id).version
        sent = sitreps.send(session, report_id, version=version, by_user_id=None)
        session.commit()
        console.print(f"Report {report_id} queued for {len(sent)} partner(s).")


@app.command("schedule")
def schedule(
    daily_at: Annotated[
        str | None,
        typer.Option(
            help="Local time HH:MM from which the worker sends the day's approved report."
        ),
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="Send by hand only.")] = False,
) -> None:
    """When the worker sends the approved report of the day (shown without options)."""
    with user_errors(), session_scope() as session:
        if daily_at is not None or off:
            at = None if off else _time(daily_at or "")
            sitrep_schedule.set_daily(session, at)
            session.commit()
        at = sitrep_schedule.daily_at(session)
    console.print(f"Daily report sent at {at:%H:%M}." if at else "Reports are sent by hand only.")


def _time(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.on("daily_at", "is not a time of day HH:MM") from None
