from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from cordon.core.schemas import Out, remark
from cordon.outreach.enums import Channel, Outcome


class ReachAttemptIn(BaseModel):
    channel: Channel = Field(description="phone, visit or message.")
    outcome: Outcome = Field(
        description="reached (told of the exposure and what to do), no_answer, wrong_number, "
        "refused or moved_away."
    )
    note: str | None = remark("What was said or agreed; where they are if they moved.")


class ReachAttemptOut(Out):
    id: int
    person_id: int
    at: dt.datetime
    channel: Channel
    outcome: Outcome
    tier: int | None = Field(description="The person's tier when they were tried.")
    note: str | None
    by: str | None = Field(description="The user who recorded it (none: the system or the CLI).")


class WaitingOut(BaseModel):
    person_id: int
    name: str
    tier: int
    since: dt.datetime = Field(description="When the person took this tier.")
    tries: int = Field(description="Attempts since then that did not reach them.")
    last_outcome: Outcome | None
    last_at: dt.datetime | None
