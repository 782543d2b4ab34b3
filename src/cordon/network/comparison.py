"""The partner cities side by side: each city's reports over time, per 100,000 people —
cases in the last 7 days, Rt, days since the last community case, beds free — from the
reports this city sent and those its partners sent it (the latest of each day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.network.enums import ReportStatus
from cordon.network.models import Peer, SituationReport
from cordon.network.service import this_node

PER = 100_000


@dataclass(frozen=True)
class CityDay:
    as_of: dt.date
    cases_7_per_100k: float | None
    rt_mean: float | None
    days_since_community_case: int | None
    beds_free: int | None


@dataclass
class City:
    """One city's figures on each day of the view (None: no report that day), as columns
    that a chart or a table reads directly."""

    node_id: str
    name: str
    ours: bool
    population: int | None
    cases_7_per_100k: list[float | None]
    rt_mean: list[float | None]
    days_since_community_case: list[int | None]
    beds_free: list[int | None]
    latest: CityDay | None = None


@dataclass
class SideBySide:
    days: list[dt.date]  # from ``since`` to ``until``, every day
    cities: list[City] = field(default_factory=list)


def _city(node_id: str, name: str, ours: bool, population: int | None, n: int) -> City:
    return City(node_id, name, ours, population, [None] * n, [None] * n, [None] * n, [None] * n)


def side_by_side(session: Session, *, since: dt.date, until: dt.date) -> SideBySide:
    """Every city with a report from ``since`` to ``until``: this one first, then the
    partners by name; a later report of a day replaces an earlier one."""
    n = (until - since).days + 1
    me = this_node(session)
    cities: dict[int | None, City] = {
        None: _city(me.node_id, me.name, True, me.population, n)
        if me
        else _city("", "", True, None, n)
    }
    for peer in session.scalars(select(Peer).order_by(Peer.name)):
        cities[peer.id] = _city(peer.node_id, peer.name, False, peer.population, n)
    last: dict[int | None, int] = {}
    r = SituationReport
    rows = session.execute(
        select(
            r.peer_id,
            r.as_of,
            r.population,
            r.new_last_7,
            r.rt_mean,
            r.days_since_community_case,
            r.beds_free,
        )
        .where(
            r.as_of >= since,
            r.as_of <= until,
            r.status.in_((ReportStatus.sent, ReportStatus.received)),
        )
        .order_by(r.peer_id, r.as_of, r.id)
    )
    for peer_id, as_of, population, new_7, rt_mean, since_community, beds in rows:
        city, i = cities[peer_id], (as_of - since).days
        people = population or city.population
        city.population = people
        city.cases_7_per_100k[i] = round(new_7 * PER / people, 1) if people else None
        city.rt_mean[i] = rt_mean
        city.days_since_community_case[i] = since_community
        city.beds_free[i] = beds
        last[peer_id] = i
    days = [since + dt.timedelta(days=k) for k in range(n)]
    for peer_id, i in last.items():
        c = cities[peer_id]
        c.latest = CityDay(
            days[i],
            c.cases_7_per_100k[i],
            c.rt_mean[i],
            c.days_since_community_case[i],
            c.beds_free[i],
        )
    return SideBySide(days, [c for key, c in cities.items() if key in last])
