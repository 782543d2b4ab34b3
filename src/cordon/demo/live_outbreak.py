"""The live outbreak's story and its loader: who meets whom (``trace``), the two clusters
(the Phúc Xá market of the index case, the Quán Thánh garment workshop of the first
community case), the handover to Hoàn Kiếm, the facilities, and ``load_live_outbreak``,
which plays every day of ``demo.live`` from the outbreak's first day to today.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.access.models import User
from cordon.access.principal import Account, Principal, principal_of
from cordon.cases.enums import Classification
from cordon.cases.models import Case
from cordon.clusters import service as clusters
from cordon.clusters.enums import ClusterKind
from cordon.core.dates import today
from cordon.core.errors import InvalidInput
from cordon.core.pagination import count_of
from cordon.demo import live_cast as wards
from cordon.demo.live import COMMUNITY, DAYS, QUIET_FROM, Play, Staff
from cordon.demo.live_cast import Cast
from cordon.demo.live_policy import put_in_force
from cordon.exposures.enums import Setting
from cordon.facilities import service as facilities
from cordon.facilities.enums import FacilityKind
from cordon.facilities.models import Facility
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.geography.service import load_city
from cordon.handovers import service as handovers
from cordon.handovers.models import Handover
from cordon.isolation.enums import OrderStatus, Place
from cordon.isolation.models import IsolationOrder
from cordon.monitoring import service as monitoring
from cordon.monitoring.enums import FlagStatus
from cordon.monitoring.models import Flag

SEED = 17
INDEX_DAY = 4  # the index case is confirmed on day 4 (20 days ago)
HOTEL = ("DEMO-KS-HONGHA", "Khách sạn Hồng Hà (demo)", FacilityKind.hotel, wards.PHUC_XA, 30)
DORM = ("DEMO-KTX-TRUCBACH", "Ký túc xá Trúc Bạch (demo)", FacilityKind.dormitory,
        wards.TRUC_BACH, 60)  # fmt: skip
MARKET = ("DEMO-CHO-PHUCXA", "Chợ Phúc Xá (demo)", wards.PHUC_XA)
WORKSHOP = ("DEMO-XUONG-QUANTHANH", "Xưởng may Quán Thánh (demo)", wards.QUAN_THANH)
# the index case met, at the market: vendors and customers (the last lives in Hoàn Kiếm)
MARKET_PEOPLE = (wards.PHUC_XA, wards.PHUC_XA, wards.TRUC_BACH, wards.TRUC_BACH,
                 wards.QUAN_THANH, wards.PHUC_XA, wards.PHUC_XA, wards.DONG_XUAN)  # fmt: skip
WORKSHOP_PEOPLE = (wards.QUAN_THANH, wards.QUAN_THANH, wards.TRUC_BACH, wards.PHUC_XA,
                   wards.QUAN_THANH, wards.TRUC_BACH)  # fmt: skip
HANDOVER_NOTE = "Khách mua hàng ở chợ Phúc Xá, sống ở phường Đồng Xuân (demo)."
ROLES = {"officer": "badinh", "worker": "phucxa", "manager": "facility"}


@dataclass(frozen=True)
class LiveLoad:
    skipped: bool  # loaded already: nothing written
    start: dt.date
    regime_written: bool
    people: int = 0
    cases: int = 0
    proposed: int = 0
    confirmed: int = 0
    open_flags: int = 0
    handovers: int = 0
    reports: int = 0


@dataclass
class Story(Play):
    """The play with its people: who each case meets, and the clusters they make."""

    cluster_of: dict[int, str] = field(default_factory=dict)  # person → cluster code
    clusters: dict[str, int] = field(default_factory=dict)  # code → cluster id

    def newcomer(self, ward: str, age: int | None = None) -> int:
        who = self.cast.person(ward, self.cast.address(ward), age or self.rng.randint(20, 65))
        return self.register(who)

    def member_of(self, person: int, spec: tuple[str, str, str]) -> None:
        code, name, ward = spec
        if code not in self.clusters:
            self.clusters[code] = clusters.create_cluster(
                self.session,
                code=code,
                name=name,
                kind=ClusterKind.place,
                ward_id=self.ward_ids[ward],
                started_on=self.on(self.day),
            ).id
        self.cluster_of[person] = code

    def join_cluster(self, person: int) -> None:
        code = self.cluster_of.get(person)
        case = self.session.scalar(select(Case.id).where(Case.person_id == person))
        if code is not None and case is not None:
            clusters.add_member(self.session, self.clusters[code], case_id=case)

    def trace(self, person: int) -> None:
        """Record the contacts of a case confirmed today (a case found in quarantine had its
        household recorded when it became an F1: the engine moves them up a tier)."""
        self.traced.add(person)
        self.join_cluster(person)
        d = self.day
        if person in self.households and self.setting_of.get(person):
            for member in self.households[person]:
                fresh = member not in self.infected_on and not self.is_case(member)
                if fresh and self.rng.random() < 0.4:
                    self.infected_on[member] = d + self.rng.randint(2, 5)
            return
        who = self.who[person]
        home = self.household_of(person, who, who.ward_code)
        self.meet(person, home, Setting.household, d - 6, d)
        self.new_f1 += home
        setting, places = self.setting_for(person)
        met = [self.newcomer(w) for w in places]
        if not met:
            return
        first = d - (5 if setting is Setting.workplace else 3)
        exposure_ids = self.meet(person, met, setting, first, d - 1)
        for contact in [*home, *met]:
            if person in self.cluster_of:
                self.cluster_of.setdefault(contact, self.cluster_of[person])
        self.new_f1 += met
        self.hand_over(met, exposure_ids)

    def setting_for(self, person: int) -> tuple[Setting, tuple[str, ...]]:
        code = self.cluster_of.get(person)
        if code == MARKET[0] and self.day == INDEX_DAY:
            return Setting.venue, MARKET_PEOPLE
        if code == WORKSHOP[0] and self.setting_of.get(person) is None:
            return Setting.workplace, WORKSHOP_PEOPLE
        return Setting.other, (self.who[person].ward_code,) * 2

    def hand_over(self, met: list[int], exposure_ids: list[int]) -> None:
        """A contact living outside Ba Đình goes to their own ward, sent by Phúc Xá."""
        for person, exposure in zip(met, exposure_ids, strict=True):
            if self.who[person].ward_code == wards.DONG_XUAN:
                sender = self.staff.signed_in
                handovers.send(self.session, sender, exposure_id=exposure, note=HANDOVER_NOTE)

    def households_of_f1s(self) -> None:
        """Each new F1's household (their F2s), from the F1's own interview."""
        d = self.day
        for f1 in list(self.new_f1):
            if f1 in self.households or f1 not in self.who:
                continue
            who = self.who[f1]
            home = self.household_of(f1, who, who.ward_code)
            self.meet(f1, home, Setting.household, d - 3, d, chance=0.12)
            if f1 in self.cluster_of:
                for member in home:
                    self.cluster_of.setdefault(member, self.cluster_of[f1])

    def community_cases(self) -> None:
        """The index case, and the untraced people who come forward ill (COMMUNITY)."""
        if self.day == INDEX_DAY:
            index = self.newcomer(wards.PHUC_XA, age=46)
            self.member_of(index, MARKET)
            self.confirm_case(index, Classification.community)
        for day, ward, setting in COMMUNITY:
            if day == self.day:
                person = self.newcomer(ward)
                if setting is Setting.workplace:
                    self.member_of(person, WORKSHOP)
                self.confirm_case(person, Classification.community)

    def choose_quiet_and_sick(self) -> None:
        """From day QUIET_FROM one F1 in Phúc Xá stops reporting; today one falls ill."""
        px = self.ward_ids[wards.PHUC_XA]
        held = [o.person_id for o in self.in_force() if o.ward_id == px and o.tier == 1
                and o.place is Place.facility and o.person_id not in self.infected_on]  # fmt: skip
        if self.day == QUIET_FROM and held and self.quiet is None:
            self.quiet = held[0]
        ill_today = [p for p, d in self.infected_on.items() if d == DAYS and p in held]
        if self.day == DAYS and not ill_today:
            sick = [p for p in held if p != self.quiet]
            if sick:
                self.infected_on[sick[-1]] = DAYS

    def play_day(self) -> None:
        with self.at(8):
            self.choose_quiet_and_sick()
            self.daily_reports()
        with self.at(10):
            self.laboratory()
            self.community_cases()
        with self.at(11):
            for person in self.new_cases():
                self.trace(person)
        with self.at(14):
            self.households_of_f1s()
        with self.at(15):
            self.calls()
        with self.at(16):
            self.officer_releases()
            self.officer_confirms()
            if self.day == DAYS:
                monitoring.send_links(self.session)
        with self.at(21):
            self.evening()
        # the day's rows are written: let them go, so that the services' bulk updates do not
        # match them one by one against an ever larger session
        self.session.flush()
        self.session.expunge_all()


def _ward_ids(session: Session) -> tuple[dict[str, int], dict[int, str]]:
    ward = AdminUnit.__table__.alias("ward")
    district = AdminUnit.__table__.alias("district")
    rows = session.execute(
        select(ward.c.code, ward.c.id, district.c.code)
        .join(district, district.c.id == ward.c.parent_id)
        .where(ward.c.level == UnitLevel.ward)
    ).all()
    return {code: i for code, i, _ in rows}, {i: d for _, i, d in rows}


def _users(session: Session) -> dict[str, User]:
    found = {u.username: u for u in session.scalars(select(User))}
    missing = [name for name in ROLES.values() if name not in found]
    if missing:
        raise InvalidInput.on("users", f"the demo accounts {missing} are missing")
    return {role: found[name] for role, name in ROLES.items()}


def _worker(session: Session, user: User) -> Principal:
    account = Account(user.id, user.username, user.role, user.unit_id, UnitLevel.ward)
    return principal_of(session, account, via="session", client_address=None)


def _facilities(session: Session, ward_ids: dict[str, int], manager: int) -> None:
    for code, name, kind, ward, beds in (HOTEL, DORM):
        facilities.create(
            session,
            code=code,
            name=name,
            kind=kind,
            ward_id=ward_ids[ward],
            capacity=beds,
            address=f"{name}, Hà Nội",
            manager_user_id=manager if code == HOTEL[0] else None,
        )


def ensure_city(session: Session) -> bool:
    """Hanoi's districts and wards, loaded when missing (True: loaded now)."""
    if session.scalar(select(func.count()).select_from(AdminUnit)):
        return False
    load_city(session)
    return True


