"""The envelope every message travels in: OASIS EDXL-DE 2.0's distribution element, in JSON.

The field names are EDXL-DE's (``distributionID``, ``senderID``, ``dateTimeSent``,
``distributionStatus``, ``distributionKind``, ``combinedConfidentiality``,
``explicitAddress``, ``distributionReference``) around one content object whose
``contentKind`` is a Cordon kind (``network.enums.Kind``) and whose ``payload`` is that
kind's JSON. docs/network.md shows an example of each kind."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cordon.network.cards import NodeId
from cordon.network.enums import DistributionKind, DistributionStatus, Kind

DistributionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")]
SCHEME = "cordon-node"  # EDXL-DE explicitAddressScheme: the value is a node id
AGGREGATE = "UNCLASSIFIED AND NOT SENSITIVE"
PERSONAL = "PERSONAL HEALTH DATA, SEALED TO THE RECIPIENT"


class ExplicitAddress(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    scheme: Annotated[str, StringConstraints(max_length=40)] = Field(
        SCHEME, alias="explicitAddressScheme"
    )
    value: Annotated[list[NodeId], Field(min_length=1, max_length=1)] = Field(
        alias="explicitAddressValue"
    )


class Content(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: Kind = Field(alias="contentKind")
    description: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        None, alias="contentDescription"
    )
    payload: dict[str, Any]


class Envelope(BaseModel):
    """One distribution from one node to one peer."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    distribution_id: DistributionId = Field(alias="distributionID")
    sender_id: NodeId = Field(alias="senderID")
    sent_at: dt.datetime = Field(alias="dateTimeSent")
    expires_at: dt.datetime | None = Field(None, alias="dateTimeExpires")
    status: DistributionStatus = Field(alias="distributionStatus")
    distribution_kind: DistributionKind = Field(alias="distributionKind")
    confidentiality: Annotated[str, StringConstraints(max_length=100)] = Field(
        AGGREGATE, alias="combinedConfidentiality"
    )
    explicit_address: Annotated[list[ExplicitAddress], Field(min_length=1, max_length=1)] = Field(
        alias="explicitAddress"
    )
    references: Annotated[list[DistributionId], Field(max_length=50)] = Field(
        [], alias="distributionReference"
    )
    content: Content

    @property
    def kind(self) -> Kind:
        return self.content.kind

    @property
    def recipient(self) -> str:
        return self.explicit_address[0].value[0]

    def body(self) -> str:
        """The JSON that travels and is signed (compact, keys in order)."""
        return json.dumps(
            self.model_dump(mode="json", exclude_none=True, by_alias=True),
            ensure_ascii=False,
            separators=(",", ":"),
        )


def new_id() -> str:
    return str(uuid.uuid4())


def addressed(
    *,
    sender: str,
    recipient: str,
    kind: Kind,
    payload: dict[str, Any],
    sent_at: dt.datetime,
    status: DistributionStatus = DistributionStatus.actual,
    distribution_kind: DistributionKind = DistributionKind.report,
    references: list[str] | None = None,
    distribution_id: str | None = None,
    description: str | None = None,
) -> Envelope:
    return Envelope(
        distribution_id=distribution_id or new_id(),
        sender_id=sender,
        sent_at=sent_at,
        status=status,
        distribution_kind=distribution_kind,
        confidentiality=PERSONAL if kind is Kind.share_request else AGGREGATE,
        explicit_address=[ExplicitAddress(value=[recipient])],
        references=references or [],
        content=Content(kind=kind, description=description, payload=payload),
    )
