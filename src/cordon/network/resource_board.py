"""The resource board: the requests and offers between this city and its partners, each with
its state, items and history, and how many there are in each state and of each resource.
For the API, the CLI and the Network page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVarTuple

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from cordon.core.db import get_or_404
from cordon.core.pagination import paged
from cordon.network.models import Peer
from cordon.network.resource_models import ResourceExchange, ResourceItem, ResourceStep
from cordon.network.resource_schemas import Contact, ExchangeOut, ItemOut, StepOut
from cordon.network.resource_states import (
    LIVE,
    RULES,
    ResourceKind,
    Side,
    State,
    Step,
    allowed,
)

Ts = TypeVarTuple("Ts")
API_STEP = {Step.answer: "response", Step.decline: "response"}  # the API's name of a step


def next_steps(row: ResourceExchange) -> list[str]:
    """The steps this city may take now, by the API's names."""
    names = [
        API_STEP.get(step, step.value)
        for step in RULES
        if allowed(step, state=row.state, kind=row.kind, opener=row.side is Side.ours)
    ]
    return list(dict.fromkeys(names))


def described(session: Session, rows: Sequence[ResourceExchange]) -> list[ExchangeOut]:
    ids = [r.id for r in rows]
    peers = {
        p.id: p for p in session.scalars(select(Peer).where(Peer.id.in_({r.peer_id for r in rows})))
    }
    items: dict[int, list[ResourceItem]] = defaultdict(list)
    for item in session.scalars(
        select(ResourceItem).where(ResourceItem.exchange_id.in_(ids)).order_by(ResourceItem.item)
    ):
        items[item.exchange_id].append(item)
    steps: dict[int, list[ResourceStep]] = defaultdict(list)
    for step in session.scalars(
        select(ResourceStep).where(ResourceStep.exchange_id.in_(ids)).order_by(ResourceStep.id)
    ):
        steps[step.exchange_id].append(step)
    return [
        ExchangeOut.of(
            r,
            peer=peers[r.peer_id].node_id,
            peer_name=peers[r.peer_id].name,
            contact=Contact(
                name=r.contact_name,
                role=r.contact_role,
                phone=r.contact_phone,
                email=r.contact_email,
            ),
            items=[ItemOut.of(i) for i in items[r.id]],
            history=[StepOut.of(s) for s in steps[r.id]],
            next_steps=next_steps(r),
        )
        for r in rows
    ]


def one(session: Session, exchange_id: int) -> ExchangeOut:
    row = get_or_404(session, ResourceExchange, exchange_id, what="resource exchange")
    return described(session, [row])[0]


@dataclass(frozen=True)
class Board:
    items: list[ExchangeOut]
    total: int
    by_state: dict[str, int]
    by_resource: dict[str, int]


def _filtered(
    query: Select[*Ts],
    *,
    side: Side | None,
    states: Sequence[State] | None,
    resource: ResourceKind | None,
    peer_id: int | None,
) -> Select[*Ts]:
    if side is not None:
        query = query.where(ResourceExchange.side == side)
    if states is not None:
        query = query.where(ResourceExchange.state.in_(states))
    if peer_id is not None:
        query = query.where(ResourceExchange.peer_id == peer_id)
    if resource is not None:
        having = select(ResourceItem.exchange_id).where(ResourceItem.kind == resource)
        query = query.where(ResourceExchange.id.in_(having))
    return query


def board(
    session: Session,
    *,
    side: Side | None = None,
    state: State | None = None,
    resource: ResourceKind | None = None,
    peer_id: int | None = None,
    limit: int,
    offset: int = 0,
) -> Board:
    """Exchanges the latest first — those still live unless ``state`` is given — with the
    counts by state (every state, the other filters kept) and by resource kind."""
    states = [state] if state is not None else list(LIVE)
    query = _filtered(
        select(ResourceExchange), side=side, states=states, resource=resource, peer_id=peer_id
    )
    rows, total = paged(
        session,
        query,
        ResourceExchange.updated_at.desc(),
        ResourceExchange.id.desc(),
        limit=limit,
        offset=offset,
    )
    by_state = {s.value: 0 for s in State}
    counted = _filtered(
        select(ResourceExchange.state, func.count()).group_by(ResourceExchange.state),
        side=side,
        states=None,
        resource=resource,
        peer_id=peer_id,
    )
    for in_state, n in session.execute(counted):
        by_state[State(in_state).value] = int(n)
    by_resource = {k.value: 0 for k in ResourceKind}
    ids = _filtered(
        select(ResourceExchange.id), side=side, states=states, resource=resource, peer_id=peer_id
    )
    kinds = (
        select(ResourceItem.kind, func.count(distinct(ResourceItem.exchange_id)))
        .where(ResourceItem.exchange_id.in_(ids))
        .group_by(ResourceItem.kind)
    )
    for of_kind, n in session.execute(kinds):
        by_resource[ResourceKind(of_kind).value] = int(n)
    return Board(described(session, rows), total, by_state, by_resource)
