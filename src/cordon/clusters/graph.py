"""Chains of transmission as graphs to draw: a case's chain (the same nodes and edges as
``cases.chains.chain`` and the API's ``/cases/{id}/chain``) or a cluster's (its cases and
everyone they infected, under the cluster), with the cases outside the jurisdiction made
anonymous as the API does, and a layout computed here once, so that a browser draws tens of
thousands of nodes without laying anything out.

Read with recursive queries, as plain columns (no ORM object, no model per node): two
statements whatever the chain's size (bench/README.md, issue 4).

The layout is radial and layered by generation: each node's tree parent (the source that
reached it first, breadth-first from the roots) holds it in its angular sector, sized by
the leaves below it; ring *k* holds the *k*-th generation from the roots, spaced by how many
people the ring holds. Linear in nodes and edges, and the same chain always comes out the
same. Nodes come out in breadth-first order: a parent always before its children, which
lets the browser group and ungroup branches in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from sqlalchemy import CTE, Select, Subquery, func, literal, select, union_all
from sqlalchemy.orm import Session

from cordon.access.principal import Principal
from cordon.cases.enums import CaseStatus, SourceKind
from cordon.cases.models import Case, InfectionSource
from cordon.clusters import service
from cordon.clusters.models import Cluster, ClusterCase

MAX_GENERATIONS = 1_000  # a walk stops there (a loop left by a bulk load cannot spin)


class Node(NamedTuple):
    """A case (``case:17``), a country (``country:GB``), a cluster (``cluster:4``), an unknown
    source (``unknown:17``, of case 17), or a case out of sight (``hidden:3``)."""

    id: str
    kind: SourceKind
    label: str
    generation: int
    case_id: int | None = None
    person_id: int | None = None
    status: CaseStatus | None = None
    confirmed_on: dt.date | None = None
    ward_id: int | None = None


class Chain(NamedTuple):
    nodes: list[Node]
    edges: list[tuple[str, str]]  # (source, infected) node ids


def _walk(seed: Select[int, int], *, upward: bool, name: str) -> CTE:
    """Every case reached from ``seed`` (rows of case id, 0) along who-infected-whom links,
    upwards (to sources) or downwards, with its number of steps: one recursive query."""
    link = InfectionSource
    near, far = (
        (link.case_id, link.source_case_id) if upward else (link.source_case_id, link.case_id)
    )
    walk = seed.cte(name, recursive=True)
    step = (
        select(far.label("id"), (walk.c.gen + 1).label("gen"))
        .join(walk, near == walk.c.id)
        .where(link.kind == SourceKind.case, far.is_not(None), walk.c.gen < MAX_GENERATIONS)
    )
    return walk.union(step)


def _read(session: Session, generations: Subquery) -> Chain:
    """The chain's cases (``generations``: case id → generation), the links among them, and
    the countries, clusters and unknown sources at their roots (a generation above): one
    statement, a row per case and source."""
    link = InfectionSource
    rows = (
        session.connection()  # Core rows: no ORM processing of 10,000s of them
        .execute(
            select(
                Case.id, Case.code, Case.status, Case.confirmed_on, Case.person_id, Case.ward_id,
                generations.c.gen, link.kind, link.source_case_id, link.country_code,
                link.cluster_id, Cluster.code,
            )
            .join(generations, generations.c.id == Case.id)
            .outerjoin(link, link.case_id == Case.id)
            .outerjoin(Cluster, Cluster.id == link.cluster_id)
            .order_by(Case.id, link.id)
        )
        .all()
    )  # fmt: skip
    cases: dict[int, Node] = {}
    for c, code, status, day, person, ward, gen, *_ in rows:
        if c not in cases:
            cases[c] = Node(
                f"case:{c}", SourceKind.case, code, int(gen), c, person, status, day, ward
            )
    inside: set[tuple[int, int]] = set()
    roots: dict[str, Node] = {}
    edges: list[tuple[str, str]] = []
    for c, *_, gen, kind, source, country, cluster_id, cluster_code in rows:
        if kind is None or kind == SourceKind.case:
            if source is not None and source in cases:
                inside.add((int(source), c))
            continue
        above = int(gen) - 1
        if kind == SourceKind.country:
            node = Node(f"country:{country}", SourceKind.country, country or "?", above)
        elif kind == SourceKind.cluster and cluster_id is not None:
            node = Node(f"cluster:{cluster_id}", SourceKind.cluster, cluster_code or "?", above)
        else:
            node = Node(f"unknown:{c}", SourceKind.unknown, "unknown", above)
        roots.setdefault(node.id, node)
        edges.append((node.id, f"case:{c}"))
    edges += [(f"case:{s}", f"case:{c}") for s, c in sorted(inside)]
    ordered = sorted(cases.values(), key=lambda n: (n.generation, n.label))
    return Chain([*roots.values(), *ordered], edges)


def case_chain(session: Session, case_id: int) -> Chain:
    """The case (generation 0), its ancestors (< 0) and descendants (> 0), and the countries,
    clusters and unknown sources at the roots: ``cases.chains.chain``'s nodes and edges."""
    seed = select(Case.id.label("id"), literal(0).label("gen")).where(Case.id == case_id)
    down = _walk(seed, upward=False, name="down")
    up = _walk(seed, upward=True, name="up")
    generations = union_all(
        select(down.c.id, func.min(down.c.gen).label("gen")).group_by(down.c.id),
        select(up.c.id, (-func.min(up.c.gen)).label("gen")).where(up.c.gen > 0).group_by(up.c.id),
    ).subquery("generations")
    return _read(session, generations)


