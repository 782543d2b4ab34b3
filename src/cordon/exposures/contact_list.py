"""A person's contact list as one unit of work: the new people registered, the contacts
living elsewhere handed over, every exposure recorded — all or nothing (the web's contact
entry form; the API records contacts of people registered already, ``service``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cordon.access.principal import Principal
from cordon.core.db import atomic
from cordon.core.errors import Conflict
from cordon.exposures import service
from cordon.exposures.models import Exposure
from cordon.exposures.schemas import ContactIn
from cordon.handovers import service as handovers
from cordon.people import service as people
from cordon.people.schemas import PersonCreate


@dataclass(frozen=True)
class NewContact:
    """One contact of the list: the person met — registered already (an id) or to register
    (``allow_duplicate``: though they look like someone registered) — and when and how
    (``met``: setting, closeness, first_on, last_on). ``hand_over``: the person lives outside
    the user's jurisdiction and is handed over to their ward."""

    person: int | PersonCreate
    met: dict[str, Any]
    allow_duplicate: bool = False
    hand_over: bool = False


class DuplicateContact(Conflict):
    """A new person of the list registered meanwhile: ``duplicate`` says whom, ``position``
    which contact of the list."""

    def __init__(self, position: int, duplicate: people.DuplicatePerson) -> None:
        super().__init__(duplicate.detail, duplicate.problems)
        self.position = position
        self.duplicate = duplicate


@atomic
def record_contact_list(
    session: Session, who: Principal, *, person_id: int, contacts: Sequence[NewContact]
) -> list[Exposure]:
    """Register, hand over and record every contact of ``person_id``, all or nothing; the
    exposures recorded here (not those handed over), in the order of the list."""
    recorded: list[ContactIn] = []
    for position, contact in enumerate(contacts):
        if contact.hand_over:
            assert isinstance(contact.person, PersonCreate)
            handovers.hand_over_contact(
                session,
                who,
                person_id=person_id,
                contact=contact.person,
                met=contact.met,
                note=None,
            )
            continue
        recorded.append(ContactIn(contact_id=_person_id(session, position, contact), **contact.met))
    if not recorded:
        return []
    return service.record_contacts(session, person_id=person_id, contacts=recorded)


def _person_id(session: Session, position: int, contact: NewContact) -> int:
    if isinstance(contact.person, int):
        return contact.person
    try:
        made = people.create_person(
            session, contact.person, allow_duplicate=contact.allow_duplicate
        )
    except people.DuplicatePerson as exc:
        raise DuplicateContact(position, exc) from exc
    return made.id
