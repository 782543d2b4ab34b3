"""People: create (refusing likely duplicates), read, update with optimistic locking, merge.

Every write of a person goes through here. Functions flush, never commit: the caller's unit
of work (API request, CLI ``session_scope``) commits or rolls back. Search is in
``people.search`` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cordon.core.db import move_person_rows
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound
from cordon.core.events import publish
from cordon.core.models import utcnow
from cordon.core.pagination import paged
from cordon.core.scope import CITY, Scope
from cordon.core.text import fold
from cordon.events import PersonMoved, PersonsMerged
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.people.bulk import name_tokens
from cordon.people.columns import DETAILS
from cordon.people.enums import Sex
from cordon.people.models import Household, Person, PersonNameToken
from cordon.people.schemas import PersonCreate, PersonPatch
from cordon.people.search import SearchResult, search_people

__all__ = [
    "DuplicateCandidate",
    "SearchResult",
    "create_person",
    "find_duplicates",
    "get_person",
    "list_people",
    "merge_people",
    "phones_of",
    "search_people",
    "update_person",
]

SAME_NATIONAL_ID = "same national ID"
SAME_PHONE_NAME_YEAR = "same phone, name and birth year"
# The name compared folded (accents, case and spaces): "Tran Van Minh" is "Trần Văn Minh".
SAME_PHONE_NAME = "same phone and name, birth year not known on both"
# Filled on the kept person from the merged one when empty on the kept one.
MERGE_FILLS = DETAILS


@dataclass(frozen=True)
class DuplicateCandidate:
    """An existing person who is probably the same one, and why we think so."""

    person: Person
    reason: str


class DuplicatePerson(Conflict):
    """A create refused because the person seems to exist already: the ids of those the user
    sees; of the others, only that they exist outside the jurisdiction (never whom)."""

    def __init__(self, candidates: list[DuplicateCandidate], scope: Scope = CITY) -> None:
        shown = [c.person.id for c in candidates if scope.sees(c.person.ward_id, c.person.id)]
        self.person_ids = shown
        self.elsewhere = len(shown) < len(candidates)
        by_id = any(c.reason == SAME_NATIONAL_ID for c in candidates)
        reason = SAME_NATIONAL_ID if by_id else candidates[0].reason
        fields: tuple[str, ...] = ("national_id",)
        if not by_id:
            fields = ("phone", "full_name", "birth_year")
        if reason == SAME_PHONE_NAME:
            fields = ("phone", "full_name")
        whom = [f"as person {', '.join(map(str, shown))}"] if shown else []
        if self.elsewhere:
            whom.append("as someone outside your jurisdiction")
        message = f"{reason} {' and '.join(whom)}"
        hint = "" if by_id else " Check them, or send allow_duplicate=true to create anyway."
        if self.elsewhere:
            hint += " A contact living elsewhere is recorded with POST /api/v1/handovers/contacts."
        super().__init__(
            detail=f"This person may already exist: {message}.{hint}",
            problems=[FieldProblem(f, message) for f in fields],
        )


# --- reading ---------------------------------------------------------------------------------


def get_person(session: Session, person_id: int) -> Person:
    """The person, or NotFound (saying where a merged-away person went)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No person with id {person_id}.")
    if person.merged_into_id is not None:
        raise NotFound(
            f"Person {person_id} was merged into person {person.merged_into_id}.",
            [FieldProblem.of("id", N_("merged into person %(id)s"), id=person.merged_into_id)],
        )
    return person


def ward_of(session: Session, person_id: int) -> int | None:
    """The ward the person lives in (None: not known), which their records carry a copy of."""
    return session.scalar(select(Person.ward_id).where(Person.id == person_id))


