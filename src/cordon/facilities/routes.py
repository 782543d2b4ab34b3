from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cordon.access.who import FacilitiesManager, IsolationReader
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.facilities import service
from cordon.facilities.enums import FacilityKind, FacilityStatus
from cordon.facilities.models import Facility
from cordon.facilities.schemas import FacilityIn, FacilityOut, FacilityPatch

router = APIRouter(prefix="/facilities", tags=["isolation"])


def out(f: Facility) -> FacilityOut:
    return FacilityOut.model_validate(f)


@router.get("", response_model=Page[FacilityOut])
def list_facilities(
    session: SessionDep,
    who: IsolationReader,
    page: PageDep,
    kind: Annotated[FacilityKind | None, Query()] = None,
    status: Annotated[FacilityStatus | None, Query()] = None,
) -> Page[FacilityOut]:
    """The city's isolation facilities with their free beds (not personal data: every user
    who places people sees them all)."""
    rows, total = service.listed(
        session, kind=kind, status=status, limit=page.limit, offset=page.offset
    )
    return page.answer([out(f) for f in rows], total)


@router.post("", response_model=FacilityOut, status_code=201)
def add_facility(session: SessionDep, who: FacilitiesManager, body: FacilityIn) -> FacilityOut:
    return out(service.create(session, **body.model_dump()))


@router.get("/{facility_id}", response_model=FacilityOut)
def get_facility(session: SessionDep, who: IsolationReader, facility_id: Id) -> FacilityOut:
    return out(service.get(session, facility_id))


@router.patch("/{facility_id}", response_model=FacilityOut)
def change_facility(
    session: SessionDep, who: FacilitiesManager, facility_id: Id, body: FacilityPatch
) -> FacilityOut:
    """Change the beds (never below those taken), open or close it, rename it."""
    return out(service.update(session, facility_id, **body.model_dump(exclude_unset=True)))
