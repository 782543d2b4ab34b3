"""The tier engine against a brute-force enumeration of paths, on many random small registries.

Three implementations must agree: the brute-force reference (rules read literally), the whole-
city engine (``engine.compute``) and the incremental cascade after every single change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cordon.tracing import engine
from cordon.tracing.incremental import NEVER, Cascade, Edge, Label

from .reference import MemoryView, World, brute_force_tiers

PEOPLE = 7
DAYS = 20


@st.composite
def worlds(draw: st.DrawFn, days: int = DAYS) -> World:
    """A small registry; fewer ``days`` make more ties (two ways in on the same day)."""
    world = World(max_depth=draw(st.integers(1, 5)))
    for p in draw(st.sets(st.integers(0, PEOPLE - 1), max_size=3)):
        world.sources[p] = (draw(st.integers(0, days)), 1000 + p)
    for p in range(PEOPLE):
        if draw(st.booleans()):
            world.ends[p] = draw(st.integers(0, days + 5))
    for i in range(draw(st.integers(0, 12))):
        a, b = draw(st.lists(st.integers(0, PEOPLE - 1), min_size=2, max_size=2, unique=True))
        first = draw(st.integers(0, days))
        world.edges[i] = Edge(i, a, b, first, first + draw(st.integers(0, 6)))
    return world


def full_labels(world: World, order: list[int] | None = None) -> engine.Labels:
    """The whole-city engine on ``world``, its exposures read in ``order`` (of their ids)."""
    edges = [world.edges[i] for i in order] if order is not None else list(world.edges.values())
    graph = engine.ContactGraph(
        a=np.array([e.a for e in edges], dtype=np.int64),
        b=np.array([e.b for e in edges], dtype=np.int64),
        first=np.array([e.first for e in edges], dtype=np.int32),
        last=np.array([e.last for e in edges], dtype=np.int32),
        exposure_id=np.array([e.id for e in edges], dtype=np.int64),
        end=np.array([world.ends.get(p, NEVER) for p in range(PEOPLE)], dtype=np.int32),
    )
    srcs = sorted(world.sources.items())
    sources = engine.Sources(
        person=np.array([p for p, _ in srcs], dtype=np.int64),
        start=np.array([s for _, (s, _) in srcs], dtype=np.int32),
        case_id=np.array([c for _, (_, c) in srcs], dtype=np.int64),
    )
    return engine.compute(graph, sources, world.max_depth)


def front_set(labels: engine.Labels) -> set[tuple[int, int, int]]:
    return set(zip(labels.person.tolist(), labels.level.tolist(), labels.day.tolist(), strict=True))


def assert_consistent(view: MemoryView) -> None:
    """The incremental labels equal the full computation, and every label's 'why' holds."""
    world = view.world
    expected = front_set(full_labels(world))
    assert {(lab.person, lab.level, lab.day) for lab in view.labels.values()} == expected
    for lab in view.labels.values():
        if lab.level == 0:
            assert world.sources[lab.person][0] == lab.day
            continue
        assert lab.via_person is not None
        assert lab.via_exposure is not None
        parent = view.labels[(lab.via_person, lab.level - 1)]
        edge = world.edges[lab.via_exposure]
        assert {edge.a, edge.b} == {lab.person, lab.via_person}
        end = world.ends.get(parent.person, NEVER)
        assert edge.last >= parent.day
        assert parent.day <= end
        assert edge.first <= end
        assert max(edge.first, parent.day) == lab.day
        assert lab.source_case == parent.source_case


@settings(max_examples=400, deadline=None)
@given(worlds())
def test_full_engine_tiers_equal_brute_force(world: World) -> None:
    assert full_labels(world).tiers() == brute_force_tiers(world)


@settings(max_examples=200, deadline=None)
@given(worlds(days=3), st.randoms(use_true_random=False))
def test_the_same_registry_gives_the_same_paths_in_any_order(world: World, rng: Any) -> None:
    """The database returns exposures in no set order (PostgreSQL's scans may start midway):
    tiers, days and the path that explains each label must not depend on it."""
    order = list(world.edges)
    rng.shuffle(order)
    one, other = full_labels(world), full_labels(world, order)
    for field in ("person", "level", "day", "source_case", "via_person", "via_exposure"):
        assert getattr(one, field).tolist() == getattr(other, field).tolist(), field


