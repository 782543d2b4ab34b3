"""A situation report as it travels (the payload of a ``sitrep`` envelope), shaped on OASIS
EDXL-SitRep: report number and version, the period covered, prepared and approved by, the
situation summary, the casualty-and-illness figures, resources (beds), the measures in force
and the next report due. Only city-wide figures travel, as the public dashboard publishes
them: no ward's count, no person."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from cordon.core.bounds import NOTES
from cordon.core.schemas import Out
from cordon.network.enums import ReportStatus, ReportVersion

Count = Annotated[int, Field(ge=0, le=2_000_000_000)]
Line = Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)]


class Figures(BaseModel):
    """The casualty-and-illness summary and the resources, city-wide, on ``as_of``."""

    model_config = ConfigDict(extra="forbid")

    confirmed: Count = Field(description="Confirmed cases since the first, all sources.")
    community: Count
    imported: Count
    in_quarantine: Count = Field(description="Found while already in isolation.")
    unclassified: Count
    new_last_7: Count = Field(description="Confirmed in the 7 days up to as_of.")
    new_last_14: Count
    recovered: Count
    deaths: Count
    active: Count = Field(description="Under treatment: confirmed less recovered and dead.")
    isolated_facility: Count = Field(description="Contacts held in facilities on as_of.")
    isolated_home: Count = Field(description="Contacts isolated at home on as_of.")
    days_since_community_case: Count | None = None
    rt_mean: Annotated[float, Field(ge=0, le=100)] | None = None
    rt_lower: Annotated[float, Field(ge=0, le=100)] | None = None
    rt_upper: Annotated[float, Field(ge=0, le=100)] | None = None
    rt_reliable: bool | None = None
    clusters_active: Count = Field(description="Clusters of 5 or more with a case in 14 days.")
    beds_capacity: Count | None = None
    beds_free: Count | None = None


class Measure(BaseModel):
    """A countermeasure in force (an isolation regime, a closure, a zone's level …)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    since: dt.date | None = None
    until: dt.date | None = None
    details: Annotated[str, StringConstraints(max_length=1000)] | None = None


class SitRep(BaseModel):
    """The report as it travels between cities."""

    model_config = ConfigDict(extra="forbid")

    number: Annotated[int, Field(ge=1, le=1_000_000)]
    report_version: ReportVersion
    as_of: dt.date
    period_from: dt.date
    period_to: dt.date
    prepared_by: Line
    approved_by: Line | None = None
    population: Annotated[int, Field(ge=1, le=2_000_000_000)] | None = None
    summary: Annotated[str, StringConstraints(max_length=NOTES)] = ""
    figures: Figures
    measures: Annotated[list[Measure], Field(max_length=50)] = []
    next_report_due: dt.datetime | None = None

    @model_validator(mode="after")
    def _period_in_order(self) -> SitRep:
        if self.period_to < self.period_from:
            raise ValueError("period_to: is before period_from")
        return self


class SitRepEdit(BaseModel):
    """What an officer changes in a draft before approving it."""

    model_config = ConfigDict(extra="forbid")

    version: Annotated[int, Field(ge=1, le=2**31)]
    report_version: ReportVersion | None = None
    summary: Annotated[str, StringConstraints(max_length=NOTES)] | None = None
    measures: Annotated[list[Measure], Field(max_length=50)] | None = None
    next_report_due: dt.datetime | None = None


class Versioned(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Annotated[int, Field(ge=1, le=2**31)]


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = Field(default=None, description="Default: today.")


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    daily_at: dt.time | None = Field(
        description="Local time (HH:MM) from which the worker sends the approved report of "
        "the day; null: sent by hand only."
    )


class ScheduleOut(BaseModel):
    daily_at: dt.time | None


class SitRepOut(Out):
    id: int
    peer: str | None = Field(description="The partner city's node id; null for this city's.")
    status: ReportStatus
    version: int
    report: SitRep
    distribution_id: str | None


class CityDayOut(Out):
    as_of: dt.date
    cases_7_per_100k: float | None = Field(description="Cases in the 7 days up to as_of.")
    rt_mean: float | None
    days_since_community_case: int | None
    beds_free: int | None


class CityOut(Out):
    """One city: its latest report's figures, and each figure on every day of the view
    (null: no report that day)."""

    node_id: str
    name: str
    ours: bool
    population: int | None
    latest: CityDayOut | None
    cases_7_per_100k: list[float | None]
    rt_mean: list[float | None]
    days_since_community_case: list[int | None]
    beds_free: list[int | None]


class SideBySideOut(Out):
    days: list[dt.date] = Field(description="The days of the view, oldest first.")
    cities: list[CityOut]
