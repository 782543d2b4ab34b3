"""A new person typed into a page form (a case's person, a row of a contact list), and the
people already registered who are probably the same one.

Duplicates are shown by jurisdiction: those the user sees with their name, to be used
instead; the others only as "already registered in another ward (person N)" — never a
detail of them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.audit import recorder
from cordon.core.text import fold
from cordon.people import service
from cordon.people.enums import Sex
from cordon.people.models import Person
from cordon.people.schemas import PersonCreate
from cordon.web.forms import Reader

FIELDS = ("full_name", "phone", "national_id", "birth_year", "sex", "ward_id", "address")


def _said(reader: Reader, field: str, kind: str) -> str:
    t = reader.t
    if kind == "string_too_long":
        return t.gettext("This is too long.")
    if field == "full_name":
        return t.gettext("Enter the full name, in letters.")
    if field == "phone":
        return t.gettext("This is not a valid phone number.")
    if field == "national_id":
        return t.gettext("An ID number has 9 digits (CMND) or 12 (CCCD), or is a passport number.")
    if field == "birth_year":
        return t.gettext("Enter a year between 1900 and this year.")
    return t.gettext("Check this value.")


def read_person(
    reader: Reader, typed: Mapping[str, str], wards: Collection[int], *, prefix: str = ""
) -> PersonCreate | None:
    """The person of the fields typed (``prefix`` + a name of ``FIELDS``), or None with the
    problems in ``reader``; the ward must be one of ``wards`` (the user's jurisdiction)."""

    def typed_value(name: str) -> str:
        return typed.get(prefix + name, "")

    year = reader.year(prefix + "birth_year", typed_value("birth_year"))
    ward = typed_value("ward_id")
    ward_id = int(ward) if ward.isdigit() and int(ward) in wards else None
    if ward_id is None:
        reader.fail(prefix + "ward_id", reader.t.gettext("Choose a ward of your jurisdiction."))
    sex = reader.choice(prefix + "sex", typed_value("sex") or Sex.unknown, Sex) or Sex.unknown
    try:
        data = PersonCreate(
            full_name=typed_value("full_name"),
            phone=typed_value("phone") or None,
            national_id=typed_value("national_id") or None,
            birth_year=year,
            sex=sex,
            ward_id=ward_id,
            address=typed_value("address") or None,
        )
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "full_name"
            reader.fail(prefix + field, _said(reader, field, error["type"]))
        return None
    return None if any(prefix + name in reader.errors for name in FIELDS) else data


def same_row(data: PersonCreate) -> tuple[str, str, int] | None:
    """What makes two new people of one form the same one (phone, name and birth year, as
    the duplicate check says), or None when that is not known."""
    if data.phone is None or data.birth_year is None:
        return None
    return (data.phone, fold(data.full_name), data.birth_year)


@dataclass(frozen=True)
class Known:
    """A person seen by the user: id, name, birth year."""

    id: int
    name: str
    birth_year: int | None


@dataclass(frozen=True)
class Duplicates:
    """People already registered who are probably the one typed."""

    same_id: bool  # same ID number: never created anyway
    shown: list[Known]  # in the jurisdiction
    elsewhere: bool  # someone outside it too: never whom (docs/access.md)

    @property
    def ids(self) -> set[int]:
        return {k.id for k in self.shown}


def duplicates(
    session: Session,
    who: Principal,
    person_ids: list[int],
    *,
    same_id: bool,
    elsewhere: bool = False,
) -> Duplicates:
    """What the user may be told of these people; those named are recorded as read."""
    seen = guard.visible(session, who, person_ids)
    names = guard.names(session, who, seen)
    shown = []
    for pid in person_ids:
        if pid in seen:
            person = session.get(Person, pid)
            shown.append(Known(pid, names[pid], person.birth_year if person else None))
    recorder.read(session, "people", None, sorted(seen), view="duplicates")
    elsewhere = elsewhere or any(p not in seen for p in person_ids)
    return Duplicates(same_id=same_id, shown=shown, elsewhere=elsewhere)


def find(session: Session, who: Principal, data: PersonCreate) -> Duplicates | None:
    """The people already registered who are probably ``data`` (None when nobody)."""
    found = service.find_duplicates(session, data)
    if not found:
        return None
    same_id = found[0].reason == service.SAME_NATIONAL_ID
    return duplicates(session, who, [c.person.id for c in found], same_id=same_id)


def from_conflict(session: Session, who: Principal, exc: service.DuplicatePerson) -> Duplicates:
    same_id = any(p.field == "national_id" for p in exc.problems)
    return duplicates(session, who, exc.person_ids, same_id=same_id, elsewhere=exc.elsewhere)
