from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from cordon.core.bounds import Id
from cordon.handovers.enums import HandoverStatus


class HandoverIn(BaseModel):
    exposure_id: Id = Field(
        description="An exposure you see from one side: its other person, who lives outside "
        "your jurisdiction, is handed over to the ward where they live."
    )
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="What the receiving ward needs to know: where and when they met, how to "
        "reach the contact.",
    )


class HandoverAnswerIn(BaseModel):
    status: HandoverStatus = Field(
        description="accepted, completed or declined (the receiving side); cancelled (the "
        "sender, while it is still open)."
    )
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="Required to complete (what was done) and to decline (why).",
    )


class UnitRef(BaseModel):
    id: int
    code: str
    name: str


class HandoverOut(BaseModel):
    id: int
    status: HandoverStatus
    exposure_id: int | None
    person_id: int
    name: str = Field(description="The contact's name, or 'outside your jurisdiction'.")
    from_unit: UnitRef
    to_unit: UnitRef = Field(description="The ward the contact lived in when it was sent.")
    note: str | None
    sent_by: str
    sent_at: dt.datetime
    answer: str | None
    answered_by: str | None
    answered_at: dt.datetime | None
