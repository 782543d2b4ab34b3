"""A brute-force reference for the tier rules and an in-memory TracingView.

The reference enumerates every simple time-respecting path from every F0 — exponential, so
only for the small random graphs of the property tests — and is written straight from the
rules in docs/domain.md §3, independently of the engine.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from cordon.tracing.incremental import NEVER, Edge, Label


@dataclass
class World:
    """A small registry: F0 windows, isolation days, exposures."""

    max_depth: int
    sources: dict[int, tuple[int, int]] = field(default_factory=dict)  # person → (start, case)
    ends: dict[int, int] = field(default_factory=dict)
    edges: dict[int, Edge] = field(default_factory=dict)


def brute_force_tiers(world: World) -> dict[int, int]:
    """Person → lowest F-tier over all simple time-respecting paths of ≤ max_depth steps."""
    tiers: dict[int, int] = {}

    def walk(person: int, day: int, level: int, visited: frozenset[int]) -> None:
        if tiers.get(person, 99) > level:
            tiers[person] = level
        if level == world.max_depth:
            return
        end = world.ends.get(person, NEVER)
        if day > end:
            return
        for e in world.edges.values():
            if person not in (e.a, e.b):
                continue
            nxt = e.other(person)
            # contact overlapping [day, end]: the risk period of `person`
            if nxt in visited or e.last < day or e.first > end:
                continue
            walk(nxt, max(e.first, day), level + 1, visited | {nxt})

    for person, (start, _case) in world.sources.items():
        walk(person, start, 0, frozenset({person}))
    return tiers


class MemoryView:
    """A TracingView over a World and a dictionary of labels."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.max_depth = world.max_depth
        self.labels: dict[tuple[int, int], Label] = {}

    def edges_of(self, persons: Collection[int]) -> list[Edge]:
        ps = set(persons)
        return [e for e in self.world.edges.values() if e.a in ps or e.b in ps]

    def ends_of(self, persons: Collection[int]) -> dict[int, int]:
        return {p: self.world.ends[p] for p in persons if p in self.world.ends}

    def sources_of(self, persons: Collection[int]) -> dict[int, tuple[int, int]]:
        return {p: self.world.sources[p] for p in persons if p in self.world.sources}

    def labels_of(self, persons: Collection[int]) -> dict[int, list[Label]]:
        out: dict[int, list[Label]] = {}
        for (p, _k), lab in sorted(self.labels.items()):
            if p in persons:
                out.setdefault(p, []).append(lab)
        return out

    def children_of(self, parents: Collection[tuple[int, int]]) -> list[Label]:
        ps = set(parents)
        return [
            lab
            for lab in self.labels.values()
            if lab.via_person is not None and (lab.via_person, lab.level - 1) in ps
        ]

    def labels_via_exposures(self, exposure_ids: Collection[int]) -> list[Label]:
        ids = set(exposure_ids)
        return [lab for lab in self.labels.values() if lab.via_exposure in ids]

    def save(self, removed: Collection[tuple[int, int]], written: Collection[Label]) -> None:
        for key in removed:
            del self.labels[key]
        for lab in written:
            self.labels[(lab.person, lab.level)] = lab
