"""People handed over from partner cities: the receiver's side (docs/network.md, "People
between cities"). A request is kept sealed as it came; an officer previews it (opened in
memory), with whoever in the registry may be the same person, then accepts or rejects it.

Acceptance is one transaction: the F0 at the start of the person's tier (a case of the
sending city, named by the share, never by who it is) and anyone between it and the index,
the person (new, or the one of this registry the officer names) and the exposure, written
through the cases, people and exposures services — so tiers and isolation follow by the
reactions —, the share accepted and the answer queued to the sender. Anything refused on the
way leaves nothing written and the share pending."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus
from cordon.core.dates import now
from cordon.core.db import atomic
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.exposures import service as exposures
from cordon.exposures.enums import Setting
from cordon.exposures.schemas import ContactIn
from cordon.network import sealing, service
from cordon.network.enums import Direction, DistributionKind, Kind, ShareState
from cordon.network.envelope import Envelope
from cordon.network.models import NetworkMessage, Peer, PersonShare
from cordon.network.share_schemas import ShareAnswer, ShareContent, ShareRequest, ShareRevoke
from cordon.network.shares import NO_RECEIVED, checked, payload_of, row_of, takes_shares
from cordon.people import service as people
from cordon.people.schemas import PersonCreate


def receive_request(
    session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage
) -> None:
    """A partner's share (the kinds table calls this): opened once in memory to check it is
    a share sealed to this node, then kept sealed as it came, pending."""
    outer = payload_of(ShareRequest, envelope)
    content = sealing.opened(session, outer.sealed_to, outer.sealed)
    if content.share_id != outer.share_id:
        raise InvalidInput.on("content.payload.share_id", N_("is not the sealed share's id"))
    earlier = _received(session, peer, outer.share_id)
    if earlier is not None:
        raise Conflict.of(
            N_("Share %(id)s was received before (%(state)s)."),
            id=outer.share_id,
            state=earlier.state.value,
        )
    row = PersonShare(
        share_id=outer.share_id,
        direction=Direction.received,
        peer_id=peer.id,
        state=ShareState.pending,
        lawful_basis=outer.lawful_basis,
        sealed_to=outer.sealed_to,
        sealed=outer.sealed,
        request_distribution_id=envelope.distribution_id,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same share in another message, received at the same moment
        raise Conflict.of(N_("Share %(id)s was received before."), id=outer.share_id) from None


def receive_revoke(
    session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage
) -> None:
    """The sender takes its share back: refused (409) once accepted, the person being in
    this registry then; a rejected or revoked one stays as it is."""
    revoke = payload_of(ShareRevoke, envelope)
    row = _received(session, peer, revoke.share_id)
    if row is None:
        raise InvalidInput.on(
            "share_id", N_("no share with this id came from %(node)s"), node=peer.node_id
        )
    if row.state is ShareState.accepted:
        raise Conflict.of(
            N_("Share %(id)s was accepted already: the person is in this city's registry."),
            id=revoke.share_id,
        )
    if row.state is ShareState.pending:
        _close(row, ShareState.revoked, by_user_id=None)
        session.flush()


def _received(session: Session, peer: Peer, share_id: str) -> PersonShare | None:
    return session.scalars(
        select(PersonShare)
        .where(
            PersonShare.direction == Direction.received,
            PersonShare.peer_id == peer.id,
            PersonShare.share_id == share_id,
        )
        .with_for_update()
    ).first()


def _close(row: PersonShare, state: ShareState, *, by_user_id: int | None) -> None:
    """A final state: the sealed personal part is dropped (what was accepted is in the
    registry; what was not is not kept)."""
    row.state = state
    row.sealed = None
    row.answered_by_user_id = by_user_id
    row.answered_at = now()


@dataclass(frozen=True)
class Preview:
    share: PersonShare
    content: ShareContent
    duplicates: list[people.DuplicateCandidate]


def _opened(session: Session, row: PersonShare) -> ShareContent:
    if row.state is not ShareState.pending or row.sealed is None or row.sealed_to is None:
        raise Conflict.of(
            N_("Share %(id)s is %(state)s: its personal part is no longer kept."),
            id=row.id,
            state=row.state.value,
        )
    return sealing.opened(session, row.sealed_to, row.sealed)


def preview(session: Session, share_pk: int) -> Preview:
    """The person of a pending share, opened in memory, and who in this registry may be the
    same (same phone and name, birth year when both know it). The route records the read."""
    row = session.get(PersonShare, share_pk)
    if row is None or row.direction is not Direction.received:
        raise InvalidInput.on("id", NO_RECEIVED, id=share_pk)
    content = _opened(session, row)
    probe = PersonCreate.model_construct(
        full_name=content.person.full_name,
        phone=_phone(content.person.phone),
        national_id=None,
        birth_year=content.person.birth_year or _year(content),
    )
    return Preview(row, content, people.find_duplicates(session, probe))


def _phone(raw: str | None) -> str | None:
    try:
        return PersonCreate(full_name="x", phone=raw).phone if raw else None
    except ValidationError:
        return None


def _year(content: ShareContent) -> int | None:
    born = content.person.date_of_birth
    return born.year if born else None


@atomic
def accept(
    session: Session,
    share_pk: int,
    *,
    version: int,
    person_id: int | None = None,
    ward_id: int | None = None,
    by_user_id: int | None = None,
    by: str = "network",
) -> PersonShare:
    """Take the person into this registry (see the module's doc): all of it, or nothing."""
    row = checked(row_of(session, share_pk, Direction.received), version)
    peer = session.get_one(Peer, row.peer_id)
    if not takes_shares(peer):
        raise Conflict.of(N_("%(node)s takes no handovers of people now."), node=peer.node_id)
    content = _opened(session, row)
    code = row.share_id[:8]
    index = _index_chain(session, peer, content, code, by)
    person = _person(session, content, person_id, ward_id)
    if index is None:
        _own_case(session, person, peer, content, code, by)
    else:
        assert content.exposure is not None
        met = content.exposure
        contact = ContactIn(
            contact_id=person,
            first_on=met.first_on,
            last_on=met.last_on,
            setting=met.setting,
            closeness=met.closeness,
            note=f"handed over by {peer.node_id} (share {code})",
        )
        exposures.record_contacts(
            session, person_id=index, contacts=[contact], cause=f"share {code} accepted"
        )
    _close(row, ShareState.accepted, by_user_id=by_user_id)
    row.person_id = person
    _answer(session, row, peer, ShareAnswer(share_id=row.share_id, state=ShareState.accepted))
    recorder.note(session, "network.share accepted", "network_shares", row.id, [person])
    return row


def _index_chain(
    session: Session, peer: Peer, content: ShareContent, code: str, by: str
) -> int | None:
    """The F0 of the sending city at the start of the person's tier, and one person for each
    link between it and the index; the index's id (None for a case: they are the F0)."""
    if content.tier == 0:
        return None
    f0 = _stand_in(session, peer, 0, code)
    _case(session, f0, peer, content, code, by)
    index = f0
    for level, day in enumerate(content.links, start=1):
        link = _stand_in(session, peer, level, code)
        contact = ContactIn(contact_id=link, first_on=day, last_on=day, setting=Setting.other)
        exposures.record_contacts(
            session, person_id=index, contacts=[contact], cause=f"share {code} accepted"
        )
        index = link
    return index


def _stand_in(session: Session, peer: Peer, level: int, code: str) -> int:
    """Someone of the sending city on the person's path, known by the share, not by name."""
    name = f"F{level} {peer.name[:150]} ({code})"
    made = people.create_person(
        session, PersonCreate(full_name=name, residence=peer.name[:200]), allow_duplicate=True
    )
    return made.id


def _case(
    session: Session, person: int, peer: Peer, content: ShareContent, code: str, by: str
) -> None:
    """A confirmed case of the sending city (reported by it: its ``province``), so the tier
    engine opens its transmission window as the sender's did."""
    cases.create_case(
        session,
        person_id=person,
        status=CaseStatus.confirmed,
        created_by=by,
        reason=f"case of {peer.node_id}, share {code}",
        province=peer.name[:80],
        **content.case.model_dump(),
    )


def _own_case(
    session: Session, person: int, peer: Peer, content: ShareContent, code: str, by: str
) -> None:
    if cases.open_case(session, person) is not None:
        raise Conflict.of(N_("This person already has a case under way: merge it by hand."))
    _case(session, person, peer, content, code, by)


def _person(
    session: Session, content: ShareContent, person_id: int | None, ward_id: int | None
) -> int:
    """The person named (who must still be in the registry), or one made from the share."""
    if person_id is not None:
        try:
            return people.get_person(session, person_id).id
        except NotFound:  # never was, or merged into another meanwhile
            raise InvalidInput.on(
                "person_id", N_("no person with id %(id)s (or merged into another)"), id=person_id
            ) from None
    shared = content.person.model_dump(exclude_none=True)
    try:
        data = PersonCreate.model_validate({**shared, "ward_id": ward_id})
    except ValidationError as exc:  # the registry's rules, stricter than the share's
        refused = InvalidInput.of_model("The shared person cannot be registered.", exc)
        for problem in refused.problems:
            problem.field = f"person.{problem.field}"
        raise refused from None
    return people.create_person(session, data, allow_duplicate=True).id


@atomic
def reject(
    session: Session, share_pk: int, *, version: int, reason: str, by_user_id: int | None = None
) -> PersonShare:
    """Say no, and why (the reason travels to the sender): nothing of the person is kept."""
    row = checked(row_of(session, share_pk, Direction.received), version)
    peer = session.get_one(Peer, row.peer_id)
    _close(row, ShareState.rejected, by_user_id=by_user_id)
    row.reason = reason
    answer = ShareAnswer(share_id=row.share_id, state=ShareState.rejected, reason=reason)
    _answer(session, row, peer, answer)
    recorder.note(session, "network.share rejected", "network_shares", row.id)
    return row


def _answer(session: Session, row: PersonShare, peer: Peer, answer: ShareAnswer) -> None:
    what = service.Distribution(
        Kind.share_answer,
        answer.model_dump(mode="json", exclude_none=True),
        distribution_kind=DistributionKind.response,
        references=(row.request_distribution_id,),
    )
    (sent,) = service.send(session, what, to=[peer], by_user_id=row.answered_by_user_id)
    row.answer_distribution_id = sent.distribution_id
    session.flush()
