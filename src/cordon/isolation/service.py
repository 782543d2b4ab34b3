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

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.core.db import atomic
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.core.models import utcnow
from cordon.core.pagination import paged
from cordon.core.rulesets import UnknownRule
from cordon.core.scope import CITY, Scope
from cordon.core.sql import where_given
from cordon.facilities import service as facilities
from cordon.isolation.enums import OPEN, OrderStatus, Place, TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask, Transfer
from cordon.isolation.regimes import Plan, get_regimes, plan
from cordon.outbox import service as outbox
from cordon.outbox.enums import Channel, MessageKind
from cordon.outbox.templates import Param
from cordon.people.models import Person

REPLACED = N_("replaced by a newer order")
TEST_DAY = N_("regime test day")


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


def mark_reported(session: Session, *, order_id: int, day: dt.date) -> None:
    """The order remembers the day of its person's last report (*who has not reported
    today*); by a Core statement, not the ORM: a report is not a change of the order (its
    version stays)."""
    session.execute(
        update(IsolationOrder)
        .where(IsolationOrder.id == order_id, IsolationOrder.last_report_on < day)
        .values(last_report_on=day)
    )


def schedule_sample(
    session: Session, *, order_id: int, person_id: int, due_on: dt.date, reason: str
) -> LabTask:
    """A sample to take from the person under the order on ``due_on`` (a symptomatic
    contact's test, asked by monitoring)."""
    task = LabTask(
        person_id=person_id,
        order_id=order_id,
        due_on=due_on,
        reason=reason,
        status=TaskStatus.scheduled,
    )
    session.add(task)
    return task


def check_version(order: IsolationOrder, version: int) -> None:
    if order.version != version:
        raise Conflict.of(
            N_("The order changed meanwhile (version %(now)s, not %(sent)s): reload it."),
            now=order.version,
            sent=version,
        )


def in_status(
    session: Session, order_id: int, status: OrderStatus, *, version: int, refusal: str
) -> IsolationOrder:
    """The order to act on: as read (``version``, else 409) and in ``status`` (else 409 with
    ``refusal``, which names the status it is in)."""
    order = get(session, order_id)
    check_version(order, version)
    if order.status is not status:
        raise Conflict.of(refusal, status=order.status.value)
    return order


@atomic
def confirm(
    session: Session,
    order_id: int,
    *,
    version: int,
    by_user_id: int | None,
    place: Place | None = None,
    facility_id: int | None = None,
    note: str | None = None,
    regime_id: str | None = None,
    ends_on: dt.date | None = None,
) -> IsolationOrder:
    """Put a proposed order in force, as proposed or changed: another place or facility,
    another regime (its dates and test days from the same last exposure), another last day.
    The order it replaces (if any) is closed."""
    refusal = N_("Only a proposed order can be confirmed (this one is %(status)s).")
    order = in_status(session, order_id, OrderStatus.proposed, version=version, refusal=refusal)
    if regime_id is not None and regime_id != order.regime_id:
        planned = _replan(session, order, regime_id)
        place = place or planned
    if ends_on is not None:
        _end_on(order, ends_on)
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
    _told(session, order)
    return order


def _told(session: Session, order: IsolationOrder) -> None:
    """The person is told where the order in force puts them, from when until when."""
    named: str = order.place.value  # "home", "monitoring": worded by the templates
    if order.facility_id is not None:
        named = facilities.get(session, order.facility_id).name
    where: dict[str, Param] = {"place": named, "start": order.starts_on, "end": order.ends_on}
    tell(session, order, MessageKind.order_created, where)


@atomic
def transfer(
    session: Session,
    order_id: int,
    *,
    version: int,
    by_user_id: int | None,
    place: Place,
    facility_id: int | None = None,
    reason: str,
) -> IsolationOrder:
    """Move an order in force to another place: another facility (a bed is held there and
    given back here), a facility instead of home, or home instead of a facility. The order
    stays the same — the person's link, reports, tasks and dates with it — and the move is
    kept with its reason (``Transfer``); the person is told where to go."""
    refusal = N_("Only an order in force can be transferred (this one is %(status)s).")
    order = in_status(session, order_id, OrderStatus.confirmed, version=version, refusal=refusal)
    if place is Place.monitoring:
        raise InvalidInput.on("place", N_("move the person to a facility or home"))
    if not reason.strip():
        raise InvalidInput.on("reason", N_("say why the person is moved"))
    before = (order.place, order.facility_id)
    _move(session, order, place, facility_id)
    if (order.place, order.facility_id) == before:
        raise InvalidInput.on("facility_id", N_("the person is there already"))
    day = today()
    session.add(
        Transfer(
            order_id=order.id,
            from_place=before[0],
            from_facility_id=before[1],
            to_place=order.place,
            to_facility_id=order.facility_id,
            moved_on=day,
            reason=reason.strip()[:300],
            by_user_id=by_user_id,
        )
    )
    order.decided_by = by_user_id
    order.decided_at = order.decided_at or utcnow()
    session.flush()
    _told(session, order)
    return order


