"""What the clusters API accepts and returns."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from cordon.cases.enums import CaseStatus
from cordon.clusters.enums import ClusterKind
from cordon.core.bounds import Day, Id
from cordon.core.schemas import Out


class ClusterIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: ClusterKind = ClusterKind.other
    ward_id: Id | None = None
    started_on: Day | None = None
    ended_on: Day | None = None
    description: str | None = Field(default=None, max_length=2000)


class ClusterOut(Out):
    id: int
    code: str
    name: str
    kind: ClusterKind
    ward_id: int | None
    started_on: dt.date | None
    ended_on: dt.date | None
    description: str | None


class MemberIn(BaseModel):
    """The case to add, by id or by code."""

    case_id: Id | None = None
    case_code: str | None = Field(default=None, max_length=32)


class MembersOut(BaseModel):
    cluster_id: int
    case_ids: list[int]


class DistrictCount(BaseModel):
    district_id: int | None = Field(description="None for cases with no ward known.")
    district: str = Field(description='The district\'s name, or "unknown".')
    cases: int


class ClusterSummary(BaseModel):
    cluster: ClusterOut
    size: int
    generations: int = Field(description="Cases in the longest who-infected-whom chain inside.")
    first_confirmed_on: dt.date | None
    last_confirmed_on: dt.date | None
    by_district: list[DistrictCount]
    by_status: dict[CaseStatus, int]
