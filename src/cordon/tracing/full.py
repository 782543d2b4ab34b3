"""Whole-city tier recomputation: load the contact graph into arrays, compute, write the diff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from cordon.cases.enums import F0_STATUSES
from cordon.cases.models import Case
from cordon.core.bulk import insert_rows, table_of
from cordon.core.models import utcnow
from cordon.people.models import Person
from cordon.tracing import engine
from cordon.tracing.models import PersonTier, TierChange, TierLabel
from cordon.tracing.store import (
    CHANGE_COLUMNS,
    LABEL_COLUMNS,
    SqlView,
    chunks,
    date_of,
    delete_labels,
    keep_exposure_days,
    window_start,
)

FETCH = 500_000


@dataclass(frozen=True)
class Diff:
    labels: int
    written: int
    deleted: int
    moves: int
    moved: tuple[tuple[int, int | None], ...] = ()  # (person, new tier or None)


def _days(session: Session, column: str) -> str:
    """A date column as a 64-bit count of days since 1970-01-01, computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
    return f"CAST(({column} - DATE '1970-01-01') AS BIGINT)"


LOW32 = np.int64(0xFFFFFFFF)


def _fetch(session: Session, sql: str, width: int) -> npt.NDArray[np.int64]:
    """An all-integer, NULL-free query straight into an (n, width) array, inside the session's
    transaction."""
    raw: Any = session.connection().connection.dbapi_connection
    if session.get_bind().dialect.name == "postgresql":
        return _copy_binary(raw, sql, width)
    cursor = raw.cursor()  # the driver's own rows are tuples, which numpy takes at C speed
    try:
        cursor.execute(sql)
        parts = []
        while rows := cursor.fetchmany(FETCH):
            parts.append(np.array(rows, dtype=np.int64).reshape(-1, width))
    finally:
        cursor.close()
    return np.concatenate(parts) if parts else np.empty((0, width), dtype=np.int64)


def _copy_binary(raw: Any, sql: str, width: int) -> npt.NDArray[np.int64]:
    """PostgreSQL's binary COPY of bigint columns: every row is the same size, so the whole
    stream is one big-endian structured array (header 19 bytes + extension, trailer 2)."""
    names = ", ".join(f"c{i}" for i in range(width))
    casts = ", ".join(f"c{i}::int8" for i in range(width))
    statement = f"COPY (SELECT {casts} FROM ({sql}) AS q({names})) TO STDOUT (FORMAT BINARY)"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        data = b"".join(bytes(block) for block in copy)
    if len(data) < 21:
        return np.empty((0, width), dtype=np.int64)
    extension = int.from_bytes(data[15:19], "big")
    body = data[19 + extension : -2]
    fields = [("count", ">i2")]
    for i in range(width):
        fields += [(f"len{i}", ">i4"), (f"v{i}", ">i8")]
    rows = np.frombuffer(body, dtype=np.dtype(fields))
    return np.stack([rows[f"v{i}"].astype(np.int64) for i in range(width)], axis=1)


def load_graph(session: Session, view: SqlView) -> engine.ContactGraph:
    size = int(session.scalar(select(func.max(Person.id))) or 0) + 1
    # SQLite reads the close exposures fastest from their partial covering index (10 s → 9 s
    # at 3.2 M rows); PostgreSQL from a sequential scan, which the same predicate would stop
    # it choosing (8 s → 12 s). Both measured (bench/README.md).
    counted = view.counted_sql(literal=session.get_bind().dialect.name == "sqlite")
    # Two ids, and two day numbers, packed into one 64-bit integer each: fewer values for the
    # driver to hand over (ids and days since 1970 are below 2**31).
    first, last = _days(session, "first_on"), _days(session, "last_on")
    packed = _fetch(
        session,
        f"SELECT (CAST(person_id AS BIGINT) << 32) | contact_id, ({first} << 32) | {last}, id "
        f"FROM exposures WHERE {counted}",
        3,
    )
    ends = _fetch(
        session,
        f"SELECT person_id, MIN({_days(session, 'isolated_on')}) FROM cases "
        "WHERE isolated_on IS NOT NULL GROUP BY person_id",
        2,
    )
    end = np.full(size, engine.NEVER, dtype=np.int32)
    end[ends[:, 0]] = ends[:, 1]
    return engine.ContactGraph(
        a=packed[:, 0] >> 32,
        b=packed[:, 0] & LOW32,
        first=(packed[:, 1] >> 32).astype(np.int32),
        last=(packed[:, 1] & LOW32).astype(np.int32),
        exposure_id=np.ascontiguousarray(packed[:, 2]),
        end=end,
    )


def load_sources(session: Session, view: SqlView) -> engine.Sources:
    person, start, case_id = [], [], []
    for case in session.scalars(select(Case).where(Case.status.in_(F0_STATUSES))):
        reference = case.onset_on or case.sample_on or case.confirmed_on
        if reference is None:
            continue
        first_day = window_start(view.policy.in_force(reference), case)
        if first_day is not None:
            person.append(case.person_id)
            start.append(first_day)
            case_id.append(case.id)
    return engine.Sources(
        person=np.array(person, dtype=np.int64),
        start=np.array(start, dtype=np.int32),
        case_id=np.array(case_id, dtype=np.int64),
    )


def _stored(session: Session) -> engine.Labels:
    rows = _fetch(
        session,
        f"SELECT person_id, level, {_days(session, 'exposed_on')}, source_case_id, "
        "COALESCE(via_person_id, -1), COALESCE(via_exposure_id, -1) FROM tier_labels "
        "ORDER BY person_id, level",
        6,
    )
    return engine.Labels(
        person=rows[:, 0].copy(),
        level=rows[:, 1].astype(np.int16),
        day=rows[:, 2].astype(np.int32),
        source_case=rows[:, 3].copy(),
        via_person=rows[:, 4].copy(),
        via_exposure=rows[:, 5].copy(),
    )


