"""Incremental tier cascades: after one change, touch only the part of the graph it moves.

Same labels as ``engine.compute`` (see its docstring for the rules), kept up to date by two
moves, as in dynamic shortest paths:

- **improve** (something was added — a case confirmed, an exposure recorded): offer the new
  labels, accept those no existing label beats, and offer onward through the exposures of the
  people whose labels improved, level by level. Nothing else is read.
- **retract** (something was taken away — a case discarded, an exposure deleted or narrowed, a
  window moved): every label remembers the label it came from (``via_person`` one level up),
  so the labels that depended on the change form a subtree. Remove it, then **reseed** its
  people from their F0 status and from the surviving labels of their contacts, and improve.

Reads and writes go through a ``TracingView`` (the database in ``store``, plain dictionaries in
the tests); all changes are collected here and saved once by ``finish``.

Labels and edges are named tuples of integers: a large cascade holds tens of thousands, and
Python's cycle collector stops tracking such tuples, where it would walk dataclass instances
again on every full collection (60–150 ms each at a million people, bench/README.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

NEVER = 2**31 - 1


class Label(NamedTuple):
    person: int
    level: int
    day: int
    source_case: int
    via_person: int | None = None
    via_exposure: int | None = None


class Edge(NamedTuple):
    """A counted exposure between ``a`` and ``b`` over days ``[first, last]``."""

    id: int
    a: int
    b: int
    first: int
    last: int

    def other(self, person: int) -> int:
        return self.b if person == self.a else self.a


@dataclass(frozen=True, slots=True)
class TierMove:
    """A person whose tier label changed in a cascade (None = no tier)."""

    person: int
    before: Label | None
    after: Label | None


class TracingView(Protocol):
    max_depth: int

    def edges_of(self, persons: Collection[int]) -> list[Edge]: ...
    def ends_of(self, persons: Collection[int]) -> dict[int, int]: ...
    def sources_of(self, persons: Collection[int]) -> dict[int, tuple[int, int]]: ...
    def labels_of(self, persons: Collection[int]) -> dict[int, list[Label]]: ...
    def children_of(self, parents: Collection[tuple[int, int]]) -> list[Label]: ...
    def labels_via_exposures(self, exposure_ids: Collection[int]) -> list[Label]: ...
    def save(self, removed: Collection[tuple[int, int]], written: Collection[Label]) -> None:
        """Delete the labels ``removed`` (person, level); write ``written`` over any label of
        the same person and level."""


def offer(edge: Edge, frm: Label, end: int) -> int | None:
    """The day ``edge`` passes ``frm`` on to the other person, or None if it does not."""
    if edge.last < frm.day or frm.day > end or edge.first > end:
        return None
    return max(edge.first, frm.day)


class Cascade:
    """One incremental update. Use ``retract`` / ``improve`` / ``reseed``, then ``finish``."""

    def __init__(self, view: TracingView) -> None:
        self.view = view
        self.depth = view.max_depth
        self.fronts: dict[int, dict[int, Label]] = {}
        self.original: dict[int, dict[int, Label]] = {}

    # -- the overlay of label fronts --------------------------------------------------------
    def _load(self, persons: Iterable[int]) -> None:
        missing = [p for p in set(persons) if p not in self.fronts]
        if not missing:
            return
        found = self.view.labels_of(missing)
        for p in missing:
            front = {lab.level: lab for lab in found.get(p, [])}
            self.fronts[p] = front
            self.original[p] = dict(front)

    def _accepts(self, lab: Label) -> bool:
        """A label no existing one beats — or the same link again carrying a new F0 (its
        parent was replaced by an earlier label from another case, same day here)."""
        front = self.fronts[lab.person]
        have = front.get(lab.level)
        if (
            have is not None
            and have.day == lab.day
            and have.via_person == lab.via_person
            and have.via_exposure == lab.via_exposure
        ):
            return have != lab
        return not any(k <= lab.level and h.day <= lab.day for k, h in front.items())

    def _put(self, lab: Label) -> None:
        front = self.fronts[lab.person]
        for k in [k for k, have in front.items() if k >= lab.level and have.day >= lab.day]:
            del front[k]
        front[lab.level] = lab

    # -- the three moves --------------------------------------------------------------------
    def improve(self, seeds: Iterable[Label]) -> None:
        pending: dict[int, dict[int, list[Label]]] = {}
        for lab in seeds:
            _keep(pending.setdefault(lab.level, {}), lab)
        for level in range(self.depth + 1):
            candidates = pending.pop(level, {})
            if not candidates:
                continue
            self._load(candidates)
            accepted = []
            for ties in candidates.values():
                for candidate in ties:
                    if self._accepts(candidate):
                        self._put(candidate)
                        accepted.append(candidate)
                        break
            if level < self.depth and accepted:
                self._spread(accepted, pending.setdefault(level + 1, {}))

    def _spread(self, accepted: list[Label], into: dict[int, list[Label]]) -> None:
        """Offer the ``accepted`` labels (all of one level) through their exposures."""
        by_person = {lab.person: lab for lab in accepted}
        edges = self.view.edges_of(by_person)
        ends = self.view.ends_of(by_person)
        level = accepted[0].level + 1
        for edge in edges:
            for frm_person, to in ((edge.a, edge.b), (edge.b, edge.a)):
                frm = by_person.get(frm_person)
                if frm is None:
                    continue
                day = offer(edge, frm, ends.get(frm_person, NEVER))
                if day is not None:
                    _keep(into, Label(to, level, day, frm.source_case, frm_person, edge.id))

    def retract(self, roots: Iterable[tuple[int, int]]) -> set[int]:
        """Remove the labels ``roots`` (person, level) and all that came through them; returns
        the people who lost a label."""
        frontier = set(roots)
        self._load(p for p, _ in frontier)
        frontier = {(p, k) for p, k in frontier if k in self.fronts[p]}
        touched: set[int] = set()
        while frontier:
            for p, k in frontier:
                self.fronts[p].pop(k, None)
                touched.add(p)
            children = self.view.children_of(frontier)
            self._load(c.person for c in children)
            frontier = {
                (c.person, c.level) for c in children if self.fronts[c.person].get(c.level) == c
            }
        return touched

    def reseed(self, persons: Collection[int]) -> None:
        """Offer ``persons`` every label they can get from their own F0 status and from the
        current labels of their contacts, then improve."""
        if not persons:
            return
        seeds = [
            Label(p, 0, start, case_id)
            for p, (start, case_id) in self.view.sources_of(persons).items()
        ]
        wanted = set(persons)
        edges = self.view.edges_of(wanted)
        neighbours = {edge.other(p) for edge in edges for p in (edge.a, edge.b) if p in wanted}
        self._load(neighbours)
        ends = self.view.ends_of(neighbours)
        for edge in edges:
            for p in (edge.a, edge.b):
                if p not in wanted:
                    continue
                n = edge.other(p)
                for frm in self.fronts[n].values():
                    if frm.level >= self.depth:
                        continue
                    day = offer(edge, frm, ends.get(n, NEVER))
                    if day is not None:
                        seeds.append(Label(p, frm.level + 1, day, frm.source_case, n, edge.id))
        self.improve(seeds)

    def revalidate(self, person: int) -> None:
        """``person``'s F0 status, window or isolation day changed: retract exactly the labels
        that no longer hold — their own F0 label if its window moved or went, and labels that
        came through them by a contact now outside their risk period — then reseed, and offer
        their labels onward again (a later isolation lets more through)."""
        self._load([person])
        front = self.fronts[person]
        roots: list[tuple[int, int]] = []
        own = front.get(0)
        source = self.view.sources_of([person]).get(person)
        if own is not None and (source is None or (own.day, own.source_case) != source):
            roots.append((person, 0))
        edges = {e.id: e for e in self.view.edges_of([person])}
        end = self.view.ends_of([person]).get(person, NEVER)
        kept = [(person, k) for k in front if (person, k) not in roots]
        for child in self.view.children_of(kept):
            edge = edges.get(child.via_exposure or -1)
            parent = front[child.level - 1]
            if edge is None or offer(edge, parent, end) != child.day:
                roots.append((child.person, child.level))
        touched = self.retract(roots) | {person}
        self.reseed(touched)
        self._respread(person, list(edges.values()), end)

    def _respread(self, person: int, edges: list[Edge], end: int) -> None:
        seeds = []
        for frm in list(self.fronts[person].values()):
            if frm.level >= self.depth:
                continue
            for edge in edges:
                day = offer(edge, frm, end)
                if day is not None:
                    seeds.append(
                        Label(
                            edge.other(person), frm.level + 1, day, frm.source_case, person, edge.id
                        )
                    )
        self.improve(seeds)

    def rebuild(self, persons: Collection[int]) -> None:
        """Everything about ``persons`` may have changed (status, window, isolation, merge):
        retract all their labels and what came through them, then reseed."""
        self._load(persons)
        roots = [(p, k) for p in persons for k in self.fronts[p]]
        touched = self.retract(roots) | set(persons)
        self.reseed(touched)

    def exposures_added(self, edges: Collection[Edge]) -> None:
        """New exposures: each passes the labels of one person to the other."""
        ends_needed = {p for e in edges for p in (e.a, e.b)}
        self._load(ends_needed)
        ends = self.view.ends_of(ends_needed)
        seeds = []
        for edge in edges:
            for p in (edge.a, edge.b):
                for frm in self.fronts[p].values():
                    day = offer(edge, frm, ends.get(p, NEVER))
                    if frm.level < self.depth and day is not None:
                        seeds.append(
                            Label(edge.other(p), frm.level + 1, day, frm.source_case, p, edge.id)
                        )
        self.improve(seeds)

    def exposures_removed(self, exposure_ids: Collection[int]) -> None:
        """Exposures deleted or narrowed: what came through them is retracted and reseeded."""
        roots = [(lab.person, lab.level) for lab in self.view.labels_via_exposures(exposure_ids)]
        self.reseed(self.retract(roots))

    def last_exposed(self, persons: Collection[int]) -> dict[int, int]:
        """For each of ``persons`` (loaded by this cascade) with a tier above 0: the last day
        of a counted exposure to someone of a lower tier, if any. Neighbours this cascade has
        not loaded are read only where their exposure could be the latest."""
        self._load(persons)
        tiers = {p: min(front) for p in persons if (front := self.fronts[p])}
        wanted = {p for p, k in tiers.items() if k > 0}

        def lower(n: int, than: int) -> bool:
            front = self.fronts[n]
            return bool(front) and min(front) < than

        latest: dict[int, int] = {}
        unknown: list[tuple[int, int, int]] = []  # (person, neighbour not loaded, last day)
        for edge in self.view.edges_of(wanted):
            for p, n in ((edge.a, edge.b), (edge.b, edge.a)):
                if p not in wanted:
                    continue
                if n not in self.fronts:
                    unknown.append((p, n, edge.last))
                elif edge.last > latest.get(p, -1) and lower(n, tiers[p]):
                    latest[p] = edge.last
        unknown = [u for u in unknown if u[2] > latest.get(u[0], -1)]
        self._load(n for _, n, _ in unknown)
        for p, n, last in unknown:
            if last > latest.get(p, -1) and lower(n, tiers[p]):
                latest[p] = last
        return latest

    # -- saving -----------------------------------------------------------------------------
    def finish(self) -> list[TierMove]:
        """Save the labels that changed; returns the people whose tier moved."""
        removed: list[tuple[int, int]] = []
        written: list[Label] = []
        moves: list[TierMove] = []
        for p, front in self.fronts.items():
            before = self.original[p]
            if front == before:
                continue
            removed.extend((p, k) for k in before if k not in front)
            written.extend(lab for k, lab in front.items() if before.get(k) != lab)
            old, new = _tier(before), _tier(front)
            if (old.level if old else None) != (new.level if new else None):
                moves.append(TierMove(p, old, new))
        if removed or written:
            self.view.save(removed, written)
        return moves


def _keep(candidates: dict[int, list[Label]], lab: Label) -> None:
    """Keep, per person (of one level), the candidates of the earliest day (all the ties)."""
    have = candidates.get(lab.person)
    if have is None or lab.day < have[0].day:
        candidates[lab.person] = [lab]
    elif lab.day == have[0].day:
        have.append(lab)


def _tier(front: dict[int, Label]) -> Label | None:
    return front[min(front)] if front else None