def phones_of(session: Session, person_ids: list[int]) -> dict[int, str]:
    """The phone numbers of these people, those who have one (a worker's call list)."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(Person.id, Person.phone).where(
            Person.id.in_(sorted(set(person_ids))), Person.phone.is_not(None)
        )
    )
    return {int(p): str(phone) for p, phone in rows}


def list_people(
    session: Session,
    *,
    ward_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    scope: Scope = CITY,
) -> tuple[list[Person], int]:
    """People (not merged away) in id order, optionally of one ward, among those ``scope``
    sees."""
    query = select(Person).where(Person.merged_into_id.is_(None))
    if not scope.whole_city:
        query = query.where(scope.where(Person.ward_id, Person.id))
    if ward_id is not None:
        query = query.where(Person.ward_id == ward_id)
    return paged(session, query, Person.id, limit=limit, offset=offset)


def find_duplicates(
    session: Session, data: PersonCreate, *, exclude_id: int | None = None
) -> list[DuplicateCandidate]:
    """Existing people who are likely ``data``: same national ID; else same phone and folded
    name, with the same birth year or one not known on either side."""
    alive: list[ColumnElement[bool]] = [Person.merged_into_id.is_(None)]
    if exclude_id is not None:
        alive.append(Person.id != exclude_id)
    if data.national_id:
        same_id = session.scalars(select(Person).where(Person.national_id == data.national_id))
        found = [DuplicateCandidate(p, SAME_NATIONAL_ID) for p in same_id if p.id != exclude_id]
        if found:
            return found
    if not data.phone:
        return []
    if data.birth_year is not None:
        alive.append(or_(Person.birth_year.is_(None), Person.birth_year == data.birth_year))
    query = select(Person).where(
        Person.phone == data.phone, Person.name_folded == fold(data.full_name), *alive
    )
    return [
        DuplicateCandidate(p, _phone_reason(p.birth_year, data.birth_year))
        for p in session.scalars(query.order_by(Person.id))
    ]


def _phone_reason(known_year: int | None, typed_year: int | None) -> str:
    """Same phone and folded name: with the same birth year, or a year missing on one side
    (a year known on both sides and different tells two people apart)."""
    both = known_year is not None and typed_year is not None
    return SAME_PHONE_NAME_YEAR if both else SAME_PHONE_NAME


def duplicates_of(session: Session, person_id: int) -> list[DuplicateCandidate]:
    """Other people who are likely the same as this one (to review and merge)."""
    person = get_person(session, person_id)
    data = PersonCreate.model_construct(
        full_name=person.full_name,
        phone=person.phone,
        national_id=person.national_id,
        birth_year=person.birth_year,
    )
    return find_duplicates(session, data, exclude_id=person.id)


# --- writing ---------------------------------------------------------------------------------


OUT_OF_SIGHT = N_(
    "ward %(id)s is outside your jurisdiction: record a contact living there with the "
    "handover flow (POST /api/v1/handovers/contacts)"
)


def _check_places(session: Session, values: dict[str, Any], scope: Scope = CITY) -> None:
    ward_id = values.get("ward_id")
    if ward_id is not None:
        ward = session.get(AdminUnit, ward_id)
        if ward is None or ward.level != UnitLevel.ward:
            raise InvalidInput.on("ward_id", N_("no ward with id %(id)s"), id=ward_id)
    if "ward_id" in values and not scope.whole_city and not scope.sees(ward_id):
        # the user would not see the person they register or move (docs/access.md)
        raise InvalidInput.on("ward_id", OUT_OF_SIGHT, id=ward_id)
    household_id = values.get("household_id")
    if household_id is not None and session.get(Household, household_id) is None:
        raise InvalidInput.on("household_id", N_("no household with id %(id)s"), id=household_id)


def _set_name(session: Session, person: Person, full_name: str) -> None:
    person.full_name = full_name
    person.name_folded = fold(full_name)
    session.execute(delete(PersonNameToken).where(PersonNameToken.person_id == person.id))
    session.add_all(
        PersonNameToken(person_id=person.id, position=i, token=token)
        for i, token in enumerate(name_tokens(person.name_folded))
    )


def _flush(session: Session) -> None:
    """Flush, turning a lost race (national ID taken, version moved) into a Conflict."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict.of(
            N_("Another person has this national ID."),
            [FieldProblem.of("national_id", N_("already used by another person"))],
        ) from None
    except StaleDataError:
        raise Conflict.of(
            N_("The person was changed by someone else meanwhile; reload and retry.")
        ) from None


def create_person(
    session: Session, data: PersonCreate, *, allow_duplicate: bool = False, scope: Scope = CITY
) -> Person:
    """Create a person in ``scope`` (the user's jurisdiction), unless they seem to exist
    already (then Conflict naming those ``scope`` sees).

    A same national ID always refuses; same phone + folded name (+ birth year when both
    know it) refuses unless ``allow_duplicate``."""
    values = data.model_dump(exclude={"full_name"})
    _check_places(session, values, scope)
    candidates = find_duplicates(session, data)
    if candidates and (candidates[0].reason == SAME_NATIONAL_ID or not allow_duplicate):
        raise DuplicatePerson(candidates, scope)
    person = Person(full_name=data.full_name, name_folded=fold(data.full_name), **values)
    session.add(person)
    _flush(session)
    _set_name(session, person, data.full_name)
    _flush(session)
    return person


