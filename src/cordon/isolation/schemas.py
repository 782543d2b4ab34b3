from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from cordon.core.bounds import Day, Id
from cordon.core.schemas import Out, PersonName
from cordon.isolation.enums import OrderStatus, Place, TaskStatus


class OrderOut(Out):
    id: int
    person_id: int
    name: PersonName = ""
    status: OrderStatus
    place: Place
    facility_id: int | None
    regime_id: str
    tier: int | None
    last_exposure_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    monitor_until: dt.date | None
    replaces_id: int | None
    note: str | None
    closed_on: dt.date | None
    close_reason: str | None
    version: int


class ConfirmIn(BaseModel):
    version: int = Field(description="The order's version as read (stale: 409).")
    place: Place | None = Field(default=None, description="Another place than proposed.")
    facility_id: Id | None = Field(
        default=None, description="Another facility (with a free bed) than proposed."
    )
    note: str | None = Field(default=None, max_length=2000)
    regime_id: str | None = Field(
        default=None, max_length=40, description="Another regime: its dates and test days."
    )
    ends_on: Day | None = Field(default=None, description="Another last day of the stay.")


class DeclineIn(BaseModel):
    version: int
    reason: str = Field(min_length=1, max_length=300)


class TaskOut(Out):
    id: int
    due_on: dt.date
    reason: str
    status: TaskStatus


class DueTaskOut(TaskOut):
    """A sample still to take, with whose it is (a pseudonym for pseudonymised roles)."""

    person_id: int
    name: str
    order_id: int | None


class TransferIn(BaseModel):
    version: int = Field(description="The order's version as read (stale: 409).")
    place: Place = Field(description="facility or home.")
    facility_id: Id | None = Field(default=None, description="The facility to move to.")
    reason: str = Field(min_length=1, max_length=300)


class TransferOut(Out):
    id: int
    order_id: int
    from_place: Place
    from_facility_id: int | None
    to_place: Place
    to_facility_id: int | None
    moved_on: dt.date
    reason: str