def load_live_outbreak(session: Session, *, regime_file: Path, seed: int = SEED) -> LiveLoad:
    """Play the live outbreak into the registry (one transaction, the caller's session).
    Idempotent: when its facilities exist nothing is written."""
    start = today() - dt.timedelta(days=DAYS)
    written = put_in_force(regime_file, start)
    if session.scalar(select(Facility.id).where(Facility.code == HOTEL[0])) is not None:
        return LiveLoad(skipped=True, start=start, regime_written=written)
    ward_ids, district_of = _ward_ids(session)
    staff = _users(session)
    _facilities(session, ward_ids, staff["manager"].id)
    before = session.scalar(select(func.count(Case.id))) or 0
    story = Story(
        session=session,
        start=start,
        staff=Staff(
            officer=staff["officer"].id,
            worker=staff["worker"].id,
            signed_in=_worker(session, staff["worker"]),
            lab="CDC Hà Nội (demo)",
        ),
        cast=Cast(seed, today().year),
        rng=random.Random(seed),
        ward_ids=ward_ids,
        district_of=district_of,
    )
    for n in range(DAYS + 1):
        story.day = n
        story.play_day()
    return _result(session, start, written, story, before)


def _result(session: Session, start: dt.date, written: bool, story: Story, before: int) -> LiveLoad:
    orders = select(IsolationOrder.id)
    return LiveLoad(
        skipped=False,
        start=start,
        regime_written=written,
        people=len(story.who),
        cases=(session.scalar(select(func.count(Case.id))) or 0) - before,
        proposed=count_of(session, orders.where(IsolationOrder.status == OrderStatus.proposed)),
        confirmed=count_of(session, orders.where(IsolationOrder.status == OrderStatus.confirmed)),
        open_flags=count_of(session, select(Flag.id).where(Flag.status == FlagStatus.open)),
        handovers=count_of(session, select(Handover.id)),
        reports=story.reports,
    )
