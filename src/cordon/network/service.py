"""This node and its peers: set up, cards, permissions, suspension, key rotation, sending.

Writes are the caller's transaction (the API's or the CLI's unit of work commits). Every
change of trust and every message sent is in the audit log (docs/network.md)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.core.dates import now
from cordon.core.db import get_or_404
from cordon.core.errors import N_, Conflict, InvalidInput
from cordon.network import keys
from cordon.network.cards import NODE_ID, CardKey, PeerCard, checked_url
from cordon.network.enums import (
    AGGREGATE,
    SHARES,
    Direction,
    DistributionKind,
    DistributionStatus,
    KeyUse,
    Kind,
    PeerStatus,
)
from cordon.network.envelope import addressed, new_id
from cordon.network.models import NetworkMessage, NodeIdentity, NodeKey, Peer, PeerKey
from cordon.outbox import service as outbox

OVERLAP = dt.timedelta(days=7)  # an old key stays valid this long after a rotation


def this_node(session: Session) -> NodeIdentity | None:
    return session.scalar(select(NodeIdentity).limit(1))


def node(session: Session) -> NodeIdentity:
    """This node, or 409 saying how to set it up."""
    found = this_node(session)
    if found is None:
        raise Conflict.of(N_("This Cordon is not on the network yet: run cordon network init."))
    return found


def init_node(
    session: Session,
    *,
    node_id: str,
    name: str,
    base_url: str,
    contact: str | None = None,
    population: int | None = None,
) -> NodeIdentity:
    """Give this Cordon its identity and its first keys (once)."""
    if this_node(session) is not None:
        raise Conflict.of(N_("This Cordon has its network identity already."))
    node_id, base_url = checked_identity(node_id, base_url)
    identity = NodeIdentity(
        node_id=node_id, name=name, base_url=base_url, contact=contact, population=population
    )
    session.add(identity)
    session.flush()
    for use in KeyUse:
        keys.make_key(session, node_id, use)
    recorder.note(session, "network.init", "network_node", node_id)
    return identity


def checked_identity(node_id: str, base_url: str) -> tuple[str, str]:
    """A node id and base URL as a peer card requires them, or 422 naming the field."""
    node_id = node_id.strip()
    if not NODE_ID.fullmatch(node_id):
        raise InvalidInput.on("node_id", N_("2 to 63 lower-case letters, digits and hyphens"))
    try:
        return node_id, checked_url(base_url)
    except ValueError:
        raise InvalidInput.on(
            "base_url", N_("must be an https base URL (http only on the loopback)")
        ) from None


def card(session: Session) -> PeerCard:
    """This node's peer card: what a partner imports to add it."""
    me = node(session)
    valid = [*keys.valid(session, KeyUse.signing), *keys.valid(session, KeyUse.sealing)]
    return PeerCard(
        node_id=me.node_id,
        name=me.name,
        base_url=me.base_url,
        contact=me.contact,
        population=me.population,
        keys=[_card_key(k) for k in valid],
    )


def _card_key(key: NodeKey) -> CardKey:
    return CardKey(
        key_id=key.key_id,
        use=key.use,
        public=key.public,
        valid_from=key.valid_from,
        valid_until=key.valid_until,
    )


def rotate_keys(session: Session, *, overlap: dt.timedelta = OVERLAP) -> list[NodeKey]:
    """New keys of both uses; the old ones stay valid for ``overlap``, long enough for every
    partner to import the new card (``cordon network card``)."""
    me = node(session)
    ending = now() + overlap
    for use in KeyUse:
        old = keys.current(session, use)
        if old is not None:
            old.valid_until = ending
    made = [keys.make_key(session, me.node_id, use) for use in KeyUse]
    recorder.note(session, "network.keys rotated", "network_node", me.node_id)
    return made