def transfers_of(session: Session, order_id: int) -> list[Transfer]:
    return list(
        session.scalars(select(Transfer).where(Transfer.order_id == order_id).order_by(Transfer.id))
    )


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


def _replan(session: Session, order: IsolationOrder, regime_id: str) -> Place:
    """The order's dates and test days under another regime; returns its first place."""
    try:
        found = get_regimes().by_code(regime_id)
    except UnknownRule:
        raise InvalidInput.on("regime_id", N_("no regime is called %(id)s"), id=regime_id) from None
    person = session.get_one(Person, order.person_id)
    vaccinated = found.vaccinated(
        person.vaccine_doses, person.last_dose_on, exposed_on=order.last_exposure_on
    )
    rule = found.rule_for(order.tier or 0, vaccinated=vaccinated)
    if rule is None:
        raise InvalidInput.on(
            "regime_id",
            N_("regime %(id)s does not isolate F%(tier)s"),
            id=regime_id,
            tier=order.tier,
        )
    p = plan(rule, order.last_exposure_on)
    order.regime_id = found.id
    order.ends_on = p.legs[0].last_day
    order.monitor_until = p.ends_on if len(p.legs) > 1 else None
    reschedule(session, order, p)
    return p.legs[0].place


def _end_on(order: IsolationOrder, ends_on: dt.date) -> None:
    """The officer sets another last day (a shorter stay under strict conditions, say)."""
    if ends_on < order.starts_on:
        raise InvalidInput.on(
            "ends_on", N_("is before the first day (%(day)s)"), day=order.starts_on
        )
    if order.monitor_until is not None and ends_on > order.monitor_until:
        raise InvalidInput.on(
            "ends_on",
            N_("is after the end of the monitoring that follows (%(day)s)"),
            day=order.monitor_until,
        )
    order.ends_on = ends_on


def reschedule(session: Session, order: IsolationOrder, p: Plan) -> None:
    """The test days of a new plan (a later last exposure, another regime) replace the
    scheduled samples; those already past are not asked for."""
    session.execute(
        update(LabTask)
        .where(LabTask.order_id == order.id, LabTask.status == TaskStatus.scheduled)
        .values(status=TaskStatus.cancelled)
    )
    day = today()
    for due in p.tests:
        if due >= day:
            session.add(
                LabTask(
                    person_id=order.person_id,
                    order_id=order.id,
                    due_on=due,
                    reason=TEST_DAY,
                    status=TaskStatus.scheduled,
                )
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


@atomic
def decline(
    session: Session, order_id: int, *, version: int, by_user_id: int | None, reason: str
) -> IsolationOrder:
    refusal = N_("Only a proposed order can be declined (this one is %(status)s).")
    order = in_status(session, order_id, OrderStatus.proposed, version=version, refusal=refusal)
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
    query = where_given(
        query, (IsolationOrder.place, place), (IsolationOrder.facility_id, facility_id)
    )
    return paged(session, query, IsolationOrder.id.desc(), limit=limit, offset=offset)


def held_by_ward(session: Session, *, on: dt.date) -> dict[tuple[int | None, Place], int]:
    """How many contacts are held on the day ``on``, by ward and place (facility or home):
    orders in force (confirmed) whose isolation period holds the day — not the monitoring at
    home that follows a stay, nor a case's own monitoring after discharge (tier 0). Counts
    of the whole city, never a person (the scenario planner seeds a simulation with them)."""
    o = IsolationOrder
    rows = session.execute(
        select(o.ward_id, o.place, func.count())
        .where(
            o.status == OrderStatus.confirmed,
            o.place.in_((Place.facility, Place.home)),
            or_(o.tier.is_(None), o.tier != 0),
            o.starts_on <= on,
            o.ends_on >= on,
        )
        .group_by(o.ward_id, o.place)
    )
    return {(ward, Place(place)): int(n) for ward, place, n in rows}


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
