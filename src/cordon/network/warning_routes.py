"""Early warnings in the API: this city's drafted, proposed by the rules, edited, approved,
sent, updated and cancelled; all listed, one as CAP 1.2 XML."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from cordon.access.who import NetworkReader, NetworkSender, city_level
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.network import cap, warning_reads, warning_rules, warnings
from cordon.network.listing import described
from cordon.network.schemas import MessageOut
from cordon.network.warning_enums import MsgType, WarningStatus
from cordon.network.warning_schemas import (
    FollowIn,
    Note,
    Version,
    WarningEdit,
    WarningIn,
    WarningOut,
)

CITY = "An early warning speaks for the whole city: city-level users only."
router = APIRouter(prefix="/network/warnings", tags=["network"])


class CapXml(Response):
    """A CAP 1.2 document (how the OpenAPI names the answer's media type)."""

    media_type = cap.MEDIA_TYPE


class Versioned(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Version


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Version = Field(description="The version of the warning cancelled.")
    note: Note | None = Field(None, description="Why.")


class ProposeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: dt.date | None = Field(default=None, description="The day judged (default: today).")


@router.get("", response_model=Page[WarningOut])
def list_warnings(
    session: SessionDep,
    who: NetworkReader,
    page: PageDep,
    ours: Annotated[bool | None, Query(description="true: this city's; false: partners'.")] = None,
    peer_id: Annotated[Id | None, Query(description="Only this partner's.")] = None,
    in_force: Annotated[bool, Query(description="Only those in force now.")] = False,
    status: Annotated[WarningStatus | None, Query(description="Only in this state.")] = None,
) -> Page[WarningOut]:
    """Warnings, the newest first."""
    rows, total = warning_reads.listed(
        session,
        ours=ours,
        peer_id=peer_id,
        in_force=in_force,
        status=status,
        limit=page.limit,
        offset=page.offset,
    )
    return page.answer(rows, total)


@router.post("", response_model=WarningOut, status_code=201)
def draft_warning(session: SessionDep, who: NetworkSender, body: WarningIn) -> WarningOut:
    """A new warning of the city (CAP msgType Alert), a draft until approved."""
    city_level(who, CITY)
    row = warnings.draft(session, body, by_user_id=who.user_id)
    return warning_reads.one(session, row.id)


@router.post("/proposals", response_model=list[WarningOut], status_code=201)
def propose(session: SessionDep, who: NetworkSender, body: ProposeIn) -> list[WarningOut]:
    """Drafts the warning rules propose on a day (each rule and subject once); nothing is
    sent."""
    city_level(who, CITY)
    made = warning_rules.propose(session, on=body.on)
    return warning_reads.described(session, made)


@router.get("/{warning_id}.xml", response_class=CapXml)
def warning_xml(session: SessionDep, who: NetworkReader, warning_id: Id) -> Response:
    """The warning as a CAP 1.2 document."""
    return CapXml(warning_reads.xml_of(session, warning_id))


@router.get("/{warning_id}", response_model=WarningOut)
def get_warning(session: SessionDep, who: NetworkReader, warning_id: Id) -> WarningOut:
    return warning_reads.one(session, warning_id)


@router.put("/{warning_id}", response_model=WarningOut)
def edit_warning(
    session: SessionDep, who: NetworkSender, warning_id: Id, body: WarningEdit
) -> WarningOut:
    """A draft's new words (status, scope, restriction, note, info)."""
    city_level(who, CITY)
    warnings.edit(session, warning_id, body)
    return warning_reads.one(session, warning_id)


@router.post("/{warning_id}/approve", response_model=WarningOut)
def approve_warning(
    session: SessionDep, who: NetworkSender, warning_id: Id, body: Versioned
) -> WarningOut:
    city_level(who, CITY)
    warnings.approve(session, warning_id, version=body.version, by_user_id=who.user_id)
    return warning_reads.one(session, warning_id)


@router.post("/{warning_id}/send", response_model=list[MessageOut], status_code=202)
def send_warning(
    session: SessionDep, who: NetworkSender, warning_id: Id, body: Versioned
) -> list[MessageOut]:
    """An approved warning to every active peer that receives ``cap-alert`` (202: the
    worker delivers each copy)."""
    city_level(who, CITY)
    sent = warnings.send(session, warning_id, version=body.version, by_user_id=who.user_id)
    return described(session, sent)


@router.post("/{warning_id}/update", response_model=WarningOut, status_code=201)
def update_warning(
    session: SessionDep, who: NetworkSender, warning_id: Id, body: FollowIn
) -> WarningOut:
    """A draft Update of a warning sent: new info (default the same), naming its chain."""
    city_level(who, CITY)
    row = warnings.follow(session, warning_id, body, MsgType.update, by_user_id=who.user_id)
    return warning_reads.one(session, row.id)


@router.post("/{warning_id}/cancel", response_model=WarningOut, status_code=201)
def cancel_warning(
    session: SessionDep, who: NetworkSender, warning_id: Id, body: CancelIn
) -> WarningOut:
    """A draft Cancel of a warning sent: once sent, the warning is no longer in force."""
    city_level(who, CITY)
    follow = FollowIn(version=body.version, note=body.note)
    row = warnings.follow(session, warning_id, follow, MsgType.cancel, by_user_id=who.user_id)
    return warning_reads.one(session, row.id)
