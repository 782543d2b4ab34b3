"""The case list: one filter, one sort and one page for the API (``GET /cases``), the web
app's case list (``/cases``) and its export. Only cases of people the user's jurisdiction
sees; read from the indexes on the cases' own columns (``ward_id`` is the person's ward,
copied: ADR 0007), so a ward's or a district's list never reads the people table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, Classification
from cordon.cases.models import Case
from cordon.clusters.models import ClusterCase
from cordon.core.pagination import count_of, page_size
from cordon.core.scope import CITY, Scope
from cordon.geography.service import subtree_ids
from cordon.tracing.models import PersonTier


@dataclass(frozen=True)
class CaseFilter:
    """What a case list shows; every field left None lets every case through."""

    status: CaseStatus | None = None
    classification: Classification | None = None
    confirmed_from: dt.date | None = None
    confirmed_to: dt.date | None = None
    onset_from: dt.date | None = None
    onset_to: dt.date | None = None
    cluster_id: int | None = None
    province: str | None = None
    wards: frozenset[int] | None = None  # where the person lives (``in_unit``)
    tier: int | None = None  # the person's tier now (F0 … F5)


def in_unit(session: Session, unit_id: int | None) -> frozenset[int] | None:
    """A ward, or a district's wards: the ``wards`` of a filter by place."""
    return None if unit_id is None else frozenset(subtree_ids(session, unit_id))


class CaseSort(StrEnum):
    """The orders of the list: a column, ``-`` before it for the reverse."""

    newest = "newest"  # registered last first (the primary key)
    oldest = "oldest"
    code = "code"
    code_desc = "-code"
    status = "status"
    status_desc = "-status"
    onset = "onset_on"
    onset_desc = "-onset_on"
    confirmed = "confirmed_on"
    confirmed_desc = "-confirmed_on"


def _order(sort: CaseSort) -> list[ColumnElement[Any]]:
    """The sort's column (cases without the date last, either way), then the id."""
    if sort is CaseSort.newest:
        return [Case.id.desc()]
    if sort is CaseSort.oldest:
        return [Case.id.asc()]
    column = getattr(Case, sort.value.lstrip("-"))
    descending = sort.value.startswith("-")
    first = (column.desc() if descending else column.asc()).nulls_last()
    return [first, Case.id.desc() if descending else Case.id.asc()]


def matching(f: CaseFilter, scope: Scope = CITY) -> Select[int]:
    """The ids of the cases the filter lets through, in ``scope``: a subquery for lists and
    exports alike."""
    conditions: list[ColumnElement[bool]] = [scope.where(Case.ward_id, Case.person_id)]
    pairs = (
        (f.status, Case.status.__eq__),
        (f.classification, Case.classification.__eq__),
        (f.confirmed_from, Case.confirmed_on.__ge__),
        (f.confirmed_to, Case.confirmed_on.__le__),
        (f.onset_from, Case.onset_on.__ge__),
        (f.onset_to, Case.onset_on.__le__),
        (f.province, Case.province.__eq__),
    )
    conditions += [make(value) for value, make in pairs if value is not None]
    if f.wards is not None:
        conditions.append(Case.ward_id.in_(sorted(f.wards)))
    if f.cluster_id is not None:
        # a cluster's few cases by its index, not every case probed for membership
        members = select(ClusterCase.case_id).where(ClusterCase.cluster_id == f.cluster_id)
        conditions.append(Case.id.in_(members))
    if f.tier is not None:
        conditions.append(
            exists().where(PersonTier.person_id == Case.person_id, PersonTier.tier == f.tier)
        )
    return select(Case.id).where(*conditions)


def list_cases(
    session: Session,
    f: CaseFilter = CaseFilter(),
    *,
    sort: CaseSort = CaseSort.newest,
    limit: int = 50,
    offset: int = 0,
    before_id: int | None = None,
    scope: Scope = CITY,
    cap: int | None = None,
) -> tuple[list[Case], int]:
    """A page of the cases ``f`` lets through in ``scope``, in ``sort`` order, and how many
    there are (counted up to ``cap`` when given). ``before_id`` pages by key (newest first,
    fast at any depth)."""
    query = matching(f, scope)
    total = count_of(session, query, cap=cap)
    if before_id is not None:
        query = query.where(Case.id < before_id)
    ordered = query.with_only_columns(Case).order_by(*_order(sort))
    page = ordered.limit(page_size(limit)).offset(offset)
    return list(session.scalars(page).all()), total


def tiers_of(session: Session, person_ids: list[int]) -> dict[int, int]:
    """The tier now of each of these people who has one (the list's tier column)."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(PersonTier.person_id, PersonTier.tier).where(
            PersonTier.person_id.in_(sorted(set(person_ids)))
        )
    )
    return {int(p): int(k) for p, k in rows}
