from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from cordon.core.bounds import NOTES
from cordon.core.schemas import Out, PersonName
from cordon.monitoring.enums import FlagKind, FlagStatus, Reporter


class ReportIn(BaseModel):
    temperature: float | None = Field(default=None, description="°C, one decimal.")
    symptoms: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=50, description="Symptom names."
    )
    note: str | None = Field(default=None, max_length=NOTES)
    submission: str = Field(
        max_length=64,
        description="The form's own key (8–64 characters): the same key again stores nothing.",
    )


class Said(Out):
    """What a daily report said, and when: a report's and a reading's first fields."""

    id: int
    order_id: int
    reported_on: dt.date
    reported_at: dt.datetime
    temperature: float | None
    symptoms: list[str]


class ReportOut(Said):
    note: str | None
    reporter: Reporter
    flags: list[FlagKind] = Field(default_factory=list, description="Flags this report raised.")
    stored_before: bool = False


class FlagOut(Out):
    id: int
    person_id: int
    name: PersonName = ""
    order_id: int
    kind: FlagKind
    status: FlagStatus
    raised_on: dt.date
    raised_at: dt.datetime
    note: str | None
    report_id: int | None = Field(
        default=None, description="The daily report whose reading raised it (fever, symptoms)."
    )


class ReadingOut(Said):
    """One daily reading of the follow-up history, with the flags it raised."""

    reporter: Reporter
    entered_by: str | None = Field(description="The worker who entered it; null: the person.")
    note: str | None
    flags: list[FlagKind]


class CloseIn(BaseModel):
    note: str = Field(max_length=2000, description="What was done.")
