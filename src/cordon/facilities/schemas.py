from __future__ import annotations

from pydantic import BaseModel, Field

from cordon.core.bounds import Id
from cordon.core.schemas import Out
from cordon.facilities.enums import FacilityKind, FacilityStatus


class FacilityIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, description="The city's code for it.")
    name: str = Field(min_length=1, max_length=200)
    kind: FacilityKind
    ward_id: Id = Field(description="The ward it stands in (nearest facilities by ward).")
    capacity: int = Field(description="Beds for people in isolation.")
    address: str | None = Field(default=None, max_length=300)
    manager_user_id: Id | None = Field(default=None, description="The user who manages it.")


class FacilityPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    capacity: int | None = None
    status: FacilityStatus | None = Field(
        default=None, description="open or closed (full follows the beds)."
    )
    address: str | None = Field(default=None, max_length=300)
    manager_user_id: Id | None = None


class FacilityOut(Out):
    id: int
    code: str
    name: str
    kind: FacilityKind
    ward_id: int
    address: str | None
    capacity: int
    booked: int = Field(description="Beds held by open orders (proposed or confirmed).")
    free: int
    status: FacilityStatus
    manager_user_id: int | None
