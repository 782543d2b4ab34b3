from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cordon.access.deps import need
from cordon.access.roles import Permission
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.geography import service
from cordon.geography.enums import UnitLevel
from cordon.geography.schemas import AdminUnitOut

router = APIRouter(
    prefix="/units", tags=["geography"], dependencies=[need(Permission.geography_read)]
)


@router.get("", response_model=Page[AdminUnitOut])
def list_units(
    session: SessionDep,
    page: PageDep,
    level: Annotated[UnitLevel | None, Query(description="city, district or ward")] = None,
    parent_id: Annotated[
        Id | None, Query(description="Only the units directly below this one.")
    ] = None,
) -> Page[AdminUnitOut]:
    """Administrative units (city → district → ward) with their population."""
    rows, total = service.list_units(
        session, level=level, parent_id=parent_id, limit=page.limit, offset=page.offset
    )
    items = [AdminUnitOut.model_validate(r) for r in rows]
    return page.answer(items, total)


@router.get("/{unit_id}", response_model=AdminUnitOut)
def get_unit(session: SessionDep, unit_id: Id) -> AdminUnitOut:
    return AdminUnitOut.model_validate(service.get_unit(session, unit_id))
