"""People over HTTP. Personal data travels only in bodies, never in URLs: search is a POST.

Every route is signed in and scoped: people outside the user's jurisdiction answer 404 and
never appear in lists or searches; analysts see pseudonyms instead of identities. Every
person shown is recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select
from sqlalchemy.orm import object_session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.pseudonyms import COARSENED, IDENTIFYING, age_band, pseudonym
from cordon.access.who import PeopleMerger, PeopleReader, PeopleWriter
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import Forbidden
from cordon.core.pagination import Page, PageDep, checked_limit
from cordon.geography.models import AdminUnit
from cordon.people import service
from cordon.people.models import Person
from cordon.people.schemas import (
    DuplicateOut,
    MergeRequest,
    PersonCreate,
    PersonOut,
    PersonSearch,
    PersonUpdate,
    SearchPage,
)

router = APIRouter(prefix="/people", tags=["people"])


def person_out(who: Principal, person: Person) -> PersonOut:
    """The person as ``who`` may see them: pseudonymised roles get a pseudonym, nothing
    identifying, and an age band and district in place of birth year and ward."""
    out = PersonOut.model_validate(person)
    if who.pseudonymised:
        hidden = dict.fromkeys((*IDENTIFYING, *COARSENED))
        coarse = {"age_band": age_band(person.birth_year), "district_id": district_of(person)}
        return out.model_copy(update={"full_name": pseudonym(person.id), **hidden, **coarse})
    return out


def district_of(person: Person) -> int | None:
    """The district of the person's ward (None without a ward)."""
    session = object_session(person)
    if person.ward_id is None or session is None:
        return None
    return session.scalar(select(AdminUnit.parent_id).where(AdminUnit.id == person.ward_id))


def _shown(
    session: SessionDep, who: Principal, people: Sequence[Person], what: str
) -> list[PersonOut]:
    recorder.read(session, "people", None, [p.id for p in people], view=what)
    return [person_out(who, p) for p in people]


@router.post("", response_model=PersonOut, status_code=status.HTTP_201_CREATED)
def create_person(
    session: SessionDep,
    who: PeopleWriter,
    data: PersonCreate,
    allow_duplicate: Annotated[
        bool, Query(description="Create even when the same phone, name and birth year exist.")
    ] = False,
) -> PersonOut:
    """Register a person of your jurisdiction (a contact living elsewhere is recorded with
    ``POST /handovers/contacts``). 409 when they seem to exist already: the ids of those you
    see, and of the others only that they exist outside your jurisdiction."""
    person = service.create_person(session, data, allow_duplicate=allow_duplicate, scope=who.scope)
    return person_out(who, person)


@router.get("", response_model=Page[PersonOut])
def list_people(
    session: SessionDep,
    who: PeopleReader,
    page: PageDep,
    ward_id: Annotated[Id | None, Query(description="Only people living in this ward.")] = None,
) -> Page[PersonOut]:
    """People in id order (merged-away duplicates left out)."""
    rows, total = service.list_people(
        session, ward_id=ward_id, limit=page.limit, offset=page.offset, scope=who.scope
    )
    items = _shown(session, who, rows, "list")
    return page.answer(items, total)


@router.post("/search", response_model=SearchPage)
def search_people(session: SessionDep, who: PeopleReader, criteria: PersonSearch) -> SearchPage:
    """Find people by name words (diacritics optional), phone (any format) or national ID."""
    if who.pseudonymised:
        raise Forbidden("Pseudonymised access cannot search by name, phone or ID.")
    checked_limit(criteria.limit)
    result = service.search_people(session, **criteria.model_dump(), scope=who.scope)
    return SearchPage(
        items=_shown(session, who, result.rows, "search"),
        total=result.total,
        total_exact=result.total_exact,
        limit=criteria.limit,
        offset=criteria.offset,
    )


@router.get("/{person_id}", response_model=PersonOut)
def get_person(session: SessionDep, who: PeopleReader, person_id: Id) -> PersonOut:
    guard.person(session, who, person_id)
    (out,) = _shown(session, who, [service.get_person(session, person_id)], "record")
    return out


@router.patch("/{person_id}", response_model=PersonOut)
def update_person(
    session: SessionDep, who: PeopleWriter, person_id: Id, data: PersonUpdate
) -> PersonOut:
    """Change some fields; ``version`` must be the one last read (else 409). A new
    ``ward_id`` transfers the person: the old ward no longer sees them."""
    guard.person(session, who, person_id)
    person = service.update_person(
        session, person_id, data, expected_version=data.version, scope=who.scope
    )
    return person_out(who, person)


@router.post("/{keep_id}/merge", response_model=PersonOut)
def merge_people(
    session: SessionDep, who: PeopleMerger, keep_id: Id, request: MergeRequest
) -> PersonOut:
    """Merge the duplicate ``merge_id`` into this person; returns the kept person."""
    guard.person(session, who, keep_id)
    guard.person(session, who, request.merge_id)
    person = service.merge_people(
        session,
        keep_id=keep_id,
        merge_id=request.merge_id,
        keep_version=request.keep_version,
        merge_version=request.merge_version,
    )
    return person_out(who, person)


@router.get("/{person_id}/duplicates", response_model=list[DuplicateOut])
def person_duplicates(session: SessionDep, who: PeopleReader, person_id: Id) -> list[DuplicateOut]:
    """Other people who are probably the same (same national ID; or phone, name, birth
    year), among those in the jurisdiction."""
    guard.person(session, who, person_id)
    found = service.duplicates_of(session, person_id)
    seen = guard.visible(session, who, [c.person.id for c in found])
    shown = [c for c in found if c.person.id in seen]
    recorder.read(session, "people", person_id, [person_id, *seen], view="duplicates")
    return [DuplicateOut(person=person_out(who, c.person), reason=c.reason) for c in shown]
