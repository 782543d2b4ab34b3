from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from cordon.core.schemas import Out


class StepOut(BaseModel):
    person_id: int | None = Field(description="Null for a person outside your jurisdiction.")
    tier: int | None = Field(description="0 = F0, 1 = F1 … (null outside your jurisdiction)")
    exposed_on: dt.date | None = Field(
        description="Day reached (for an F0: first day of the window)."
    )
    via_exposure_id: int | None
    outside: str | None = Field(
        default=None,
        description="'outside your jurisdiction' for a person you may not see: then no id, "
        "tier, day or case is given.",
    )


class LabelOut(BaseModel):
    tier: int
    exposed_on: dt.date
    source_case_id: int | None = Field(description="Null when the case is out of your sight.")
    via_person_id: int | None
    via_exposure_id: int | None


class TierOut(BaseModel):
    person_id: int
    tier: int | None = Field(description="Lowest F-tier, or null when the person has none.")
    exposed_on: dt.date | None
    source_case_id: int | None
    why: list[StepOut] = Field(
        description="The path that gives the tier: the person first, the F0 last."
    )
    labels: list[LabelOut] = Field(
        description="Every (tier, day) that matters: a deeper tier reached earlier keeps its own "
        "risk period."
    )


class TraceNodeOut(BaseModel):
    person_id: int
    name: str
    level: int = Field(description="Tier along this path (steps from the F0).")
    tier: int | None = Field(
        description="The person's own tier: lower when another path is shorter (null for a "
        "person outside your jurisdiction)."
    )
    exposed_on: dt.date
    parent_person_id: int | None
    via_exposure_id: int | None


class TraceOut(BaseModel):
    person: TierOut
    name: str
    counts: dict[int, int] = Field(description="People per tier in the tree.")
    nodes: list[TraceNodeOut]
    truncated: bool


class TierChangeOut(BaseModel):
    old_tier: int | None
    new_tier: int | None
    changed_at: dt.datetime
    cause: str
    source_case_id: int | None
    via_person_id: int | None
    via_exposure_id: int | None


class TierCountOut(BaseModel):
    tier: int
    people: int


class TieredPersonOut(Out):
    person_id: int
    tier: int
    exposed_on: dt.date
    source_case_id: int


class RecomputeOut(Out):
    labels: int
    tiered_people: int
    written: int
    deleted: int
    tier_changes: int
    seconds: float
