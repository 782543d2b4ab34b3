"""``cordon demo live-outbreak``: a synthetic outbreak in Hanoi going on today, played day by
day through the real services, so that tiers, orders, beds, tests, flags and public counts
are what the engine computes.

Day 0 is the outbreak's first day (the index case's transmission window opens) and today is
day ``DAYS``; the city's own regime is declared in force from day 0 (``live_policy``). Each
past day is played at its own hours (``core.dates.playing_at``); today at the real clock.
A day, in order: (1) 08:00 daily reports of everyone under an order in force — an infected
person reports a fever on the day they fall ill, which raises a flag, makes them a suspected
case and schedules a sample; (2) 10:00 the laboratory takes the day's samples (a sick
person's PCR positive confirms the case, found in quarantine) and an untraced infected person
is confirmed as a community case; (3) 11:00 the new cases' contacts are recorded (households,
the market, the workshop, neighbours) and each contact is drawn infected or not; (4) 14:00
the new F1s' households are recorded (their F2s); (5) 15:00 the ward health worker calls the
new F1s; (6) 16:00 the district officer confirms the day's proposals in Ba Đình; (7) 21:00
the missed-report check, and the ward closes the flags it dealt with. Today the laboratory,
the officer and the worker have not done their work yet: it waits for the demo's users.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cordon.access.principal import Principal
from cordon.cases import lab
from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus, Classification, TestMethod, TestResult
from cordon.cases.models import Case
from cordon.core.config import get_settings
from cordon.core.dates import playing_at
from cordon.demo import live_cast as wards
from cordon.demo.live_cast import Cast, Newcomer
from cordon.exposures import service as exposures
from cordon.exposures.enums import Setting
from cordon.exposures.schemas import ContactIn
from cordon.isolation import release, tasks
from cordon.isolation import service as isolation
from cordon.isolation.enums import OrderStatus, TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask
from cordon.monitoring import service as monitoring
from cordon.monitoring.enums import FlagStatus, Reporter
from cordon.monitoring.models import Flag
from cordon.outreach import service as outreach
from cordon.outreach.enums import Channel, Outcome
from cordon.people import service as people
from cordon.people.schemas import PersonCreate

DAYS = 24  # today is day 24 of the outbreak
INFECTED = {Setting.household: 0.4, Setting.venue: 0.35, Setting.workplace: 0.4,
            Setting.other: 0.25}  # fmt: skip
# untraced people confirmed as community cases: (day, ward, setting of their contacts)
COMMUNITY = ((7, wards.PHUC_XA, Setting.other), (9, wards.QUAN_THANH, Setting.workplace),
             (11, wards.TRUC_BACH, Setting.other), (13, wards.TRUC_BACH, Setting.other),
             (15, wards.QUAN_THANH, Setting.other), (17, wards.PHUC_XA, Setting.other),
             (19, wards.TRUC_BACH, Setting.other), (21, wards.QUAN_THANH, Setting.other),
             (23, wards.PHUC_XA, Setting.other), (DAYS, wards.PHUC_XA, Setting.other))  # fmt: skip
KEEP_OPEN_DAYS = 2  # flags of the last days stay open for the demo's ward worker
QUIET_FROM = DAYS - 2  # one F1 stops reporting: missed-report flags
DONE = "Đã gọi điện và đến tận nơi; đã xử lý (demo)."


@dataclass
class Staff:
    """The demo accounts who act in the play (``demo.users``)."""

    officer: int  # district officer of Ba Đình
    worker: int  # ward health worker of Phúc Xá
    signed_in: Principal  # the same worker, as the services that check a jurisdiction see them
    lab: str  # name of the laboratory


@dataclass
class Play:
    session: Session
    start: dt.date
    staff: Staff
    cast: Cast
    rng: random.Random
    ward_ids: dict[str, int]
    district_of: dict[int, str]  # ward id → district code
    infected_on: dict[int, int] = field(default_factory=dict)  # person → day they fall ill
    setting_of: dict[int, Setting] = field(default_factory=dict)  # how a person was met
    households: dict[int, list[int]] = field(default_factory=dict)
    traced: set[int] = field(default_factory=set)  # cases whose contacts are recorded
    new_f1: list[int] = field(default_factory=list)
    who: dict[int, Newcomer] = field(default_factory=dict)  # everyone the play registered
    quiet: int | None = None
    reports: int = 0
    day: int = 0

    # -- the clock -------------------------------------------------------------------
    def on(self, n: int) -> dt.date:
        return self.start + dt.timedelta(days=n)

    @contextmanager
    def at(self, hour: int) -> Iterator[None]:
        """The play's day at ``hour`` in the city's time zone; today: the real clock."""
        if self.day == DAYS:
            yield
            return
        zone = ZoneInfo(get_settings().timezone)
        with playing_at(dt.datetime.combine(self.on(self.day), dt.time(hour), zone)):
            yield

    # -- people ------------------------------------------------------------------------
    def register(self, who: Newcomer) -> int:
        data = PersonCreate(
            full_name=who.full_name,
            sex=who.sex,
            birth_year=who.birth_year,
            phone=who.phone,
            address=who.address,
            ward_id=self.ward_ids[who.ward_code],
        )
        person = people.create_person(self.session, data).id
        self.who[person] = who
        return person

    def household_of(self, person: int, who: Newcomer | None, ward: str) -> list[int]:
        """The others of the person's household (drawn and registered the first time)."""
        if person not in self.households:
            drawn = self.cast.household(ward, who, self.rng.randint(2, 4))
            made = [self.register(m) for m in drawn]
            for member in [person, *made]:
                self.households[member] = [m for m in [person, *made] if m != member]
        return self.households[person]

    def meet(self, person: int, contacts: list[int], setting: Setting, first: int, last: int,
             chance: float | None = None) -> list[int]:  # fmt: skip
        """Record the exposures; each new contact may be infected (falls ill 2–6 days later)
        with the setting's chance (or ``chance``)."""
        rows = [
            ContactIn(
                contact_id=c,
                first_on=self.on(first),
                last_on=self.on(last),
                setting=setting,
                note=None,
            )
            for c in contacts
        ]
        made = exposures.record_contacts(
            self.session, person_id=person, contacts=rows, cause="demo live-outbreak"
        )
        for c in contacts:
            p = INFECTED[setting] if chance is None else chance
            if c not in self.infected_on and self.rng.random() < p:
                self.infected_on[c] = self.day + self.rng.randint(2, 6)
                self.setting_of.setdefault(c, setting)
        return [e.id for e in made]

    # -- the steps of a day ------------------------------------------------------------
    def in_force(self) -> list[IsolationOrder]:
        day = self.on(self.day)
        o = IsolationOrder
        return list(
            self.session.scalars(
                select(o)
                .where(
                    o.status == OrderStatus.confirmed,
                    o.starts_on <= day,
                    or_(o.ends_on >= day, o.monitor_until >= day),
                )
                .order_by(o.person_id)
            )
        )

    def is_case(self, person: int) -> bool:
        found = self.session.scalar(
            select(Case.id).where(
                Case.person_id == person,
                Case.status.in_([CaseStatus.confirmed, CaseStatus.recovered, CaseStatus.died]),
            )
        )
        return found is not None

    def daily_reports(self) -> None:
        for order in self.in_force():
            person = order.person_id
            if self.is_case(person) or (person == self.quiet and self.day >= QUIET_FROM):
                continue
            ill = self.infected_on.get(person) == self.day
            temperature = (
                round(38.0 + self.rng.random(), 1)
                if ill
                else round(36.3 + self.rng.random() * 0.7, 1)
            )
            monitoring.report(
                self.session,
                order.id,
                temperature=temperature,
                symptoms=["fever", "cough"] if ill else [],
                note=None,
                reporter=Reporter.worker if self.rng.random() < 0.15 else Reporter.self,
                by_user_id=None,
                submission=f"demo-live-{order.id}-{self.day}",
            )
            self.reports += 1

    def laboratory(self) -> None:
        """The day's samples (not today's: they wait for the laboratory), and the untraced
        infected people who come forward ill."""
        day = self.on(self.day)
        if self.day < DAYS:
            due = select(LabTask.id).where(
                LabTask.status == TaskStatus.scheduled, LabTask.due_on == day
            )
            for task_id in list(self.session.scalars(due.order_by(LabTask.id))):
                task = self.session.get_one(LabTask, task_id, populate_existing=True)
                if task.status is not TaskStatus.scheduled:  # cancelled by an earlier result
                    continue
                ill = self.infected_on.get(task.person_id, DAYS + 1) <= self.day
                tasks.record(
                    self.session,
                    task.id,
                    lab.LabReport(
                        method=TestMethod.pcr,
                        sample_taken_on=day,
                        result=TestResult.positive if ill else TestResult.negative,
                        result_on=day,
                        ct_value=24.0 if ill else None,
                        laboratory=self.staff.lab,
                        confirm=ill,
                    ),
                )
        for person, ill_on in sorted(self.infected_on.items()):
            if ill_on == self.day and not self.is_case(person) and not self.isolated(person):
                self.confirm_case(person, Classification.community)

    def isolated(self, person: int) -> bool:
        day = self.on(self.day)
        o = IsolationOrder
        held = self.session.scalar(
            select(o.id).where(
                o.person_id == person,
                o.status == OrderStatus.confirmed,
                o.starts_on <= day,
                or_(o.ends_on >= day, o.monitor_until >= day),
            )
        )
        return held is not None

    def confirm_case(self, person: int, classification: Classification) -> None:
        cases.create_case(
            self.session,
            person_id=person,
            status=CaseStatus.confirmed,
            created_by="demo live-outbreak",
            onset_on=self.on(self.day - 1),
            sample_on=self.on(self.day - 1),
            confirmed_on=self.on(self.day),
            classification=classification,
        )

    def new_cases(self) -> list[int]:
        """Cases confirmed today (by the laboratory or as community cases), untraced."""
        rows = self.session.scalars(
            select(Case.person_id)
            .where(Case.confirmed_on == self.on(self.day), Case.status == CaseStatus.confirmed)
            .order_by(Case.id)
        )
        return [p for p in rows if p not in self.traced]

    def officer_confirms(self) -> int:
        """The district officer puts the proposals of Ba Đình in force (Hoàn Kiếm's wait
        for their own ward); none today: they wait for the demo's users."""
        if self.day == DAYS:
            return 0
        proposed = self.session.scalars(
            select(IsolationOrder)
            .where(IsolationOrder.status == OrderStatus.proposed)
            .order_by(IsolationOrder.id)
        )
        done = 0
        for order in list(proposed):
            if self.district_of.get(order.ward_id or 0) != "001":
                continue
            isolation.confirm(
                self.session, order.id, version=order.version, by_user_id=self.staff.officer
            )
            done += 1
        return done

    def officer_releases(self) -> int:
        """The officer releases the orders of Ba Đình whose period is over and that the rule
        lets go (a facility stay followed by monitoring moves home, its bed given back);
        none in the last days: they wait for the demo's users."""
        if self.day >= DAYS - KEEP_OPEN_DAYS:
            return 0
        done = 0
        for due in release.due_for_release(self.session):
            order = due.order
            if due.ready and self.district_of.get(order.ward_id or 0) == "001":
                release.release(
                    self.session, order.id, version=order.version, by_user_id=self.staff.officer
                )
                done += 1
        return done

    def calls(self) -> None:
        """The ward calls each new F1 (today's wait for the demo's ward worker)."""
        if self.day < DAYS:
            for k, person in enumerate(self.new_f1):
                outcome = Outcome.no_answer if k == 1 else Outcome.reached
                outreach.record(
                    self.session,
                    person_id=person,
                    channel=Channel.phone,
                    outcome=outcome,
                    note=None,
                    by_user_id=self.staff.worker,
                )
        self.new_f1 = []

    def evening(self) -> None:
        monitoring.check_missed(self.session)
        if self.day >= DAYS - KEEP_OPEN_DAYS:
            return
        flags = self.session.scalars(
            select(Flag).where(Flag.status == FlagStatus.open).order_by(Flag.id)
        )
        for flag in list(flags):
            monitoring.close_flag(self.session, flag.id, by_user_id=self.staff.worker, note=DONE)
