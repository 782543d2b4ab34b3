"""F-tiers: keep them current after every change, recompute them whole, explain them.

Writes happen only here (and through ``store``/``full``). Reactions to domain events are
wired in ``cordon.reactions``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.core.dates import today
from cordon.core.db import get_or_404, set_ward_copies
from cordon.core.events import publish
from cordon.core.models import utcnow
from cordon.core.pagination import count_of, page_size
from cordon.core.scope import CITY, Scope
from cordon.events import (
    CaseChanged,
    ExposuresAdded,
    ExposuresRemoved,
    PersonMoved,
    PersonsMerged,
    RegistryLoaded,
    TiersMoved,
)
from cordon.people.models import Person
from cordon.tracing import engine, full
from cordon.tracing.incremental import Cascade, Label, TierMove
from cordon.tracing.models import PersonTier, TierChange, TierLabel
from cordon.tracing.policy import get_policy
from cordon.tracing.store import SqlView, case_persons, chunks, date_of, edges_by_id

# Above this many new cases and exposures at once, one whole-city pass is cheaper than a
# cascade (a cascade costs ~0.1–1 ms per label it moves; a pass ~1 s per million exposures).
BULK_THRESHOLD = 2_000

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(handler: Callable[P, R]) -> Callable[P, R]:
    """Run a cascade with Python's cycle collector paused. A cascade allocates tens of
    thousands of short-lived objects, none in cycles, all freed by reference counting when it
    ends; left on, the collector promotes them mid-cascade and every few cascades walks the
    whole heap (60–150 ms at a million people, bench/README.md)."""

    @functools.wraps(handler)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():  # paused already (a cascade in another thread)
            return handler(*args, **kwargs)
        gc.disable()
        try:
            return handler(*args, **kwargs)
        finally:
            gc.enable()

    return run


@dataclass(frozen=True)
class Recomputed:
    labels: int
    tiered: int
    written: int
    deleted: int
    moves: int
    seconds: float


def view(session: Session, *, as_of: dt.date | None = None) -> SqlView:
    return SqlView(session, get_policy(), as_of=as_of or today())


def recompute_all(session: Session, *, cause: str = "full recomputation") -> Recomputed:
    """Recompute every tier of the city from scratch and store what changed."""
    started = time.perf_counter()
    v = view(session)
    labels = engine.compute(full.load_graph(session, v), full.load_sources(session, v), v.max_depth)
    diff = full.write(session, labels, cause=cause)
    session.flush()
    if diff.moved:
        publish(session, TiersMoved(cause=cause, moves=diff.moved))
    return Recomputed(
        labels=diff.labels,
        tiered=len(labels.tiers()),
        written=diff.written,
        deleted=diff.deleted,
        moves=diff.moves,
        seconds=time.perf_counter() - started,
    )


def _finish(v: SqlView, cascade: Cascade, cause: str) -> list[TierMove]:
    moves = cascade.finish()
    v.record(moves, cause=cause[:300], at=utcnow())
    if moves:
        moved = tuple((m.person, m.after.level if m.after else None) for m in moves)
        # those whose onward exposures the cascade read (below the deepest tier): their last
        # exposure to a lower tier costs no further read of their exposures
        spread = [p for p, k in moved if k is not None and 0 < k < v.max_depth]
        last = {p: date_of(d) for p, d in cascade.last_exposed(spread).items()}
        publish(v.session, TiersMoved(cause=cause, moves=moved, last_exposed=last))
    return moves


@collector_paused
def on_case_changed(session: Session, event: CaseChanged) -> list[TierMove]:
    """A case confirmed moves its person to F0 and everyone downstream up; a discard, or a
    moved window or isolation date, retracts what depended on it and rebuilds."""
    v = view(session)
    cascade = Cascade(v)
    if event.is_f0 or event.was_f0 or event.window_changed:
        cascade.revalidate(event.person_id)
    return _finish(v, cascade, event.cause)


@collector_paused
def on_exposures_added(session: Session, event: ExposuresAdded) -> list[TierMove]:
    v = view(session)
    cascade = Cascade(v)
    cascade.exposures_added(edges_by_id(session, event.exposure_ids, v.closeness))
    return _finish(v, cascade, event.cause)


@collector_paused
def on_exposures_removed(session: Session, event: ExposuresRemoved) -> list[TierMove]:
    v = view(session)
    cascade = Cascade(v)
    cascade.exposures_removed(event.exposure_ids)
    return _finish(v, cascade, event.cause)


def on_person_moved(session: Session, event: PersonMoved) -> None:
    """The person's tier is listed in the ward the person lives in now (ADR 0009)."""
    set_ward_copies(session, PersonTier, person_id=event.person_id, ward_id=event.to_ward)