def _rebuild_all(view: MemoryView, ops: list[tuple[str, int, int]]) -> None:
    """Apply random changes one at a time through the cascade, checking after each."""
    world = view.world
    next_edge = 100
    for kind, x, y in ops:
        cascade = Cascade(view)
        if kind == "confirm" and x not in world.sources:
            world.sources[x] = (y, 2000 + x)
            cascade.revalidate(x)
        elif kind == "discard" and x in world.sources:
            del world.sources[x]
            cascade.revalidate(x)
        elif kind == "window" and x in world.sources:
            world.sources[x] = (y, world.sources[x][1])
            cascade.revalidate(x)
        elif kind == "isolate":
            world.ends[x] = y
            cascade.revalidate(x)
        elif kind == "release":
            world.ends.pop(x, None)
            cascade.revalidate(x)
        elif kind == "rebuild":
            cascade.rebuild([x])
        elif kind == "contact" and x != y % PEOPLE:
            edge = Edge(next_edge, x, y % PEOPLE, y, y + 3)
            next_edge += 1
            world.edges[edge.id] = edge
            cascade.exposures_added([edge])
        elif kind == "forget" and world.edges:
            edge_id = sorted(world.edges)[y % len(world.edges)]
            del world.edges[edge_id]
            cascade.exposures_removed([edge_id])
        moves = cascade.finish()
        assert_consistent(view)
        assert_last_exposed(view, cascade, [m.person for m in moves])


def assert_last_exposed(view: MemoryView, cascade: Cascade, persons: list[int]) -> None:
    """What the cascade tells isolation orders: each moved person's last exposure to someone
    of a lower tier, read literally from all exposures and the labels now stored."""
    tiers: dict[int, int] = {}
    for p, k in view.labels:
        tiers[p] = min(k, tiers.get(p, k))
    expected: dict[int, int] = {}
    for p in persons:
        if tiers.get(p, 0) == 0:
            continue
        days = [
            e.last
            for e in view.world.edges.values()
            if p in (e.a, e.b) and tiers.get(e.other(p), 99) < tiers[p]
        ]
        if days:
            expected[p] = max(days)
    assert cascade.last_exposed(persons) == expected


operations = st.lists(
    st.tuples(
        st.sampled_from(
            ["confirm", "discard", "window", "isolate", "release", "rebuild", "contact", "forget"]
        ),
        st.integers(0, PEOPLE - 1),
        st.integers(0, DAYS),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), operations)
def test_incremental_cascade_equals_full_recomputation(
    world: World, ops: list[tuple[str, int, int]]
) -> None:
    view = MemoryView(world)
    # start from the full computation written into the view …
    labels = full_labels(world)
    for p, k, d, c, vp, ve in zip(
        labels.person.tolist(),
        labels.level.tolist(),
        labels.day.tolist(),
        labels.source_case.tolist(),
        labels.via_person.tolist(),
        labels.via_exposure.tolist(),
        strict=True,
    ):
        view.labels[(p, k)] = Label(p, k, d, c, None if vp < 0 else vp, None if ve < 0 else ve)
    assert_consistent(view)
    # … then every change, one at a time
    _rebuild_all(view, ops)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_building_up_one_change_at_a_time_reaches_the_full_result(world: World) -> None:
    """Record the exposures, then confirm the cases, each as its own cascade."""
    view = MemoryView(World(max_depth=world.max_depth, ends=dict(world.ends)))
    for edge in world.edges.values():
        view.world.edges[edge.id] = edge
        cascade = Cascade(view)
        cascade.exposures_added([edge])
        cascade.finish()
    for p, (start, case) in world.sources.items():
        view.world.sources[p] = (start, case)
        cascade = Cascade(view)
        cascade.improve([Label(p, 0, start, case)])
        cascade.finish()
    assert_consistent(view)
    assert {lab.person for lab in view.labels.values()} == set(brute_force_tiers(world))
