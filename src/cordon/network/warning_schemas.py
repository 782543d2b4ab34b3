"""An early warning as it travels: one OASIS CAP 1.2 alert with one ``info`` block, in JSON
with CAP's own element names (``msgType``, ``areaDesc``, ``valueName`` …; the repeated
``area``, ``polygon`` and ``geocode`` elements as lists). ``network.cap`` writes it as CAP XML
and reads it back. Only what a public health authority says of an area travels: no person.

The rules CAP states in words and its XML schema cannot check are checked here: an
identifier without spaces, commas, ``<`` or ``&``; a polygon of at least four "lat,lon" pairs
closed on its first; a Restricted alert says who it is for; an Update or a Cancel names the
earlier alerts it follows (``references``: "sender,identifier,sent" triples)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel

from cordon.core.bounds import NOTES
from cordon.network.warning_enums import (
    CapStatus,
    Certainty,
    Language,
    MsgType,
    Scope,
    Severity,
    Urgency,
    WarningStatus,
)

CAP_ID = r"^[^\s,<&]{1,200}$"  # CAP: no spaces, commas or restricted characters (< and &)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")  # not in XML 1.0 (tab, LF are)


def _clean(raw: object) -> object:
    """Line ends as XML reads them (LF); a control character is refused, not dropped."""
    if not isinstance(raw, str):
        return raw
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if CONTROL.search(text):
        raise ValueError("holds a control character")
    return text


def _whole_second(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=0)  # CAP's times are to the second


Moment = Annotated[
    AwareDatetime,
    AfterValidator(_whole_second),
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str, when_used="json"),
]
CapId = Annotated[str, StringConstraints(pattern=CAP_ID)]
Clean = BeforeValidator(_clean)
Line = Annotated[str, Clean, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Name = Annotated[str, Clean, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
Words = Annotated[str, Clean, StringConstraints(max_length=300, strip_whitespace=True)]
Headline = Annotated[str, Clean, StringConstraints(max_length=160, strip_whitespace=True)]
Note = Annotated[str, Clean, StringConstraints(max_length=1000, strip_whitespace=True)]
Instruction = Annotated[str, Clean, StringConstraints(max_length=2000, strip_whitespace=True)]
Description = Annotated[str, Clean, StringConstraints(max_length=NOTES, strip_whitespace=True)]
Web = Annotated[str, StringConstraints(max_length=300, pattern=r"^https?://[^\s<>]+$")]


def _polygon(raw: str) -> str:
    """CAP's polygon: whitespace-separated "lat,lon" pairs (WGS 84), at least four, the last
    the same as the first."""
    pairs = raw.split()
    if len(pairs) < 4:
        raise ValueError("needs at least 4 lat,lon points")
    points = []
    for pair in pairs:
        lat, _, lon = pair.partition(",")
        try:
            point = (float(lat), float(lon))
        except ValueError:
            raise ValueError(f"{pair[:30]!r} is not a lat,lon point") from None
        if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
            raise ValueError(f"{pair[:30]!r} is off the globe")
        points.append(point)
    if points[0] != points[-1]:
        raise ValueError("must end on its first point")
    return " ".join(pairs)


Polygon = Annotated[str, StringConstraints(max_length=8000), AfterValidator(_polygon)]


class Cap(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)


class Geocode(Cap):
    """A code of the area: this city's wards and districts as ``VN-ADMIN`` with the
    administrative unit's code (the General Statistics Office's)."""

    value_name: Name
    value: Name


class Area(Cap):
    area_desc: Line
    polygons: Annotated[list[Polygon], Field(max_length=10)] = Field([], alias="polygon")
    geocodes: Annotated[list[Geocode], Field(max_length=100)] = Field([], alias="geocode")


class Info(Cap):
    """What the warning says: the event, how urgent, severe and certain, and where."""

    language: Language = Language.vi
    category: Literal["Health"] = "Health"
    event: Line
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    effective: Moment | None = None
    expires: Moment | None = None
    sender_name: Words | None = None
    headline: Headline | None = None
    description: Description | None = None
    instruction: Instruction | None = None
    web: Web | None = None
    contact: Words | None = None
    areas: Annotated[list[Area], Field(min_length=1, max_length=20)] = Field(alias="area")

    @model_validator(mode="after")
    def _in_order(self) -> Info:
        if self.effective and self.expires and self.expires <= self.effective:
            raise ValueError("expires: is not after effective")
        return self


@dataclass(frozen=True)
class Reference:
    """An earlier alert named by an Update or a Cancel."""

    sender: str
    identifier: str
    sent: dt.datetime


def parse_references(raw: str) -> list[Reference]:
    found = []
    for triple in raw.split():
        parts = triple.split(",")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{triple[:60]!r} is not sender,identifier,sent")
        try:
            sent = dt.datetime.fromisoformat(parts[2])
        except ValueError:
            raise ValueError(f"{parts[2][:30]!r} is not a time") from None
        if sent.tzinfo is None:
            raise ValueError(f"{parts[2][:30]!r} has no time zone")
        found.append(Reference(parts[0], parts[1], sent))
    return found


class Alert(Cap):
    """One CAP alert (``urn:oasis:names:tc:emergency:cap:1.2``) with one info block."""

    identifier: CapId
    sender: CapId
    sent: Moment
    status: CapStatus
    msg_type: MsgType
    scope: Scope
    restriction: Words | None = None
    note: Note | None = None
    references: Annotated[str, StringConstraints(max_length=8000)] | None = None
    info: Info

    @model_validator(mode="after")
    def _rules_in_words(self) -> Alert:
        if self.scope is Scope.restricted and not self.restriction:
            raise ValueError("restriction: is needed for a Restricted alert")
        if self.msg_type is MsgType.alert and self.references:
            raise ValueError("references: a new Alert follows no earlier alert")
        if self.msg_type is not MsgType.alert and not self.references:
            raise ValueError(f"references: an {self.msg_type.value} names the alerts it follows")
        if self.references:
            parse_references(self.references)
        return self

    @property
    def earlier(self) -> list[Reference]:
        return parse_references(self.references or "")


class WarningPayload(BaseModel):
    """The payload of a ``cap-alert`` envelope: the alert as JSON and as CAP XML, the same."""

    model_config = ConfigDict(extra="forbid")

    alert: Alert
    xml: Annotated[str, StringConstraints(max_length=200_000)]


# -- what the API takes and answers ------------------------------------------------------

Version = Annotated[int, Field(ge=1, le=2**31)]


class WarningIn(BaseModel):
    """A new warning of this city: what the officer says; the identifier, sender, time and
    message type are the node's to set."""

    model_config = ConfigDict(extra="forbid")

    status: CapStatus = CapStatus.actual
    scope: Scope = Scope.public
    restriction: Words | None = None
    note: Note | None = None
    info: Info


class WarningEdit(BaseModel):
    """A draft's new words (what is left out stays)."""

    model_config = ConfigDict(extra="forbid")

    version: Version
    status: CapStatus | None = None
    scope: Scope | None = None
    restriction: Words | None = None
    note: Note | None = None
    info: Info | None = None


class FollowIn(BaseModel):
    """An Update of a warning sent (its info, default the earlier one's) or a Cancel."""

    model_config = ConfigDict(extra="forbid")

    version: Version = Field(description="The version of the warning followed.")
    note: Note | None = None
    info: Info | None = Field(None, description="An Update's info (default: the earlier one's).")


class WarningOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    peer: str | None = Field(description="The partner city's node id; null for this city's.")
    status: WarningStatus
    version: int
    alert: Alert
    chain: str = Field(description="The identifier of the first alert of its chain.")
    current: bool = Field(description="Not followed yet by an Update or a Cancel.")
    in_force: bool = Field(
        description="Actual, sent or received, current, not a Cancel, not expired."
    )
    proposed_by: str | None = Field(description="The rule that proposed it, if one did.")
    distribution_id: str | None
