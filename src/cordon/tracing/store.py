"""The tier engine's reads and writes on the database (SQLite or PostgreSQL).

A cascade asks, level by level, for the contacts, isolation days and labels of a few hundred
or thousand people. Each question is ONE statement over the whole set, sent on the driver's
cursor inside the session's transaction: no ORM rows, no per-batch round trips, dates turned
into day numbers through a small memo (ADR 0005).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Dialect, and_, delete, select, tuple_, update
from sqlalchemy.orm import Session

from cordon.cases.enums import F0_STATUSES
from cordon.cases.models import Case
from cordon.core.bulk import table_of
from cordon.core.dates import EPOCH
from cordon.exposures.enums import Closeness
from cordon.exposures.models import CLOSE_ONLY, Exposure
from cordon.tracing.incremental import NEVER, Edge, Label, TierMove
from cordon.tracing.models import PersonTier, TierChange, TierLabel
from cordon.tracing.policy import TierPolicy, TierRules

T = TypeVar("T")
CHUNK = 5000
_EPOCH_ORDINAL = EPOCH.toordinal()
_DAYS: dict[object, int] = {}  # a date as the driver returns it (date or ISO text) → day


def day(d: dt.date) -> int:
    return d.toordinal() - _EPOCH_ORDINAL


def date_of(n: int) -> dt.date:
    return dt.date.fromordinal(n + _EPOCH_ORDINAL)


def day_of(value: dt.date | str) -> int:
    """A date column's value from the driver (a date on PostgreSQL, ISO text on SQLite)."""
    n = _DAYS.get(value)
    if n is None:
        n = day(dt.date.fromisoformat(value) if isinstance(value, str) else value)
        _DAYS[value] = n
    return n


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
    """``incremental.TracingView`` on the registry tables, for ONE cascade: contacts, isolation
    days and F0 windows are remembered per person (a cascade changes labels only)."""

    def __init__(self, session: Session, policy: TierPolicy, *, as_of: dt.date) -> None:
        self.session = session
        self.policy = policy
        current = policy.in_force(as_of)
        self.max_depth = current.max_depth
        self.closeness = sorted(c.value for c in current.counted_closeness)
        self.sql = Statements(session.get_bind().dialect, self.counted_sql(literal=True))
        self._edges: dict[int, list[Edge]] = {}
        self._ends: dict[int, int] = {}
        self._sources: dict[int, tuple[int, int] | None] = {}
        self._touched: set[int] = set()  # people whose labels were saved, until recorded

    def _rows(self, sql: str, ids: Collection[int]) -> list[tuple[Any, ...]]:
        if not ids:
            return []
        with self._cursor() as cursor:
            cursor.execute(sql, self.sql.ids(ids))
            return list(cursor.fetchall())

    def edges_of(self, persons: Collection[int]) -> list[Edge]:
        """The counted exposures of ``persons``; their isolation days come with them, in the
        same round trip (a cascade asks for both, about the same people)."""
        missing = {p for p in persons if p not in self._edges}
        for p in missing:
            self._edges[p] = []
            self._ends[p] = NEVER
        for eid, a, b, first, last in self._rows(self.sql.edges, missing):
            if eid is None:  # an isolation day: (None, person, None, day, None)
                self._ends[a] = day_of(first)
                continue
            edge = Edge(eid, a, b, day_of(first), day_of(last))
            for p in (a, b):
                if p in missing:
                    self._edges[p].append(edge)
        found = {edge.id: edge for p in persons for edge in self._edges[p]}
        return list(found.values())

    def counted_sql(self, *, literal: bool) -> str:
        """Which exposures count, as SQL text; ``literal`` lets the partial indexes of close
        exposures serve it (a bound parameter would hide that it matches their condition)."""
        if literal and self.closeness == [Closeness.close.value]:
            return CLOSE_ONLY
        return "closeness IN (" + ", ".join(f"'{c}'" for c in self.closeness) + ")"

    def ends_of(self, persons: Collection[int]) -> dict[int, int]:
        """The day each person was isolated (their cases' isolation dates)."""
        missing = {p for p in persons if p not in self._ends}
        for p in missing:
            self._ends[p] = NEVER
        for person, isolated in self._rows(self.sql.ends, missing):
            self._ends[person] = day_of(isolated)
        return {p: self._ends[p] for p in persons if self._ends[p] != NEVER}

    def sources_of(self, persons: Collection[int]) -> dict[int, tuple[int, int]]:
        """F0s among ``persons``: the first day of their window and the case that makes it."""
        missing = {p for p in persons if p not in self._sources}
        for p in missing:
            self._sources[p] = None
        for part in chunks(missing):
            cases = self.session.scalars(
                select(Case).where(Case.person_id.in_(part), Case.status.in_(F0_STATUSES))
            )
            for case in cases:
                start = self._start(case)
                have = self._sources[case.person_id]
                if start is not None and (have is None or start < have[0]):
                    self._sources[case.person_id] = (start, case.id)
        return {p: source for p in persons if (source := self._sources[p]) is not None}

    def _start(self, case: Case) -> int | None:
        reference = case.onset_on or case.sample_on or case.confirmed_on
        if reference is None:
            return None
        return window_start(self.policy.in_force(reference), case)

    def _labels(self, sql: str, keys: Collection[int]) -> list[Label]:
        return [
            Label(p, k, day_of(on), src, vp, ve)
            for p, k, on, src, vp, ve in self._rows(sql, set(keys))
        ]

    def labels_of(self, persons: Collection[int]) -> dict[int, list[Label]]:
        out: dict[int, list[Label]] = {}
        for lab in self._labels(self.sql.labels_of, persons):
            out.setdefault(lab.person, []).append(lab)
        return out

    def children_of(self, parents: Collection[tuple[int, int]]) -> list[Label]:
        wanted = set(parents)
        return [
            lab
            for lab in self._labels(self.sql.children_of, {p for p, _ in wanted})
            if (lab.via_person, lab.level - 1) in wanted
        ]

    def labels_via_exposures(self, exposure_ids: Collection[int]) -> list[Label]:
        return self._labels(self.sql.labels_via, exposure_ids)

    def save(self, removed: Collection[tuple[int, int]], written: Collection[Label]) -> None:
        with self._cursor() as cursor:
            self.sql.save(cursor, removed, written)
        self._touched.update(p for p, _ in removed)
        self._touched.update(lab.person for lab in written)

    def record(self, moves: Collection[TierMove], *, cause: str, at: dt.datetime) -> None:
        """The tier history: one row per move, all at the same moment for the same cause;
        then the exposure day of everyone whose labels were saved."""
        if moves:
            when = table_of(TierChange).c.changed_at.type._cached_bind_processor(self.sql.dialect)
            with self._cursor() as cursor:
                self.sql.record(cursor, moves, cause, when(at) if when else at)
        if self._touched:
            keep_exposure_days(self.session, self._touched)
            self._touched.clear()

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        """The driver's cursor, inside the session's transaction."""
        raw: Any = self.session.connection().connection.dbapi_connection
        cursor = raw.cursor()
        try:
            yield cursor
        finally:
            cursor.close()


