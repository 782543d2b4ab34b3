"""Proposing isolation orders: the reaction to the tier engine's ``TiersMoved`` (and to new
exposures and merges). For one person or fifty thousand at once: one statement per question
and 5,000 people, beds counted in memory and written once (ADR 0011)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, TextClause, func, select, text, union_all
from sqlalchemy.orm import Session

from cordon.core.bulk import insert_rows, next_ids
from cordon.core.dates import today
from cordon.core.db import move_person_rows, set_ward_copies
from cordon.core.errors import N_
from cordon.core.models import utcnow
from cordon.core.sql import member_of
from cordon.events import ExposuresAdded, PersonMoved, PersonsMerged, TiersMoved
from cordon.exposures.enums import Closeness
from cordon.exposures.models import CLOSE_ONLY, Exposure
from cordon.facilities import service as facilities
from cordon.isolation.enums import OPEN, OrderStatus, Place, TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask
from cordon.isolation.regimes import Plan, Regime, get_regimes, isolated_tiers, plan
from cordon.isolation.service import TEST_DAY, close, reschedule
from cordon.people import service as people
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
NOT_ISOLATED = N_("the regime does not isolate this tier now")
RECORDS_MERGED = N_("two records of the person were merged")


def _chunks(items: Collection[int]) -> Iterator[list[int]]:
    seq = sorted(items)
    for i in range(0, len(seq), CHUNK):
        yield seq[i : i + CHUNK]


# -- proposing -------------------------------------------------------------------------------


def last_exposures(session: Session, tiers: dict[int, int], *, on: dt.date) -> dict[int, dt.date]:
    """Each person's last counted exposure to someone of a lower tier (a possible source),
    no later than ``on``."""
    counted = _counted(sorted(c.value for c in get_policy().in_force(on).counted_closeness))
    out: dict[int, dt.date] = {}
    for part in _chunks(tiers):
        sides = union_all(
            select(
                Exposure.person_id.label("me"), Exposure.contact_id.label("other"), Exposure.last_on
            ).where(Exposure.person_id.in_(part), counted),
            select(Exposure.contact_id, Exposure.person_id, Exposure.last_on).where(
                Exposure.contact_id.in_(part), counted
            ),
        ).subquery()
        # the other side's tier looked up by its index for each exposure (a join would hash
        # every tier of the city on PostgreSQL), then the latest day per person and tier: a
        # few rows a person, not one an exposure (a cascade's F1s share thousands)
        their_tier = (
            select(PersonTier.tier).where(PersonTier.person_id == sides.c.other).scalar_subquery()
        )
        tiered = select(sides.c.me, their_tier.label("tier"), sides.c.last_on).subquery()
        rows = session.execute(
            select(tiered.c.me, tiered.c.tier, func.max(tiered.c.last_on))
            .where(tiered.c.tier.is_not(None))
            .group_by(tiered.c.me, tiered.c.tier)
        )
        for me, other_tier, last_on in rows:
            if other_tier < tiers[me]:
                day = min(last_on, on)
                if me not in out or day > out[me]:
                    out[me] = day
    return out


def _among(session: Session, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """``column IN ids`` as one bound parameter: a cascade's hundreds of ids compile once."""
    return member_of(session.get_bind().dialect.name, column, ids)


def _counted(closeness: list[str]) -> ColumnElement[bool] | TextClause:
    """The exposures the policy counts; close ones only as the literal condition of the
    partial indexes of close exposures, so that they serve it (a bound parameter hides that)."""
    if closeness == [Closeness.close.value]:
        return text(CLOSE_ONLY)
    return Exposure.closeness.in_(closeness)


@dataclass(frozen=True)
class Proposed:
    proposed: int  # new orders
    extended: int  # open orders whose dates moved on
    replaced: int  # new orders proposed in place of an open one (a new place)
    ended: int  # open orders ended (a confirmed case, or no tier any more)
    without_bed: int  # facility orders proposed with no free bed: an officer must choose


def on_person_moved(session: Session, event: PersonMoved) -> None:
    """The person's orders are listed in the ward the person lives in now (ADR 0009)."""
    set_ward_copies(session, IsolationOrder, person_id=event.person_id, ward_id=event.to_ward)


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """A duplicate's orders and lab tasks become the kept person's — before the tier engine
    moves the two records' tiers (``cordon.reactions``), so that the orders it then judges
    are the kept person's: an order in force goes on. A person holds one open order at most:
    when both records held one, the one in force stays (the kept person's, if both or
    neither are), and the other ends, its bed given back. The kept person's own orders carry
    their ward (which the merge may have given them); the duplicate's keep theirs."""
    ward = people.ward_of(session, event.kept_id)
    set_ward_copies(session, IsolationOrder, person_id=event.kept_id, ward_id=ward)
    held = list(
        session.scalars(
            select(IsolationOrder).where(
                IsolationOrder.person_id.in_((event.kept_id, event.merged_id)),
                IsolationOrder.status.in_(OPEN),
            )
        )
    )
    kept = [o for o in held if o.person_id == event.kept_id]
    merged = [o for o in held if o.person_id == event.merged_id]
    if kept and merged:
        in_force = [o for o in held if o.status is OrderStatus.confirmed]
        stays = kept[0] if len(in_force) != 1 else in_force[0]
        for order in held:
            if order is not stays:
                close(session, order, OrderStatus.ended, today(), RECORDS_MERGED)
    move_person_rows(
        session, IsolationOrder, LabTask, merged_id=event.merged_id, kept_id=event.kept_id
    )
    for order in held:  # loaded before the UPDATE: they would still name the duplicate
        session.expire(order)


