"""Record-level checks: a record outside the jurisdiction answers exactly like a missing one.

Records follow the person's ward: a case is seen where its person lives; an exposure where
either of its two people lives (the other one then shows only as "in another ward").
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from cordon.access.principal import Principal
from cordon.access.pseudonyms import pseudonym
from cordon.audit import recorder
from cordon.cases.models import Case
from cordon.core.errors import N_, FieldProblem, InvalidInput, NotFound
from cordon.exposures.models import Exposure
from cordon.people.models import Person

HIDDEN = "outside your jurisdiction"  # what the API says of a person out of sight
_WARD_OF = select(Person.ward_id).where(Person.id == bindparam("person_id"))


def wards_of(session: Session, person_ids: Iterable[int | None]) -> dict[int, int | None]:
    ids = sorted({p for p in person_ids if p is not None})
    if not ids:
        return {}
    conn = session.connection()
    if len(ids) == 1:  # the common case, on every request for one record
        found = conn.execute(_WARD_OF, {"person_id": ids[0]}).first()
        return {ids[0]: found[0]} if found else {}
    rows = conn.execute(select(Person.id, Person.ward_id).where(Person.id.in_(ids)))
    return {int(pid): ward for pid, ward in rows}


def visible(session: Session, who: Principal, person_ids: Iterable[int | None]) -> set[int]:
    """Of these people, the ones ``who`` may see."""
    ids = {p for p in person_ids if p is not None}
    if who.scope.whole_city:
        return ids
    return who.scope.visible(wards_of(session, ids))


def person(session: Session, who: Principal, person_id: int) -> None:
    if person_id not in visible(session, who, [person_id]):
        raise NotFound(f"No person with id {person_id}.")


def person_field(session: Session, who: Principal, person_id: int, field: str) -> None:
    """A person named in a request body: out of sight reads exactly like a missing person
    (the services' own 422 for an unknown id)."""
    ward = wards_of(session, [person_id])
    if ward and not who.scope.visible(ward):
        raise InvalidInput.on(field, N_("no person with id %(id)s"), id=person_id)


ELSEWHERE = N_(
    "no person with id %(id)s in your jurisdiction: a contact living elsewhere is recorded "
    "and handed over with POST /api/v1/handovers/contacts"
)


def contact_fields(session: Session, who: Principal, fields: dict[str, int]) -> None:
    """Contacts named in a request body (field → person id): each must be in sight. An
    unknown id and one out of sight answer alike, pointing to the handover flow."""
    if who.scope.whole_city:
        return
    seen = visible(session, who, fields.values())
    problems = [
        FieldProblem.of(field, ELSEWHERE, id=pid)
        for field, pid in fields.items()
        if pid not in seen
    ]
    if problems:
        raise InvalidInput("The exposure cannot be recorded.", problems)


def case(session: Session, who: Principal, case_id: int) -> int:
    """The case's person, if ``who`` sees the case; else 404 as for a missing case."""
    person_id = session.scalar(select(Case.person_id).where(Case.id == case_id))
    if person_id is None or person_id not in visible(session, who, [person_id]):
        raise NotFound(f"No case with id {case_id}.")
    return person_id


def visible_cases(session: Session, who: Principal, case_ids: list[int]) -> dict[int, int]:
    """Of these cases, in order, those whose person ``who`` sees → that person (a query per
    10,000 cases)."""
    person_of: dict[int, int] = {}
    for start in range(0, len(case_ids), 10_000):
        part = case_ids[start : start + 10_000]
        rows = session.execute(select(Case.id, Case.person_id).where(Case.id.in_(part)))
        person_of.update({int(c): int(p) for c, p in rows})
    seen = visible(session, who, person_of.values())
    return {c: person_of[c] for c in case_ids if person_of.get(c) in seen}


def case_field(session: Session, who: Principal, field: str, case_id: int | str) -> None:
    """A case named in a request body (by id or code): out of sight reads exactly like a
    missing case (the services' own 422)."""
    key = Case.id if field == "case_id" else Case.code
    person_id = session.scalar(select(Case.person_id).where(key == case_id))
    if person_id is not None and person_id not in visible(session, who, [person_id]):
        if field == "case_id":
            raise InvalidInput.on(field, N_("no case with id %(id)s"), id=case_id)
        raise InvalidInput.on(field, N_("no case with code %(code)s"), code=case_id)


def case_code(session: Session, who: Principal, code: str) -> int:
    found = session.execute(select(Case.id, Case.person_id).where(Case.code == code)).first()
    if found is None or found[1] not in visible(session, who, [found[1]]):
        raise NotFound(f"No case with code {code}.")
    return int(found[0])


def exposure(session: Session, who: Principal, exposure_id: int) -> None:
    pair = session.execute(
        select(Exposure.person_id, Exposure.contact_id).where(Exposure.id == exposure_id)
    ).first()
    if pair is None or not visible(session, who, pair):
        raise NotFound(f"No exposure with id {exposure_id}.")


def shown(
    session: Session, who: Principal, resource: str, people: list[int], *, view: str
) -> dict[int, str]:
    """The names (``names``) of the people a list shows ``who``, the showing recorded in the
    audit log as a read of ``resource`` in ``view``."""
    recorder.read(session, resource, None, people, view=view)
    return names(session, who, people)


def names(session: Session, who: Principal, seen: Iterable[int]) -> dict[int, str]:
    """How ``who`` may call these (visible) people: their names, or pseudonyms for roles
    that work on pseudonymised data."""
    ids = sorted(set(seen))
    if who.pseudonymised:
        return {p: pseudonym(p) for p in ids}
    if not ids:
        return {}
    rows = session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids)))
    return {int(p): str(n) for p, n in rows}
