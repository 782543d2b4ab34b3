"""Reading the network: peers with their keys, and messages with their delivery state."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.db import get_or_404
from cordon.core.pagination import paged
from cordon.network.enums import Direction
from cordon.network.models import NetworkMessage, Peer, PeerKey
from cordon.network.schemas import MessageOut, PeerKeyOut, PeerOut
from cordon.outbox import service as outbox


def peer_out(session: Session, peer: Peer) -> PeerOut:
    rows = session.scalars(
        select(PeerKey).where(PeerKey.peer_id == peer.id).order_by(PeerKey.valid_from.desc())
    )
    return PeerOut.of(peer, keys=[PeerKeyOut.of(k) for k in rows])


def peer_row(session: Session, peer_id: int) -> Peer:
    return get_or_404(session, Peer, peer_id, what="peer")


def peer(session: Session, peer_id: int) -> PeerOut:
    return peer_out(session, peer_row(session, peer_id))


def messages(
    session: Session,
    *,
    direction: Direction | None = None,
    kinds: Sequence[str] = (),
    peer_id: int | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[MessageOut], int]:
    """Messages newest first, each with its peer and, when sent, its delivery."""
    query = select(NetworkMessage)
    if direction is not None:
        query = query.where(NetworkMessage.direction == direction)
    if kinds:
        query = query.where(NetworkMessage.kind.in_(sorted(kinds)))
    if peer_id is not None:
        query = query.where(NetworkMessage.peer_id == peer_id)
    rows, total = paged(session, query, NetworkMessage.id.desc(), limit=limit, offset=offset)
    return described(session, rows), total


def described(session: Session, rows: Sequence[NetworkMessage]) -> list[MessageOut]:
    ids = sorted({m.peer_id for m in rows})
    rows_of_peers = session.execute(select(Peer.id, Peer.node_id).where(Peer.id.in_(ids)))
    names = {peer_id: node_id for peer_id, node_id in rows_of_peers}  # noqa: C416
    states = outbox.deliveries(
        session, [m.outbox_message_id for m in rows if m.outbox_message_id is not None]
    )
    out = []
    for m in rows:
        state = states.get(m.outbox_message_id) if m.outbox_message_id else None
        out.append(
            MessageOut.of(
                m,
                peer=names[m.peer_id],
                delivery=state.status if state else None,
                attempts=state.attempts if state else None,
                last_error=state.last_error if state else None,
                received_at=m.created_at if m.direction is Direction.received else None,
            )
        )
    return out
