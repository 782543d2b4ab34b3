"""Clusters and chains of transmission in the web app: the list of clusters, a cluster's
summary and its cases in the jurisdiction, and the chain of a case or a cluster drawn as an
interactive graph (sigma.js on WebGL; positions computed here, ``clusters.graph``) with the
same chain as a table for keyboards, screen readers and browsers without WebGL.

The graph's data comes from ``…/chain.json``, columns of plain values; cases outside the
jurisdiction are anonymous (``hidden:N``) there as in the API. Every case shown is audited."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases import service as cases
from cordon.cases.enums import SourceKind
from cordon.cases.models import Case
from cordon.clusters import graph, service
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.web.filters import PageNumber
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs, paging

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
ROWS = 100  # rows of the chain's table per page


# -- clusters ----------------------------------------------------------------------------------


@router.get("/clusters")
def clusters_page(
    request: Request, session: SessionDep, who: PageUser, page: PageNumber = 1
) -> Response:
    """Every cluster of the city (aggregates: no one's record), by code, with its size."""
    needs(who, Permission.clusters_read)
    rows, total = service.list_clusters(session, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    context = {
        "clusters": rows,
        "sizes": service.sizes(session, [c.id for c in rows]),
        "total": total,
        **paging(total, page, PER_PAGE),
    }
    return render(request, "clusters/list.html", context, who=who)


@router.get("/clusters/{cluster_id}")
def cluster_page(
    request: Request, session: SessionDep, who: PageUser, cluster_id: Id, page: PageNumber = 1
) -> Response:
    """Size, dates, generations, districts and statuses (whole: aggregates), and the
    cluster's cases in the jurisdiction."""
    needs(who, Permission.clusters_read)
    summary = service.summary(session, cluster_id)
    mine: list[Case] = []
    n_mine = 0
    if who.can(Permission.cases_read):
        seen = guard.visible_cases(session, who, service.member_ids(session, cluster_id))
        n_mine = len(seen)
        wanted = list(seen)[(page - 1) * PER_PAGE : page * PER_PAGE]
        if wanted:
            query = select(Case).where(Case.id.in_(wanted)).order_by(Case.confirmed_on, Case.code)
            mine = list(session.scalars(query))
    people = [c.person_id for c in mine]
    recorder.read(session, "cases", None, people, view="cluster", cluster_id=cluster_id)
    context = {
        "summary": summary,
        "cluster": summary.cluster,
        "ward": service.ward_name(session, summary.cluster.ward_id),
        "members": mine,
        "n_members": n_mine,
        "names": guard.names(session, who, people),
        "links": who.can(Permission.people_read),
        "chain": who.can(Permission.cases_read),
        **paging(n_mine, page, PER_PAGE),
    }
    return render(request, "clusters/cluster.html", context, who=who)


# -- chains of transmission --------------------------------------------------------------------


class _HandOver:
    """A chain computed for a page, kept a few seconds for the one request of its graph's
    data that the page's script makes next: the graph and the page's table are then the same
    chain, computed once (the data's request waited for the page's own otherwise: a quarter
    of the first paint at 10,000 cases, bench/README.md). Taken once; per process."""

    def __init__(self, size: int = 16, seconds: float = 30.0) -> None:
        self._kept: OrderedDict[tuple[int, str], tuple[float, graph.Drawn]] = OrderedDict()
        self._lock = threading.Lock()
        self._size, self._seconds = size, seconds

    def put(self, who: Principal, base: str, drawn: graph.Drawn) -> None:
        with self._lock:
            self._kept[(who.user_id, base)] = (time.monotonic() + self._seconds, drawn)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def take(self, who: Principal, base: str) -> graph.Drawn | None:
        with self._lock:
            until, drawn = self._kept.pop((who.user_id, base), (0.0, None))
        return drawn if until > time.monotonic() else None


handed = _HandOver()


def _case_chain(session: SessionDep, who: Principal, case_id: Id) -> tuple[str, graph.Drawn]:
    guard.case(session, who, case_id)
    case = cases.get_case(session, case_id)
    chain = graph.case_chain(session, case.id)
    return case.code, graph.draw(session, who, chain, focus_case=case.id)


def _cluster_chain(session: SessionDep, who: Principal, cluster_id: Id) -> tuple[str, graph.Drawn]:
    cluster = service.get_cluster(session, cluster_id)
    chain = graph.cluster_chain(session, cluster)
    drawn = graph.draw(session, who, chain, generations_from_roots=True)
    return cluster.code, drawn


def _href(drawn: graph.Drawn, k: int, links: bool) -> str | None:
    """Where a node leads: a case in sight to its person's page, a cluster to its page."""
    node = drawn.nodes[k]
    if node.person_id is not None and links:
        return f"/people/{node.person_id}"
    if node.kind == SourceKind.cluster and node.id.startswith("cluster:"):
        return f"/clusters/{node.id.removeprefix('cluster:')}"
    return None


def _chain_page(
    request: Request,
    session: SessionDep,
    who: Principal,
    code: str,
    drawn: graph.Drawn,
    *,
    kind: str,
    base: str,
    page: int,
) -> Response:
    """The graph's frame (drawn by the script from ``{base}.json``) and a page of the table."""
    sources = drawn.sources()
    start = (page - 1) * ROWS
    rows = [
        (k, drawn.nodes[k], sources[k]) for k in range(start, min(start + ROWS, len(drawn.nodes)))
    ]
    shown = [n.person_id for _, n, _ in rows if n.person_id is not None]
    recorder.read(session, "cases", None, shown, view="chain table", chain=base)
    links = who.can(Permission.people_read)
    context = {
        "kind": kind,
        "code": code,
        "base": base,
        "drawn": drawn,
        "rows": rows,
        "cases": sum(1 for n in drawn.nodes if n.kind == SourceKind.case),
        "href": lambda k: _href(drawn, k, links),
        **paging(len(drawn.nodes), page, ROWS),
    }
    return render(request, "clusters/chain.html", context, who=who)


def _chain_json(
    request: Request,
    session: SessionDep,
    who: Principal,
    drawn: graph.Drawn,
    base: str,
    started: float,
) -> Response:
    """The graph as columns (one list per attribute, edges as positions): small, and
    quick to read into the graph."""
    t = texts_for(request, who)
    recorder.read(session, "cases", None, drawn.people(), view="chain graph", chain=base)
    links = who.can(Permission.people_read)
    hidden = t.gettext("outside your jurisdiction")
    unknown = t.gettext("unknown source")
    nodes = drawn.nodes
    body: dict[str, Any] = {
        "count": len(nodes),
        "focus": drawn.focus,
        "nodes": {
            "id": [n.id for n in nodes],
            "label": [
                hidden
                if n.id.startswith("hidden:")
                else unknown
                if n.kind == SourceKind.unknown
                else n.label
                for n in nodes
            ],
            "kind": [n.kind.value if not n.id.startswith("hidden:") else "hidden" for n in nodes],
            "status": [n.status.value if n.status else None for n in nodes],
            "generation": [n.generation for n in nodes],
            "x": drawn.layout.x,
            "y": drawn.layout.y,
            "parent": drawn.layout.parent,
            "below": drawn.layout.below,
            "href": [_href(drawn, k, links) for k in range(len(nodes))],
        },
        "edges": {"source": [s for s, _ in drawn.edges], "target": [t for _, t in drawn.edges]},
    }
    content = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    spent = (time.perf_counter() - started) * 1000
    return Response(
        content,
        media_type="application/json",
        headers={"Cache-Control": "no-store", "Server-Timing": f"chain;dur={spent:.1f}"},
    )


@router.get("/cases/{case_id}/chain")
def case_chain_page(
    request: Request, session: SessionDep, who: PageUser, case_id: Id, page: PageNumber = 1
) -> Response:
    """The chain of a case: who infected it, whom it infected, down every generation."""
    needs(who, Permission.cases_read)
    code, drawn = _case_chain(session, who, case_id)
    base = f"/cases/{case_id}/chain"
    handed.put(who, base, drawn)
    return _chain_page(request, session, who, code, drawn, kind="case", base=base, page=page)


@router.get("/cases/{case_id}/chain.json")
def case_chain_json(request: Request, session: SessionDep, who: PageUser, case_id: Id) -> Response:
    started = time.perf_counter()
    needs(who, Permission.cases_read)
    base = f"/cases/{case_id}/chain"
    guard.case(session, who, case_id)
    drawn = handed.take(who, base) or _case_chain(session, who, case_id)[1]
    return _chain_json(request, session, who, drawn, base, started)


@router.get("/clusters/{cluster_id}/chain")
def cluster_chain_page(
    request: Request, session: SessionDep, who: PageUser, cluster_id: Id, page: PageNumber = 1
) -> Response:
    """The chain of a cluster: its cases and everyone they infected, under the cluster."""
    needs(who, Permission.clusters_read)
    needs(who, Permission.cases_read)
    code, drawn = _cluster_chain(session, who, cluster_id)
    base = f"/clusters/{cluster_id}/chain"
    handed.put(who, base, drawn)
    return _chain_page(request, session, who, code, drawn, kind="cluster", base=base, page=page)


@router.get("/clusters/{cluster_id}/chain.json")
def cluster_chain_json(
    request: Request, session: SessionDep, who: PageUser, cluster_id: Id
) -> Response:
    started = time.perf_counter()
    needs(who, Permission.clusters_read)
    needs(who, Permission.cases_read)
    base = f"/clusters/{cluster_id}/chain"
    service.get_cluster(session, cluster_id)
    drawn = handed.take(who, base) or _cluster_chain(session, who, cluster_id)[1]
    return _chain_json(request, session, who, drawn, base, started)