class Statements:
    """The cascade's SQL in one dialect: an id set is one parameter, ``:ids``/``%(ids)s`` (a
    JSON array read by ``json_each`` on SQLite, an array on PostgreSQL)."""

    def __init__(self, dialect: Dialect, counted: str) -> None:
        self.dialect = dialect
        self.pg = dialect.name == "postgresql"
        member = "= ANY(%(ids)s::int8[])" if self.pg else "IN (SELECT value FROM json_each(:ids))"
        edge = "SELECT id, person_id, contact_id, first_on, last_on FROM exposures WHERE "
        isolated = (
            f"FROM cases WHERE person_id {member} AND isolated_on IS NOT NULL GROUP BY person_id"
        )
        self.ends = f"SELECT person_id, MIN(isolated_on) {isolated}"
        # two index scans, not an OR (which neither planner serves from the two indexes); the
        # people's isolation days ride along as rows without an exposure id
        self.edges = (
            f"{edge}person_id {member} AND {counted} "
            f"UNION ALL {edge}contact_id {member} AND {counted} "
            f"UNION ALL SELECT NULL, person_id, NULL, MIN(isolated_on), NULL {isolated}"
        )
        labels = f"SELECT {', '.join(LABEL_COLUMNS)} FROM tier_labels WHERE "
        self.labels_of = f"{labels}person_id {member}"
        self.children_of = f"{labels}via_person_id {member}"
        self.labels_via = f"{labels}via_exposure_id {member}"

    def ids(self, ids: Collection[int]) -> dict[str, Any]:
        values = [int(i) for i in ids]
        return {"ids": values if self.pg else json.dumps(values)}

    def save(
        self, cursor: Any, removed: Collection[tuple[int, int]], written: Collection[Label]
    ) -> None:
        """Delete the labels ``removed`` (person, level); write ``written`` over any label of
        the same person and level. One statement each on PostgreSQL (arrays), one
        ``executemany`` each on SQLite."""
        upsert = (
            f"INSERT INTO tier_labels ({', '.join(LABEL_COLUMNS)}) {{rows}} "
            "ON CONFLICT (person_id, level) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in LABEL_COLUMNS[2:])
        )
        if self.pg:
            self._save_pg(cursor, upsert, removed, written)
            return
        if removed:
            cursor.executemany("DELETE FROM tier_labels WHERE person_id = ? AND level = ?", removed)
        if written:
            rows = [
                (lab.person, lab.level, date_of(lab.day).isoformat(), *_links(lab))
                for lab in written
            ]
            cursor.executemany(upsert.format(rows="VALUES (?, ?, ?, ?, ?, ?)"), rows)

    def record(self, cursor: Any, moves: Collection[TierMove], cause: str, at: Any) -> None:
        """The moves into the tier history, and each person's tier now into ``person_tiers``
        (with the person's ward)."""
        insert = f"INSERT INTO tier_changes ({', '.join(CHANGE_COLUMNS)}) "
        rows = [_move_row(m) for m in moves]
        gone = [(p,) for p, _, n, *_ in rows if n is None]
        # each mover's tier row carries the day of the label that gives it (``exposed_on``)
        days = {m.person: m.after.day for m in moves if m.after is not None}
        now = [(p, n, days[p]) for p, _, n, *_ in rows if n is not None]
        if self.pg:
            cursor.execute(insert + _PG_MOVE_ROWS, [at, cause, *map(list, zip(*rows, strict=True))])
            if gone:
                cursor.execute(
                    "DELETE FROM person_tiers WHERE person_id = ANY(%s::int8[])",
                    ([p for (p,) in gone],),
                )
            if now:
                cursor.execute(
                    _TIERS_UPSERT.format(rows=_PG_TIER_ROWS),
                    (at, *map(list, zip(*now, strict=True))),
                )
            return
        cursor.executemany(
            insert + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(p, o, n, at, cause, c, vp, ve) for p, o, n, c, vp, ve in rows],
        )
        cursor.executemany("DELETE FROM person_tiers WHERE person_id = ?", gone)
        cursor.executemany(
            _TIERS_UPSERT.format(rows=_SQLITE_TIER_ROW),
            [(p, n, at, p, date_of(d).isoformat()) for p, n, d in now],
        )

    @staticmethod
    def _save_pg(
        cursor: Any, upsert: str, removed: Collection[tuple[int, int]], written: Collection[Label]
    ) -> None:
        if removed:
            persons, levels = zip(*removed, strict=True)
            cursor.execute(
                "DELETE FROM tier_labels t USING unnest(%s::int8[], %s::int2[]) AS gone(p, k) "
                "WHERE t.person_id = gone.p AND t.level = gone.k",
                (list(persons), list(levels)),
            )
        if written:
            cursor.execute(
                upsert.format(rows=_PG_LABEL_ROWS),
                [
                    [lab.person for lab in written],
                    [lab.level for lab in written],
                    [lab.day for lab in written],
                    [lab.source_case for lab in written],
                    [lab.via_person for lab in written],
                    [lab.via_exposure for lab in written],
                ],
            )