@collector_paused
def on_persons_merged(session: Session, event: PersonsMerged) -> list[TierMove]:
    ward = session.scalar(select(Person.ward_id).where(Person.id == event.kept_id))
    set_ward_copies(session, PersonTier, person_id=event.kept_id, ward_id=ward)
    v = view(session)
    cascade = Cascade(v)
    cascade.rebuild([event.merged_id])  # its exposures now belong to the kept person
    cascade.revalidate(event.kept_id)
    return _finish(v, cascade, event.cause)


@collector_paused
def on_registry_loaded(session: Session, event: RegistryLoaded) -> None:
    """Many new records: one cascade for a few, one whole-city pass for many (or when the
    event names none: an import too long to list them)."""
    named = len(event.case_ids) + len(event.exposure_ids)
    if named == 0 or named > BULK_THRESHOLD:
        recompute_all(session, cause=event.cause)
        return
    v = view(session)
    cascade = Cascade(v)
    persons = case_persons(session, event.case_ids)
    cascade.improve(Label(p, 0, start, case) for p, (start, case) in v.sources_of(persons).items())
    cascade.exposures_added(edges_by_id(session, event.exposure_ids, v.closeness))
    _finish(v, cascade, event.cause)


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One link of the path that gives a person their tier, from the person up to the F0."""

    person_id: int
    level: int
    exposed_on: dt.date
    via_exposure_id: int | None


@dataclass(frozen=True)
class TierInfo:
    person_id: int
    tier: int | None
    exposed_on: dt.date | None
    source_case_id: int | None
    path: list[Step]  # the person first, the F0 last
    labels: list[TierLabel]


def _require_person(session: Session, person_id: int) -> None:
    get_or_404(session, Person, person_id, what="person")


def tier_of(session: Session, person_id: int) -> TierInfo:
    """A person's tier and why: the chain of exposures back to the F0."""
    _require_person(session, person_id)
    labels = list(
        session.scalars(
            select(TierLabel).where(TierLabel.person_id == person_id).order_by(TierLabel.level)
        )
    )
    if not labels:
        return TierInfo(person_id, None, None, None, [], [])
    best = labels[0]
    path = [Step(best.person_id, best.level, best.exposed_on, best.via_exposure_id)]
    current = best
    while current.via_person_id is not None:
        parent = session.get(TierLabel, (current.via_person_id, current.level - 1))
        if parent is None:
            break
        path.append(Step(parent.person_id, parent.level, parent.exposed_on, parent.via_exposure_id))
        current = parent
    return TierInfo(person_id, best.level, best.exposed_on, best.source_case_id, path, labels)


@dataclass(frozen=True)
class TraceNode:
    person_id: int
    level: int  # steps from the root's F0 along this path
    exposed_on: dt.date
    parent_person_id: int | None
    via_exposure_id: int | None
    tier: int = -1  # the person's own (lowest) tier, which another path may make lower


@dataclass(frozen=True)
class TraceTree:
    root: TierInfo
    nodes: list[TraceNode]
    counts: dict[int, int]  # level → people in the tree at that level
    truncated: bool


