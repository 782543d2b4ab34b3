"""The registry's cases as an incidence series for the Rt estimator: confirmed cases (and
those since recovered or dead) counted by day, local apart from imported, for the city or one
of its districts or wards. Read only; counts, never a person.

Which day a case counts on (``DateBasis``):

- ``onset`` (the default): the day of symptom onset, as the method expects (the serial
  interval runs from onset to onset). A case with no onset — asymptomatic, or not asked —
  counts on the day its positive sample was taken, failing that on its confirmation day.
  Those fallbacks come a few days after the infection an onset would have shown, so a
  series with many of them runs a little late.
- ``confirmed``: the day of confirmation for every case: one delay for all (Rt then runs
  later by the delay from onset to confirmation), and the only choice when onsets are
  rarely recorded.

Local or imported, from the case's classification: ``imported`` is imported; ``community``
and ``in_quarantine`` are local (infected here, whatever the place they were found), and so is
a case not yet classified. A case found in quarantine was infected by someone here, so it
belongs among the local cases; one may argue it infected fewer people than a community case
(it was isolated), which the method cannot express (docs/rt.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Date, func, select, type_coerce
from sqlalchemy.orm import Session

from cordon.cases.enums import F0_STATUSES, Classification
from cordon.cases.models import Case
from cordon.core.errors import N_, InvalidInput
from cordon.geography import service as geography
from cordon.geography.enums import UnitLevel
from cordon.rt.enums import DateBasis
from cordon.rt.estimate import Incidence


def _wards(session: Session, area: str | None) -> set[int] | None:
    """The ward ids of the unit with code ``area``; None for the whole city."""
    if area is None:
        return None
    unit = geography.unit_by_code(session, area)
    if unit is None:
        raise InvalidInput.on(
            "area", N_("no city, district or ward has the code %(code)s"), code=area
        )
    if unit.level == UnitLevel.city:
        return None
    return geography.subtree_ids(session, unit.id)


def daily_counts(
    session: Session, *, area: str | None = None, basis: DateBasis = DateBasis.onset
) -> dict[dt.date, tuple[int, int]]:
    """Cases by day: (local, imported), only the days with a case."""
    on = (
        func.coalesce(Case.onset_on, Case.sample_on, Case.confirmed_on)
        if basis == DateBasis.onset
        else Case.confirmed_on
    )
    day = type_coerce(on, Date).label("day")
    query = (
        select(day, Case.classification, func.count())
        .where(Case.status.in_(sorted(F0_STATUSES)), day.is_not(None))
        .group_by(day, Case.classification)
    )
    wards = _wards(session, area)
    if wards is not None:
        query = query.where(Case.ward_id.in_(sorted(wards)))
    counts: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for when, classification, n in session.execute(query):
        counts[when][classification == Classification.imported] += n
    return {d: (c[0], c[1]) for d, c in sorted(counts.items())}


def incidence(
    session: Session,
    *,
    area: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    basis: DateBasis = DateBasis.onset,
) -> Incidence:
    """The daily series from ``since`` (default: the first day with a case) to ``until``
    (default: the last day with a case), days with no case as zeros."""
    counts = daily_counts(session, area=area, basis=basis)
    if since is not None and until is not None and since > until:
        raise InvalidInput.on("until", N_("is before since (%(since)s)"), since=since)
    first = since or next(iter(counts), None)
    last = until or next(reversed(counts), None)
    if first is None or last is None or not any(first <= d <= last for d in counts):
        raise InvalidInput.on("area", N_("has no confirmed case in these dates"))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    local = [counts.get(d, (0, 0))[0] for d in days]
    imported = [counts.get(d, (0, 0))[1] for d in days]
    return Incidence.of(first, local, imported)
