"""Clusters: cases grouped around a place or event, their members and their summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from cordon.cases import chains
from cordon.cases.enums import F0_STATUSES, CaseStatus
from cordon.cases.models import Case
from cordon.clusters.enums import ClusterKind
from cordon.clusters.models import Cluster, ClusterCase
from cordon.clusters.schemas import ClusterOut, ClusterSummary, DistrictCount
from cordon.core.bulk import insert_columns
from cordon.core.db import get_or_404, one_or_404
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.core.pagination import paged
from cordon.geography.models import AdminUnit
from cordon.people.models import Person


def get_cluster(session: Session, cluster_id: int) -> Cluster:
    return get_or_404(session, Cluster, cluster_id, what="cluster")


def cluster_by_code(session: Session, code: str) -> Cluster:
    missing = f"No cluster with code {code}."
    return one_or_404(session, Cluster, Cluster.code == code, missing=missing)


def find_cluster(session: Session, code_or_name: str) -> Cluster:
    """By exact code, else by name (case-insensitive); a name shared by several is refused."""
    wanted = code_or_name.strip().lower()
    found = session.scalars(
        select(Cluster).where(or_(Cluster.code == code_or_name, func.lower(Cluster.name) == wanted))
    ).all()
    exact = [c for c in found if c.code == code_or_name]
    if exact:
        return exact[0]
    if len(found) > 1:
        codes = ", ".join(sorted(c.code for c in found))
        raise InvalidInput.on(
            "cluster",
            N_("%(name)s names several clusters: %(codes)s"),
            name=repr(code_or_name),
            codes=codes,
        )
    if not found:
        raise NotFound(f"No cluster with code or name {code_or_name!r}.")
    return found[0]


def list_clusters(
    session: Session, *, limit: int = 50, offset: int = 0
) -> tuple[list[Cluster], int]:
    return paged(session, select(Cluster), Cluster.code, limit=limit, offset=offset)


def create_cluster(
    session: Session,
    *,
    code: str,
    name: str,
    kind: ClusterKind = ClusterKind.other,
    ward_id: int | None = None,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    description: str | None = None,
) -> Cluster:
    if session.scalar(select(Cluster.id).where(Cluster.code == code)) is not None:
        raise Conflict.of(N_("Cluster code %(code)s is already used."), code=code)
    if ward_id is not None and session.get(AdminUnit, ward_id) is None:
        raise InvalidInput.on("ward_id", N_("no administrative unit with id %(id)s"), id=ward_id)
    if started_on and ended_on and ended_on < started_on:
        raise InvalidInput.on("ended_on", N_("is before started_on (%(day)s)"), day=started_on)
    cluster = Cluster(
        code=code,
        name=name,
        kind=kind,
        ward_id=ward_id,
        started_on=started_on,
        ended_on=ended_on,
        description=description,
    )
    session.add(cluster)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict.of(N_("Cluster code %(code)s is already used."), code=code) from None
    return cluster


def member_ids(session: Session, cluster_id: int) -> list[int]:
    query = _members(cluster_id).order_by(ClusterCase.case_id)
    return [int(c) for c in session.scalars(query)]


def add_member(session: Session, cluster_id: int, *, case_id: int) -> None:
    cluster = get_cluster(session, cluster_id)
    case = session.get(Case, case_id)
    if case is None:
        raise InvalidInput.on("case_id", N_("no case with id %(id)s"), id=case_id)
    if session.get(ClusterCase, (cluster.id, case.id)) is not None:
        raise Conflict.of(
            N_("Case %(code)s is already in cluster %(cluster)s."),
            code=case.code,
            cluster=cluster.code,
        )
    session.add(ClusterCase(cluster_id=cluster.id, case_id=case.id))
    session.flush()


def add_member_by_code(session: Session, cluster_id: int, *, case_code: str) -> None:
    case = session.scalar(select(Case).where(Case.code == case_code))
    if case is None:
        raise InvalidInput.on("case_code", N_("no case with code %(code)s"), code=case_code)
    add_member(session, cluster_id, case_id=case.id)


def add_members(session: Session, members: Iterable[tuple[int, int]]) -> int:
    """Add (cluster id, case id) pairs at once (a line list's cluster column): pairs already
    there are skipped. Returns how many were added."""
    wanted = set(members)
    if not wanted:
        return 0
    clusters = {c for c, _ in wanted}
    have = session.execute(
        select(ClusterCase.cluster_id, ClusterCase.case_id).where(
            ClusterCase.cluster_id.in_(clusters)
        )
    )
    new = sorted(wanted - {(c, k) for c, k in have})
    insert_columns(
        session, ClusterCase, ("cluster_id", "case_id"), ([c for c, _ in new], [k for _, k in new])
    )
    return len(new)


def remove_member(session: Session, cluster_id: int, *, case_id: int) -> None:
    cluster = get_cluster(session, cluster_id)
    member = session.get(ClusterCase, (cluster.id, case_id))
    if member is None:
        raise NotFound(f"Case {case_id} is not in cluster {cluster.code}.")
    session.delete(member)
    session.flush()


def _members(cluster_id: int) -> Select[int]:
    return select(ClusterCase.case_id).where(ClusterCase.cluster_id == cluster_id)


def _by_district(session: Session, cluster_id: int) -> list[DistrictCount]:
    ward = aliased(AdminUnit)
    district = aliased(AdminUnit)
    rows = session.execute(
        select(district.id, district.name, func.count(Case.id))
        .select_from(Case)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(ward, ward.id == Person.ward_id)
        .outerjoin(district, district.id == ward.parent_id)
        .where(Case.id.in_(_members(cluster_id)))
        .group_by(district.id, district.name)
    ).all()
    counts = [
        DistrictCount(district_id=d_id, district=name or "unknown", cases=n)
        for d_id, name, n in rows
    ]
    return sorted(counts, key=lambda c: (c.district_id is None, -c.cases, c.district))


def summary(session: Session, cluster_id: int) -> ClusterSummary:
    """Size, generations, first and last confirmation, cases by district and by status."""
    cluster = get_cluster(session, cluster_id)
    ids = member_ids(session, cluster.id)
    members = Case.id.in_(_members(cluster.id))
    first, last = session.execute(
        select(func.min(Case.confirmed_on), func.max(Case.confirmed_on)).where(members)
    ).one()
    statuses = session.execute(
        select(Case.status, func.count()).where(members).group_by(Case.status)
    ).all()
    return ClusterSummary(
        cluster=ClusterOut.model_validate(cluster),
        size=len(ids),
        generations=chains.longest_chain(session, ids),
        first_confirmed_on=first,
        last_confirmed_on=last,
        by_district=_by_district(session, cluster.id),
        by_status={CaseStatus(s): int(n) for s, n in statuses},
    )


def sizes(session: Session, cluster_ids: list[int]) -> dict[int, int]:
    """Cluster → how many cases it holds."""
    if not cluster_ids:
        return {}
    rows = session.execute(
        select(ClusterCase.cluster_id, func.count())
        .where(ClusterCase.cluster_id.in_(cluster_ids))
        .group_by(ClusterCase.cluster_id)
    )
    return {int(c): int(n) for c, n in rows}


def ward_name(session: Session, ward_id: int | None) -> str | None:
    return (
        None
        if ward_id is None
        else session.scalar(select(AdminUnit.name).where(AdminUnit.id == ward_id))
    )


def grown(
    session: Session, *, since: dt.date, until: dt.date, at_least: int
) -> list[tuple[Cluster, int]]:
    """Clusters with at least ``at_least`` member cases confirmed from ``since`` to ``until``
    (both days included), with that count, by code (the early warnings' rule)."""
    counted = func.count(ClusterCase.case_id)
    found = session.execute(
        select(Cluster, counted)
        .join(ClusterCase, ClusterCase.cluster_id == Cluster.id)
        .join(Case, Case.id == ClusterCase.case_id)
        .where(
            Case.status.in_(sorted(F0_STATUSES)),
            Case.confirmed_on >= since,
            Case.confirmed_on <= until,
        )
        .group_by(Cluster.id)
        .having(counted >= at_least)
        .order_by(Cluster.code)
    )
    return [(cluster, int(n)) for cluster, n in found]