@dataclass(frozen=True)
class Permissions:
    """What a peer may do: kinds it may send us, kinds we send it, handovers of people."""

    may_send: frozenset[Kind] = AGGREGATE
    may_receive: frozenset[Kind] = AGGREGATE
    handovers: bool = False
    lawful_basis: str | None = None

    def checked(self) -> Permissions:
        if self.handovers and not (self.lawful_basis or "").strip():
            raise InvalidInput.on("lawful_basis", N_("is needed when handovers are allowed"))
        return self


def add_peer(session: Session, card: PeerCard, permissions: Permissions) -> Peer:
    """A partner city, from its card, with what it may do."""
    me = this_node(session)
    if me is not None and card.node_id == me.node_id:
        raise InvalidInput.on("node_id", N_("is this node's own id"))
    if session.scalar(select(Peer.id).where(Peer.node_id == card.node_id)) is not None:
        raise Conflict.of(
            N_("%(node)s is a peer already: import its new card instead."), node=card.node_id
        )
    permissions.checked()
    peer = Peer(
        node_id=card.node_id,
        name=card.name,
        base_url=card.base_url,
        contact=card.contact,
        population=card.population,
        status=PeerStatus.active,
    )
    _set_permissions(peer, permissions)
    session.add(peer)
    session.flush()
    _set_keys(session, peer, card)
    recorder.note(session, "network.peer added", "network_peers", peer.id, node=peer.node_id)
    return peer


def _set_permissions(peer: Peer, permissions: Permissions) -> None:
    peer.may_send = sorted(k.value for k in permissions.may_send)
    peer.may_receive = sorted(k.value for k in permissions.may_receive)
    peer.handovers = permissions.handovers
    peer.lawful_basis = (permissions.lawful_basis or "").strip() or None


def _set_keys(session: Session, peer: Peer, card: PeerCard) -> None:
    """The card's keys replace the peer's: a rotated card lists the old key with its end."""
    taken = session.scalars(
        select(PeerKey.key_id).where(
            PeerKey.key_id.in_([k.key_id for k in card.keys]), PeerKey.peer_id != peer.id
        )
    ).all()
    if taken:
        raise InvalidInput.on("keys", N_("key %(key)s belongs to another peer"), key=taken[0])
    for old in session.scalars(select(PeerKey).where(PeerKey.peer_id == peer.id)):
        session.delete(old)
    session.flush()
    for k in card.keys:
        session.add(
            PeerKey(
                peer_id=peer.id,
                key_id=k.key_id,
                use=k.use,
                public=k.public,
                valid_from=k.valid_from,
                valid_until=k.valid_until,
            )
        )
    session.flush()


def refresh_card(session: Session, peer_id: int, card: PeerCard, *, version: int) -> Peer:
    """A peer's new card (after it rotated its keys, or moved): keys, name, URL."""
    peer = _peer(session, peer_id, version)
    if card.node_id != peer.node_id:
        raise InvalidInput.on("node_id", N_("is not this peer's (%(node)s)"), node=peer.node_id)
    peer.name, peer.base_url, peer.contact = card.name, card.base_url, card.contact
    peer.population = card.population
    _set_keys(session, peer, card)
    session.flush()
    recorder.note(session, "network.card imported", "network_peers", peer.id, node=peer.node_id)
    return peer


def set_permissions(
    session: Session, peer_id: int, permissions: Permissions, *, version: int
) -> Peer:
    peer = _peer(session, peer_id, version)
    _set_permissions(peer, permissions.checked())
    session.flush()
    recorder.note(
        session,
        "network.permissions",
        "network_peers",
        peer.id,
        may_send=peer.may_send,
        may_receive=peer.may_receive,
        handovers=peer.handovers,
    )
    return peer


def set_status(session: Session, peer_id: int, status: PeerStatus, *, version: int) -> Peer:
    """Suspend, resume or remove a peer. A removed peer stays removed."""
    peer = _peer(session, peer_id, version)
    if peer.status is PeerStatus.removed:
        raise Conflict.of(N_("This peer was removed: import its card to add it again."))
    peer.status = status
    session.flush()
    recorder.note(session, f"network.peer {status.value}", "network_peers", peer.id)
    return peer