def trace(session: Session, person_id: int, *, max_nodes: int = 2000) -> TraceTree:
    """Everyone whose tier came through ``person_id``, level by level (the tier tree)."""
    root = tier_of(session, person_id)
    frontier = {(lab.person_id, lab.level) for lab in root.labels}
    nodes: list[TraceNode] = []
    counts: dict[int, int] = {}
    truncated = False
    while frontier:
        parents = {p for p, _ in frontier}
        rows = session.scalars(
            select(TierLabel)
            .where(TierLabel.via_person_id.in_(parents))
            .order_by(TierLabel.level, TierLabel.exposed_on, TierLabel.person_id)
        ).all()
        children = [r for r in rows if (r.via_person_id, r.level - 1) in frontier]
        for r in children:
            counts[r.level] = counts.get(r.level, 0) + 1
            if len(nodes) < max_nodes:
                nodes.append(
                    TraceNode(
                        r.person_id, r.level, r.exposed_on, r.via_person_id, r.via_exposure_id
                    )
                )
            else:
                truncated = True
        frontier = {(r.person_id, r.level) for r in children}
    own = lowest_tiers(session, {n.person_id for n in nodes})
    nodes = [dataclasses.replace(n, tier=own.get(n.person_id, n.level)) for n in nodes]
    return TraceTree(root, nodes, counts, truncated)


def lowest_tiers(session: Session, person_ids: set[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for part in chunks(person_ids):
        rows = session.execute(
            select(PersonTier.person_id, PersonTier.tier).where(PersonTier.person_id.in_(part))
        )
        out.update((int(p), int(k)) for p, k in rows)
    return out


def in_scope(query: Any, scope: Scope) -> Any:
    """People's tiers in ``scope``, by the ward copied onto each (ADR 0009)."""
    if scope.whole_city:
        return query
    return query.where(scope.where(PersonTier.ward_id, PersonTier.person_id))


def tier_counts(session: Session, scope: Scope = CITY) -> dict[int, int]:
    """How many people are in each tier (F0, F1, …) across the city or ``scope``."""
    query = in_scope(select(PersonTier.tier, func.count()), scope).group_by(PersonTier.tier)
    return {int(tier): int(n) for tier, n in session.execute(query)}


def count_in_tier(session: Session, tier: int, scope: Scope = CITY) -> int:
    query = in_scope(select(func.count()).where(PersonTier.tier == tier), scope)
    return int(session.scalar(query.select_from(PersonTier)) or 0)


def people_in_tier(
    session: Session, tier: int, *, limit: int, offset: int, scope: Scope = CITY
) -> list[TierLabel]:
    """The people whose tier is ``tier``, by id, with the label that gives it."""
    ids = select(PersonTier.person_id).where(PersonTier.tier == tier)
    page = in_scope(ids, scope).order_by(PersonTier.person_id).limit(limit).offset(offset)
    wanted = [int(p) for p in session.scalars(page)]
    if not wanted:
        return []
    labels = session.scalars(
        select(TierLabel).where(TierLabel.person_id.in_(wanted), TierLabel.level == tier)
    )
    by_person = {lab.person_id: lab for lab in labels}
    return [by_person[p] for p in wanted if p in by_person]


def tier_moved_since(
    session: Session, since: dt.datetime, *, limit: int, scope: Scope = CITY, cap: int = 10_000
) -> tuple[list[PersonTier], int]:
    """People whose tier changed at or after ``since``, latest first, and how many — counted
    up to ``cap`` (a day of a city's wave can move hundreds of thousands: a list of work
    says "10,000 or more" rather than counting them all on every visit)."""
    query = in_scope(select(PersonTier).where(PersonTier.since >= since), scope)
    total = count_of(session, query.with_only_columns(PersonTier.person_id), cap=cap)
    ordered = query.order_by(PersonTier.since.desc(), PersonTier.person_id.desc())
    latest = ordered.limit(page_size(limit))
    return list(session.scalars(latest)), int(total)


def tier_history(session: Session, person_id: int) -> list[TierChange]:
    _require_person(session, person_id)
    return list(
        session.scalars(
            select(TierChange).where(TierChange.person_id == person_id).order_by(TierChange.id)
        )
    )


def names_of(session: Session, person_ids: set[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    rows = session.execute(select(Person.id, Person.full_name).where(Person.id.in_(person_ids)))
    return {int(p): str(n) for p, n in rows}
