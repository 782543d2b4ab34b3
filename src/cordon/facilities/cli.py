from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from cordon.cli.output import AsJson, console, print_listing, user_errors
from cordon.core.db import session_scope
from cordon.facilities import service
from cordon.facilities.enums import FacilityKind, FacilityStatus
from cordon.facilities.routes import out
from cordon.geography.models import AdminUnit

app = typer.Typer(help="Isolation facilities and their beds.", no_args_is_help=True)


@app.command("add")
def add(
    code: Annotated[str, typer.Argument(help="The city's code for the facility.")],
    name: Annotated[str, typer.Option(help="Its name.")],
    kind: Annotated[FacilityKind, typer.Option(help="What kind of place it is.")],
    ward: Annotated[str, typer.Option(help="Code of the ward it stands in (e.g. 00001).")],
    beds: Annotated[int, typer.Option(help="Beds for people in isolation.")],
    address: Annotated[str | None, typer.Option(help="Street address.")] = None,
) -> None:
    """Add an isolation facility."""
    with user_errors(), session_scope() as session:
        ward_id = session.scalar(select(AdminUnit.id).where(AdminUnit.code == ward)) or -1
        f = service.create(
            session,
            code=code,
            name=name,
            kind=kind,
            ward_id=ward_id,
            capacity=beds,
            address=address,
        )
        session.commit()
        console.print(f"Facility {f.code} (#{f.id}): {f.capacity:,} beds.")


@app.command("list")
def list_facilities(
    status: Annotated[FacilityStatus | None, typer.Option(help="Only this status.")] = None,
    as_json: AsJson = False,
) -> None:
    """The facilities with their beds: capacity, taken, free."""
    with session_scope() as session:
        rows, total = service.listed(session, status=status, limit=10_000)
        shown = [out(f) for f in rows]
    print_listing(shown, total, "facilities", as_json=as_json, columns={
        "code": lambda f: f.code,
        "name": lambda f: f.name,
        "kind": lambda f: f.kind.value,
        "status": lambda f: f.status.value,
        "beds": lambda f: f"{f.capacity:,}",
        "taken": lambda f: f"{f.booked:,}",
        "free": lambda f: f"{f.free:,}",
    })  # fmt: skip


@app.command("set")
def change(
    code: Annotated[str, typer.Argument(help="The facility's code.")],
    beds: Annotated[int | None, typer.Option(help="New number of beds.")] = None,
    status: Annotated[FacilityStatus | None, typer.Option(help="open or closed.")] = None,
) -> None:
    """Change a facility's beds, or open or close it."""
    from cordon.facilities.models import Facility

    with user_errors(), session_scope() as session:
        facility_id = session.scalar(select(Facility.id).where(Facility.code == code)) or -1
        f = service.update(session, facility_id, capacity=beds, status=status)
        session.commit()
        console.print(
            f"Facility {f.code}: {f.status.value}, {f.free:,} of {f.capacity:,} beds free."
        )
