"""The personal part of a share, sealed to the receiving node's X25519 key (libsodium's sealed
box, through PyNaCl) and opened, in memory only, with this node's private key.

A sealed box is anonymous: only the holder of the private key can open it, and nobody can
tell who sealed it; the signed envelope around it says who sent it (ADR 0021)."""

from __future__ import annotations

import nacl.exceptions
import nacl.public
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.dates import now
from cordon.core.errors import N_, Conflict, InvalidInput
from cordon.network import keys
from cordon.network.enums import KeyUse
from cordon.network.models import NodeKey, Peer, PeerKey
from cordon.network.share_schemas import ShareContent


def peer_key(session: Session, peer: Peer) -> PeerKey:
    """The peer's sealing key now (the newest valid one), or 409 saying what to do."""
    moment = now()
    found = [
        k
        for k in session.scalars(
            select(PeerKey)
            .where(PeerKey.peer_id == peer.id, PeerKey.use == KeyUse.sealing)
            .order_by(PeerKey.valid_from.desc(), PeerKey.id.desc())
        )
        if k.valid_from <= moment and (k.valid_until is None or k.valid_until > moment)
    ]
    if not found:
        raise Conflict.of(
            N_("%(node)s has no sealing key valid now: import its new card."), node=peer.node_id
        )
    return found[0]


def seal(session: Session, peer: Peer, content: ShareContent) -> tuple[str, str]:
    """(the key id, the sealed part in base64url) for ``peer``."""
    key = peer_key(session, peer)
    box = nacl.public.SealedBox(nacl.public.PublicKey(keys.unb64(key.public)))
    return key.key_id, keys.b64(box.encrypt(content.model_dump_json().encode()))


def opened(session: Session, sealed_to: str, sealed: str) -> ShareContent:
    """The personal part, opened with this node's key ``sealed_to`` (kept after a rotation,
    so a share received before it still opens). Never stored in clear by the caller."""
    key = session.scalar(
        select(NodeKey).where(NodeKey.key_id == sealed_to, NodeKey.use == KeyUse.sealing)
    )
    if key is None:
        raise InvalidInput.on("sealed_to", N_("is not a sealing key of this node"))
    try:
        raw = nacl.public.SealedBox(keys.sealing_key(key)).decrypt(keys.unb64(sealed))
    except (nacl.exceptions.CryptoError, ValueError):
        raise InvalidInput.on("sealed", N_("cannot be opened with this node's key")) from None
    try:
        return ShareContent.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidInput.of_model("The sealed part is not a share.", exc) from None
