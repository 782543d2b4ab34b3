"""Chains of transmission: who infected whom. This module writes the links (``InfectionSource``:
another case, a country, a cluster, unknown) and walks those of kind case.

Walks are breadth-first with one ``IN`` query per generation, so a chain of any length costs
as many queries as it has generations, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.enums import SourceKind
from cordon.cases.models import Case, InfectionSource
from cordon.cases.schemas import ChainEdge, ChainNode, ChainOut
from cordon.cases.service import get_case
from cordon.clusters.models import Cluster
from cordon.core.errors import N_, Conflict, InvalidInput

_BATCH = 900  # below SQLite's bound-parameter limit


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start : start + _BATCH]


def _links(session: Session, ids: list[int], *, upward: bool) -> list[tuple[int, int]]:
    """(source case, infected case) pairs touching ``ids`` on the side asked for."""
    side = InfectionSource.case_id if upward else InfectionSource.source_case_id
    pairs: list[tuple[int, int]] = []
    for chunk in _chunks(ids):
        rows = session.execute(
            select(InfectionSource.source_case_id, InfectionSource.case_id).where(
                InfectionSource.kind == SourceKind.case, side.in_(chunk)
            )
        )
        pairs.extend((int(s), int(c)) for s, c in rows if s is not None)
    return pairs


def _walk(session: Session, case_id: int, *, upward: bool) -> dict[int, int]:
    """Case id → generation (1 = direct) of every case reached from ``case_id``."""
    found: dict[int, int] = {}
    frontier = [case_id]
    generation = 0
    while frontier:
        generation += 1
        pairs = _links(session, frontier, upward=upward)
        reached = [s if upward else c for s, c in pairs]
        frontier = [c for c in dict.fromkeys(reached) if c not in found and c != case_id]
        for c in frontier:
            found[c] = generation
    return found


def ancestors(session: Session, case_id: int) -> dict[int, int]:
    """Every case that infected ``case_id`` directly (generation 1) or through others."""
    return _walk(session, case_id, upward=True)


def descendants(session: Session, case_id: int) -> dict[int, int]:
    """Every case ``case_id`` infected directly (generation 1) or through others."""
    return _walk(session, case_id, upward=False)


def would_cycle(session: Session, case_id: int, source_case_id: int) -> bool:
    """Whether making ``source_case_id`` a source of ``case_id`` would close a loop."""
    return source_case_id == case_id or source_case_id in descendants(session, case_id)


def longest_chain(session: Session, case_ids: Iterable[int]) -> int:
    """Generations of the longest who-infected-whom chain inside a group of cases
    (1 for cases with no link between them, 0 for no case)."""
    members = sorted(set(case_ids))
    if not members:
        return 0
    member_set = set(members)
    sources: dict[int, list[int]] = defaultdict(list)
    for s, c in _links(session, members, upward=True):
        if s in member_set:
            sources[c].append(s)
    depth: dict[int, int] = {}

    def depth_of(case: int, visiting: frozenset[int]) -> int:
        if case not in depth:
            parents = [p for p in sources[case] if p not in visiting]
            depth[case] = 1 + max((depth_of(p, visiting | {case}) for p in parents), default=0)
        return depth[case]

    return max(depth_of(c, frozenset()) for c in members)


def _case_node(case: Case, generation: int) -> ChainNode:
    return ChainNode(
        id=f"case:{case.id}",
        kind=SourceKind.case,
        label=case.code,
        generation=generation,
        case_id=case.id,
        status=case.status,
        confirmed_on=case.confirmed_on,
    )


def _root_nodes(
    session: Session, case_ids: list[int], generations: dict[int, int]
) -> tuple[list[ChainNode], list[ChainEdge]]:
    """Country, cluster and unknown sources of the chain's cases, as nodes and edges."""
    nodes: dict[str, ChainNode] = {}
    edges: list[ChainEdge] = []
    cluster_codes: dict[int, str] = {}
    for chunk in _chunks(case_ids):
        rows = session.scalars(
            select(InfectionSource).where(
                InfectionSource.case_id.in_(chunk), InfectionSource.kind != SourceKind.case
            )
        ).all()
        wanted = {r.cluster_id for r in rows if r.cluster_id is not None}
        if wanted:
            for cid, code in session.execute(
                select(Cluster.id, Cluster.code).where(Cluster.id.in_(wanted))
            ):
                cluster_codes[int(cid)] = code
        for r in rows:
            node = _root_node(r, generations[r.case_id] - 1, cluster_codes)
            nodes.setdefault(node.id, node)
            edges.append(ChainEdge(source=node.id, target=f"case:{r.case_id}"))
    return list(nodes.values()), edges


