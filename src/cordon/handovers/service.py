"""Handing a contact over to the unit where the contact lives.

A tracer who finds a contact living in another ward sees only that the contact exists. A
handover passes it on: the receiving ward (the contact's ward *now*) finds it in its inbox,
takes it up, reaches the person and says what was done, or declines it with a reason. The
sender follows the answer without ever seeing who the contact is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.core.db import atomic, move_person_rows
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.core.models import utcnow
from cordon.core.pagination import paged
from cordon.events import PersonsMerged
from cordon.exposures import service as exposures
from cordon.exposures.models import Exposure
from cordon.exposures.schemas import ContactIn
from cordon.geography.models import AdminUnit
from cordon.handovers.enums import PENDING, RECEIVER_MOVES, SENDER_MOVES, HandoverStatus
from cordon.handovers.models import Handover
from cordon.people import service as people
from cordon.people.models import Person
from cordon.people.schemas import PersonCreate

NEEDS_TEXT = {
    HandoverStatus.completed: N_("say what was done (reached, isolated where, not reachable …)"),
    HandoverStatus.declined: N_("say why (moved away, wrong address, already handled …)"),
}


@atomic
def send(session: Session, who: Principal, *, exposure_id: int, note: str | None) -> Handover:
    """Hand over the contact of an exposure that ``who`` sees from one side only."""
    pair = session.execute(
        select(Exposure.person_id, Exposure.contact_id).where(Exposure.id == exposure_id)
    ).first()
    seen = guard.visible(session, who, pair or ())
    if pair is None or not seen:
        raise InvalidInput.on("exposure_id", N_("no exposure with id %(id)s"), id=exposure_id)
    hidden = [p for p in pair if p not in seen]
    if not hidden:
        raise InvalidInput.on(
            "exposure_id",
            N_("both people of this exposure are in your jurisdiction: no handover"),
        )
    contact = hidden[0]
    pending = session.scalar(select(Handover.id).where(*_open_for(contact, who.unit_id)))
    if pending is not None:
        raise Conflict.of(
            N_("This contact is already handed over (handover %(id)s, still open)."), id=pending
        )
    ward = session.scalar(select(Person.ward_id).where(Person.id == contact))
    handover = Handover(
        exposure_id=exposure_id,
        person_id=contact,
        from_unit_id=who.unit_id,
        to_unit_id=ward if ward is not None else _city_of(session, who.unit_id),
        status=HandoverStatus.open,
        note=note,
        sent_by=who.user_id,
    )
    session.add(handover)
    session.flush()
    return handover


def hand_over_contact(
    session: Session,
    who: Principal,
    *,
    person_id: int,
    contact: PersonCreate,
    met: dict[str, Any],
    note: str | None,
) -> Handover:
    """Record a contact who lives outside ``who``'s jurisdiction and hand them over: the
    person registered already out of sight (same national ID; or phone, name and birth year)
    — never said whom —, else registered anew in their ward; the exposure with ``person_id``;
    the handover to the contact's ward (the open one, if this unit sent one already)."""
    guard.person_field(session, who, person_id, "person_id")
    found = [c.person.id for c in people.find_duplicates(session, contact)]
    seen = guard.visible(session, who, found)
    if seen:
        raise InvalidInput.on(
            "contact",
            N_("registered in your jurisdiction as person %(id)s: record the exposure directly"),
            id=min(seen),
        )
    if found:
        contact_id = found[0]
    elif who.scope.whole_city or who.scope.sees(contact.ward_id):
        raise InvalidInput.on(
            "contact.ward_id",
            N_("this ward is in your jurisdiction: register the person and record the exposure"),
        )
    else:
        contact_id = people.create_person(session, contact, allow_duplicate=True).id
    (exposure,) = exposures.record_contacts(
        session,
        person_id=person_id,
        contacts=[ContactIn(contact_id=contact_id, **met)],
        cause=f"contact of person {person_id} handed over",
    )
    pending = session.scalar(select(Handover).where(*_open_for(contact_id, who.unit_id)))
    return pending or send(session, who, exposure_id=exposure.id, note=note)


def _open_for(contact_id: int, unit_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        Handover.person_id == contact_id,
        Handover.from_unit_id == unit_id,
        Handover.status.in_(PENDING),
    )


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """A duplicate's handovers become the kept person's: the receiving ward is the kept
    person's, and the one it reaches is the person the registry keeps."""
    move_person_rows(session, Handover, merged_id=event.merged_id, kept_id=event.kept_id)


def _city_of(session: Session, unit_id: int) -> int:
    """People with no ward of the city are the city's to handle."""
    while True:
        parent = session.scalar(select(AdminUnit.parent_id).where(AdminUnit.id == unit_id))
        if parent is None:
            return unit_id
        unit_id = parent


