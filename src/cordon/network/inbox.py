"""Receiving: a signed envelope from a peer, verified, stored once, acknowledged.

In order, each refusal naming what is wrong and storing nothing (the route records the
refusal in the audit log): a body too large (413); no signature, a key no active peer holds,
a signature that does not verify, is stale or covers another body, or an envelope whose
sender is not the key's node (401); an envelope that cannot be read or is not addressed to
this node (422); a kind the peer may not send (403); the same distribution id with another
body (409, a replay). The same id with the same body is a retry whose acknowledgement was
lost: answered "already received", stored once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.core.dates import now
from cordon.core.db import savepoint
from cordon.core.errors import N_, Conflict, Forbidden, InvalidInput, Unauthorized
from cordon.network import keys, kinds, signing
from cordon.network.enums import Direction, KeyUse, PeerStatus
from cordon.network.envelope import Envelope
from cordon.network.models import NetworkMessage, NodeIdentity, Peer, PeerKey
from cordon.network.service import allows, digest_of, node

WINDOW = dt.timedelta(minutes=5)  # a signature older than this is refused (replay window)


@dataclass(frozen=True)
class Receipt:
    distribution_id: str
    received_at: dt.datetime
    message_id: int
    again: bool  # a retry of a message stored before


@dataclass(frozen=True)
class Sender:
    peer: Peer
    key_id: str
    public: str  # the key's base64url raw bytes


def _sender(session: Session, headers: Mapping[str, str]) -> Sender:
    key_id = signing.key_id_of(headers)
    if not key_id:
        raise Unauthorized.of(N_("The request is not signed (RFC 9421 Signature-Input)."))
    moment = now()
    row = session.execute(
        select(Peer, PeerKey.public, PeerKey.valid_from, PeerKey.valid_until)
        .join(Peer, Peer.id == PeerKey.peer_id)
        .where(PeerKey.key_id == key_id[:100], PeerKey.use == KeyUse.signing)
    ).first()
    if row is None or row.Peer.status is not PeerStatus.active:
        raise Unauthorized.of(N_("The signing key belongs to no active peer of this node."))
    if row.valid_from > moment + signing.SKEW or (row.valid_until and row.valid_until <= moment):
        raise Unauthorized.of(N_("The signing key is not valid now: import the peer's new card."))
    return Sender(peer=row.Peer, key_id=key_id[:100], public=row.public)


def _verified(url: str, headers: Mapping[str, str], body: bytes, sender: Sender) -> str | None:
    def public(key_id: str) -> Ed25519PublicKey:
        if key_id != sender.key_id:
            raise KeyError(key_id)
        return keys.verifying_key(sender.public)

    try:
        verified = signing.verify(url, headers, body, public=public, window=WINDOW)
    except signing.BadSignature as exc:
        raise Unauthorized.of(N_("The signature does not verify: %(why)s."), why=str(exc)) from None
    return verified.nonce


def _envelope(body: bytes) -> Envelope:
    try:
        return Envelope.model_validate_json(body)
    except ValidationError as exc:
        raise InvalidInput.of_model("The envelope could not be read.", exc) from None


def receive(session: Session, *, headers: Mapping[str, str], body: bytes) -> Receipt:
    """Verify, check and store one message (the caller commits); see the module's doc."""
    me = addressed_as(session)
    sender = _sender(session, headers)
    nonce = _verified(me.base_url + signing.INBOX, headers, body, sender)
    envelope = _envelope(body)
    peer = sender.peer
    if envelope.sender_id != peer.node_id:
        raise Unauthorized.of(N_("The envelope's sender is not the node that signed it."))
    if nonce != envelope.distribution_id:
        raise Unauthorized.of(N_("The signature's nonce is not the distribution id."))
    if envelope.recipient != me.node_id:
        raise InvalidInput.on("explicitAddress", N_("is not this node (%(node)s)"), node=me.node_id)
    if not allows(peer, envelope.kind, peer.may_send):
        raise Forbidden.of(
            N_("%(node)s may not send %(kind)s."), node=peer.node_id, kind=envelope.kind.value
        )
    digest = digest_of(body)
    message = NetworkMessage(
        direction=Direction.received,
        peer_id=peer.id,
        distribution_id=envelope.distribution_id,
        kind=envelope.kind.value,
        status=envelope.status,
        sent_at=envelope.sent_at,
        references=list(envelope.references),
        body=body.decode(),
        digest=digest,
        signature_input=headers.get("signature-input"),
        signature=headers.get("signature"),
    )
    try:
        with savepoint(session):
            session.add(message)
            session.flush()
    except IntegrityError:  # received before (a retry), or at this moment by another worker
        stored = _stored(session, peer.id, envelope.distribution_id)
        assert stored is not None
        return _again(stored, digest)
    kinds.receive(session, peer, envelope, message)
    recorder.note(
        session,
        "network.received",
        "network_messages",
        message.id,
        kind=message.kind,
        peer=peer.node_id,
        distribution=message.distribution_id,
    )
    return Receipt(message.distribution_id, message.created_at, message.id, again=False)


@dataclass(frozen=True)
class Me:
    node_id: str
    base_url: str


def addressed_as(session: Session) -> Me:
    """This node's id and address (what a peer's request is signed for), or 409 as
    ``service.node``."""
    row = session.execute(select(NodeIdentity.node_id, NodeIdentity.base_url).limit(1)).first()
    if row is None:
        node(session)  # raises, saying how to set the node up
    assert row is not None
    return Me(node_id=row.node_id, base_url=row.base_url)


def _stored(session: Session, peer_id: int, distribution_id: str) -> NetworkMessage | None:
    return session.scalar(
        select(NetworkMessage).where(
            NetworkMessage.direction == Direction.received,
            NetworkMessage.peer_id == peer_id,
            NetworkMessage.distribution_id == distribution_id,
        )
    )


def _again(earlier: NetworkMessage, digest: str) -> Receipt:
    if earlier.digest != digest:
        raise Conflict.of(
            N_("Distribution %(id)s was received before with another body: a replay."),
            id=earlier.distribution_id,
        )
    return Receipt(earlier.distribution_id, earlier.created_at, earlier.id, again=True)


def claimed_sender(headers: Mapping[str, str]) -> str | None:
    """The node a request claims to come from (for the audit of a refusal): its key id's
    node part, at most 64 characters, never trusted for anything else."""
    key_id = signing.key_id_of(headers) or ""
    return key_id.split("#", 1)[0][:64] or None