def _root_node(source: InfectionSource, generation: int, clusters: dict[int, str]) -> ChainNode:
    if source.kind == SourceKind.country:
        key, label = f"country:{source.country_code}", source.country_code or "?"
    elif source.kind == SourceKind.cluster and source.cluster_id is not None:
        key, label = f"cluster:{source.cluster_id}", clusters.get(source.cluster_id, "?")
    else:
        key, label = f"unknown:{source.case_id}", "unknown"
    return ChainNode(id=key, kind=source.kind, label=label, generation=generation)


def chain(session: Session, case: Case) -> ChainOut:
    """The case, its ancestors and descendants, and the countries and clusters at the roots,
    as nodes and edges for a graph view."""
    generations = {case.id: 0}
    generations.update({c: -g for c, g in ancestors(session, case.id).items()})
    generations.update(descendants(session, case.id))
    ids = sorted(generations)
    cases = {
        c.id: c
        for chunk in _chunks(ids)
        for c in session.scalars(select(Case).where(Case.id.in_(chunk)))
    }
    nodes = [_case_node(cases[c], generations[c]) for c in ids]
    edges = [
        ChainEdge(source=f"case:{s}", target=f"case:{c}")
        for s, c in sorted(set(_links(session, ids, upward=True)))
        if s in generations
    ]
    roots, root_edges = _root_nodes(session, ids, generations)
    nodes.sort(key=lambda n: (n.generation, n.label))
    return ChainOut(case_id=case.id, code=case.code, nodes=roots + nodes, edges=root_edges + edges)


# --- infection sources -----------------------------------------------------------------------


def sources(session: Session, case_id: int) -> list[InfectionSource]:
    get_case(session, case_id)
    query = select(InfectionSource).where(InfectionSource.case_id == case_id)
    return list(session.scalars(query.order_by(InfectionSource.id)).all())


def _check_source(
    session: Session,
    case: Case,
    kind: SourceKind,
    source_case_id: int | None,
    country_code: str | None,
    cluster_id: int | None,
) -> None:
    if kind == SourceKind.case:
        if source_case_id is None:
            raise InvalidInput.on("source_case_id", N_("is required for a source of kind case"))
        source = session.get(Case, source_case_id)
        if source is None:
            raise InvalidInput.on("source_case_id", N_("no case with id %(id)s"), id=source_case_id)
        if source.id == case.id:
            raise InvalidInput.on(
                "source_case_id", N_("case %(code)s cannot infect itself"), code=case.code
            )
        if would_cycle(session, case.id, source.id):
            raise InvalidInput.on(
                "source_case_id",
                N_(
                    "%(source)s is already infected (directly or not) by %(code)s: "
                    "the chain would loop"
                ),
                source=source.code,
                code=case.code,
            )
    elif kind == SourceKind.country and not country_code:
        raise InvalidInput.on("country_code", N_("is required for a source of kind country"))
    elif kind == SourceKind.cluster and (
        cluster_id is None or session.get(Cluster, cluster_id) is None
    ):
        raise InvalidInput.on("cluster_id", N_("no cluster with id %(id)s"), id=cluster_id)


def add_source(
    session: Session,
    case_id: int,
    *,
    kind: SourceKind,
    source_case_id: int | None = None,
    country_code: str | None = None,
    cluster_id: int | None = None,
    note: str | None = None,
) -> InfectionSource:
    """Link the case to what infected it; a case source may not close a loop."""
    case = get_case(session, case_id)
    _check_source(session, case, kind, source_case_id, country_code, cluster_id)
    link = InfectionSource(
        case_id=case.id,
        kind=kind,
        source_case_id=source_case_id if kind == SourceKind.case else None,
        country_code=country_code.upper() if kind == SourceKind.country and country_code else None,
        cluster_id=cluster_id if kind == SourceKind.cluster else None,
        note=note,
    )
    same = [
        s
        for s in sources(session, case.id)
        if (s.kind, s.source_case_id, s.country_code, s.cluster_id)
        == (link.kind, link.source_case_id, link.country_code, link.cluster_id)
    ]
    if same:
        raise Conflict.of(N_("Case %(code)s already has this source."), code=case.code)
    session.add(link)
    session.flush()
    return link
