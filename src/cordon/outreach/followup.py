"""People to follow up: the contacts (F1 and beyond) of a jurisdiction, with their tier, the
day of the exposure that gave it, whether a tracer has reached them since their tier last
moved, and their isolation order — one filter, sort and page for the web app's list and its
export.

Read from the tier store alone (``person_tiers``: one row a tiered person, with the person's
ward copied, and the day of the tier engine's label of the person's tier — the day the path
that gives the tier reached them, ADR 0009); reached is as on the *still to reach* list (an
attempt ending in ``reached`` or ``refused`` since the tier last moved); the order is the
person's open one (proposed or confirmed: at most one a person)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from cordon.core.pagination import count_of, page_size
from cordon.core.scope import CITY, FEW_WARDS, Scope
from cordon.isolation.enums import OPEN, OrderStatus
from cordon.isolation.models import IsolationOrder
from cordon.outreach.enums import DONE
from cordon.outreach.models import ReachAttempt
from cordon.tracing.models import PersonTier


class OrderState(StrEnum):
    """The order filter: the person's open order, or none."""

    proposed = "proposed"
    confirmed = "confirmed"
    none = "none"


class FollowUpSort(StrEnum):
    tier = "tier"
    tier_desc = "-tier"
    since = "since"  # waiting longest first
    since_desc = "-since"
    exposed = "exposed_on"
    exposed_desc = "-exposed_on"


@dataclass(frozen=True)
class ContactFilter:
    tier: int | None = None  # None: every tier from F1 on
    wards: frozenset[int] | None = None
    exposed_from: dt.date | None = None
    exposed_to: dt.date | None = None
    reached: bool | None = None
    order: OrderState | None = None


@dataclass(frozen=True)
class FollowUp:
    person_id: int
    tier: int
    since: dt.datetime
    ward_id: int | None
    exposed_on: dt.date | None
    reached: bool
    order_status: OrderStatus | None


def _reached() -> ColumnElement[bool]:
    return exists().where(
        ReachAttempt.person_id == PersonTier.person_id,
        ReachAttempt.at >= PersonTier.since,
        ReachAttempt.outcome.in_(DONE),
    )


def _open_order(status: OrderState) -> ColumnElement[bool]:
    statuses = OPEN if status is OrderState.none else {OrderStatus(status.value)}
    found = exists().where(
        IsolationOrder.person_id == PersonTier.person_id, IsolationOrder.status.in_(statuses)
    )
    return ~found if status is OrderState.none else found


def matching(f: ContactFilter, scope: Scope = CITY, *, day_first: bool = False) -> Select[int]:
    """The ids of the people to follow up whom ``f`` lets through, in ``scope``. With
    ``day_first`` the wards are asked of ``ward_id + 0``, which no index serves, so that the
    database reads the exposure day's index in order (see ``_day_first``)."""
    ward: Any = PersonTier.ward_id + 0 if day_first else PersonTier.ward_id
    query = select(PersonTier.person_id)
    conditions: list[ColumnElement[bool]] = [
        PersonTier.tier == f.tier if f.tier is not None else PersonTier.tier >= 1,
        scope.where(ward, PersonTier.person_id),
    ]
    if f.wards is not None:
        conditions.append(ward.in_(sorted(f.wards)))
    if f.exposed_from is not None:
        conditions.append(PersonTier.exposed_on >= f.exposed_from)
    if f.exposed_to is not None:
        conditions.append(PersonTier.exposed_on <= f.exposed_to)
    if f.reached is not None:
        conditions.append(_reached() if f.reached else ~_reached())
    if f.order is not None:
        conditions.append(_open_order(f.order))
    return query.where(*conditions)


def _order(sort: FollowUpSort) -> list[ColumnElement[Any]]:
    """The sort's column, then the person: for the city, read in the order of an index of
    each (``ix_person_tiers_exposed_person`` for the day), never sorted whole."""
    column, person = {
        "tier": (PersonTier.tier, PersonTier.person_id),
        "since": (PersonTier.since, PersonTier.person_id),
        "exposed_on": (PersonTier.exposed_on, PersonTier.person_id),
    }[sort.value.lstrip("-")]
    if sort.value.startswith("-"):
        return [column.desc(), person.desc()]
    return [column.asc(), person.asc()]


def _day_first(f: ContactFilter, scope: Scope, sort: FollowUpSort) -> bool:
    """Whether a page of many wards by exposure day reads the day's index city-wide, keeping
    its wards' rows: a few hundred rows a page instead of a district's 40,000 sorted (which
    SQLite's planner chose: 120 ms against 0.3 at 1 M people). A few wards, one tier or a
    range of days are read by the wards' indexes."""
    if sort.value.lstrip("-") != FollowUpSort.exposed.value:
        return False
    if f.tier is not None or f.exposed_from is not None or f.exposed_to is not None:
        return False
    wards = f.wards if f.wards is not None else scope.wards
    return scope.people is None and wards is not None and len(wards) > FEW_WARDS


def people_to_follow_up(
    session: Session,
    f: ContactFilter = ContactFilter(),
    *,
    sort: FollowUpSort = FollowUpSort.tier,
    limit: int = 50,
    offset: int = 0,
    scope: Scope = CITY,
    cap: int | None = None,
) -> tuple[list[FollowUp], int]:
    """A page of the people ``f`` lets through in ``scope``, in ``sort`` order, and how many
    (counted up to ``cap`` when given)."""
    query = matching(f, scope)
    total = count_of(session, query, cap=cap)
    if _day_first(f, scope, sort):
        query = matching(f, scope, day_first=True)
    page = query.with_only_columns(
        PersonTier.person_id,
        PersonTier.tier,
        PersonTier.since,
        PersonTier.ward_id,
        PersonTier.exposed_on,
    )
    rows = session.execute(
        page.order_by(*_order(sort)).limit(page_size(limit)).offset(offset)
    ).all()
    ids = [int(r[0]) for r in rows]
    orders = _open_orders(session, ids)
    told = _last_told(session, ids)
    out = [
        FollowUp(int(p), int(k), since, ward, day, _told_since(told, int(p), since), orders.get(p))
        for p, k, since, ward, day in rows
    ]
    return out, int(total)


def _told_since(told: dict[int, dt.datetime], person_id: int, since: dt.datetime) -> bool:
    last = told.get(person_id)
    return last is not None and last >= since


def _last_told(session: Session, person_ids: list[int]) -> dict[int, dt.datetime]:
    """The last attempt that reached each of these people (for the page's rows only: asked
    of every row before the sort, it cost a district's list 47,000 look-ups)."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(ReachAttempt.person_id, func.max(ReachAttempt.at))
        .where(ReachAttempt.person_id.in_(person_ids), ReachAttempt.outcome.in_(DONE))
        .group_by(ReachAttempt.person_id)
    )
    return {int(p): at for p, at in rows}


def _open_orders(session: Session, person_ids: list[int]) -> dict[int, OrderStatus]:
    if not person_ids:
        return {}
    rows = session.execute(
        select(IsolationOrder.person_id, IsolationOrder.status).where(
            IsolationOrder.person_id.in_(person_ids), IsolationOrder.status.in_(OPEN)
        )
    )
    return {int(p): status for p, status in rows}
