"""Isolation orders: proposed from the regime in force when a person's tier calls for it,
confirmed, changed or declined by an officer, extended by new exposures, replaced when the
tier moves, ended when the person becomes a case.

Writes happen in this package only: here an officer's decisions and the reading;
``proposals`` (the reactions to the tier engine), ``release`` (by the rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.core.models import utcnow
from cordon.core.scope import CITY, Scope
from cordon.facilities import service as facilities
from cordon.isolation.enums import OPEN, OrderStatus, Place, TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask
from cordon.outbox import service as outbox
from cordon.outbox.enums import Channel, MessageKind
from cordon.outbox.templates import Param
from cordon.people.models import Person

REPLACED = N_("replaced by a newer order")


def close(
    session: Session, order: IsolationOrder, status: OrderStatus, day: dt.date, reason: str
) -> None:
    """Close an order: its bed given back, its scheduled samples cancelled."""
    if order.facility_id is not None and order.place is Place.facility:
        facilities.give_back(session, order.facility_id)
    order.status = status
    order.closed_on = day
    order.close_reason = reason[:300]
    session.execute(
        update(LabTask)
        .where(LabTask.order_id == order.id, LabTask.status == TaskStatus.scheduled)
        .values(status=TaskStatus.cancelled)
    )


# -- deciding --------------------------------------------------------------------------------


def get(session: Session, order_id: int) -> IsolationOrder:
    order = session.get(IsolationOrder, order_id)
    if order is None:
        raise NotFound.of(N_("No isolation order with id %(id)s."), id=order_id)
    return order


def check_version(order: IsolationOrder, version: int) -> None:
    if order.version != version:
        raise Conflict.of(
            N_("The order changed meanwhile (version %(now)s, not %(sent)s): reload it."),
            now=order.version,
            sent=version,
        )


def confirm(
    session: Session,
    order_id: int,
    *,
    version: int,
    by_user_id: int | None,
    place: Place | None = None,
    facility_id: int | None = None,
    note: str | None = None,
) -> IsolationOrder:
    """Put a proposed order in force, as proposed or with another place or facility; the
    order it replaces (if any) is closed."""
    order = get(session, order_id)
    check_version(order, version)
    if order.status is not OrderStatus.proposed:
        raise Conflict.of(
            N_("Only a proposed order can be confirmed (this one is %(status)s)."),
            status=order.status.value,
        )
    _move(session, order, place or order.place, facility_id)
    order.status = OrderStatus.confirmed
    order.decided_by = by_user_id
    order.decided_at = utcnow()
    order.note = note or order.note
    if order.replaces_id is not None:
        before = get(session, order.replaces_id)
        if before.status in OPEN:
            close(session, before, OrderStatus.replaced, today(), REPLACED)
    session.flush()
    named: str = order.place.value  # "home": worded by the templates
    if order.facility_id is not None:
        named = facilities.get(session, order.facility_id).name
    where: dict[str, Param] = {"place": named, "start": order.starts_on, "end": order.ends_on}
    tell(session, order, MessageKind.order_created, where)
    return order


def tell(
    session: Session, order: IsolationOrder, kind: MessageKind, params: dict[str, Param]
) -> None:
    """The person is told by SMS in the same transaction (the outbox, ADR 0010): the order
    in force (where, from, until), or its release. No phone: the ward tells them."""
    phone = session.scalar(select(Person.phone).where(Person.id == order.person_id))
    if not phone:
        return
    outbox.enqueue(
        session,
        channel=Channel.sms,
        recipient=phone,
        kind=kind,
        params=params,
        idempotency_key=f"order:{order.id}:{kind.value}:v{order.version}:sms",
        language=get_settings().default_language,
        person_id=order.person_id,
    )


def _move(session: Session, order: IsolationOrder, place: Place, facility_id: int | None) -> None:
    """Place the order where the officer says: a facility needs a free bed; home needs none."""
    if place is not Place.facility and facility_id is not None:
        raise InvalidInput.on("facility_id", N_("only a facility order has a facility"))
    target = facility_id if place is Place.facility else None
    if place is Place.facility and target is None:
        target = order.facility_id
        if target is None:
            raise InvalidInput.on("facility_id", N_("choose a facility with a free bed"))
    holding = order.facility_id if order.place is Place.facility else None
    if target != holding:
        if target is not None:
            facilities.hold(session, target)
        if holding is not None:
            facilities.give_back(session, holding)
    order.place = place
    order.facility_id = target


def decline(
    session: Session, order_id: int, *, version: int, by_user_id: int | None, reason: str
) -> IsolationOrder:
    order = get(session, order_id)
    check_version(order, version)
    if order.status is not OrderStatus.proposed:
        raise Conflict.of(
            N_("Only a proposed order can be declined (this one is %(status)s)."),
            status=order.status.value,
        )
    if not reason.strip():
        raise InvalidInput.on("reason", N_("say why the order is declined"))
    close(session, order, OrderStatus.declined, today(), reason.strip())
    order.decided_by = by_user_id
    order.decided_at = utcnow()
    session.flush()
    return order


# -- reading ---------------------------------------------------------------------------------


def listed(
    session: Session,
    *,
    scope: Scope = CITY,
    statuses: Collection[OrderStatus] = OPEN,
    place: Place | None = None,
    facility_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[IsolationOrder], int]:
    query = select(IsolationOrder).where(IsolationOrder.status.in_(sorted(statuses)))
    if not scope.whole_city:
        query = query.where(scope.where(IsolationOrder.ward_id, IsolationOrder.person_id))
    if place is not None:
        query = query.where(IsolationOrder.place == place)
    if facility_id is not None:
        query = query.where(IsolationOrder.facility_id == facility_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(IsolationOrder.id.desc()).limit(limit).offset(offset))
    return list(rows), int(total)


def orders_of(session: Session, person_id: int) -> list[IsolationOrder]:
    return list(
        session.scalars(
            select(IsolationOrder)
            .where(IsolationOrder.person_id == person_id)
            .order_by(IsolationOrder.id.desc())
        )
    )


def tasks_of(session: Session, order_id: int) -> list[LabTask]:
    return list(
        session.scalars(
            select(LabTask).where(LabTask.order_id == order_id).order_by(LabTask.due_on)
        )
    )


@dataclass(frozen=True)
class Residents:
    """A facility manager's day: who is inside, who arrives, who is due to leave."""

    inside: list[IsolationOrder]  # confirmed, started
    arriving: list[IsolationOrder]  # proposed, or confirmed and not started
    leaving: list[IsolationOrder]  # inside, their stay ends within ``soon`` days


def residents(
    session: Session, facility_id: int, *, on: dt.date | None = None, soon: int = 2
) -> Residents:
    day = on or today()
    orders = list(
        session.scalars(
            select(IsolationOrder)
            .where(
                IsolationOrder.facility_id == facility_id,
                IsolationOrder.place == Place.facility,
                IsolationOrder.status.in_(sorted(OPEN)),
            )
            .order_by(IsolationOrder.ends_on, IsolationOrder.id)
        )
    )
    inside = [o for o in orders if o.status is OrderStatus.confirmed and o.starts_on <= day]
    arriving = [o for o in orders if o not in inside]
    leaving = [o for o in inside if o.ends_on <= day + dt.timedelta(days=soon)]
    return Residents(inside, arriving, leaving)
