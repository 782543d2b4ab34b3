"""Resource requests and offers as they travel (the payloads of the ``rm-*`` kinds, shaped on
OASIS EDXL-RM; docs/network.md maps each field to its element) and as the API takes and
answers them. Nothing personal: the contact is the officer's work contact."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from cordon.core.bounds import Day, Id
from cordon.core.schemas import Out
from cordon.network.enums import DistributionStatus
from cordon.network.envelope import DistributionId
from cordon.network.resource_states import (
    Answer,
    ExchangeKind,
    ResourceKind,
    Side,
    State,
    Step,
    Unit,
)

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Line = Annotated[str, StringConstraints(max_length=300, strip_whitespace=True)]
Text = Annotated[str, StringConstraints(max_length=1000, strip_whitespace=True)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ().-]{2,38}$")]
Email = Annotated[
    str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s.]{1,63}(\.[^@\s.]{1,63}){1,4}$")
]
Quantity = Annotated[int, Field(ge=1, le=1_000_000_000)]
ItemNumber = Annotated[int, Field(ge=1, le=50, description="EDXL-RM ResourceInfoElementID.")]
Version = Annotated[int, Field(ge=1, le=2**31)]
MOST_ITEMS = 50


class Contact(BaseModel):
    """EDXL-RM ContactInformation: the officer to call about it (a work contact)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    role: Name | None = None
    phone: Phone | None = None
    email: Email | None = None


class ResourceLine(BaseModel):
    """One resource asked for or offered (EDXL-RM ResourceInformation)."""

    model_config = ConfigDict(extra="forbid")

    kind: ResourceKind
    description: Line = ""
    quantity: Quantity
    unit: Unit
    role: Name | None = Field(None, description="Staff: the role (nurse, ICU doctor …).")
    from_date: Day | None = Field(None, description="Staff: from (default: the period's).")
    to_date: Day | None = Field(None, description="Staff: until (default: the period's).")

    @model_validator(mode="after")
    def _staff_and_dates(self) -> ResourceLine:
        if self.kind is ResourceKind.staff and not self.role:
            raise ValueError("role: is needed for staff")
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValueError("to_date: is before from_date")
        return self


class Resource(ResourceLine):
    item: ItemNumber


class Terms(BaseModel):
    """What a request or offer says besides its items."""

    model_config = ConfigDict(extra="forbid")

    incident: Name | None = Field(None, description="EDXL-RM IncidentInformation.")
    description: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    period_from: Day | None = Field(None, description="Needed (request) or available from.")
    period_to: Day | None = Field(None, description="Needed (request) or available until.")
    delivery_place: Line | None = None
    conditions: Text | None = None
    contact: Contact

    @model_validator(mode="after")
    def _period_in_order(self) -> Terms:
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValueError("period_to: is before period_from")
        return self


def _staff_have_a_period(terms: Terms, items: list[ResourceLine]) -> None:
    for line in items:
        if line.kind is ResourceKind.staff and not (
            (line.from_date or terms.period_from) and (line.to_date or terms.period_to)
        ):
            raise ValueError("items: staff need a period (their own or period_from/period_to)")


class Opening(Terms):
    """The payload of ``rm-request`` (RequestResource) and ``rm-offer``
    (OfferUnsolicitedResource); its MessageID is the envelope's distribution id."""

    message_type: Literal["RequestResource", "OfferUnsolicitedResource"]
    items: Annotated[list[Resource], Field(min_length=1, max_length=MOST_ITEMS)]

    @model_validator(mode="after")
    def _items(self) -> Opening:
        if len({i.item for i in self.items}) != len(self.items):
            raise ValueError("items: an item number is given twice")
        _staff_have_a_period(self, list(self.items))
        return self


class Committed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: ItemNumber
    quantity: Quantity


Quantities = Annotated[list[Committed], Field(min_length=1, max_length=MOST_ITEMS)]


class Reply(BaseModel):
    """The payload of every later message of an exchange: ``rm-response``, ``rm-commit``,
    ``rm-release``, ``rm-return``, and the opener's message again, recalled (withdrawal)."""

    model_config = ConfigDict(extra="forbid")

    message_type: Literal[
        "ResponseToRequestResource",
        "CommitResource",
        "ReleaseResource",
        "RequestReturn",
        "RequestResource",
        "OfferUnsolicitedResource",
    ]
    originating_message_id: DistributionId = Field(description="EDXL-RM OriginatingMessageID.")
    by: Name
    answer: Answer | None = Field(None, description="ResponseType (rm-response only).")
    reason: Text | None = Field(None, description="ResponseReason, or why.")
    quantities: Quantities | None = Field(None, description="Per item (rm-commit only).")
    recall: Literal["Cancel"] | None = Field(None, description="MessageRecall (withdrawal).")


class OpeningIn(Terms):
    """A request or an offer this city sends."""

    items: Annotated[list[ResourceLine], Field(min_length=1, max_length=MOST_ITEMS)]
    to: Annotated[list[Id], Field(min_length=1, max_length=200)] | None = Field(
        None, description="Peer ids; default: every active peer that receives the kind."
    )
    status: DistributionStatus = DistributionStatus.actual

    @model_validator(mode="after")
    def _staff(self) -> OpeningIn:
        _staff_have_a_period(self, list(self.items))
        return self


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: Literal["response"]
    version: Version
    answer: Answer
    reason: Text | None = None


class CommitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: Literal["commit"]
    version: Version
    quantities: Quantities
    reason: Text | None = None


class PlainStepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: Literal["delivery", "release", "return", "withdrawal"]
    version: Version
    reason: Text | None = None


StepIn = Annotated[ResponseIn | CommitIn | PlainStepIn, Field(discriminator="step")]


class ItemOut(Out):
    item: int
    kind: ResourceKind
    description: str
    quantity: int
    unit: Unit
    role: str | None
    from_date: dt.date | None
    to_date: dt.date | None
    committed: int = Field(description="Committed by the provider so far.")


class StepOut(Out):
    step: Step
    message_kind: str | None = Field(description="The message it travelled as; null: not sent.")
    ours: bool = Field(description="Taken by this city (else by the partner).")
    at: dt.datetime
    by: str
    answer: Answer | None
    reason: str | None
    quantities: dict[str, int] | None
    distribution_id: str | None


class ExchangeOut(Out):
    id: int
    side: Side
    peer: str = Field(description="The partner city's node id.")
    peer_name: str
    message_id: str = Field(description="EDXL-RM MessageID: the opening's distribution id.")
    kind: ExchangeKind
    state: State
    status: DistributionStatus
    incident: str | None
    description: str
    period_from: dt.date | None
    period_to: dt.date | None
    delivery_place: str | None
    conditions: str | None
    contact: Contact
    items: list[ItemOut]
    history: list[StepOut]
    next_steps: list[str] = Field(description="Steps this city may take now.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class BoardOut(BaseModel):
    items: list[ExchangeOut]
    total: int
    limit: int
    offset: int
    by_state: dict[str, int] = Field(description="Exchanges in each state (other filters kept).")
    by_resource: dict[str, int] = Field(description="Exchanges with an item of each kind.")
