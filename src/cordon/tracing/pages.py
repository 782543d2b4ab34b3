"""Tracing in the web app: the tier tree below a person (F1 … F5, nested lists that fold),
and the jurisdiction's people by tier. The same services and masking as the API: people
outside the jurisdiction keep their place without a name; every person shown is audited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from cordon.access import guard
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.tracing import service
from cordon.web.filters import PageNumber
from cordon.web.templating import render
from cordon.web.viewer import PageUser, needs, paging

router = APIRouter(include_in_schema=False)
TIERS = range(6)  # F0 … F5 (deeper tiers, if a policy makes them, are counted as found)
PER_PAGE = 50
OPEN_LEVELS = 1  # branches folded below the first level under the person


@dataclass
class Branch:
    """One person in the tier tree and the people whose tier came through them."""

    person_id: Id
    level: int
    tier: int
    exposed_on: dt.date | None
    children: list[Branch] = field(default_factory=list)
    below: int = 0  # everyone under this branch


def _tree(tree: service.TraceTree) -> list[Branch]:
    """The trace's nodes nested under the person (a node's parent is the person one level
    up on its path)."""
    under: dict[tuple[int, int], list[service.TraceNode]] = defaultdict(list)
    for n in tree.nodes:
        if n.parent_person_id is not None:
            under[(n.parent_person_id, n.level - 1)].append(n)

    def grow(person_id: Id, level: int) -> list[Branch]:
        out = []
        for n in under.get((person_id, level), []):
            branch = Branch(n.person_id, n.level, n.tier, n.exposed_on, grow(n.person_id, n.level))
            branch.below = sum(1 + c.below for c in branch.children)
            out.append(branch)
        return out

    root_id = tree.root.person_id
    return [b for lab in tree.root.labels for b in grow(root_id, lab.level)]


@router.get("/people/{person_id}/trace")
def trace_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    person_id: Id,
    max_nodes: Annotated[int, Query(ge=1, le=20_000)] = 2000,
) -> Response:
    """Everyone whose tier came through this person, level by level."""
    needs(who, Permission.tracing_read)
    guard.person(session, who, person_id)
    tree = service.trace(session, person_id, max_nodes=max_nodes)
    everyone = {person_id} | {n.person_id for n in tree.nodes}
    seen = guard.visible(session, who, everyone)
    recorder.read(session, "people", person_id, seen, view="trace")
    context = {
        "person_id": person_id,
        "root": tree.root,
        "branches": _tree(tree),
        "counts": sorted(tree.counts.items()),
        "total": sum(tree.counts.values()),
        "listed": len(tree.nodes),
        "truncated": tree.truncated,
        "max_nodes": max_nodes,
        "more": min(max_nodes * 5, 20_000) if tree.truncated and max_nodes < 20_000 else None,
        "names": guard.names(session, who, seen),
        "open_levels": OPEN_LEVELS,
        "links": who.can(Permission.people_read),
    }
    return render(request, "tracing/trace.html", context, who=who)


@router.get("/tracing")
def tiers_page(request: Request, session: SessionDep, who: PageUser) -> Response:
    """How many people are F0 … F5 in the jurisdiction, each tier a link to its people."""
    needs(who, Permission.tracing_read)
    counts = service.tier_counts(session, who.scope)
    tiers = sorted(set(TIERS) | set(counts))
    context = {"tiers": [(k, counts.get(k, 0)) for k in tiers], "total": sum(counts.values())}
    return render(request, "tracing/tiers.html", context, who=who)


@router.get("/tracing/tiers/{tier}")
def tier_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    tier: Annotated[int, Path(ge=0, le=10)],
    page: PageNumber = 1,
) -> Response:
    """The people of one tier (their lowest) in the jurisdiction, by id, a page at a time."""
    needs(who, Permission.tracing_read)
    rows = service.people_in_tier(
        session, tier, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE, scope=who.scope
    )
    shown = rows[:PER_PAGE]
    ids = [r.person_id for r in shown]
    recorder.read(session, "tier_labels", tier, ids, view="tier")
    total = service.count_in_tier(session, tier, who.scope)
    context = {
        "tier": tier,
        "rows": shown,
        "total": total,
        **paging(total, page, PER_PAGE),
        "names": guard.names(session, who, ids),
        "links": who.can(Permission.people_read),
    }
    return render(request, "tracing/tier.html", context, who=who)