def _keys(labels: engine.Labels) -> npt.NDArray[np.int64]:
    return labels.person * 16 + labels.level.astype(np.int64)


def _rows(labels: engine.Labels, idx: npt.NDArray[np.int64]) -> list[tuple[Any, ...]]:
    dates: dict[int, dt.date] = {}
    out = []
    for p, k, d, c, vp, ve in zip(
        labels.person[idx].tolist(),
        labels.level[idx].tolist(),
        labels.day[idx].tolist(),
        labels.source_case[idx].tolist(),
        labels.via_person[idx].tolist(),
        labels.via_exposure[idx].tolist(),
        strict=True,
    ):
        when = dates.get(d) or dates.setdefault(d, date_of(d))
        out.append((p, k, when, c, None if vp < 0 else vp, None if ve < 0 else ve))
    return out


def write(session: Session, new: engine.Labels, *, cause: str) -> Diff:
    """Make ``tier_labels`` equal ``new``, writing only what differs; record tier moves."""
    old = _stored(session)
    old_keys, new_keys = _keys(old), _keys(new)
    _common, oi, ni = np.intersect1d(old_keys, new_keys, assume_unique=True, return_indices=True)
    same = (
        (old.day[oi] == new.day[ni])
        & (old.source_case[oi] == new.source_case[ni])
        & (old.via_person[oi] == new.via_person[ni])
        & (old.via_exposure[oi] == new.via_exposure[ni])
    )
    keep_old = np.zeros(len(old_keys), dtype=bool)
    keep_old[oi[same]] = True
    keep_new = np.zeros(len(new_keys), dtype=bool)
    keep_new[ni[same]] = True
    gone = np.flatnonzero(~keep_old)
    fresh = np.flatnonzero(~keep_new)
    if len(gone) > len(old_keys) // 3:
        session.execute(text("DELETE FROM tier_labels"))
        fresh = np.arange(len(new_keys))
    else:
        delete_labels(
            session, list(zip(old.person[gone].tolist(), old.level[gone].tolist(), strict=True))
        )
    insert_rows(session, TierLabel, LABEL_COLUMNS, _rows(new, fresh))
    moved = _record_moves(session, old, new, cause=cause)
    everyone = len(fresh) == len(new_keys)
    touched = np.union1d(old.person[gone], new.person[fresh]).tolist()
    keep_exposure_days(session, None if everyone else touched)
    return Diff(
        labels=len(new), written=len(fresh), deleted=len(gone), moves=len(moved), moved=moved
    )


def _tiers(labels: engine.Labels) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    persons, first = np.unique(labels.person, return_index=True)
    return persons, first.astype(np.int64)


def _record_moves(
    session: Session, old: engine.Labels, new: engine.Labels, *, cause: str
) -> tuple[tuple[int, int | None], ...]:
    op, oi = _tiers(old)
    np_, ni = _tiers(new)
    persons = np.union1d(op, np_)
    old_tier = np.full(len(persons), -1, dtype=np.int64)
    new_tier = np.full(len(persons), -1, dtype=np.int64)
    old_tier[np.searchsorted(persons, op)] = old.level[oi]
    new_tier[np.searchsorted(persons, np_)] = new.level[ni]
    moved = np.flatnonzero(old_tier != new_tier)
    where_new = np.full(len(persons), -1, dtype=np.int64)
    where_new[np.searchsorted(persons, np_)] = ni
    now = utcnow()

    def row(i: int) -> tuple[Any, ...]:
        j = int(where_new[i])
        src = via_p = via_e = None
        if j >= 0:
            src = int(new.source_case[j])
            via_p = int(new.via_person[j]) if new.via_person[j] >= 0 else None
            via_e = int(new.via_exposure[j]) if new.via_exposure[j] >= 0 else None
        old_k, new_k = int(old_tier[i]), int(new_tier[i])
        return (
            int(persons[i]),
            None if old_k < 0 else old_k,
            None if new_k < 0 else new_k,
            now,
            cause,
            src,
            via_p,
            via_e,
        )

    insert_rows(session, TierChange, CHANGE_COLUMNS, (row(int(i)) for i in moved))
    _keep_tiers(session, persons[moved], new_tier[moved], since=now, fresh=len(op) == 0)
    return tuple(
        (p, None if k < 0 else k)
        for p, k in zip(persons[moved].tolist(), new_tier[moved].tolist(), strict=True)
    )


def _keep_tiers(
    session: Session,
    persons: npt.NDArray[np.int64],
    tiers: npt.NDArray[np.int64],
    *,
    since: dt.datetime,
    fresh: bool,
) -> None:
    """``person_tiers`` follows the moves: the people who moved lose their row and those
    with a tier get a new one, with their ward (``fresh``: there were no labels, so no one
    keeps a tier)."""
    table = table_of(PersonTier)
    if fresh:
        session.execute(delete(table))
    else:
        for part in chunks(persons.tolist()):
            session.execute(delete(table).where(table.c.person_id.in_(part)))
    keep = tiers >= 0
    rows = zip(persons[keep].tolist(), tiers[keep].tolist(), repeat(since), strict=False)
    insert_rows(session, PersonTier, ("person_id", "tier", "since"), rows)
    ward = select(Person.ward_id).where(Person.id == table.c.person_id).scalar_subquery()
    session.execute(update(table).where(table.c.since == since).values(ward_id=ward))