def _check_version(person: Person, expected_version: int) -> None:
    if person.version != expected_version:
        raise Conflict(
            f"Person {person.id} is at version {person.version}, not {expected_version}: "
            "someone changed it meanwhile; reload it and retry.",
            [
                FieldProblem.of(
                    "version",
                    N_("stale (current version is %(version)s)"),
                    version=person.version,
                )
            ],
        )


def update_person(
    session: Session,
    person_id: int,
    data: PersonPatch,
    *,
    expected_version: int,
    scope: Scope = CITY,
) -> Person:
    """Change the fields sent in ``data``; Conflict if the person moved past
    ``expected_version``. A new ``ward_id`` transfers the person, also out of ``scope`` (the
    user hands them to the ward they moved to); the duplicate check names only those
    ``scope`` sees."""
    person = get_person(session, person_id)
    _check_version(person, expected_version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    _check_places(session, changes)
    if "date_of_birth" in changes and changes["date_of_birth"] and "birth_year" not in changes:
        changes["birth_year"] = changes["date_of_birth"].year
    dob = changes.get("date_of_birth", person.date_of_birth)
    year = changes.get("birth_year", person.birth_year)
    if dob is not None and year is not None and dob.year != year:
        raise InvalidInput.on("birth_year", N_("does not match date_of_birth"))
    national_id = changes.get("national_id")
    if national_id and national_id != person.national_id:
        clash = session.scalar(select(Person.id).where(Person.national_id == national_id))
        if clash is not None:
            raise DuplicatePerson(
                [DuplicateCandidate(session.get_one(Person, clash), SAME_NATIONAL_ID)], scope
            )
    full_name = changes.pop("full_name", None)
    was_in = person.ward_id
    for key, value in changes.items():
        setattr(person, key, value if key != "sex" or value is not None else Sex.unknown)
    if full_name is not None and full_name != person.full_name:
        _set_name(session, person, full_name)
    _flush(session)
    if "ward_id" in changes and person.ward_id != was_in:
        publish(  # the records that carry the person's ward follow them (the reactions)
            session,
            PersonMoved(
                cause=f"person {person.id} moved",
                person_id=person.id,
                from_ward=was_in,
                to_ward=person.ward_id,
            ),
        )
    return person


# --- merging ---------------------------------------------------------------------------------


def _fill_empty(kept: Person, merged: Person) -> None:
    """Give the kept person what only the merged one knew; the merged one's national ID and
    household are released (the ID is unique; the household now holds the kept person)."""
    if kept.national_id and merged.national_id and kept.national_id != merged.national_id:
        raise Conflict(
            f"Persons {kept.id} and {merged.id} have different national IDs: not the same person.",
            [FieldProblem.of("merge_id", N_("different national ID"))],
        )
    for key in MERGE_FILLS:
        value = getattr(merged, key)
        if getattr(kept, key) is None and value is not None and key != "national_id":
            setattr(kept, key, value)
    if kept.sex == Sex.unknown:
        kept.sex = merged.sex
    merged.national_id = None
    merged.household_id = None
    merged.merged_into_id = kept.id
    kept.updated_at = utcnow()  # the kept person changed (records moved): new version


def merge_people(
    session: Session, *, keep_id: int, merge_id: int, keep_version: int, merge_version: int
) -> Person:
    """Merge the duplicate ``merge_id`` into ``keep_id``: its records move over, empty fields
    of the kept person are filled from it, and it is marked merged (it no longer appears)."""
    if keep_id == merge_id:
        raise InvalidInput.on("merge_id", N_("a person cannot be merged into themselves"))
    kept = get_person(session, keep_id)
    merged = get_person(session, merge_id)
    _check_version(kept, keep_version)
    _check_version(merged, merge_version)
    # who had been merged into the duplicate is merged into the kept person; the other
    # features move their own rows (the cases first) reacting to ``PersonsMerged``
    move_person_rows(session, Person, merged_id=merge_id, kept_id=keep_id, column="merged_into_id")
    session.execute(delete(PersonNameToken).where(PersonNameToken.person_id == merge_id))
    national_id = merged.national_id
    _fill_empty(kept, merged)
    _flush(session)  # frees the merged person's national ID before the kept one takes it
    if national_id and kept.national_id is None:
        kept.national_id = national_id
        _flush(session)
    publish(
        session,
        PersonsMerged(
            cause=f"person {merge_id} merged into person {keep_id}",
            kept_id=keep_id,
            merged_id=merge_id,
        ),
    )
    return kept