def _senders(who: Principal) -> ColumnElement[bool]:
    """Handovers sent by the user's unit or a unit below it."""
    if who.scope.whole_city:
        return true()
    units = {who.unit_id} | set(who.scope.wards or ())
    return Handover.from_unit_id.in_(sorted(units))


def _receivers(who: Principal) -> ColumnElement[bool]:
    """Handovers whose contact lives in the user's jurisdiction."""
    return who.scope.holds(Handover.person_id, Person.id, Person.ward_id)


def _page(
    session: Session, query: Select[Handover], limit: int, offset: int
) -> tuple[list[Handover], int]:
    return paged(session, query, Handover.id.desc(), limit=limit, offset=offset)


def incoming(
    session: Session,
    who: Principal,
    *,
    statuses: Collection[HandoverStatus] = PENDING,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Handover], int]:
    """Contacts handed over to the user's jurisdiction, newest first."""
    query = select(Handover).where(_receivers(who), Handover.status.in_(sorted(statuses)))
    return _page(session, query, limit, offset)


def outgoing(
    session: Session,
    who: Principal,
    *,
    statuses: Collection[HandoverStatus] = tuple(HandoverStatus),
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Handover], int]:
    """Contacts the user's unit (or a unit below it) handed over, newest first."""
    query = select(Handover).where(_senders(who), Handover.status.in_(sorted(statuses)))
    return _page(session, query, limit, offset)


@dataclass(frozen=True)
class SentFrom:
    """What the sender may see of a handover beside its status: the ward it went to, and
    the sender's own record behind it — their person and the exposure's days and setting."""

    to_ward: str
    own_person_id: int | None
    first_on: dt.date | None
    last_on: dt.date | None
    setting: str | None


def sent_from(session: Session, who: Principal, handovers: list[Handover]) -> dict[int, SentFrom]:
    """For each handover, the ward it went to and the side of its exposure ``who`` sees."""
    wanted = {h.exposure_id for h in handovers if h.exposure_id is not None}
    exposures = {e.id: e for e in session.scalars(select(Exposure).where(Exposure.id.in_(wanted)))}
    units = session.scalars(
        select(AdminUnit).where(AdminUnit.id.in_({h.to_unit_id for h in handovers}))
    )
    ward = {u.id: f"{u.kind} {u.name}" for u in units}
    pairs = [p for e in exposures.values() for p in (e.person_id, e.contact_id)]
    seen = guard.visible(session, who, pairs)
    found = {}
    for h in handovers:
        e = exposures.get(h.exposure_id or 0)
        own = (
            [p for p in (e.person_id, e.contact_id) if p in seen and p != h.person_id] if e else []
        )
        found[h.id] = SentFrom(
            to_ward=ward.get(h.to_unit_id, ""),
            own_person_id=own[0] if own else None,
            first_on=e.first_on if e else None,
            last_on=e.last_on if e else None,
            setting=e.setting.value if e else None,
        )
    return found


def sides(session: Session, who: Principal, handover: Handover) -> tuple[bool, bool]:
    """(may answer as receiver, may answer as sender)."""
    receiver = handover.person_id in guard.visible(session, who, [handover.person_id])
    units = None if who.scope.whole_city else {who.unit_id} | set(who.scope.wards or ())
    sender = units is None or handover.from_unit_id in units
    return receiver, sender


def get(session: Session, who: Principal, handover_id: int) -> Handover:
    handover = session.get(Handover, handover_id)
    if handover is None or not any(sides(session, who, handover)):
        raise NotFound(f"No handover with id {handover_id}.")
    return handover


@atomic
def answer(
    session: Session,
    who: Principal,
    handover_id: int,
    *,
    status: HandoverStatus,
    text: str | None,
) -> Handover:
    """Move a handover on: the receiving side accepts, completes or declines it; the sender
    may cancel it while nobody has taken it up."""
    found = session.scalars(
        select(Handover).where(Handover.id == handover_id).with_for_update()
    ).first()
    if found is None or not any(sides(session, who, found)):
        raise NotFound(f"No handover with id {handover_id}.")
    receiver, sender = sides(session, who, found)
    allowed: set[HandoverStatus] = set()
    if receiver:
        allowed |= RECEIVER_MOVES.get(found.status, frozenset())
    if sender:
        allowed |= SENDER_MOVES.get(found.status, frozenset())
    if status not in allowed:
        can = ", ".join(sorted(allowed)) or "nothing more"
        raise Conflict.of(
            N_("Handover %(id)s is %(status)s: you can set %(can)s, not %(to)s."),
            id=handover_id,
            status=found.status,
            can=can,
            to=status,
        )
    if status in NEEDS_TEXT and not (text and text.strip()):
        raise InvalidInput.on("note", NEEDS_TEXT[status])
    found.status = status
    found.answer = text.strip() if text else found.answer
    found.answered_by = who.user_id
    found.answered_at = utcnow()
    session.flush()
    return found
