"""A scenario run started from the API or the web app: queued, run in the background
(``jobs``), then done with its result or failed with the reason."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, UtcDateTime, utcnow


class RunStatus(StrEnum):
    queued = "queued"  # waiting for the runner (one scenario at a time)
    running = "running"
    done = "done"  # ``result`` holds the figures
    failed = "failed"  # ``failure`` says why


class ScenarioRun(Base):
    """One scenario's ensemble: what ran (the checked scenario, with the registry's figures
    when it started from the registry), who asked, how far it got, and its figures — per
    metric and day the 5th percentile, the median and the 95th percentile, in the city's
    people (``service.result_of``)."""

    __tablename__ = "scenario_runs"
    __table_args__ = (Index("ix_scenario_runs_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[dict[str, Any]] = mapped_column(JSON)  # as run: parse_scenario reads it
    from_registry: Mapped[bool] = mapped_column(Boolean, default=False)
    registry_figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what was read
    status: Mapped[RunStatus] = mapped_column(
        Enum(RunStatus, native_enum=False, length=16), default=RunStatus.queued
    )
    runs_done: Mapped[int] = mapped_column(Integer, default=0)
    runs_total: Mapped[int] = mapped_column(Integer)
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    failure: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