def _peer(session: Session, peer_id: int, version: int) -> Peer:
    peer = get_or_404(session, Peer, peer_id, what="peer")
    if peer.version != version:
        raise Conflict.of(
            N_("The peer changed meanwhile (version %(now)s, not %(sent)s): reload it."),
            now=peer.version,
            sent=version,
        )
    return peer


def peers(session: Session, *, statuses: Collection[PeerStatus] = tuple(PeerStatus)) -> list[Peer]:
    return list(session.scalars(select(Peer).where(Peer.status.in_(statuses)).order_by(Peer.name)))


@dataclass(frozen=True)
class Distribution:
    """What one send carries to each of its peers (one EDXL-DE distribution)."""

    kind: Kind
    payload: dict[str, Any]
    status: DistributionStatus = DistributionStatus.actual
    distribution_kind: DistributionKind = DistributionKind.report
    references: tuple[str, ...] = ()
    description: str | None = None


def send(
    session: Session,
    what: Distribution,
    *,
    to: Sequence[Peer] | None = None,
    by_user_id: int | None = None,
) -> list[NetworkMessage]:
    """One distribution to ``to`` (default: every active peer that receives its kind), each
    copy signed when the worker delivers it, in order per peer. Peers that may not receive
    the kind are left out; naming one explicitly is an error."""
    me = node(session)
    chosen = list(to) if to is not None else peers(session, statuses=[PeerStatus.active])
    refused = [p.node_id for p in chosen if not _receives(p, what.kind)]
    if to is not None and refused:
        raise InvalidInput.on(
            "to", N_("%(node)s may not receive %(kind)s"), node=refused[0], kind=what.kind.value
        )
    distribution_id, sent_at = new_id(), now()
    sent = [
        _copy(session, me, peer, what, distribution_id, sent_at, by_user_id)
        for peer in chosen
        if _receives(peer, what.kind)
    ]
    session.flush()
    recorder.note(
        session,
        "network.sent",
        "network_messages",
        distribution_id,
        kind=what.kind.value,
        to=[m.peer_id for m in sent],
    )
    return sent


def _copy(
    session: Session,
    me: NodeIdentity,
    peer: Peer,
    what: Distribution,
    distribution_id: str,
    sent_at: dt.datetime,
    by_user_id: int | None,
) -> NetworkMessage:
    """The distribution's copy for ``peer``: its envelope in the outbox, and its record."""
    body = addressed(
        sender=me.node_id,
        recipient=peer.node_id,
        kind=what.kind,
        payload=what.payload,
        sent_at=sent_at,
        status=what.status,
        distribution_kind=what.distribution_kind,
        references=list(what.references),
        distribution_id=distribution_id,
        description=what.description,
    ).body()
    outbox_id = outbox.enqueue_envelope(
        session,
        recipient=peer.node_id,
        body=body,
        idempotency_key=f"network:{distribution_id}:{peer.node_id}",
    )
    message = NetworkMessage(
        direction=Direction.sent,
        peer_id=peer.id,
        distribution_id=distribution_id,
        kind=what.kind.value,
        status=what.status,
        sent_at=sent_at,
        references=list(what.references),
        body=body,
        digest=digest_of(body.encode()),
        outbox_message_id=outbox_id,
        by_user_id=by_user_id,
    )
    session.add(message)
    return message


def _receives(peer: Peer, kind: Kind) -> bool:
    return peer.status is PeerStatus.active and allows(peer, kind, peer.may_receive)


def allows(peer: Peer, kind: Kind, kinds: Collection[str]) -> bool:
    """Whether ``kind`` goes that way with ``peer`` (``kinds``: its may_send or may_receive):
    a share of a person goes both ways when handovers are allowed, and never otherwise."""
    if kind in SHARES:
        return peer.handovers
    return kind.value in kinds


def digest_of(body: bytes) -> str:
    """The body's RFC 9530 Content-Digest (SHA-256), as the signature covers it."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
