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
    node_id: str
    name: str
    ours: bool
    population: int | None = None
    days: list[CityDay] = field(default_factory=list)

    @property
    def latest(self) -> CityDay | None:
        return self.days[-1] if self.days else None


def side_by_side(session: Session, *, since: dt.date, until: dt.date) -> list[City]:
    """Every city with a report from ``since`` to ``until``: this one first, then the
    partners by name; each city's days in order."""
    me = this_node(session)
    cities: dict[int | None, City] = {
        None: City(
            me.node_id if me else "", me.name if me else "", True, me.population if me else None
        )
    }
    for peer in session.scalars(select(Peer).order_by(Peer.name)):
        cities[peer.id] = City(peer.node_id, peer.name, False, peer.population)
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
        city = cities[peer_id]
        people = population or city.population
        city.population = people
        day = CityDay(
            as_of,
            round(new_7 * PER / people, 1) if people else None,
            rt_mean,
            since_community,
            beds,
        )
        if city.days and city.days[-1].as_of == as_of:
            city.days[-1] = day  # a later report of the same day replaces it
        else:
            city.days.append(day)
    return [c for c in cities.values() if c.days]
