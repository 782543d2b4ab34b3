from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from cordon.geography.enums import UnitLevel


class AdminUnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    level: UnitLevel
    name: str
    name_ascii: str
    kind: str
    parent_id: int | None
    population: int
    area_km2: float | None
