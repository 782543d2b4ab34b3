from __future__ import annotations

from cordon.core.schemas import Out
from cordon.geography.enums import UnitLevel


class AdminUnitOut(Out):
    id: int
    code: str
    level: UnitLevel
    name: str
    name_ascii: str
    kind: str
    parent_id: int | None
    population: int
    area_km2: float | None