def on_tiers_moved(session: Session, event: TiersMoved) -> None:
    react(session, dict(event.moves), cause=event.cause, last_exposed=event.last_exposed)


def on_exposures_added(session: Session, event: ExposuresAdded) -> None:
    """A new exposure of someone under an open order moves its end along (when the tier
    moved too, ``on_tiers_moved`` has done it already: extending is idempotent)."""
    persons: set[int] = set()
    for part in _chunks(event.exposure_ids):
        for a, b in session.execute(
            select(Exposure.person_id, Exposure.contact_id).where(
                _among(session, Exposure.id, part)
            )
        ):
            persons |= {a, b}
    held: dict[int, int] = {}
    for part in _chunks(persons):
        held.update(
            session.execute(
                select(PersonTier.person_id, PersonTier.tier)
                .join(IsolationOrder, IsolationOrder.person_id == PersonTier.person_id)
                .where(_among(session, PersonTier.person_id, part), IsolationOrder.status.in_(OPEN))
            ).all()
        )
    if held:
        react(session, dict(held), cause=event.cause)


def react(
    session: Session,
    moves: dict[int, int | None],
    *,
    cause: str,
    on: dt.date | None = None,
    last_exposed: Mapping[int, dt.date] | None = None,
) -> Proposed:
    """Orders follow the tiers that moved: proposed or changed for those whose tier calls for
    isolation now, ended for those who became F0 or lost their tier. ``last_exposed``: the
    last exposures to a lower tier already known (the tier engine's), read for the others."""
    day = on or today()
    gone = {p for p, k in moves.items() if k is None or k == 0}
    ended = _end_open(session, gone, day, tiers=moves)
    tiered = {p: k for p, k in moves.items() if k is not None and k > 0}
    regimes = get_regimes()
    isolating = isolated_tiers(regimes)
    isolated = {p: k for p, k in tiered.items() if k in isolating}
    known = last_exposed or {}
    last = {p: min(known[p], day) for p in isolated if p in known}
    unknown = {p: k for p, k in isolated.items() if p not in known}
    last.update(last_exposures(session, unknown, on=day))
    wanted: dict[int, tuple[Regime, Plan, int]] = {}
    doses = _vaccination(session, set(last))
    for person, tier in tiered.items():
        if person not in last:
            continue
        regime = regimes.in_force(last[person])
        count, last_dose = doses.get(person, (None, None))
        vaccinated = regime.vaccinated(count, last_dose, exposed_on=last[person])
        rule = regime.rule_for(tier, vaccinated=vaccinated)
        if rule is None:
            continue
        p = plan(rule, last[person])
        if p.legs[0].last_day >= day:  # a period already over asks for nothing
            wanted[person] = (regime, p, tier)
    ended += _drop_proposals(session, set(tiered) - set(wanted), day)
    extended, replaced, fresh = _against_open(session, wanted)
    without_bed = _insert(session, fresh, day)
    return Proposed(len(fresh), extended, replaced, ended, without_bed)


def _vaccination(
    session: Session, persons: set[int]
) -> dict[int, tuple[int | None, dt.date | None]]:
    """Declared vaccination of those whose vaccination is known."""
    out: dict[int, tuple[int | None, dt.date | None]] = {}
    for part in _chunks(persons):
        rows = session.execute(
            select(Person.id, Person.vaccine_doses, Person.last_dose_on).where(
                _among(session, Person.id, part), Person.vaccine_doses.is_not(None)
            )
        )
        out.update((p, (d, on)) for p, d, on in rows)
    return out


def _drop_proposals(session: Session, persons: set[int], day: dt.date) -> int:
    """People whose tier the regime does not isolate (any more), or whose period is over:
    a proposal still waiting for them is ended and its bed given back. An order in force
    stays for the officer to release."""
    count = 0
    for part in _chunks(persons):
        for order in session.scalars(
            select(IsolationOrder).where(
                _among(session, IsolationOrder.person_id, part),
                IsolationOrder.status == OrderStatus.proposed,
            )
        ):
            close(session, order, OrderStatus.ended, day, NOT_ISOLATED)
            count += 1
    return count


def _end_open(
    session: Session, persons: set[int], day: dt.date, *, tiers: dict[int, int | None]
) -> int:
    count = 0
    for part in _chunks(persons):
        orders = session.scalars(
            select(IsolationOrder).where(
                _among(session, IsolationOrder.person_id, part), IsolationOrder.status.in_(OPEN)
            )
        )
        for order in orders:
            if order.tier == 0:  # a case's own monitoring after discharge: not a contact's
                continue
            why = CONFIRMED_CASE if tiers.get(order.person_id) == 0 else NO_LONGER_A_CONTACT
            close(session, order, OrderStatus.ended, day, why)
            count += 1
    return count


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
                _among(session, IsolationOrder.person_id, part), IsolationOrder.status.in_(OPEN)
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
                reschedule(session, current, p)
                extended += 1
        elif current.status is OrderStatus.proposed:
            close(session, current, OrderStatus.replaced, today(), NEW_PLACE)
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
            session.execute(
                select(Person.id, Person.ward_id).where(_among(session, Person.id, part))
            ).all()
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
