"""Home monitoring after a case's discharge (docs/domain.md §5): an order in force at once — the
discharge rule decided it, no officer confirms it again — at home, reporting daily, from the
day of discharge for the rule's days.

The order is an F0's (``tier`` 0); ``regime_id`` is the discharge rule's id. Its
``last_exposure_on`` is the day of discharge, so that a positive test after it holds the
release, and ``last_report_on`` the day before, so that the ward's *not reported today* list
shows the person from the first day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.errors import N_
from cordon.core.models import utcnow
from cordon.isolation.enums import OPEN, OrderStatus, Place
from cordon.isolation.models import IsolationOrder
from cordon.isolation.service import close, tell
from cordon.outbox.enums import MessageKind
from cordon.outbox.templates import Param
from cordon.people.models import Person

AFTER_DISCHARGE = N_("replaced by the home monitoring after discharge")


def start_monitoring(
    session: Session,
    *,
    person_id: int,
    rule_id: str,
    first_day: dt.date,
    days: int,
    by_user_id: int | None,
) -> IsolationOrder:
    """The person's home monitoring from ``first_day`` for ``days`` days, in force; an order
    still open for them is replaced by it; the person is told by SMS."""
    held = list(
        session.scalars(
            select(IsolationOrder)
            .where(IsolationOrder.person_id == person_id, IsolationOrder.status.in_(OPEN))
            .order_by(IsolationOrder.id)
        )
    )
    for order in held:
        close(session, order, OrderStatus.replaced, first_day, AFTER_DISCHARGE)
    order = IsolationOrder(
        person_id=person_id,
        status=OrderStatus.confirmed,
        place=Place.monitoring,
        regime_id=rule_id,
        tier=0,
        last_exposure_on=first_day,
        starts_on=first_day,
        ends_on=first_day + dt.timedelta(days=days - 1),
        replaces_id=held[-1].id if held else None,
        decided_by=by_user_id,
        decided_at=utcnow(),
        ward_id=session.scalar(select(Person.ward_id).where(Person.id == person_id)),
        last_report_on=first_day - dt.timedelta(days=1),
    )
    session.add(order)
    session.flush()
    where: dict[str, Param] = {
        "place": Place.monitoring.value,  # worded by the message templates
        "start": order.starts_on,
        "end": order.ends_on,
    }
    tell(session, order, MessageKind.order_created, where)
    return order
