from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cordon.core.bounds import Day, Id
from cordon.core.schemas import Out
from cordon.exposures.enums import Closeness, Setting

# its default sits on each field (`= None`), where the pydantic mypy plugin sees it
Note = Annotated[str | None, Field(max_length=300)]


class _InOrder(BaseModel):
    """What happened from ``first_on`` to ``last_on``: the last day is not before the first."""

    if TYPE_CHECKING:
        first_on: dt.date
        last_on: dt.date

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.last_on < self.first_on:
            raise ValueError(f"last_on ({self.last_on}) is before first_on ({self.first_on})")
        return self


class ContactIn(_InOrder):
    """One contact of an index person."""

    model_config = ConfigDict(extra="forbid")

    contact_id: Id = Field(description="The person met.")
    first_on: Day = Field(description="First day of contact.")
    last_on: Day = Field(description="Last day of contact (same as first for one meeting).")
    setting: Setting
    closeness: Closeness = Closeness.close
    note: Note = None


class ExposureIn(ContactIn):
    person_id: Id = Field(description="The person whose contact list this comes from.")


class ContactListIn(BaseModel):
    """A whole contact list (a household, a workplace) of one person, saved all or nothing."""

    model_config = ConfigDict(extra="forbid")

    person_id: Id
    contacts: list[ContactIn] = Field(min_length=1, max_length=5000)


class ExposureUpdate(BaseModel):
    """PATCH body: the changes (a field left out is kept) and the ``version`` last read."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The exposure's version as last read (stale: 409).")
    first_on: Day | None = None
    last_on: Day | None = None
    setting: Setting | None = None
    closeness: Closeness | None = None
    note: Note = None

    @field_validator("first_on", "last_on", "setting", "closeness")
    @classmethod
    def _kept_not_emptied(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be emptied: leave it out to keep it")
        return value


class ExposureOut(Out):
    id: int
    person_id: int
    contact_id: int
    first_on: dt.date
    last_on: dt.date
    setting: Setting
    closeness: Closeness
    note: str | None
    version: int


class EventExposureIn(_InOrder):
    model_config = ConfigDict(extra="forbid")

    person_id: Id
    cluster_id: Id
    first_on: Day
    last_on: Day
    closeness: Closeness = Closeness.close
    note: Note = None


class EventExposureOut(Out):
    id: int
    person_id: int
    cluster_id: int
    first_on: dt.date
    last_on: dt.date
    closeness: Closeness
    note: str | None
