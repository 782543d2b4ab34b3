"""Resource requests and offers in the API: the board, one exchange, this city's requests and
offers, and each step it takes (docs/network.md, "Resource requests and offers")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from cordon.access.who import NetworkReader, NetworkSender, city_level
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import PageDep
from cordon.network import resource_board, resources
from cordon.network.resource_schemas import BoardOut, ExchangeOut, OpeningIn, StepIn
from cordon.network.resource_states import ResourceKind, Side, State

CITY = "Requests and offers of resources speak for the whole city: city-level users only."
router = APIRouter(prefix="/network/resources", tags=["network"])


@router.get("", response_model=BoardOut)
def board(
    session: SessionDep,
    who: NetworkReader,
    page: PageDep,
    side: Annotated[Side | None, Query(description="ours: this city opened it.")] = None,
    state: Annotated[State | None, Query(description="Default: every live state.")] = None,
    resource: Annotated[ResourceKind | None, Query(description="With an item of it.")] = None,
    peer_id: Annotated[Id | None, Query(description="Only with this partner.")] = None,
) -> BoardOut:
    """The requests and offers between this city and its partners, the latest first, with
    how many are in each state and of each resource kind."""
    found = resource_board.board(
        session,
        side=side,
        state=state,
        resource=resource,
        peer_id=peer_id,
        limit=page.limit,
        offset=page.offset,
    )
    return BoardOut(
        items=found.items,
        total=found.total,
        limit=page.limit,
        offset=page.offset,
        by_state=found.by_state,
        by_resource=found.by_resource,
    )


@router.get("/{exchange_id}", response_model=ExchangeOut)
def get_exchange(session: SessionDep, who: NetworkReader, exchange_id: Id) -> ExchangeOut:
    """One request or offer with its items and its history."""
    return resource_board.one(session, exchange_id)


@router.post("/requests", response_model=list[ExchangeOut], status_code=201)
def request_resources(
    session: SessionDep, who: NetworkSender, body: OpeningIn
) -> list[ExchangeOut]:
    """Ask partners for supplies, beds or staff (EDXL-RM RequestResource): one exchange per
    peer, each copy delivered by the worker."""
    city_level(who, CITY)
    rows = resources.request(session, body, by_user_id=who.user_id)
    return resource_board.described(session, rows)


@router.post("/offers", response_model=list[ExchangeOut], status_code=201)
def offer_resources(session: SessionDep, who: NetworkSender, body: OpeningIn) -> list[ExchangeOut]:
    """Offer partners resources they did not ask for (EDXL-RM OfferUnsolicitedResource)."""
    city_level(who, CITY)
    rows = resources.offer(session, body, by_user_id=who.user_id)
    return resource_board.described(session, rows)


@router.post("/{exchange_id}/steps", response_model=ExchangeOut)
def take_step(
    session: SessionDep, who: NetworkSender, exchange_id: Id, body: Annotated[StepIn, Body()]
) -> ExchangeOut:
    """The next step of an exchange, told to the partner: a response (accept, decline,
    provisional, conditional), a commit of quantities, a delivery (this city's own record),
    a release, a request to return, a withdrawal. ``next_steps`` says which are open."""
    city_level(who, CITY)
    resources.take_step(session, exchange_id, body, by=who.username, by_user_id=who.user_id)
    return resource_board.one(session, exchange_id)
