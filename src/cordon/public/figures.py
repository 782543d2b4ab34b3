"""The figures the public is told, read from the daily counts (``counts``) as of a day: the
city's totals, new cases per day by source, per district the cases of the last 7 and 14
days per 100,000 people, and the days since the last case and the last community case.

Everything here is a number about many people: no case, no person, no ward below the
suppression rule of the open data (``opendata``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case
from cordon.clusters.enums import ClusterKind
from cordon.clusters.models import Cluster, ClusterCase
from cordon.core.config import get_settings
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.isolation.enums import OrderStatus
from cordon.isolation.models import IsolationOrder
from cordon.public.counts import COUNTED, freshness, of_city
from cordon.public.models import DailyCount
from cordon.public.suppression import SMALL
from cordon.rt.estimate import Incidence, WindowEstimate, estimate
from cordon.rt.serial_interval import covid19

SOURCES = ("community", "imported", "in_quarantine", "unclassified")
PER = 100_000
# A case confirmed this long ago with no outcome recorded is a record nobody closed (a
# historical data set that ends before its patients' outcomes, say), not a patient under
# treatment: the page says how many of those it counts.
NO_OUTCOME_AFTER_DAYS = 60


@dataclass
class Tally:
    """Counts of one area over a span of days."""

    community: int = 0
    imported: int = 0
    in_quarantine: int = 0
    unclassified: int = 0
    recovered: int = 0
    deaths: int = 0

    @property
    def confirmed(self) -> int:
        return self.community + self.imported + self.in_quarantine + self.unclassified

    @property
    def active(self) -> int:
        return self.confirmed - self.recovered - self.deaths

    def add(self, row: Any) -> None:
        for name in (*SOURCES, "recovered", "deaths"):
            setattr(self, name, getattr(self, name) + getattr(row, name))


@dataclass
class Area:
    """The city, or one district (``code`` None: cases whose district is not known)."""

    code: str | None
    name: str
    population: int
    total: Tally = field(default_factory=Tally)
    last_7: int = 0
    last_14: int = 0
    last_case_on: dt.date | None = None
    last_community_on: dt.date | None = None

    def per_100k(self, cases: int) -> float | None:
        return None if not self.population else round(cases * PER / self.population, 1)

    def days_since(self, day: dt.date | None, on: dt.date) -> int | None:
        return None if day is None else (on - day).days


@dataclass(frozen=True)
class ClusterFigure:
    """A cluster as the public hears of it: its name, kind, how many cases, when."""

    name: str
    kind: str
    cases: int
    first_on: dt.date
    last_on: dt.date


SHOWN_CLUSTERS = 20


def clusters(session: Session, on: dt.date) -> list[ClusterFigure]:
    """The clusters with at least 5 counted cases by ``on``, latest first — never a
    household (a family is not news), never a smaller one (it could name its people)."""
    confirmed = Case.confirmed_on
    rows = session.execute(
        select(
            Cluster.name,
            Cluster.kind,
            func.count(Case.id),
            func.min(confirmed),
            func.max(confirmed),
        )
        .join(ClusterCase, ClusterCase.cluster_id == Cluster.id)
        .join(Case, Case.id == ClusterCase.case_id)
        .where(
            Cluster.kind != ClusterKind.household,
            Case.status.in_(COUNTED),
            confirmed.is_not(None),
            confirmed <= on,
        )
        .group_by(Cluster.id, Cluster.name, Cluster.kind)
        .having(func.count(Case.id) >= SMALL)
        .order_by(func.max(confirmed).desc(), Cluster.name)
        .limit(SHOWN_CLUSTERS)
    )
    return [
        ClusterFigure(name, kind.value, int(count), first, last)
        for name, kind, count, first, last in rows
        if first is not None and last is not None  # a counted case has its date
    ]


@dataclass
class Dashboard:
    on: dt.date
    version: int
    refreshed_at: dt.datetime | None
    city: Area
    districts: list[Area]
    unknown: Area  # the city's cases whose district is not known
    days: list[dt.date]
    series: dict[str, list[int]]  # source → new cases per day of ``days``
    in_isolation: int
    clusters: list[ClusterFigure]
    no_outcome: int = 0  # of those under treatment: confirmed before ``no_outcome_before``
    no_outcome_before: dt.date | None = None


def _units(session: Session) -> tuple[AdminUnit | None, dict[int, AdminUnit]]:
    """The city and its districts by id."""
    city = session.scalar(select(AdminUnit).where(AdminUnit.code == get_settings().city_code))
    districts = {
        u.id: u
        for u in session.scalars(select(AdminUnit).where(AdminUnit.level == UnitLevel.district))
    }
    return city, districts


def _note(area: Area, row: Any, on: dt.date) -> None:
    area.total.add(row)
    new = row.community + row.imported + row.in_quarantine + row.unclassified
    if not new:
        return
    age = (on - row.day).days
    area.last_7 += new if age < 7 else 0
    area.last_14 += new if age < 14 else 0
    if area.last_case_on is None or row.day > area.last_case_on:
        area.last_case_on = row.day
    if row.community and (area.last_community_on is None or row.day > area.last_community_on):
        area.last_community_on = row.day


def in_isolation(session: Session, on: dt.date) -> int:
    """People under an isolation order in force on the day (home monitoring included)."""
    o = IsolationOrder
    count = session.scalar(
        select(func.count()).where(
            o.status == OrderStatus.confirmed,
            o.starts_on <= on,
            or_(o.ends_on >= on, o.monitor_until >= on),
        )
    )
    return int(count or 0)


def without_outcome(session: Session, on: dt.date) -> tuple[int, dt.date]:
    """The city's cases still counted under treatment on ``on`` though confirmed more than
    ``NO_OUTCOME_AFTER_DAYS`` before it, and that day."""
    before = on - dt.timedelta(days=NO_OUTCOME_AFTER_DAYS)
    recovered_later = or_(Case.discharged_on.is_(None), Case.discharged_on > on)
    died_later = or_(Case.died_on.is_(None), Case.died_on > on)
    still = or_(
        Case.status == CaseStatus.confirmed,
        (Case.status == CaseStatus.recovered) & recovered_later,
        (Case.status == CaseStatus.died) & died_later,
    )
    count = session.scalar(
        select(func.count()).select_from(Case).where(of_city(), still, Case.confirmed_on < before)
    )
    return int(count or 0), before


def _by_district(on: dt.date) -> Select[Any]:
    """The counts up to ``on`` summed per district and day in the database (a district is
    the ward's parent; ``NO_WARD`` has none): tens of thousands of rows read as a few
    thousand."""
    ward = aliased(AdminUnit)
    district = func.coalesce(ward.parent_id, -1).label("district")
    sums = [func.sum(getattr(DailyCount, c)).label(c) for c in (*SOURCES, "recovered", "deaths")]
    return (
        select(district, DailyCount.day, *sums)
        .outerjoin(ward, ward.id == DailyCount.ward_id)
        .where(DailyCount.day <= on)
        .group_by(district, DailyCount.day)
    )


def dashboard(session: Session, *, on: dt.date) -> Dashboard:
    """Every figure of the dashboard as of ``on`` (the counts of later days left out)."""
    city_unit, district_units = _units(session)
    districts = {
        d.id: Area(d.code, d.name, d.population)
        for d in sorted(district_units.values(), key=lambda u: u.code)
    }
    population = sum(a.population for a in districts.values())
    city = Area(
        city_unit.code if city_unit else None, city_unit.name if city_unit else "", population
    )
    unknown = Area(None, "", 0)
    by_day: dict[dt.date, list[int]] = defaultdict(lambda: [0] * len(SOURCES))
    for row in session.execute(_by_district(on)):
        _note(districts.get(row.district) or unknown, row, on)
        _note(city, row, on)
        tally = by_day[row.day]
        for i, source in enumerate(SOURCES):
            tally[i] += getattr(row, source)
    days = _span(sorted(d for d, t in by_day.items() if any(t)), on)
    series = {s: [by_day[d][i] if d in by_day else 0 for d in days] for i, s in enumerate(SOURCES)}
    version, refreshed_at = freshness(session)
    no_outcome, before = without_outcome(session, on)
    return Dashboard(
        on=on,
        version=version,
        refreshed_at=refreshed_at,
        city=city,
        districts=list(districts.values()),
        unknown=unknown,
        days=days,
        series=series,
        in_isolation=in_isolation(session, on),
        clusters=clusters(session, on),
        no_outcome=no_outcome,
        no_outcome_before=before,
    )


def _span(case_days: list[dt.date], on: dt.date) -> list[dt.date]:
    """Every day from the first case to ``on`` (none before the first case)."""
    if not case_days:
        return []
    first = case_days[0]
    return [first + dt.timedelta(days=n) for n in range((on - first).days + 1)]


def rt_windows(board: Dashboard) -> list[WindowEstimate]:
    """Rt over the city's daily series (local: community, in quarantine and unclassified;
    imported cases infect but are not counted as infected here), by confirmation date."""
    if len(board.days) < 9:
        return []
    local = [
        c + q + u
        for c, q, u in zip(
            board.series["community"],
            board.series["in_quarantine"],
            board.series["unclassified"],
            strict=True,
        )
    ]
    return estimate(Incidence.of(board.days[0], local, board.series["imported"]), covid19())
