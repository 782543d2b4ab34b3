"""What a received message does, by kind: one receiver per kind, run in the transaction that
stores the message (a receiver that refuses the payload refuses the whole message).

A kind without a receiver here is stored and shown as it came (its envelope and payload)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from cordon.network import resource_receive, share_receiver, shares, sitreps, warnings
from cordon.network.enums import Kind
from cordon.network.envelope import Envelope
from cordon.network.models import NetworkMessage, Peer

Receiver = Callable[[Session, Peer, Envelope, NetworkMessage], None]


def _ping(session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage) -> None:
    """A hello: storing it is all it asks (it proves the trust set-up works both ways)."""


RECEIVERS: dict[Kind, Receiver] = {
    Kind.ping: _ping,
    Kind.sitrep: sitreps.receive,
    Kind.rm_request: resource_receive.receive_opening,
    Kind.rm_offer: resource_receive.receive_opening,
    Kind.rm_response: resource_receive.receive_step,
    Kind.rm_commit: resource_receive.receive_step,
    Kind.rm_release: resource_receive.receive_step,
    Kind.rm_return: resource_receive.receive_step,
    Kind.share_request: share_receiver.receive_request,
    Kind.share_answer: shares.receive_answer,
    Kind.share_revoke: share_receiver.receive_revoke,
    Kind.cap_alert: warnings.receive,
}


def receive(session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage) -> None:
    receiver = RECEIVERS.get(envelope.kind)
    if receiver is not None:
        receiver(session, peer, envelope, message)
