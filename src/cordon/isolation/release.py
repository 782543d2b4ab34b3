"""Releasing orders whose period is over, by the rule (docs/domain.md §4) and an officer's
approval; a facility stay followed by home monitoring moves home first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.enums import TestResult
from cordon.cases.models import LabTest
from cordon.core.dates import today
from cordon.core.errors import N_, Conflict
from cordon.core.models import utcnow
from cordon.core.scope import CITY, Scope
from cordon.facilities import service as facilities
from cordon.isolation.enums import OrderStatus, Place, TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask
from cordon.isolation.service import close, in_status, tell
from cordon.outbox.enums import MessageKind

RELEASED = N_("period over, released by an officer")


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

# What another feature says holds a release, asked for many orders at once: the ids of those
# it holds. The reason is an N_ message, shown with the rule's own. The holds are handed in at
# the program's start (``cordon.reactions.RELEASE_HOLDS``, installed by ``cordon.wiring``):
# isolation does not import the features that hold its releases.
Held = Callable[[Session, Sequence[int]], Collection[int]]
_holds: tuple[tuple[str, Held], ...] | None = None  # None: not handed in yet


def install_holds(holds: Sequence[tuple[str, Held]]) -> None:
    """The holds on a release, by reason, in the order their reasons are shown."""
    global _holds
    _holds = tuple(holds)


def readiness(session: Session, order: IsolationOrder, *, on: dt.date | None = None) -> Readiness:
    """The release rule (docs/domain.md §4) for one order."""
    return readinesses(session, [order], on=on)[0]


def readinesses(
    session: Session, orders: list[IsolationOrder], *, on: dt.date | None = None
) -> list[Readiness]:
    """The release rule for many orders in four statements: the period is over, the
    regime's tests are taken (a task is met by a result of a sample taken on its day or
    later), none since the last exposure is positive or awaited, and nothing another feature
    says holds it (``install_holds``: a monitoring flag still open, say)."""
    if _holds is None:  # a release judged without its holds could free a flagged person
        raise RuntimeError(
            "no holds on a release are installed: "
            "the program must call cordon.wiring.start() when it starts"
        )
    day = on or today()
    ids = [o.id for o in orders]
    taken = (
        select(LabTest.id)
        .where(
            LabTest.person_id == LabTask.person_id,
            LabTest.sample_taken_on >= LabTask.due_on,
            LabTest.result != TestResult.pending,
        )
        .exists()
    )
    untaken = set(
        session.scalars(
            select(LabTask.order_id).where(
                LabTask.order_id.in_(ids), LabTask.status == TaskStatus.scheduled, ~taken
            )
        )
    )
    since = (
        select(IsolationOrder.id, LabTest.result)
        .join(LabTest, LabTest.person_id == IsolationOrder.person_id)
        .where(
            IsolationOrder.id.in_(ids),
            LabTest.sample_taken_on > IsolationOrder.last_exposure_on,
            LabTest.result.in_([TestResult.pending, TestResult.positive]),
        )
    )
    held = [(reason, set(orders_held(session, ids))) for reason, orders_held in _holds]
    results: dict[int, set[TestResult]] = {}
    for order_id, result in session.execute(since):
        results.setdefault(order_id, set()).add(result)
    out = []
    for order in orders:
        found = results.get(order.id, set())
        problems = [PERIOD_NOT_OVER] if order.ends_on >= day else []
        if order.id in untaken or TestResult.pending in found:
            problems.append(TESTS_PENDING)
        if TestResult.positive in found:
            problems.append(TESTED_POSITIVE)
        problems.extend(reason for reason, orders in held if order.id in orders)
        out.append(Readiness(order, tuple(problems)))
    return out


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
    return readinesses(session, list(rows), on=day)


def release(
    session: Session, order_id: int, *, version: int, by_user_id: int | None
) -> IsolationOrder:
    """An officer approves the release. After a facility stay that the regime follows with
    home monitoring, the order moves home (the bed is given back) until ``monitor_until``;
    otherwise it is released. Refused, saying why, when the rule is not met."""
    refusal = N_("Only an order in force can be released (this one is %(status)s).")
    order = in_status(session, order_id, OrderStatus.confirmed, version=version, refusal=refusal)
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
        close(session, order, OrderStatus.released, day, RELEASED)
        tell(session, order, MessageKind.release, {"date": day})
    order.decided_by = by_user_id
    order.decided_at = utcnow()
    session.flush()
    return order
