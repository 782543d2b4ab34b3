"""People handed over to partner cities: the sender's side (docs/network.md, "People between
cities"). An officer hands over a case or contact of this registry to the partner city where
the person lives; the request carries the minimum the receiver needs, sealed to its key; the
sender keeps its record, shown as handed over, until the answer comes.

One share per person at a time, pending or accepted, whatever the peer (the database's
``ux_network_shares_open``): a person is handed over once; again only after a rejection or a
revocation. The receiver's side is ``share_receiver``."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.cases import service as cases
from cordon.core.dates import now
from cordon.core.db import atomic, get_or_404
from cordon.core.errors import N_, Conflict, InvalidInput
from cordon.events import PersonsMerged
from cordon.exposures import service as exposures
from cordon.network import sealing, service
from cordon.network.enums import (
    OPEN_SHARES,
    Direction,
    DistributionKind,
    Kind,
    PeerStatus,
    ShareState,
)
from cordon.network.envelope import Envelope, new_id
from cordon.network.models import NetworkMessage, Peer, PersonShare
from cordon.network.share_schemas import (
    SenderContact,
    ShareAnswer,
    ShareContent,
    SharedCase,
    SharedExposure,
    SharedPerson,
    ShareRequest,
    ShareRevoke,
)
from cordon.people import service as people
from cordon.tracing import service as tracing

NO_SENT = N_("no share sent with id %(id)s")
NO_RECEIVED = N_("no share received with id %(id)s")


def takes_shares(peer: Peer) -> bool:
    return peer.status is PeerStatus.active and peer.handovers


def content_of(
    session: Session, person_id: int, *, share_id: str, sender: SenderContact, basis: str
) -> ShareContent:
    """What the receiver needs of a person of this registry: who, their tier, the exposure
    that gives it, the F0's dates at its start (never who the F0 is)."""
    person = people.get_person(session, person_id)
    tier = tracing.tier_of(session, person_id)
    if tier.tier is None or tier.source_case_id is None:
        raise InvalidInput.on("person_id", N_("is neither a case nor a contact with an F-tier"))
    f0 = cases.get_case(session, tier.source_case_id)
    exposure = None
    if tier.tier > 0 and tier.path and tier.path[0].via_exposure_id is not None:
        met = exposures.get_exposure(session, tier.path[0].via_exposure_id)
        exposure = SharedExposure(
            first_on=met.first_on, last_on=met.last_on, setting=met.setting, closeness=met.closeness
        )
    links = [step.exposed_on for step in reversed(tier.path[1:-1])]
    if len(links) != max(tier.tier - 1, 0):  # a path cut short: every link on the index's day
        links = [tier.path[-1].exposed_on] * max(tier.tier - 1, 0)
    return ShareContent(
        share_id=share_id,
        person=SharedPerson(
            full_name=person.full_name,
            sex=person.sex,
            date_of_birth=person.date_of_birth,
            birth_year=person.birth_year,
            phone=person.phone,
            address=person.address,
        ),
        tier=tier.tier,
        case=SharedCase(
            onset_on=f0.onset_on,
            sample_on=f0.sample_on,
            confirmed_on=f0.confirmed_on,
            isolated_on=f0.isolated_on,
            asymptomatic=f0.asymptomatic,
        ),
        exposure=exposure,
        links=links,
        sender=sender,
        lawful_basis=basis,
    )


@atomic
def request(
    session: Session,
    *,
    person_id: int,
    peer_id: int,
    sender: SenderContact,
    note: str | None = None,
    by_user_id: int | None = None,
) -> PersonShare:
    """Hand ``person_id`` over to the peer ``peer_id``: one sealed request, delivered by the
    worker; the share pending until the peer answers."""
    peer = get_or_404(session, Peer, peer_id, what="peer")
    if not takes_shares(peer) or not peer.lawful_basis:
        raise InvalidInput.on(
            "peer_id", N_("%(node)s takes no handovers of people"), node=peer.node_id
        )
    people.get_person(session, person_id)
    _refuse_open(session, person_id)
    share_id = new_id()
    content = content_of(
        session, person_id, share_id=share_id, sender=sender, basis=peer.lawful_basis
    ).model_copy(update={"note": note})
    sealed_to, sealed = sealing.seal(session, peer, content)
    outer = ShareRequest(
        share_id=share_id,
        state=ShareState.pending,
        lawful_basis=peer.lawful_basis,
        sealed_to=sealed_to,
        sealed=sealed,
    )
    what = service.Distribution(
        Kind.share_request,
        outer.model_dump(mode="json"),
        distribution_kind=DistributionKind.request,
        description="A person handed over",
    )
    (message,) = service.send(session, what, to=[peer], by_user_id=by_user_id)
    row = PersonShare(
        share_id=share_id,
        direction=Direction.sent,
        peer_id=peer.id,
        person_id=person_id,
        state=ShareState.pending,
        lawful_basis=peer.lawful_basis,
        request_distribution_id=message.distribution_id,
        by_user_id=by_user_id,
    )
    _flush_once(session, row, person_id)
    recorder.note(
        session, "network.share sent", "network_shares", row.id, [person_id], peer=peer.node_id
    )
    return row


