"""Isolation orders: proposed from the regime in force when a person's tier calls for it,
confirmed, changed or declined by an officer, extended by new exposures, replaced when the
tier moves, ended when the person becomes a case.

Writes happen only here. Reactions (``cordon.reactions``): the tier engine's ``TiersMoved``
proposes, extends, replaces or ends orders in the same transaction as the change that moved
the tiers, for one person or fifty thousand at once (one statement per question and chunk).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select, union_all, update
from sqlalchemy.orm import Session

from cordon.cases.enums import TestResult
from cordon.cases.models import LabTest
from cordon.core.bulk import insert_rows, next_ids
from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.core.events import ExposuresAdded, PersonsMerged, TiersMoved
from cordon.core.models import utcnow
from cordon.core.scope import CITY, Scope
from cordon.exposures.models import Exposure
from cordon.facilities import service as facilities
from cordon.isolation.enums import OPEN, OrderStatus, Place, TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask
from cordon.isolation.regimes import Plan, Regime, get_regimes, plan
from cordon.outbox import service as outbox
from cordon.outbox.enums import Channel, MessageKind
from cordon.outbox.templates import Param
from cordon.people.models import Person
from cordon.tracing.models import PersonTier
from cordon.tracing.policy import get_policy

CHUNK = 5000
ORDER_COLUMNS = (
    "id",
    "person_id",
    "status",
    "place",
    "facility_id",
    "regime_id",
    "tier",
    "last_exposure_on",
    "starts_on",
    "ends_on",
    "monitor_until",
    "replaces_id",
    "ward_id",
    "last_report_on",
    "version",
    "created_at",
    "updated_at",
)
TASK_COLUMNS = ("person_id", "order_id", "due_on", "reason", "status")
# Why an order closed, said by the service (shown translated; a declined order's reason is
# the officer's own words).
CONFIRMED_CASE = N_("confirmed case")
NO_LONGER_A_CONTACT = N_("no longer a contact")
NEW_PLACE = N_("the tier moved: a new place")
REPLACED = N_("replaced by a newer order")
RELEASED = N_("period over, released by an officer")
NOT_ISOLATED = N_("the regime does not isolate this tier now")
TEST_DAY = "regime test day"


def _chunks(items: Collection[int]) -> Iterator[list[int]]:
    seq = sorted(items)
    for i in range(0, len(seq), CHUNK):
        yield seq[i : i + CHUNK]


# -- proposing -------------------------------------------------------------------------------


def last_exposures(session: Session, tiers: dict[int, int], *, on: dt.date) -> dict[int, dt.date]:
    """Each person's last counted exposure to someone of a lower tier (a possible source),
    no later than ``on``."""
    counted = sorted(c.value for c in get_policy().in_force(on).counted_closeness)
    out: dict[int, dt.date] = {}
    for part in _chunks(tiers):
        sides = union_all(
            select(
                Exposure.person_id.label("me"), Exposure.contact_id.label("other"), Exposure.last_on
            ).where(Exposure.person_id.in_(part), Exposure.closeness.in_(counted)),
            select(Exposure.contact_id, Exposure.person_id, Exposure.last_on).where(
                Exposure.contact_id.in_(part), Exposure.closeness.in_(counted)
            ),
        ).subquery()
        rows = session.execute(
            select(sides.c.me, PersonTier.tier, sides.c.last_on).join(
                PersonTier, PersonTier.person_id == sides.c.other
            )
        )
        for me, other_tier, last_on in rows:
            if other_tier < tiers[me]:
                day = min(last_on, on)
                if me not in out or day > out[me]:
                    out[me] = day
    return out


@dataclass(frozen=True)
class Proposed:
    proposed: int  # new orders
    extended: int  # open orders whose dates moved on
    replaced: int  # new orders proposed in place of an open one (a new place)
    ended: int  # open orders ended (a confirmed case, or no tier any more)
    without_bed: int  # facility orders proposed with no free bed: an officer must choose


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """A duplicate's orders and lab tasks become the kept person's (its open orders were
    ended when its tier fell away)."""
    for model in (IsolationOrder, LabTask):
        session.execute(
            update(model).where(model.person_id == event.merged_id).values(person_id=event.kept_id),
            execution_options={"synchronize_session": False},
        )


def on_tiers_moved(session: Session, event: TiersMoved) -> None:
    react(session, dict(event.moves), cause=event.cause)


def on_exposures_added(session: Session, event: ExposuresAdded) -> None:
    """A new exposure of someone under an open order moves its end along (when the tier
    moved too, ``on_tiers_moved`` has done it already: extending is idempotent)."""
    persons: set[int] = set()
    for part in _chunks(event.exposure_ids):
        for a, b in session.execute(
            select(Exposure.person_id, Exposure.contact_id).where(Exposure.id.in_(part))
        ):
            persons |= {a, b}
    held: dict[int, int] = {}
    for part in _chunks(persons):
        held.update(
            session.execute(
                select(PersonTier.person_id, PersonTier.tier)
                .join(IsolationOrder, IsolationOrder.person_id == PersonTier.person_id)
                .where(PersonTier.person_id.in_(part), IsolationOrder.status.in_(OPEN))
            ).all()
        )
    if held:
        react(session, dict(held), cause=event.cause)


def react(
    session: Session, moves: dict[int, int | None], *, cause: str, on: dt.date | None = None
) -> Proposed:
    """Orders follow the tiers that moved: proposed or changed for those whose tier calls for
    isolation now, ended for those who became F0 or lost their tier."""
    day = on or today()
    gone = {p for p, k in moves.items() if k is None or k == 0}
    ended = _end_open(session, gone, day, tiers=moves)
    tiered = {p: k for p, k in moves.items() if k is not None and k > 0}
    last = last_exposures(session, tiered, on=day)
    wanted: dict[int, tuple[Regime, Plan, int]] = {}
    regimes = get_regimes()
    for person, tier in tiered.items():
        if person not in last:
            continue
        regime = regimes.in_force(last[person])
        rule = regime.rule_for(tier)
        if rule is None:
            continue
        p = plan(rule, last[person])
        if p.legs[0].last_day >= day:  # a period already over asks for nothing
            wanted[person] = (regime, p, tier)
    ended += _drop_proposals(session, set(tiered) - set(wanted), day)
    extended, replaced, fresh = _against_open(session, wanted)
    without_bed = _insert(session, fresh, day)
    return Proposed(len(fresh), extended, replaced, ended, without_bed)


def _drop_proposals(session: Session, persons: set[int], day: dt.date) -> int:
    """People whose tier the regime does not isolate (any more), or whose period is over:
    a proposal still waiting for them is ended and its bed given back. An order in force
    stays for the officer to release."""
    count = 0
    for part in _chunks(persons):
        for order in session.scalars(
            select(IsolationOrder).where(
                IsolationOrder.person_id.in_(part),
                IsolationOrder.status == OrderStatus.proposed,
            )
        ):
            _close(session, order, OrderStatus.ended, day, NOT_ISOLATED)
            count += 1
    return count


def _end_open(
    session: Session, persons: set[int], day: dt.date, *, tiers: dict[int, int | None]
) -> int:
    count = 0
    for part in _chunks(persons):
        orders = session.scalars(
            select(IsolationOrder).where(
                IsolationOrder.person_id.in_(part), IsolationOrder.status.in_(OPEN)
            )
        )
        for order in orders:
            why = CONFIRMED_CASE if tiers.get(order.person_id) == 0 else NO_LONGER_A_CONTACT
            _close(session, order, OrderStatus.ended, day, why)
            count += 1
    return count


def _close(
    session: Session, order: IsolationOrder, status: OrderStatus, day: dt.date, reason: str
) -> None:
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


def _against_open(
    session: Session, wanted: dict[int, tuple[Regime, Plan, int]]
) -> tuple[int, int, dict[int, tuple[Regime, Plan, int, int | None]]]:
    """Compare what the regime asks with each person's open order: extend it (same place),
    change it (a proposal not yet confirmed) or propose a replacement (a confirmed order in
    another place). Returns the counts and the orders still to write (with what they
    replace)."""
    extended = replaced = 0
    fresh: dict[int, tuple[Regime, Plan, int, int | None]] = {}
    open_orders: dict[int, IsolationOrder] = {}
    for part in _chunks(wanted):
        for order in session.scalars(
            select(IsolationOrder).where(
                IsolationOrder.person_id.in_(part), IsolationOrder.status.in_(OPEN)
            )
        ):
            held = open_orders.get(order.person_id)
            if held is None or order.id > held.id:
                open_orders[order.person_id] = order
    for person, (regime, p, tier) in wanted.items():
        current = open_orders.get(person)
        if current is None:
            fresh[person] = (regime, p, tier, None)
        elif current.place is p.legs[0].place:
            if _extend(current, p, tier):
                _reschedule(session, current, p)
                extended += 1
        elif current.status is OrderStatus.proposed:
            _close(session, current, OrderStatus.replaced, today(), NEW_PLACE)
            fresh[person] = (regime, p, tier, current.replaces_id)
            replaced += 1
        else:
            fresh[person] = (regime, p, tier, current.id)
            replaced += 1
    return extended, replaced, fresh


def _extend(order: IsolationOrder, p: Plan, tier: int) -> bool:
    """A later last exposure moves the end along (never back)."""
    ends_on = p.legs[0].last_day
    if ends_on <= order.ends_on:
        return False
    order.last_exposure_on = p.legs[0].first_day - dt.timedelta(days=1)
    order.ends_on = ends_on
    order.monitor_until = p.ends_on if len(p.legs) > 1 else None
    order.tier = tier
    return True


def _reschedule(session: Session, order: IsolationOrder, p: Plan) -> None:
    """The test days move with the last exposure: the scheduled samples are replaced."""
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


def _insert(
    session: Session, fresh: dict[int, tuple[Regime, Plan, int, int | None]], day: dt.date
) -> int:
    """Write the new proposals in bulk, with a bed held for each facility order when one is
    free, and their test days as lab tasks. Returns how many found no bed."""
    if not fresh:
        return 0
    wards: dict[int, int | None] = {}
    for part in _chunks(fresh):
        wards.update(
            session.execute(select(Person.id, Person.ward_id).where(Person.id.in_(part))).all()
        )
    allocator = facilities.Allocator.open(session)
    now = utcnow()
    rows = []
    without_bed = 0
    ids = dict(zip(sorted(fresh), next_ids(session, IsolationOrder, len(fresh)), strict=True))
    for person in sorted(fresh):
        regime, p, tier, replaces = fresh[person]
        first = p.legs[0]
        facility = None
        if first.place is Place.facility:
            facility = allocator.place(wards.get(person))
            without_bed += facility is None
        rows.append(
            (
                ids[person],
                person,
                OrderStatus.proposed.name,
                first.place.name,
                facility,
                regime.id,
                tier,
                first.first_day - dt.timedelta(days=1),
                max(first.first_day, day),
                first.last_day,
                p.ends_on if len(p.legs) > 1 else None,
                replaces,
                wards.get(person),
                first.first_day - dt.timedelta(days=1),  # not reported yet
                1,
                now,
                now,
            )
        )
    allocator.take()
    insert_rows(session, IsolationOrder, ORDER_COLUMNS, rows)
    tasks = (  # the regime's test days from today on
        (person, ids[person], due, TEST_DAY, TaskStatus.scheduled.name)
        for person, (_, p, _, _) in fresh.items()
        for due in p.tests
        if due >= day
    )
    insert_rows(session, LabTask, TASK_COLUMNS, tasks)
    return without_bed


# -- deciding --------------------------------------------------------------------------------


def get(session: Session, order_id: int) -> IsolationOrder:
    order = session.get(IsolationOrder, order_id)
    if order is None:
        raise NotFound.of(N_("No isolation order with id %(id)s."), id=order_id)
    return order


def _check_version(order: IsolationOrder, version: int) -> None:
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
    _check_version(order, version)
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
            _close(session, before, OrderStatus.replaced, today(), REPLACED)
    session.flush()
    named: str = order.place.value  # "home": worded by the templates
    if order.facility_id is not None:
        named = facilities.get(session, order.facility_id).name
    where: dict[str, Param] = {"place": named, "start": order.starts_on, "end": order.ends_on}
    _tell(session, order, MessageKind.order_created, where)
    return order


def _tell(
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
    _check_version(order, version)
    if order.status is not OrderStatus.proposed:
        raise Conflict.of(
            N_("Only a proposed order can be declined (this one is %(status)s)."),
            status=order.status.value,
        )
    if not reason.strip():
        raise InvalidInput.on("reason", N_("say why the order is declined"))
    _close(session, order, OrderStatus.declined, today(), reason.strip())
    order.decided_by = by_user_id
    order.decided_at = utcnow()
    session.flush()
    return order


# -- releasing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Readiness:
    """Whether an order in force may be released today, and if not, why (N_ messages)."""

    order: IsolationOrder
    problems: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.problems


PERIOD_NOT_OVER = N_("the isolation period is not over")
TESTS_PENDING = N_("a test of the regime is still to be taken or its result is awaited")
TESTED_POSITIVE = N_("a test since the last exposure was positive")


def readiness(session: Session, order: IsolationOrder, *, on: dt.date | None = None) -> Readiness:
    """The release rule (DOMAIN.md §4): the period is over, the regime's tests are taken and
    none since the last exposure is positive. (Open monitoring flags join the rule with the
    daily reports.)"""
    day = on or today()
    problems = []
    if order.ends_on >= day:
        problems.append(PERIOD_NOT_OVER)
    taken = (
        select(LabTest.id)
        .where(
            LabTest.person_id == LabTask.person_id,
            LabTest.sample_taken_on >= LabTask.due_on,
            LabTest.result != TestResult.pending,
        )
        .exists()
    )
    pending = session.scalar(  # a task is met by a result of a sample taken on its day or later
        select(func.count())
        .select_from(LabTask)
        .where(LabTask.order_id == order.id, LabTask.status == TaskStatus.scheduled, ~taken)
    )
    awaited = session.scalar(
        select(func.count())
        .select_from(LabTest)
        .where(
            LabTest.person_id == order.person_id,
            LabTest.sample_taken_on > order.last_exposure_on,
            LabTest.result == TestResult.pending,
        )
    )
    if pending or awaited:
        problems.append(TESTS_PENDING)
    positive = session.scalar(
        select(func.count())
        .select_from(LabTest)
        .where(
            LabTest.person_id == order.person_id,
            LabTest.sample_taken_on > order.last_exposure_on,
            LabTest.result == TestResult.positive,
        )
    )
    if positive:
        problems.append(TESTED_POSITIVE)
    return Readiness(order, tuple(problems))


def due_for_release(
    session: Session, *, scope: Scope = CITY, on: dt.date | None = None, limit: int = 200
) -> list[Readiness]:
    """Orders in force whose period ended, each with what still stands in the way."""
    day = on or today()
    query = select(IsolationOrder).where(
        IsolationOrder.status == OrderStatus.confirmed, IsolationOrder.ends_on < day
    )
    if not scope.whole_city:
        query = query.where(scope.where(IsolationOrder.ward_id, IsolationOrder.person_id))
    rows = session.scalars(query.order_by(IsolationOrder.ends_on, IsolationOrder.id).limit(limit))
    return [readiness(session, o, on=day) for o in rows]


def release(
    session: Session, order_id: int, *, version: int, by_user_id: int | None
) -> IsolationOrder:
    """An officer approves the release. After a facility stay that the regime follows with
    home monitoring, the order moves home (the bed is given back) until ``monitor_until``;
    otherwise it is released. Refused, saying why, when the rule is not met."""
    order = get(session, order_id)
    _check_version(order, version)
    if order.status is not OrderStatus.confirmed:
        raise Conflict.of(
            N_("Only an order in force can be released (this one is %(status)s)."),
            status=order.status.value,
        )
    ready = readiness(session, order)
    if not ready.ready:
        raise Conflict.of(N_("Not ready for release: %(why)s."), why=ready.problems[0])
    day = today()
    if order.place is Place.facility and order.monitor_until is not None:
        if order.facility_id is not None:
            facilities.give_back(session, order.facility_id)
        order.place = Place.monitoring
        order.facility_id = None
        order.ends_on = order.monitor_until
        order.monitor_until = None
    else:
        _close(session, order, OrderStatus.released, day, RELEASED)
        _tell(session, order, MessageKind.release, {"date": day})
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
