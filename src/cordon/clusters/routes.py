"""HTTP: clusters, their member cases and their summary."""

from __future__ import annotations

from fastapi import APIRouter, status

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.who import ClustersReader, ClustersWriter
from cordon.clusters import service
from cordon.clusters.schemas import ClusterIn, ClusterOut, ClusterSummary, MemberIn, MembersOut
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import InvalidInput
from cordon.core.pagination import Page, PageDep

router = APIRouter(prefix="/clusters", tags=["clusters"])


def _members(session: SessionDep, who: Principal, cluster_id: Id) -> MembersOut:
    """The member cases the user may see (summaries stay whole: they are aggregates)."""
    ids = service.member_ids(session, cluster_id)
    return MembersOut(cluster_id=cluster_id, case_ids=list(guard.visible_cases(session, who, ids)))


@router.post("", response_model=ClusterOut, status_code=status.HTTP_201_CREATED)
def create_cluster(session: SessionDep, who: ClustersWriter, body: ClusterIn) -> ClusterOut:
    """A new cluster; its code is unique (409 otherwise)."""
    return ClusterOut.model_validate(service.create_cluster(session, **body.model_dump()))


@router.get("", response_model=Page[ClusterOut])
def list_clusters(session: SessionDep, who: ClustersReader, page: PageDep) -> Page[ClusterOut]:
    rows, total = service.list_clusters(session, limit=page.limit, offset=page.offset)
    items = [ClusterOut.model_validate(r) for r in rows]
    return page.answer(items, total)


@router.get("/by-code/{code}", response_model=ClusterOut)
def get_cluster_by_code(session: SessionDep, who: ClustersReader, code: str) -> ClusterOut:
    return ClusterOut.model_validate(service.cluster_by_code(session, code))


@router.get("/{cluster_id}", response_model=ClusterOut)
def get_cluster(session: SessionDep, who: ClustersReader, cluster_id: Id) -> ClusterOut:
    return ClusterOut.model_validate(service.get_cluster(session, cluster_id))


@router.post("/{cluster_id}/cases", response_model=MembersOut, status_code=status.HTTP_201_CREATED)
def add_case(
    session: SessionDep, who: ClustersWriter, cluster_id: Id, body: MemberIn
) -> MembersOut:
    """Add a case (by ``case_id`` or ``case_code``) to the cluster."""
    if body.case_id is not None:
        guard.case_field(session, who, "case_id", body.case_id)
        service.add_member(session, cluster_id, case_id=body.case_id)
    elif body.case_code is not None:
        guard.case_field(session, who, "case_code", body.case_code)
        service.add_member_by_code(session, cluster_id, case_code=body.case_code)
    else:
        raise InvalidInput.on("case_id", "give case_id or case_code")
    return _members(session, who, cluster_id)


@router.get("/{cluster_id}/cases", response_model=MembersOut)
def cases(session: SessionDep, who: ClustersReader, cluster_id: Id) -> MembersOut:
    """The cluster's cases in the user's jurisdiction."""
    service.get_cluster(session, cluster_id)
    return _members(session, who, cluster_id)


@router.delete("/{cluster_id}/cases/{case_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_case(session: SessionDep, who: ClustersWriter, cluster_id: Id, case_id: Id) -> None:
    guard.case(session, who, case_id)
    service.remove_member(session, cluster_id, case_id=case_id)


@router.get("/{cluster_id}/summary", response_model=ClusterSummary)
def summary(session: SessionDep, who: ClustersReader, cluster_id: Id) -> ClusterSummary:
    """Size, generations, first and last confirmed dates, cases by district and status."""
    return service.summary(session, cluster_id)
