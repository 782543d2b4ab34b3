"""A person handed over between cities: what travels and what the API takes and answers.

The envelope of a ``share-request`` carries a ``ShareRequest``: the share's id, its state and
the lawful basis in clear, and the personal part (``ShareContent``) sealed to the receiving
node's X25519 key. ``share-answer`` and ``share-revoke`` carry nothing personal. The checks
the receiver's registry makes (a phone of its country, a name with letters …) are made when
the person is accepted into it, by the people service."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from cordon.core.bounds import BirthDate, Day, Id
from cordon.core.schemas import Out
from cordon.exposures.enums import Closeness, Setting
from cordon.network.enums import Direction, ShareState
from cordon.network.envelope import DistributionId
from cordon.people.enums import Sex

Line = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Basis = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Version = Annotated[int, Field(ge=1, le=2**31)]
SEALED_MAX = 64 * 1024  # characters of the sealed personal part (a few hundred in practice)
MAX_TIER = 5


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SharedPerson(Closed):
    """The minimum that lets the receiving city find and reach the person."""

    full_name: Line
    sex: Sex = Sex.unknown
    date_of_birth: BirthDate | None = None
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    address: Annotated[str, StringConstraints(max_length=300)] | None = None


class SharedExposure(Closed):
    """When and how the person met the one who gives them their tier."""

    first_on: Day
    last_on: Day
    setting: Setting
    closeness: Closeness = Closeness.close

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.last_on < self.first_on:
            raise ValueError("last_on is before first_on")
        return self


class SharedCase(Closed):
    """The F0 at the start of the person's tier: their own case (F0), or the index case's
    dates — never who the index case is."""

    onset_on: Day | None = None
    sample_on: Day | None = None
    confirmed_on: Day
    isolated_on: Day | None = None
    asymptomatic: bool | None = None


class SenderContact(Closed):
    officer: Line = Field(description="The officer who hands the person over.")
    contact: Line = Field(description="Their phone or e-mail, for the receiving officer.")


class ShareContent(Closed):
    """The sealed part: what the receiving officer previews, then accepts or rejects."""

    share_id: DistributionId
    person: SharedPerson
    tier: Annotated[int, Field(ge=0, le=MAX_TIER, description="0: a case; 1: F1 …")]
    case: SharedCase
    exposure: SharedExposure | None = Field(None, description="With the index (F1 and on).")
    links: Annotated[list[Day], Field(max_length=MAX_TIER)] = Field(
        [], description="F2 and on: the day each person between the F0 and the index was reached."
    )
    sender: SenderContact
    lawful_basis: Basis
    note: Annotated[str, StringConstraints(max_length=1000)] | None = None

    @model_validator(mode="after")
    def _tier_and_path(self) -> Self:
        if self.tier == 0 and (self.exposure is not None or self.links):
            raise ValueError("a case (tier 0) comes with no exposure and no links")
        if self.tier > 0 and self.exposure is None:
            raise ValueError("exposure: is needed for a contact (tier 1 and on)")
        if self.tier > 0 and len(self.links) != self.tier - 1:
            raise ValueError("links: one day for each person between the F0 and the index")
        return self


class ShareRequest(Closed):
    """The payload of a ``share-request`` envelope."""

    share_id: DistributionId
    state: Literal[ShareState.pending]
    lawful_basis: Basis
    sealed_to: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    sealed: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", max_length=SEALED_MAX)]


class ShareAnswer(Closed):
    """The payload of a ``share-answer`` envelope."""

    share_id: DistributionId
    state: Literal[ShareState.accepted, ShareState.rejected]
    reason: Reason | None = None


class ShareRevoke(Closed):
    """The payload of a ``share-revoke`` envelope."""

    share_id: DistributionId
    state: Literal[ShareState.revoked]


# --- the API -----------------------------------------------------------------------------


class ShareIn(Closed):
    person_id: Id = Field(description="A case or contact of this city's registry.")
    peer_id: Id = Field(description="The partner city where the person lives.")
    officer: Line | None = Field(None, description="Default: your user name.")
    contact: Line = Field(description="Your phone or e-mail, for the receiving officer.")
    note: Annotated[str, StringConstraints(max_length=1000)] | None = Field(
        None, description="For the receiving officer (sealed with the person)."
    )


class Versioned(Closed):
    version: Version


class AcceptIn(Closed):
    version: Version
    person_id: Id | None = Field(
        None, description="Someone in this registry who is the same person: hand over into them."
    )
    ward_id: Id | None = Field(None, description="The ward where the person lives (a new one).")


class RejectIn(Closed):
    version: Version
    reason: Reason = Field(description="Why, without naming anyone: it travels to the sender.")


class ShareOut(Out):
    """A share as lists show it: no name, no personal data."""

    id: int
    share_id: str
    direction: Direction
    peer: str = Field(description="The partner city's node id.")
    state: ShareState
    person_id: int | None = Field(
        description="Sent: the person handed over; received: the one it made, once accepted."
    )
    lawful_basis: str
    reason: str | None
    created_at: dt.datetime = Field(description="When it was sent or received.")
    answered_at: dt.datetime | None
    version: int


class DuplicateOut(Out):
    person_id: int
    full_name: str
    birth_year: int | None
    ward_id: int | None
    reason: str


class PreviewOut(Out):
    share: ShareOut
    content: ShareContent
    duplicates: list[DuplicateOut] = Field(description="Who in this registry may be the same.")
