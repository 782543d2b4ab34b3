"""``cordon people``: add, search, show and merge people from the command line."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from cordon.cli.output import console, print_json, print_listing, user_errors
from cordon.core.db import session_scope
from cordon.core.errors import FieldProblem, InvalidInput
from cordon.people import service
from cordon.people.enums import Sex
from cordon.people.models import Person
from cordon.people.schemas import PersonCreate, PersonOut

app = typer.Typer(help="People: search, show, merge duplicates.", no_args_is_help=True)


def _validated(**fields: Any) -> PersonCreate:
    """The input as PersonCreate, or InvalidInput naming each field at fault."""
    try:
        return PersonCreate.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        problems = [
            FieldProblem(".".join(str(p) for p in e["loc"]) or "input", e["msg"])
            for e in exc.errors()
        ]
        raise InvalidInput("The person is not valid.", problems) from None


def _out(person: Person) -> PersonOut:
    return PersonOut.model_validate(person)


@app.command("add")
def add(
    full_name: Annotated[str, typer.Argument(help="Full name, e.g. 'Nguyễn Văn An'.")],
    sex: Annotated[Sex, typer.Option(help="male, female, other or unknown.")] = Sex.unknown,
    date_of_birth: Annotated[
        dt.datetime | None, typer.Option("--dob", formats=["%Y-%m-%d"], help="YYYY-MM-DD.")
    ] = None,
    birth_year: Annotated[int | None, typer.Option(help="When only the age is known.")] = None,
    phone: Annotated[str | None, typer.Option(help="Any format, e.g. 0912 345 678.")] = None,
    national_id: Annotated[str | None, typer.Option(help="CMND, CCCD or passport.")] = None,
    ward_id: Annotated[int | None, typer.Option(help="Ward of residence (id).")] = None,
    allow_duplicate: Annotated[
        bool, typer.Option(help="Create even if the same phone, name and birth year exist.")
    ] = False,
) -> None:
    """Register a person; refuses a likely duplicate and lists the existing ids."""
    with user_errors():
        data = _validated(
            full_name=full_name,
            sex=sex,
            date_of_birth=date_of_birth.date() if date_of_birth else None,
            birth_year=birth_year,
            phone=phone,
            national_id=national_id,
            ward_id=ward_id,
        )
        with session_scope() as session:
            person = service.create_person(session, data, allow_duplicate=allow_duplicate)
            person_id = person.id
    console.print(f"Created person {person_id}.")


@app.command("search")
def search(
    text: Annotated[
        str | None, typer.Argument(help="Words of the name (accents optional).")
    ] = None,
    phone: Annotated[str | None, typer.Option(help="Phone, any format.")] = None,
    national_id: Annotated[str | None, typer.Option(help="CMND, CCCD or passport.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Find people by name, phone or national ID (all given must match)."""
    with user_errors():
        if not (text or phone or national_id):
            raise InvalidInput.on("text", "give a name, --phone or --national-id")
        with session_scope() as session:
            result = service.search_people(
                session, q=text, phone=phone, national_id=national_id, limit=limit
            )
            shown = [_out(p) for p in result.rows]
    noun = "found" if result.total_exact else "or more found"
    also = {"total_exact": result.total_exact}
    print_listing(shown, result.total, noun, as_json=as_json, also=also, columns={
        "id": lambda p: str(p.id),
        "name": lambda p: p.full_name,
        "born": lambda p: str(p.date_of_birth or p.birth_year or ""),
        "phone": lambda p: p.phone or "",
        "national ID": lambda p: p.national_id or "",
        "ward": lambda p: str(p.ward_id or ""),
    })  # fmt: skip


@app.command("show")
def show(
    person_id: Annotated[int, typer.Argument(help="The person's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """One person's record."""
    with user_errors(), session_scope() as session:
        data = _out(service.get_person(session, person_id)).model_dump(mode="json")
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        if value is not None:
            console.print(f"[bold]{key}[/bold]: {value}", highlight=False)


@app.command("merge")
def merge(
    keep: Annotated[int, typer.Argument(help="The person to keep.")],
    duplicate: Annotated[int, typer.Argument(metavar="MERGE", help="The duplicate to merge in.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Merge the duplicate MERGE into KEEP: cases, tests and contacts move to KEEP."""
    with user_errors(), session_scope() as session:
        kept = service.get_person(session, keep)
        merged = service.get_person(session, duplicate)
        if not yes:
            typer.confirm(
                f"Merge person {merged.id} ({merged.full_name}) into person {kept.id} "
                f"({kept.full_name})?",
                abort=True,
            )
        service.merge_people(
            session,
            keep_id=keep,
            merge_id=duplicate,
            keep_version=kept.version,
            merge_version=merged.version,
        )
    console.print(f"Merged person {duplicate} into person {keep}.")
