from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Jurisdiction
from cordon.access.who import IsolationReader, IsolationWriter
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import N_, NotFound
from cordon.core.pagination import Page, PageDep
from cordon.facilities import service as facilities
from cordon.isolation import release, service
from cordon.isolation.enums import OPEN, OrderStatus, Place
from cordon.isolation.models import IsolationOrder
from cordon.isolation.schemas import (
    ConfirmIn,
    DeclineIn,
    OrderOut,
    TaskOut,
    TransferIn,
    TransferOut,
)

router = APIRouter(tags=["isolation"])


def orders_out(session: Session, who: Principal, rows: list[IsolationOrder]) -> list[OrderOut]:
    ids = [o.person_id for o in rows]
    names = guard.shown(session, who, "isolation_orders", ids, view="orders")
    return [
        OrderOut.model_validate(o).model_copy(update={"name": names.get(o.person_id, "")})
        for o in rows
    ]


def _acted(
    session: Session,
    who: Principal,
    order_id: int,
    act: Callable[..., IsolationOrder],
    body: BaseModel,
) -> OrderOut:
    """An officer's decision on an order in sight: ``act`` with what ``body`` says."""
    _order_in_sight(session, who, order_id)
    order = act(session, order_id, by_user_id=who.user_id, **body.model_dump())
    return orders_out(session, who, [order])[0]


def _order_in_sight(session: Session, who: Principal, order_id: Id) -> IsolationOrder:
    order = service.get(session, order_id)
    guard.person(session, who, order.person_id)
    return order


@router.get("/isolation/orders", response_model=Page[OrderOut])
def list_orders(
    session: SessionDep,
    who: IsolationReader,
    page: PageDep,
    status: Annotated[list[OrderStatus] | None, Query(description="Default: open.")] = None,
    place: Annotated[Place | None, Query()] = None,
    facility_id: Annotated[Id | None, Query()] = None,
) -> Page[OrderOut]:
    """Isolation orders in your jurisdiction, newest first."""
    rows, total = service.listed(
        session,
        scope=who.scope,
        statuses=status or OPEN,
        place=place,
        facility_id=facility_id,
        limit=page.limit,
        offset=page.offset,
    )
    items = orders_out(session, who, rows)
    return page.answer(items, total)


@router.get("/isolation/orders/{order_id}", response_model=OrderOut)
def get_order(session: SessionDep, who: IsolationReader, order_id: Id) -> OrderOut:
    return orders_out(session, who, [_order_in_sight(session, who, order_id)])[0]


@router.get("/isolation/orders/{order_id}/tasks", response_model=list[TaskOut])
def order_tasks(session: SessionDep, who: IsolationReader, order_id: Id) -> list[TaskOut]:
    """The samples to take on the regime's test days."""
    order = _order_in_sight(session, who, order_id)
    return [TaskOut.model_validate(t) for t in service.tasks_of(session, order.id)]


@router.post("/isolation/orders/{order_id}/confirm", response_model=OrderOut)
def confirm_order(
    session: SessionDep, who: IsolationWriter, order_id: Id, body: ConfirmIn
) -> OrderOut:
    """Put a proposed order in force, as proposed or in another place or facility."""
    return _acted(session, who, order_id, service.confirm, body)


@router.post("/isolation/orders/{order_id}/decline", response_model=OrderOut)
def decline_order(
    session: SessionDep, who: IsolationWriter, order_id: Id, body: DeclineIn
) -> OrderOut:
    return _acted(session, who, order_id, service.decline, body)


@router.post("/isolation/orders/{order_id}/transfer", response_model=OrderOut)
def transfer_order(
    session: SessionDep, who: IsolationWriter, order_id: Id, body: TransferIn
) -> OrderOut:
    """Move an order in force to another facility, or between home and a facility; the
    person is told by SMS where to go."""
    return _acted(session, who, order_id, service.transfer, body)


@router.get("/isolation/orders/{order_id}/transfers", response_model=list[TransferOut])
def order_transfers(session: SessionDep, who: IsolationReader, order_id: Id) -> list[TransferOut]:
    """The moves of an order, oldest first."""
    order = _order_in_sight(session, who, order_id)
    return [TransferOut.model_validate(t) for t in service.transfers_of(session, order.id)]


@router.get("/people/{person_id}/isolation-orders", response_model=list[OrderOut])
def person_orders(session: SessionDep, who: IsolationReader, person_id: Id) -> list[OrderOut]:
    """Every isolation order of a person, newest first."""
    guard.person(session, who, person_id)
    return orders_out(session, who, service.orders_of(session, person_id))


class ResidentsOut(BaseModel):
    facility_id: Id
    inside: list[OrderOut]
    arriving: list[OrderOut]
    leaving: list[OrderOut] = Field(description="Inside, their stay ends within two days.")


@router.get("/facilities/{facility_id}/residents", response_model=ResidentsOut)
def facility_residents(session: SessionDep, who: IsolationReader, facility_id: Id) -> ResidentsOut:
    """Who is inside the facility, who arrives and who is due to leave. A facility manager
    sees their own facility only; other users see the people of their jurisdiction by name
    and the others by number."""
    facility = facilities.get(session, facility_id)
    if who.role.jurisdiction is Jurisdiction.facility and facility.manager_user_id != who.user_id:
        raise NotFound.of(N_("No facility with id %(id)s."), id=facility_id)
    r = service.residents(session, facility_id)
    return ResidentsOut(
        facility_id=facility_id,
        inside=orders_out(session, who, r.inside),
        arriving=orders_out(session, who, r.arriving),
        leaving=orders_out(session, who, r.leaving),
    )


class ReleaseIn(BaseModel):
    version: int


class DueOut(BaseModel):
    order: OrderOut
    ready: bool
    problems: list[str] = Field(description="What stands in the way of the release.")


@router.get("/isolation/releases", response_model=list[DueOut])
def due_for_release(session: SessionDep, who: IsolationReader) -> list[DueOut]:
    """Orders in force whose period ended, in your jurisdiction: ready to release, or what
    stands in the way (a test to take or awaited, a positive test)."""
    due = release.due_for_release(session, scope=who.scope)
    shown = orders_out(session, who, [d.order for d in due])
    return [
        DueOut(order=o, ready=d.ready, problems=list(d.problems))
        for o, d in zip(shown, due, strict=True)
    ]


@router.post("/isolation/orders/{order_id}/release", response_model=OrderOut)
def release_order(
    session: SessionDep, who: IsolationWriter, order_id: Id, body: ReleaseIn
) -> OrderOut:
    """Approve the release: after a facility stay with home monitoring to follow, the order
    moves home; otherwise it ends, released. Refused (409) with the reason when the rule is
    not met."""
    _order_in_sight(session, who, order_id)
    order = release.release(session, order_id, version=body.version, by_user_id=who.user_id)
    return orders_out(session, who, [order])[0]
