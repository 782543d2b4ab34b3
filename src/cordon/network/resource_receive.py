"""A partner's resource messages (the ``rm-*`` kinds), received in the transaction that stores
the message: a request or offer opens an exchange; every later message is one step of an
exchange, checked against ``resource_states.RULES`` like this city's own steps.

Refused whole (the inbox answers with the problem and stores nothing): a payload that is not
EDXL-RM as Cordon sends it, a step that refers to no exchange of this node or to one the
sender is not a party to, a step its state or the sender's role does not allow, a commit past
the quantity asked for or offered."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.errors import N_, Conflict, Forbidden, InvalidInput
from cordon.network.enums import Kind
from cordon.network.envelope import Envelope
from cordon.network.models import NetworkMessage, Peer
from cordon.network.resource_models import ResourceExchange
from cordon.network.resource_schemas import Opening, Reply
from cordon.network.resource_states import MESSAGE_TYPE, Side, Step, step_of
from cordon.network.resources import Taken, apply, opened

PAYLOAD = "content.payload"
STEP_OF_KIND = {Kind.rm_commit: Step.commit, Kind.rm_release: Step.release}
STEP_OF_KIND[Kind.rm_return] = Step.return_
M = TypeVar("M", bound=BaseModel)


def _read(model: type[M], envelope: Envelope) -> M:
    try:
        parsed = model.model_validate(envelope.content.payload)
    except ValidationError as exc:
        raise InvalidInput.of_model(
            "The payload is not a resource message (EDXL-RM).", exc
        ) from None
    expected = MESSAGE_TYPE[envelope.kind]
    if getattr(parsed, "message_type", None) != expected:
        raise InvalidInput.on(
            f"{PAYLOAD}.message_type", N_("is not %(expected)s"), expected=expected
        )
    return parsed


def receive_opening(
    session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage
) -> None:
    """``rm-request`` or ``rm-offer``: a new exchange with the peer, or, recalled, the
    withdrawal of one it opened."""
    if "recall" in envelope.content.payload:
        receive_step(session, peer, envelope, message)
        return
    opening = _read(Opening, envelope)
    taken = session.scalar(
        select(ResourceExchange.id).where(
            ResourceExchange.peer_id == peer.id,
            ResourceExchange.message_id == envelope.distribution_id,
        )
    )
    if taken is not None:
        raise Conflict.of(
            N_("Distribution %(id)s is an exchange with this node already."),
            id=envelope.distribution_id,
        )
    opened(
        session,
        opening,
        side=Side.theirs,
        peer_id=peer.id,
        message_id=envelope.distribution_id,
        status=envelope.status,
    )


def _step(kind: Kind, reply: Reply) -> Step:
    """The step a message is, or 422 when its payload lacks (or has) what that step carries."""
    if kind is Kind.rm_response:
        if reply.answer is None:
            raise InvalidInput.on(f"{PAYLOAD}.answer", N_("is needed in a response"))
        step = step_of(reply.answer)
    elif kind in STEP_OF_KIND:
        step = STEP_OF_KIND[kind]
    else:
        if reply.recall != "Cancel":
            raise InvalidInput.on(f"{PAYLOAD}.recall", N_("must be Cancel"))
        step = Step.withdrawal
    if (reply.quantities is None) is (step is Step.commit):
        raise InvalidInput.on(f"{PAYLOAD}.quantities", N_("are given with a commit, only"))
    if reply.answer is not None and kind is not Kind.rm_response:
        raise InvalidInput.on(f"{PAYLOAD}.answer", N_("is given with a response, only"))
    return step


def _exchange(session: Session, peer: Peer, envelope: Envelope, reply: Reply) -> ResourceExchange:
    origin = reply.originating_message_id
    if origin not in envelope.references:
        raise InvalidInput.on(
            "distributionReference", N_("must name the originating message %(id)s"), id=origin
        )
    rows = session.scalars(
        select(ResourceExchange).where(ResourceExchange.message_id == origin)
    ).all()
    if not rows:
        raise InvalidInput.on(
            f"{PAYLOAD}.originating_message_id", N_("is no exchange of this node")
        )
    mine = [r for r in rows if r.peer_id == peer.id]
    if not mine:
        raise Forbidden.of(
            N_("%(node)s is not a party to the exchange %(id)s."), node=peer.node_id, id=origin
        )
    row = mine[0]
    if envelope.status is not row.status:
        raise InvalidInput.on(
            "distributionStatus", N_("is not the exchange's (%(status)s)"), status=row.status.value
        )
    return row


def receive_step(session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage) -> None:
    """A later message of an exchange: the partner's step, as ``RULES`` allow it."""
    reply = _read(Reply, envelope)
    step = _step(envelope.kind, reply)
    row = _exchange(session, peer, envelope, reply)
    apply(
        session,
        row,
        Taken(
            step,
            by=reply.by,
            ours=False,
            at=envelope.sent_at,
            answer=reply.answer,
            reason=reply.reason,
            quantities=reply.quantities or (),
            distribution_id=envelope.distribution_id,
        ),
    )
