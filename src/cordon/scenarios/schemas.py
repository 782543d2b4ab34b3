"""What the scenario endpoints answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from cordon.scenarios.models import RunStatus, ScenarioRun


class Band(BaseModel):
    """One metric, one value per day from the start: the 90% interval and the median."""

    p05: list[float] = Field(description="5th percentile of the runs, per day.")
    median: list[float]
    p95: list[float] = Field(description="95th percentile of the runs, per day.")


class Spread(BaseModel):
    """Over the horizon, each run's total and its peak: their 5th percentile, median and
    95th percentile (``[p05, median, p95]``)."""

    total: list[float] = Field(description="The sum over the days (for daily counts).")
    peak: list[float] = Field(description="The highest day (for standing counts: beds …).")


class Result(BaseModel):
    start: dt.date
    days: int
    runs: int
    agents: int = Field(description="Simulated people per run.")
    scale: float = Field(description="The city's people per simulated person.")
    metrics: dict[str, Band] = Field(description="Per metric, per day, in the city's people.")
    summary: dict[str, Spread]


class RunOut(BaseModel):
    """A scenario run: where it is, and why it failed."""

    id: int
    name: str
    status: RunStatus
    runs_done: int = Field(description="Runs of the ensemble finished so far.")
    runs_total: int
    from_registry: bool
    started_by: str = Field(description="Username of who started it.")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    failure: str | None = Field(description="Why it failed (status failed).")

    @classmethod
    def of(cls, run: ScenarioRun, usernames: dict[int, str]) -> RunOut:
        return cls(**_fields(run, usernames))


class RunDetail(RunOut):
    """A run with the scenario it ran, what the registry said, and its figures when done."""

    scenario: dict[str, Any] = Field(description="The scenario as it ran (checked).")
    registry: dict[str, Any] | None = Field(
        description="What was read from the registry, when the run started from it."
    )
    result: Result | None = Field(description="The figures (status done).")

    @classmethod
    def of(cls, run: ScenarioRun, usernames: dict[int, str]) -> RunDetail:
        return cls(
            **_fields(run, usernames),
            scenario=run.scenario,
            registry=run.registry_figures,
            result=Result.model_validate(run.result) if run.result else None,
        )


class Started(BaseModel):
    id: int
    status: RunStatus


def _fields(run: ScenarioRun, usernames: dict[int, str]) -> dict[str, Any]:
    return {
        "id": run.id,
        "name": run.name,
        "status": run.status,
        "runs_done": run.runs_done,
        "runs_total": run.runs_total,
        "from_registry": run.from_registry,
        "started_by": usernames.get(run.started_by, ""),
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "failure": run.failure,
    }
