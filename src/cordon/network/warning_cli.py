"""``cordon network warnings``: early warnings to and from partner cities as CAP 1.2 alerts —
listed, raised (from options or a JSON file), approved, sent, cancelled, proposed by the
rules, shown as CAP XML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from cordon.cli.output import AsJson, console, print_json, print_listing, user_errors
from cordon.core.dates import now
from cordon.core.db import session_scope
from cordon.core.errors import N_, InvalidInput
from cordon.geography import service as geography
from cordon.network import cap, warning_reads, warning_rules, warnings
from cordon.network.warning_enums import (
    CapStatus,
    Certainty,
    Language,
    MsgType,
    Scope,
    Severity,
    Urgency,
    WarningStatus,
)
from cordon.network.warning_schemas import Area, FollowIn, Info, WarningIn, WarningOut

app = typer.Typer(
    help="Early warnings to and from partner cities (OASIS CAP 1.2).", no_args_is_help=True
)
SENT = (WarningStatus.sent, WarningStatus.received)
FILE_MOST = 256 * 1024  # bytes of a warning's JSON file

WarningId = Annotated[
    int, typer.Argument(min=1, help="The warning's id (cordon network warnings list).")
]


def _read(path: Path) -> WarningIn:
    """A warning from a JSON file (the API's body of POST /network/warnings)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput.on("file", N_("cannot be read (%(why)s)"), why=exc.strerror) from None
    if len(raw) > FILE_MOST:
        raise InvalidInput.on("file", N_("is larger than %(kb)s kB"), kb=FILE_MOST // 1024)
    try:
        return WarningIn.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidInput.of_model("The warning could not be read.", exc) from None


def _areas(session: Session, wards: list[str], polygons: list[str], desc: str | None) -> list[Area]:
    """One area per ward or district code (with its geocode), or one named area; the
    polygons and the description given go on the first."""
    areas = []
    for code in wards:
        unit = geography.unit_by_code(session, code.strip())
        if unit is None:
            raise InvalidInput.on("ward", N_("no administrative unit has code %(code)s"), code=code)
        areas.append(warning_rules.unit_area(session, unit.id).model_dump())
    first = areas[0] if areas else warning_rules.unit_area(session, None).model_dump()
    first.update({"polygons": polygons, **({"area_desc": desc} if desc else {})})
    return [Area.model_validate(area) for area in [first, *areas[1:]]]


def _show(rows: list[WarningOut], total: int, as_json: bool) -> None:
    print_listing(
        rows,
        total,
        "warnings",
        as_json=as_json,
        columns={
            "id": lambda w: str(w.id),
            "from": lambda w: w.peer or "this city",
            "state": lambda w: w.status.value + (" (in force)" if w.in_force else ""),
            "type": lambda w: w.alert.msg_type.value,
            "severity": lambda w: w.alert.info.severity.value,
            "headline": lambda w: w.alert.info.headline or w.alert.info.event,
            "sent": lambda w: f"{w.alert.sent:%Y-%m-%d %H:%M}" if w.status in SENT else "",
        },
    )


@app.command("list")
def list_warnings(
    ours: Annotated[
        bool | None, typer.Option("--ours/--theirs", help="This city's, or partners'.")
    ] = None,
    in_force: Annotated[bool, typer.Option("--in-force", help="Only those in force now.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Most warnings shown.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Warnings, the newest first."""
    with user_errors(), session_scope() as session:
        rows, total = warning_reads.listed(session, ours=ours, in_force=in_force, limit=limit)
    _show(rows, total, as_json)


@app.command("raise")
def raise_warning(
    file: Annotated[Path | None, typer.Option(help="The warning as JSON (the API's body).")] = None,
    event: Annotated[
        str | None, typer.Option(help="What happens, e.g. 'COVID-19 cluster'.")
    ] = None,
    urgency: Urgency = Urgency.expected,
    severity: Severity = Severity.moderate,
    certainty: Certainty = Certainty.observed,
    headline: Annotated[str | None, typer.Option(help="At most 160 characters.")] = None,
    description: Annotated[str | None, typer.Option()] = None,
    instruction: Annotated[str | None, typer.Option()] = None,
    ward: Annotated[
        list[str] | None, typer.Option(help="A ward's or district's code (repeat).")
    ] = None,
    polygon: Annotated[
        list[str] | None, typer.Option(help="'lat,lon lat,lon …' closed (repeat).")
    ] = None,
    area: Annotated[str | None, typer.Option(help="The area's description.")] = None,
    expires_days: Annotated[
        int, typer.Option(min=1, max=90, help="Expires after these days.")
    ] = 14,
    language: Language = Language.vi,
    scope: Scope = Scope.public,
    restriction: Annotated[
        str | None, typer.Option(help="Who may see it (scope Restricted).")
    ] = None,
    status: CapStatus = CapStatus.actual,
) -> None:
    """Draft a warning of this city (approve, then send it)."""
    with user_errors(), session_scope() as session:
        if file is not None:
            given = _read(file)
        else:
            if not event:
                raise InvalidInput.on("event", N_("is needed (or give --file)"))
            try:
                info = Info(
                    language=language,
                    event=event,
                    urgency=urgency,
                    severity=severity,
                    certainty=certainty,
                    headline=headline,
                    description=description,
                    instruction=instruction,
                    expires=cap.local(now()) + dt.timedelta(days=expires_days),
                    areas=_areas(session, ward or [], polygon or [], area),
                )
                given = WarningIn(status=status, scope=scope, restriction=restriction, info=info)
            except ValidationError as exc:
                raise InvalidInput.of_model("The warning is not a valid CAP alert.", exc) from None
        row = warnings.draft(session, given, by_user_id=None)
        session.commit()
        console.print(
            f"Warning {row.id} drafted: approve it (cordon network warnings approve {row.id})."
        )


@app.command("approve")
def approve(warning_id: WarningId) -> None:
    """Approve a draft: it is no longer edited, and may be sent."""
    with user_errors(), session_scope() as session:
        row = warning_reads.row(session, warning_id)
        warnings.approve(session, warning_id, version=row.version, by_user_id=None)
        session.commit()
        console.print(f"Warning {warning_id} approved.")


@app.command("send")
def send(warning_id: WarningId) -> None:
    """Send an approved warning to every partner that receives cap-alert (by cordon worker)."""
    with user_errors(), session_scope() as session:
        row = warning_reads.row(session, warning_id)
        sent = warnings.send(session, warning_id, version=row.version, by_user_id=None)
        session.commit()
        console.print(f"Warning {warning_id} queued for {len(sent)} partner(s).")


@app.command("update")
def update(
    warning_id: WarningId,
    headline: Annotated[str | None, typer.Option(help="At most 160 characters.")] = None,
    description: Annotated[str | None, typer.Option()] = None,
    instruction: Annotated[str | None, typer.Option()] = None,
    severity: Annotated[Severity | None, typer.Option()] = None,
    urgency: Annotated[Urgency | None, typer.Option()] = None,
    note: Annotated[str | None, typer.Option(help="What changed.")] = None,
) -> None:
    """Draft the Update of a warning sent: what is given changes, the rest stays (approve,
    then send it)."""
    with user_errors(), session_scope() as session:
        row = warning_reads.row(session, warning_id)
        earlier = warning_reads.one(session, warning_id).alert.info
        changed = {
            "headline": headline,
            "description": description,
            "instruction": instruction,
            "severity": severity,
            "urgency": urgency,
        }
        try:
            info = Info.model_validate(
                {**earlier.model_dump(), **{k: v for k, v in changed.items() if v is not None}}
            )
            follow = FollowIn(version=row.version, note=note, info=info)
        except ValidationError as exc:
            raise InvalidInput.of_model("The update is not a valid CAP alert.", exc) from None
        made = warnings.follow(session, warning_id, follow, MsgType.update, by_user_id=None)
        session.commit()
        console.print(f"Update {made.id} drafted: approve it, then send it.")


@app.command("cancel")
def cancel(
    warning_id: WarningId,
    note: Annotated[str | None, typer.Option(help="Why it is cancelled.")] = None,
) -> None:
    """Draft the Cancel of a warning sent (approve, then send it)."""
    with user_errors(), session_scope() as session:
        row = warning_reads.row(session, warning_id)
        follow = FollowIn(version=row.version, note=note)
        made = warnings.follow(session, warning_id, follow, MsgType.cancel, by_user_id=None)
        session.commit()
        console.print(f"Cancel {made.id} drafted: approve it, then send it.")


@app.command("propose")
def propose(
    on: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="The day judged (default today)."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Draft the warnings the rules propose (each rule and subject once; nothing is sent)."""
    with user_errors(), session_scope() as session:
        made = warning_rules.propose(session, on=on.date() if on else None)
        rows = warning_reads.described(session, made)
        session.commit()
    _show(rows, len(rows), as_json)


@app.command("show")
def show(
    warning_id: WarningId,
    xml: Annotated[bool, typer.Option("--xml", help="As a CAP 1.2 document.")] = False,
) -> None:
    """One warning, as JSON or as CAP 1.2 XML."""
    with user_errors(), session_scope() as session:
        if xml:
            typer.echo(warning_reads.xml_of(session, warning_id), nl=False)
            return
        found = warning_reads.one(session, warning_id)
    print_json(found.model_dump(mode="json", by_alias=True, exclude_none=True))
