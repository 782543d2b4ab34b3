"""Chains of transmission as graphs to draw: a case's chain (``cases.chains.chain``) or a
cluster's (its cases and everyone they infected, under the cluster), with the cases outside
the jurisdiction made anonymous, and a layout computed here once, so that a browser draws
tens of thousands of nodes without laying anything out.

The layout is radial and layered by generation: each node's tree parent (the source that
reached it first, breadth-first from the roots) holds it in its angular sector, sized by
the leaves below it; ring *k* holds the *k*-th generation from the roots, spaced by how many
people the ring holds. Linear in nodes and edges, and the same chain always comes out the
same. Nodes come out in breadth-first order: a parent always before its children, which
lets the browser group and ungroup branches in one pass.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.cases.enums import SourceKind
from cordon.cases.models import Case, InfectionSource
from cordon.cases.schemas import ChainEdge, ChainNode
from cordon.clusters import service
from cordon.clusters.models import Cluster

_BATCH = 900  # below SQLite's bound-parameter limit


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start : start + _BATCH]


# -- a cluster's chain -------------------------------------------------------------------------


def _infected_by(session: Session, ids: Sequence[int]) -> list[tuple[int, int]]:
    """(source case, infected case) of every case-to-case link out of ``ids``."""
    pairs: list[tuple[int, int]] = []
    for chunk in _chunks(ids):
        rows = session.execute(
            select(InfectionSource.source_case_id, InfectionSource.case_id).where(
                InfectionSource.kind == SourceKind.case,
                InfectionSource.source_case_id.in_(chunk),
            )
        )
        pairs.extend((int(s), int(c)) for s, c in rows if s is not None)
    return pairs


def cluster_chain(session: Session, cluster: Cluster) -> tuple[list[ChainNode], list[ChainEdge]]:
    """The cluster as a node, its cases, and every case they infected directly or through
    others. A case of the cluster hangs from the cluster unless one of the chain's cases
    infected it. Generations are filled in by ``draw`` (steps from the cluster)."""
    members = service.member_ids(session, cluster.id)
    found: dict[int, None] = dict.fromkeys(members)
    links: set[tuple[int, int]] = set()
    frontier = list(members)
    while frontier:
        pairs = _infected_by(session, frontier)
        links.update(pairs)
        frontier = [c for c in dict.fromkeys(c for _, c in pairs) if c not in found]
        found.update(dict.fromkeys(frontier))
    ids = sorted(found)
    cases: dict[int, Case] = {}
    for chunk in _chunks(ids):
        cases.update((c.id, c) for c in session.scalars(select(Case).where(Case.id.in_(chunk))))
    root = ChainNode(
        id=f"cluster:{cluster.id}", kind=SourceKind.cluster, label=cluster.code, generation=0
    )
    nodes = [root] + [
        ChainNode(
            id=f"case:{c}",
            kind=SourceKind.case,
            label=cases[c].code,
            generation=1,
            case_id=c,
            status=cases[c].status,
            confirmed_on=cases[c].confirmed_on,
        )
        for c in ids
        if c in cases
    ]
    infected_in_chain = {c for s, c in links}
    edges = [ChainEdge(source=root.id, target=f"case:{m}") for m in members]
    edges = [e for e in edges if int(e.target[5:]) not in infected_in_chain]
    edges += [ChainEdge(source=f"case:{s}", target=f"case:{c}") for s, c in sorted(links)]
    return nodes, edges


# -- the layout --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    order: list[int]  # input node indices, breadth-first from the roots
    parent: list[int]  # per position of ``order``: its tree parent's position, -1 for a root
    depth: list[int]  # ring (0 = roots)
    below: list[int]  # nodes in the subtree under it
    x: list[float]
    y: list[float]


TRUNK_GAP = 0.1  # of the circle, left free above the hub for the trunk


def _ring_radii(per_ring: list[int]) -> list[float]:
    """Ring 0 at the centre (on a small circle when several roots share it); each next ring
    one step out, more when it holds many nodes (a step grows as the square root of them)."""
    radii: list[float] = []
    for k, count in enumerate(per_ring):
        if k == 0:
            radii.append(0.0 if count == 1 else 1.0 + count**0.5 / 4)
        else:
            radii.append(radii[-1] + max(1.0, count**0.5 / 4))
    return radii


def layout(n: int, edges: Sequence[tuple[int, int]]) -> Layout:
    """Positions of ``n`` nodes linked by ``edges`` (source → target, as indices)."""
    children: list[list[int]] = [[] for _ in range(n)]
    has_source = [False] * n
    for s, t in edges:
        if s != t:
            children[s].append(t)
            has_source[t] = True
    for kids in children:
        kids.sort()
    position = [-1] * n
    order: list[int] = []
    parent: list[int] = []
    depth: list[int] = []
    queue: deque[int] = deque()

    def reach(v: int, up: int) -> None:
        position[v] = len(order)
        order.append(v)
        parent.append(up)
        depth.append(depth[up] + 1 if up >= 0 else 0)
        queue.append(v)

    def spread() -> None:
        while queue:
            v = queue.popleft()
            for c in children[v]:
                if position[c] < 0:
                    reach(c, position[v])

    for v in range(n):  # every root at once, breadth-first
        if not has_source[v]:
            reach(v, -1)
    spread()
    for v in range(n):  # a loop that no root reaches: from its first node
        if position[v] < 0:
            reach(v, -1)
            spread()
    below = [0] * n
    leaves = [0] * n
    kids_of: list[list[int]] = [[] for _ in range(n)]
    for p in range(n - 1, -1, -1):
        if leaves[p] == 0:
            leaves[p] = 1
        up = parent[p]
        if up >= 0:
            below[up] += below[p] + 1
            leaves[up] += leaves[p]
            kids_of[up].append(p)
    start_angle = [0.0] * n
    span = [0.0] * n
    total = sum(leaves[p] for p in range(n) if parent[p] < 0) or 1
    at = 0.0
    for p in range(n):
        if parent[p] < 0:
            start_angle[p], span[p] = at, leaves[p] / total
            at += span[p]
        offset = start_angle[p]
        for k in reversed(kids_of[p]):  # built backwards: breadth-first order again
            start_angle[k] = offset
            span[k] = span[p] * leaves[k] / leaves[p]
            offset += span[k]
    # A lone root's single line of descent (a country → the imported case → …) stands as a
    # trunk above the first node that branches, the hub: the rings spread round the hub,
    # leaving a gap at the top for the trunk, instead of wrapping round the root.
    trunk = 0
    if n > 1 and sum(1 for up in parent if up < 0) == 1:
        hub = 0
        while len(kids_of[hub]) == 1:
            hub = kids_of[hub][0]
        trunk = depth[hub]
    ring = np.asarray(depth, dtype=np.int64) - trunk
    middle = np.asarray(start_angle) + np.asarray(span) / 2
    if trunk:
        middle = TRUNK_GAP / 2 + middle * (1 - TRUNK_GAP)
    per_ring = np.bincount(np.maximum(ring, 0), minlength=1).tolist()
    if trunk:
        per_ring[0] = 1
    radius = np.asarray(_ring_radii(per_ring))[np.maximum(ring, 0)]
    theta = 2 * np.pi * middle - np.pi / 2
    xs = np.where(ring < 0, 0.0, radius * np.cos(theta))
    ys = np.where(ring < 0, -ring * 1.0, -radius * np.sin(theta))  # y grows upwards
    xs, ys = np.round(xs, 3), np.round(ys, 3)
    return Layout(order, parent, depth, below, xs.tolist(), ys.tolist())


# -- masked and laid out -----------------------------------------------------------------------

HIDDEN = "outside your jurisdiction"


@dataclass(frozen=True)
class Drawn:
    """A chain ready to draw and list: nodes in layout order (those outside the jurisdiction
    as ``hidden:N`` with no label, case, status or date), edges as positions."""

    nodes: list[ChainNode]
    edges: list[tuple[int, int]]
    layout: Layout
    persons: dict[int, int]  # case → person, for the cases in sight
    focus: int  # position of the case asked about, -1 for a cluster
    hidden: int  # how many cases are outside the jurisdiction

    def sources(self) -> list[list[int]]:
        """Per node, the positions of every node that infected it."""
        out: list[list[int]] = [[] for _ in self.nodes]
        for s, t in self.edges:
            out[t].append(s)
        return out


def draw(
    session: Session,
    who: Principal,
    nodes: Sequence[ChainNode],
    edges: Sequence[ChainEdge],
    *,
    focus_case: int | None = None,
    generations_from_roots: bool = False,
) -> Drawn:
    """Mask, lay out and order a chain. Cases outside the jurisdiction become anonymous in
    the order they come, as the API's chain does (``hidden:1``, ``hidden:2`` …)."""
    ids = [n.case_id for n in nodes if n.case_id is not None]
    shown = guard.visible_cases(session, who, ids)
    alias = {
        f"case:{c}": f"hidden:{k}" for k, c in enumerate((c for c in ids if c not in shown), 1)
    }
    blank = {"label": HIDDEN, "case_id": None, "status": None, "confirmed_on": None}
    masked = [
        n.model_copy(update={"id": alias[n.id], **blank}) if n.id in alias else n for n in nodes
    ]
    index = {n.id: k for k, n in enumerate(nodes)}
    pairs = sorted(
        {
            (index[e.source], index[e.target])
            for e in edges
            if e.source in index and e.target in index
        }
    )
    laid = layout(len(nodes), pairs)
    position = [0] * len(nodes)
    for p, k in enumerate(laid.order):
        position[k] = p
    ordered = [masked[k] for k in laid.order]
    if generations_from_roots:
        ordered = [
            n.model_copy(update={"generation": d}) for n, d in zip(ordered, laid.depth, strict=True)
        ]
    focus = -1
    if focus_case is not None and f"case:{focus_case}" in index:
        focus = position[index[f"case:{focus_case}"]]
    return Drawn(
        nodes=ordered,
        edges=sorted((position[s], position[t]) for s, t in pairs),
        layout=laid,
        persons=shown,
        focus=focus,
        hidden=len(alias),
    )