_PG_LABEL_ROWS = (
    f"SELECT p, k, DATE '{EPOCH.isoformat()}' + d, c, vp, ve FROM unnest(%s::int8[], "
    "%s::int2[], %s::int4[], %s::int8[], %s::int8[], %s::int8[]) AS w(p, k, d, c, vp, ve)"
)


_TIERS_UPSERT = (
    "INSERT INTO person_tiers (person_id, tier, since, ward_id, exposed_on) {rows} "
    "ON CONFLICT (person_id) DO UPDATE SET tier = excluded.tier, since = excluded.since, "
    "ward_id = excluded.ward_id, exposed_on = excluded.exposed_on"
)
_SQLITE_TIER_ROW = "VALUES (?, ?, ?, (SELECT ward_id FROM people WHERE id = ?), ?)"
_PG_TIER_ROWS = (
    f"SELECT t.p, t.n, %s, people.ward_id, DATE '{EPOCH.isoformat()}' + t.d "
    "FROM unnest(%s::int8[], %s::int2[], %s::int4[]) AS t(p, n, d) "
    "LEFT JOIN people ON people.id = t.p"
)


_PG_MOVE_ROWS = (
    "SELECT p, o, n, %s, %s, c, vp, ve FROM unnest(%s::int8[], %s::int2[], %s::int2[], "
    "%s::int8[], %s::int8[], %s::int8[]) AS m(p, o, n, c, vp, ve)"
)


def _move_row(
    m: TierMove,
) -> tuple[int, int | None, int | None, int | None, int | None, int | None]:
    old, new = m.before, m.after
    if new is None:
        return m.person, old.level if old else None, None, None, None, None
    return m.person, old.level if old else None, new.level, *_links(new)


def _links(lab: Label) -> tuple[int, int | None, int | None]:
    return lab.source_case, lab.via_person, lab.via_exposure


def keep_exposure_days(session: Session, persons: Collection[int] | None) -> None:
    """Copy onto ``person_tiers`` the day of the label that gives each of ``persons`` their
    tier (``None``: everyone's) — after the labels and tiers of a cascade or a whole-city
    pass are written. Only rows whose day differs are written: a cascade's movers have theirs
    already (written with their tier), and on PostgreSQL every row updated is a new row
    version with its index entries."""
    tiers, labels = table_of(PersonTier), table_of(TierLabel)
    day = (
        select(labels.c.exposed_on)
        .where(labels.c.person_id == tiers.c.person_id, labels.c.level == tiers.c.tier)
        .scalar_subquery()
    )
    stale = tiers.c.exposed_on.is_distinct_from(day)
    if persons is None:
        session.execute(update(tiers).where(stale).values(exposed_on=day))
        return
    for part in chunks(sorted(persons)):
        chosen = tiers.c.person_id.in_(part)
        session.execute(update(tiers).where(chosen, stale).values(exposed_on=day))


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