def cluster_chain(session: Session, cluster: Cluster) -> Chain:
    """The cluster as a node, its cases, and every case they infected directly or through
    others. A case of the cluster hangs from the cluster unless one of the chain's cases
    infected it. Generations are steps from the cluster (set by ``draw``)."""
    seed = select(ClusterCase.case_id.label("id"), literal(0).label("gen")).where(
        ClusterCase.cluster_id == cluster.id
    )
    down = _walk(seed, upward=False, name="down")
    generations = (
        select(down.c.id, func.min(down.c.gen).label("gen")).group_by(down.c.id).subquery()
    )
    chain = _read(session, generations)
    members = service.member_ids(session, cluster.id)
    inner = [(s, t) for s, t in chain.edges if s.startswith("case:")]
    infected = {t for _, t in inner}
    root = Node(f"cluster:{cluster.id}", SourceKind.cluster, cluster.code, 0)
    from_root = [(root.id, f"case:{m}") for m in members if f"case:{m}" not in infected]
    cases = [n for n in chain.nodes if n.case_id is not None]
    return Chain([root, *cases], from_root + inner)


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


def _breadth_first(
    n: int, edges: Sequence[tuple[int, int]]
) -> tuple[list[int], list[int], list[int]]:
    """The nodes in breadth-first order from every root at once (then from the first node
    of each loop no root reaches): each node, its parent's position (-1: a root) and its
    depth, by position."""
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
    return order, parent, depth


def _subtrees(parent: list[int]) -> tuple[list[int], list[int], list[list[int]]]:
    """By position: how many nodes lie below each, how many leaves, and its children's
    positions (last first)."""
    n = len(parent)
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
    return below, leaves, kids_of


def _sectors(
    parent: list[int], leaves: list[int], kids_of: list[list[int]]
) -> tuple[list[float], list[float]]:
    """Each node's share of the circle (start and span, in turns), as its count of leaves."""
    n = len(parent)
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
    return start_angle, span


def _trunk(parent: list[int], depth: list[int], kids_of: list[list[int]]) -> int:
    """A lone root's single line of descent (a country → the imported case → …) stands as a
    trunk above the first node that branches, the hub: the rings spread round the hub,
    leaving a gap at the top for the trunk, instead of wrapping round the root. The hub's
    depth (0: no trunk)."""
    if len(parent) <= 1 or sum(1 for up in parent if up < 0) != 1:
        return 0
    hub = 0
    while len(kids_of[hub]) == 1:
        hub = kids_of[hub][0]
    return depth[hub]


def layout(n: int, edges: Sequence[tuple[int, int]]) -> Layout:
    """Positions of ``n`` nodes linked by ``edges`` (source → target, as indices): rings
    by depth, each node in the middle of its sector."""
    order, parent, depth = _breadth_first(n, edges)
    below, leaves, kids_of = _subtrees(parent)
    start_angle, span = _sectors(parent, leaves, kids_of)
    trunk = _trunk(parent, depth, kids_of)
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
    as ``hidden:N`` with no label, case, person, status or date), edges as positions."""

    nodes: list[Node]
    edges: list[tuple[int, int]]
    layout: Layout
    focus: int  # position of the case asked about, -1 for a cluster
    hidden: int  # how many cases are outside the jurisdiction

    def sources(self) -> list[list[int]]:
        """Per node, the positions of every node that infected it."""
        out: list[list[int]] = [[] for _ in self.nodes]
        for s, t in self.edges:
            out[t].append(s)
        return out

    def people(self) -> list[int]:
        """The people of the cases in sight."""
        return [n.person_id for n in self.nodes if n.person_id is not None]


def draw(
    session: Session,
    who: Principal,
    chain: Chain,
    *,
    focus_case: int | None = None,
    generations_from_roots: bool = False,
) -> Drawn:
    """Mask, lay out and order a chain. Cases outside the jurisdiction become anonymous in
    the order they come, as the API's chain does (``hidden:1``, ``hidden:2`` …)."""
    nodes = chain.nodes
    sees = who.scope.sees  # a case is seen where its person lives (cases carry the ward)
    hidden = (n.id for n in nodes if n.case_id is not None and not sees(n.ward_id, n.person_id))
    alias = {key: f"hidden:{k}" for k, key in enumerate(hidden, 1)}
    masked = [
        Node(alias[n.id], n.kind, HIDDEN, n.generation) if n.id in alias else n for n in nodes
    ]
    index = {n.id: k for k, n in enumerate(nodes)}
    pairs = sorted({(index[s], index[t]) for s, t in chain.edges if s in index and t in index})
    laid = layout(len(nodes), pairs)
    position = [0] * len(nodes)
    for p, k in enumerate(laid.order):
        position[k] = p
    ordered = [masked[k] for k in laid.order]
    if generations_from_roots:
        ordered = [n._replace(generation=d) for n, d in zip(ordered, laid.depth, strict=True)]
    focus = -1
    if focus_case is not None and f"case:{focus_case}" in index:
        focus = position[index[f"case:{focus_case}"]]
    return Drawn(
        nodes=ordered,
        edges=sorted((position[s], position[t]) for s, t in pairs),
        layout=laid,
        focus=focus,
        hidden=len(alias),
    )
