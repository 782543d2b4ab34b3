"""Isolation facilities and their beds.

Beds are held by open isolation orders (proposed or confirmed) and given back when an order
is declined, replaced, ended or released. Every change of ``booked`` happens here, under a
lock on the facility's row (``FOR UPDATE`` on PostgreSQL; SQLite has one writer), inside the
transaction of the order that causes it: free beds are always current and two officers can
never fill the last bed twice. ``full`` is the service's word for "no free bed"; a manager
opens or closes a facility.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.access.service import usernames
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.core.pagination import paged
from cordon.core.sql import where_given
from cordon.facilities.enums import FacilityKind, FacilityStatus
from cordon.facilities.models import Facility
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit

MAX_BEDS = 100_000


def get(session: Session, facility_id: int, *, lock: bool = False) -> Facility:
    query = select(Facility).where(Facility.id == facility_id)
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound.of(N_("No facility with id %(id)s."), id=facility_id)
    return found


def _ward(session: Session, ward_id: int) -> None:
    level = session.scalar(select(AdminUnit.level).where(AdminUnit.id == ward_id))
    if level is not UnitLevel.ward:
        raise InvalidInput.on("ward_id", N_("no ward with id %(id)s"), id=ward_id)


def _manager(session: Session, user_id: int | None) -> None:
    if user_id is not None and user_id not in usernames(session, [user_id]):
        raise InvalidInput.on("manager_user_id", N_("no user with id %(id)s"), id=user_id)


def _capacity(capacity: int, booked: int = 0) -> None:
    if not 1 <= capacity <= MAX_BEDS:
        raise InvalidInput.on("capacity", N_("must be from 1 to %(most)s beds"), most=MAX_BEDS)
    if capacity < booked:
        raise InvalidInput.on(
            "capacity", N_("%(booked)s beds are taken: capacity cannot be less"), booked=booked
        )


def create(
    session: Session,
    *,
    code: str,
    name: str,
    kind: FacilityKind,
    ward_id: int,
    capacity: int,
    address: str | None = None,
    manager_user_id: int | None = None,
) -> Facility:
    _ward(session, ward_id)
    _capacity(capacity)
    _manager(session, manager_user_id)
    if session.scalar(select(Facility.id).where(Facility.code == code)) is not None:
        raise Conflict.of(N_("A facility with code %(code)s exists already."), code=code)
    facility = Facility(
        code=code,
        name=name,
        kind=kind,
        ward_id=ward_id,
        capacity=capacity,
        booked=0,
        address=address,
        status=FacilityStatus.open,
        manager_user_id=manager_user_id,
    )
    session.add(facility)
    session.flush()
    return facility


def update(
    session: Session,
    facility_id: int,
    *,
    capacity: int | None = None,
    status: FacilityStatus | None = None,
    name: str | None = None,
    address: str | None = None,
    manager_user_id: int | None = None,
) -> Facility:
    """Change a facility; its beds can shrink to those taken, not below."""
    facility = get(session, facility_id, lock=True)
    if status is FacilityStatus.full:
        raise InvalidInput.on(
            "status", N_("a facility is full when its beds are: open or close it")
        )
    if capacity is not None:
        _capacity(capacity, facility.booked)
        facility.capacity = capacity
    if status is not None:
        facility.status = status
    if name is not None:
        facility.name = name
    if address is not None:
        facility.address = address
    if manager_user_id is not None:
        _manager(session, manager_user_id)
        facility.manager_user_id = manager_user_id
    _settle(facility)
    session.flush()
    return facility


def _settle(facility: Facility) -> None:
    """``full`` follows the beds: set when none is free, lifted when one is."""
    if facility.status is FacilityStatus.closed:
        return
    facility.status = FacilityStatus.full if facility.free == 0 else FacilityStatus.open


def hold(session: Session, facility_id: int, beds: int = 1) -> Facility:
    """Take ``beds`` in the facility for an order, or refuse naming the facility."""
    facility = get(session, facility_id, lock=True)
    if facility.status is FacilityStatus.closed:
        raise InvalidInput.on("facility_id", N_("facility %(code)s is closed"), code=facility.code)
    if facility.free < beds:
        raise InvalidInput.on("facility_id", N_("facility %(code)s is full"), code=facility.code)
    facility.booked += beds
    _settle(facility)
    return facility


def give_back(session: Session, facility_id: int, beds: int = 1) -> None:
    facility = get(session, facility_id, lock=True)
    facility.booked = max(0, facility.booked - beds)
    _settle(facility)


def listed(
    session: Session,
    *,
    kind: FacilityKind | None = None,
    status: FacilityStatus | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Facility], int]:
    query = select(Facility)
    query = where_given(query, (Facility.kind, kind), (Facility.status, status))
    return paged(session, query, Facility.code, limit=limit, offset=offset)


@dataclass
class Allocator:
    """Chooses a facility for each of many people at once: the nearest open facility with a
    free bed — in the person's ward, else their district, else anywhere in the city — and,
    at the same distance, the one that had most free beds. Beds are counted as they are
    given; ``take`` writes them to the facilities (locked when read) at the end."""

    facilities: list[Facility]
    district_of: dict[int, int | None]
    given: dict[int, int] = field(default_factory=dict)
    _order: dict[int | None, list[Facility]] = field(default_factory=dict)

    @classmethod
    def open(cls, session: Session) -> Allocator:
        rows = list(
            session.scalars(
                select(Facility)
                .where(Facility.status == FacilityStatus.open)
                .order_by(Facility.id)
                .with_for_update()
            )
        )
        wards = select(AdminUnit.id, AdminUnit.parent_id).where(AdminUnit.level == UnitLevel.ward)
        return cls(rows, dict(session.execute(wards).all()))

    def _nearest(self, ward_id: int | None) -> list[Facility]:
        order = self._order.get(ward_id)
        if order is None:
            district = self.district_of.get(ward_id) if ward_id is not None else None

            def rank(f: Facility) -> tuple[int, int, int]:
                same_district = district is not None and self.district_of.get(f.ward_id) == district
                near = 0 if f.ward_id == ward_id else 1 if same_district else 2
                return (near, -f.free, f.id)

            order = self._order[ward_id] = sorted(self.facilities, key=rank)
        return order

    def place(self, ward_id: int | None) -> int | None:
        """A facility for one more person of ``ward_id`` (None: no free bed anywhere)."""
        order = self._nearest(ward_id)
        while order and order[0].free - self.given.get(order[0].id, 0) <= 0:
            order.pop(0)  # full now: never again in this allocation
        if not order:
            return None
        chosen = order[0].id
        self.given[chosen] = self.given.get(chosen, 0) + 1
        return chosen

    def take(self) -> None:
        for f in self.facilities:
            if self.given.get(f.id):
                f.booked += self.given[f.id]
                _settle(f)


def by_id(session: Session, ids: Iterable[int]) -> dict[int, Facility]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {f.id: f for f in session.scalars(select(Facility).where(Facility.id.in_(wanted)))}


@dataclass(frozen=True)
class Beds:
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


def beds(session: Session) -> Beds:
    """The beds of the city's facilities that are not closed, and how many are taken."""
    capacity, booked = session.execute(
        select(
            func.coalesce(func.sum(Facility.capacity), 0),
            func.coalesce(func.sum(Facility.booked), 0),
        ).where(Facility.status != FacilityStatus.closed)
    ).one()
    return Beds(int(capacity), int(booked))