def _refuse_open(session: Session, person_id: int) -> None:
    found = session.scalar(
        select(PersonShare).where(
            PersonShare.direction == Direction.sent,
            PersonShare.person_id == person_id,
            PersonShare.state.in_(sorted(OPEN_SHARES)),
        )
    )
    if found is not None:
        raise Conflict.of(
            N_("Person %(id)s is handed over already (share %(share)s, %(state)s)."),
            id=person_id,
            share=found.id,
            state=found.state.value,
        )


def _flush_once(session: Session, row: PersonShare, person_id: int) -> None:
    """Add ``row``; a share of the same person made at the same moment loses (409)."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        _refuse_open(session, person_id)
        raise Conflict.of(N_("This share is on record already.")) from None


def row_of(session: Session, share_pk: int, direction: Direction) -> PersonShare:
    """A share of ``direction`` locked for a change (404 for none, or one of the other way)."""
    row = session.scalars(
        select(PersonShare).where(PersonShare.id == share_pk).with_for_update()
    ).first()
    if row is None or row.direction is not direction:
        missing = NO_SENT if direction is Direction.sent else NO_RECEIVED
        raise InvalidInput.on("id", missing, id=share_pk)
    return row


def checked(row: PersonShare, version: int) -> PersonShare:
    """``row`` at ``version`` and still pending, or 409 saying what it is."""
    if row.version != version:
        raise Conflict.of(
            N_("The share changed meanwhile (version %(now)s, not %(sent)s): reload it."),
            now=row.version,
            sent=version,
        )
    if row.state is not ShareState.pending:
        raise Conflict.of(
            N_("Share %(id)s is %(state)s: it is no longer pending."),
            id=row.id,
            state=row.state.value,
        )
    return row


@atomic
def revoke(
    session: Session, share_pk: int, *, version: int, by_user_id: int | None = None
) -> PersonShare:
    """Take back a share still pending (a share-revoke to the peer): the person may be
    handed over again."""
    row = checked(row_of(session, share_pk, Direction.sent), version)
    row.state = ShareState.revoked
    row.answered_by_user_id = by_user_id
    row.answered_at = now()
    session.flush()
    peer = session.get_one(Peer, row.peer_id)
    payload = ShareRevoke(share_id=row.share_id, state=ShareState.revoked)
    what = service.Distribution(
        Kind.share_revoke,
        payload.model_dump(mode="json"),
        distribution_kind=DistributionKind.cancel,
        references=(row.request_distribution_id,),
    )
    service.send(session, what, to=[peer], by_user_id=by_user_id)
    recorder.note(session, "network.share revoked", "network_shares", row.id, [row.person_id])
    return row


def receive_answer(
    session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage
) -> None:
    """The peer's answer to a share we sent (the kinds table calls this). An acceptance
    stands even over a revocation it crossed: the person is in the peer's registry."""
    answer = payload_of(ShareAnswer, envelope)
    row = session.scalars(
        select(PersonShare)
        .where(
            PersonShare.direction == Direction.sent,
            PersonShare.peer_id == peer.id,
            PersonShare.share_id == answer.share_id,
        )
        .with_for_update()
    ).first()
    if row is None:
        raise InvalidInput.on(
            "share_id", N_("no share with this id was sent to %(node)s"), node=peer.node_id
        )
    crossed = row.state is ShareState.revoked and answer.state is ShareState.accepted
    if row.state is not ShareState.pending and not crossed:
        if row.state is answer.state or row.state is ShareState.revoked:
            return  # said already, or rejected after we took it back: nothing changes
        raise Conflict.of(
            N_("Share %(id)s is %(state)s here."), id=answer.share_id, state=row.state.value
        )
    if crossed:
        _refuse_open(session, row.person_id or 0)
    row.state, row.reason = answer.state, answer.reason
    row.answered_at = envelope.sent_at
    row.answer_distribution_id = envelope.distribution_id
    session.flush()


M = TypeVar("M", ShareRequest, ShareAnswer, ShareRevoke)


def payload_of(model: type[M], envelope: Envelope) -> M:
    try:
        return model.model_validate(envelope.content.payload)
    except ValueError as exc:
        raise InvalidInput.on(
            "content.payload",
            N_("is not a %(kind)s: %(why)s"),
            kind=envelope.kind.value,
            why=str(exc)[:200],
        ) from None


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """A duplicate's shares become the kept person's, so the kept one shows whether they are
    handed over. Both handed over at once (two open shares): the duplicate's stays its own,
    never two open shares for one person."""
    query = update(PersonShare).where(PersonShare.person_id == event.merged_id)
    kept_open = session.scalar(
        select(PersonShare.id).where(
            PersonShare.direction == Direction.sent,
            PersonShare.person_id == event.kept_id,
            PersonShare.state.in_(sorted(OPEN_SHARES)),
        )
    )
    if kept_open is not None:
        query = query.where(
            or_(PersonShare.direction != Direction.sent, PersonShare.state.not_in(OPEN_SHARES))
        )
    session.execute(
        query.values(person_id=event.kept_id), execution_options={"synchronize_session": False}
    )
