from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from cordon.core.bounds import Id
from cordon.core.schemas import remark
from cordon.exposures.enums import Closeness, Setting
from cordon.handovers.enums import HandoverStatus
from cordon.people.schemas import PersonCreate

FOR_THE_WARD = (
    "What the receiving ward needs to know: where and when they met, how to reach the contact."
)


class HandoverIn(BaseModel):
    exposure_id: Id = Field(
        description="An exposure you see from one side: its other person, who lives outside "
        "your jurisdiction, is handed over to the ward where they live."
    )
    note: str | None = remark(FOR_THE_WARD)


class MetIn(BaseModel):
    """When and how the two met (as for an exposure)."""

    model_config = ConfigDict(extra="forbid")

    first_on: dt.date
    last_on: dt.date
    setting: Setting
    closeness: Closeness = Closeness.close
    note: str | None = Field(default=None, max_length=300)


class HandoverContactIn(BaseModel):
    """A contact who lives outside your jurisdiction, recorded and handed over in one step."""

    model_config = ConfigDict(extra="forbid")

    person_id: int = Field(description="The person of your jurisdiction who met the contact.")
    contact: PersonCreate = Field(
        description="What you know of the contact, with the ward where they live: someone "
        "registered already (same national ID; or phone, name and birth year) is used without "
        "telling you whom, else they are registered in that ward."
    )
    met: MetIn
    note: str | None = remark(FOR_THE_WARD)


class HandoverAnswerIn(BaseModel):
    status: HandoverStatus = Field(
        description="accepted, completed or declined (the receiving side); cancelled (the "
        "sender, while it is still open)."
    )
    note: str | None = remark("Required to complete (what was done) and to decline (why).")


class UnitRef(BaseModel):
    id: int
    code: str
    name: str


class HandoverOut(BaseModel):
    id: int
    status: HandoverStatus
    exposure_id: int | None
    person_id: int | None = Field(description="The contact, for the side that sees them.")
    name: str = Field(description="The contact's name, or 'outside your jurisdiction'.")
    from_unit: UnitRef
    to_unit: UnitRef = Field(description="The ward the contact lived in when it was sent.")
    note: str | None
    sent_by: str
    sent_at: dt.datetime
    answer: str | None
    answered_by: str | None
    answered_at: dt.datetime | None
