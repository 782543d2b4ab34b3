"""Reading the shares of people between cities: lists and single shares carry nothing
personal (the partner city, the state, the dates, our person's id), and a person's share
says whether they are handed over ("handed to vn-hcmc, pending since …")."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.db import get_or_404
from cordon.core.pagination import paged
from cordon.network.enums import OPEN_SHARES, Direction, ShareState
from cordon.network.models import Peer, PersonShare
from cordon.network.share_schemas import ShareOut


def described(session: Session, rows: list[PersonShare]) -> list[ShareOut]:
    ids = sorted({r.peer_id for r in rows})
    found = session.execute(select(Peer.id, Peer.node_id).where(Peer.id.in_(ids)))
    names = {peer_id: node_id for peer_id, node_id in found}  # noqa: C416
    return [ShareOut.of(r, peer=names[r.peer_id]) for r in rows]


def listed(
    session: Session,
    *,
    direction: Direction | None = None,
    states: list[ShareState] | None = None,
    peer_id: int | None = None,
    person_id: int | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[ShareOut], int]:
    """Shares newest first, without anything personal."""
    query = select(PersonShare)
    if direction is not None:
        query = query.where(PersonShare.direction == direction)
    if states:
        query = query.where(PersonShare.state.in_(sorted(states)))
    if peer_id is not None:
        query = query.where(PersonShare.peer_id == peer_id)
    if person_id is not None:
        query = query.where(PersonShare.person_id == person_id)
    rows, total = paged(session, query, PersonShare.id.desc(), limit=limit, offset=offset)
    return described(session, rows), total


def one(session: Session, share_pk: int) -> ShareOut:
    return described(session, [get_or_404(session, PersonShare, share_pk, what="share")])[0]


def handed_over(session: Session, person_id: int) -> ShareOut | None:
    """Whether our person is handed over: the open share (pending or accepted), else the
    latest one (rejected or revoked), else None — "handed to kr-seoul, pending since …"."""
    rows = list(
        session.scalars(
            select(PersonShare)
            .where(PersonShare.direction == Direction.sent, PersonShare.person_id == person_id)
            .order_by(PersonShare.id.desc())
        )
    )
    if not rows:
        return None
    chosen = next((r for r in rows if r.state in OPEN_SHARES), rows[0])
    return described(session, [chosen])[0]
