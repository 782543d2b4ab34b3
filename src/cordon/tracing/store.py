"""The tier engine's reads and writes on the database (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, delete, literal_column, select, tuple_, union
from sqlalchemy.orm import Session

from cordon.cases.enums import F0_STATUSES
from cordon.cases.models import Case
from cordon.core.bulk import insert_rows, table_of
from cordon.core.dates import EPOCH
from cordon.core.sql import member_of
from cordon.exposures.enums import Closeness
from cordon.exposures.models import CLOSE_ONLY, Exposure
from cordon.tracing.incremental import Edge, Label
from cordon.tracing.models import TierLabel
from cordon.tracing.policy import TierPolicy, TierRules

T = TypeVar("T")
CHUNK = 5000
_EPOCH_ORDINAL = EPOCH.toordinal()


def day(d: dt.date) -> int:
    return d.toordinal() - _EPOCH_ORDINAL


def date_of(n: int) -> dt.date:
    return dt.date.fromordinal(n + _EPOCH_ORDINAL)


def chunks(items: Collection[T], size: int = CHUNK) -> Iterator[list[T]]:
    seq = list(items)
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def window_start(rules: TierRules, case: Case) -> int | None:
    start = rules.window_start(
        onset_on=case.onset_on, sample_on=case.sample_on, confirmed_on=case.confirmed_on
    )
    return None if start is None else day(start)


class SqlView:
    """``incremental.TracingView`` on the registry tables."""

    def __init__(self, session: Session, policy: TierPolicy, *, as_of: dt.date) -> None:
        self.session = session
        self.policy = policy
        current = policy.in_force(as_of)
        self.max_depth = current.max_depth
        self.closeness = sorted(c.value for c in current.counted_closeness)
        self.dialect = session.get_bind().dialect.name

    def _in(self, column: Any, ids: Collection[int]) -> ColumnElement[bool]:
        return member_of(self.dialect, column, ids)

    def edges_of(self, persons: Collection[int]) -> list[Edge]:
        found: dict[int, Edge] = {}
        cols = (
            Exposure.id,
            Exposure.person_id,
            Exposure.contact_id,
            Exposure.first_on,
            Exposure.last_on,
        )
        counted = self._counted()
        for part in chunks(persons):
            query = union(
                select(*cols).where(self._in(Exposure.person_id, part), counted),
                select(*cols).where(self._in(Exposure.contact_id, part), counted),
            )
            for eid, a, b, first, last in self.session.connection().execute(query):
                found[eid] = Edge(eid, a, b, day(first), day(last))
        return list(found.values())

    def counted_sql(self, *, literal: bool) -> str:
        """Which exposures count, as SQL text for the whole-city load; ``literal`` lets the
        partial indexes of close exposures serve it."""
        if literal and self.closeness == [Closeness.close.value]:
            return CLOSE_ONLY
        return "closeness IN (" + ", ".join(f"'{c}'" for c in self.closeness) + ")"

    def _counted(self) -> ColumnElement[bool]:
        """Which exposures count. For the usual policy (close only) the predicate is written
        as a literal, so both databases can use the partial covering indexes of close
        exposures (a bound parameter would hide that it matches their condition)."""
        if self.closeness == [Closeness.close.value]:
            return literal_column(CLOSE_ONLY)
        return Exposure.closeness.in_(self.closeness)

    def ends_of(self, persons: Collection[int]) -> dict[int, int]:
        """The day each person was isolated (their cases' isolation dates)."""
        ends: dict[int, int] = {}
        for part in chunks(persons):
            rows = self.session.connection().execute(
                select(Case.person_id, Case.isolated_on).where(
                    self._in(Case.person_id, part), Case.isolated_on.is_not(None)
                )
            )
            for person, isolated in rows:
                if isolated is not None:
                    ends[person] = min(ends.get(person, 2**31 - 1), day(isolated))
        return ends

    def sources_of(self, persons: Collection[int]) -> dict[int, tuple[int, int]]:
        """F0s among ``persons``: the first day of their window and the case that makes it."""
        out: dict[int, tuple[int, int]] = {}
        for part in chunks(persons):
            cases = self.session.scalars(
                select(Case).where(self._in(Case.person_id, part), Case.status.in_(F0_STATUSES))
            )
            for case in cases:
                start = self._start(case)
                if start is not None and (
                    case.person_id not in out or start < out[case.person_id][0]
                ):
                    out[case.person_id] = (start, case.id)
        return out

    def _start(self, case: Case) -> int | None:
        reference = case.onset_on or case.sample_on or case.confirmed_on
        if reference is None:
            return None
        return window_start(self.policy.in_force(reference), case)

    def _labels(self, column: Any, keys: Collection[int]) -> Iterator[Label]:
        """Labels whose ``column`` is one of ``keys``, as plain tuples (no ORM objects)."""
        t = TierLabel.__table__.c
        conn = self.session.connection()
        for part in chunks(keys):
            query = select(
                t.person_id,
                t.level,
                t.exposed_on,
                t.source_case_id,
                t.via_person_id,
                t.via_exposure_id,
            ).where(self._in(column, part))
            for p, k, on, src, vp, ve in conn.execute(query):
                yield Label(p, k, day(on), src, vp, ve)

    def labels_of(self, persons: Collection[int]) -> dict[int, list[Label]]:
        out: dict[int, list[Label]] = {}
        for lab in self._labels(TierLabel.__table__.c.person_id, persons):
            out.setdefault(lab.person, []).append(lab)
        return out

    def children_of(self, parents: Collection[tuple[int, int]]) -> list[Label]:
        wanted = set(parents)
        return [
            lab
            for lab in self._labels(TierLabel.__table__.c.via_person_id, {p for p, _ in wanted})
            if (lab.via_person, lab.level - 1) in wanted
        ]

    def labels_via_exposures(self, exposure_ids: Collection[int]) -> list[Label]:
        return list(self._labels(TierLabel.__table__.c.via_exposure_id, exposure_ids))

    def save(self, persons: Collection[int], labels: Collection[Label]) -> None:
        conn = self.session.connection()
        for part in chunks(persons):
            conn.execute(delete(table_of(TierLabel)).where(self._in(TierLabel.person_id, part)))
        if labels:
            insert_rows(
                self.session, TierLabel, LABEL_COLUMNS, [label_tuple(lab) for lab in labels]
            )


def delete_labels(session: Session, keys: Collection[tuple[int, int]]) -> None:
    for part in chunks(keys, 500):
        session.execute(
            delete(TierLabel).where(tuple_(TierLabel.person_id, TierLabel.level).in_(part))
        )


CHANGE_COLUMNS = (
    "person_id",
    "old_tier",
    "new_tier",
    "changed_at",
    "cause",
    "source_case_id",
    "via_person_id",
    "via_exposure_id",
)
LABEL_COLUMNS = (
    "person_id",
    "level",
    "exposed_on",
    "source_case_id",
    "via_person_id",
    "via_exposure_id",
)


def label_tuple(lab: Label) -> tuple[Any, ...]:
    return (
        lab.person,
        lab.level,
        date_of(lab.day),
        lab.source_case,
        lab.via_person,
        lab.via_exposure,
    )


def case_persons(session: Session, case_ids: Sequence[int]) -> list[int]:
    out: list[int] = []
    for part in chunks(case_ids):
        out.extend(session.scalars(select(Case.person_id).where(Case.id.in_(part))))
    return out


def edges_by_id(session: Session, exposure_ids: Sequence[int], closeness: list[str]) -> list[Edge]:
    out: list[Edge] = []
    for part in chunks(exposure_ids):
        rows = session.execute(
            select(
                Exposure.id,
                Exposure.person_id,
                Exposure.contact_id,
                Exposure.first_on,
                Exposure.last_on,
            ).where(and_(Exposure.id.in_(part), Exposure.closeness.in_(closeness)))
        )
        out.extend(Edge(i, a, b, day(f), day(la)) for i, a, b, f, la in rows)
    return out
