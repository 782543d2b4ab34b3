"""Administrative units: load a city's districts and wards from CSV, look them up."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.db import get_or_404
from cordon.core.errors import InvalidInput
from cordon.core.pagination import paged
from cordon.core.scope import Scope
from cordon.core.sql import where_given
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit

HANOI = Path(__file__).resolve().parent / "data" / "hanoi-2020"


@dataclass(frozen=True)
class LoadResult:
    city: str
    districts: int
    wards: int
    population: int


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise InvalidInput.on(path.name, f"file not found in {path.parent}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def ward_populations(district_population: int, ward_count: int) -> list[int]:
    """Split a district's census population evenly over its wards (the rule documented in
    docs/geography.md: no open per-ward census exists). The parts sum to the whole."""
    base, extra = divmod(district_population, ward_count)
    return [base + (1 if i < extra else 0) for i in range(ward_count)]


class _Units:
    """The units already stored, by code: loading twice refreshes instead of duplicating."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_code = {u.code: u for u in session.scalars(select(AdminUnit))}

    def upsert(self, code: str, **values: object) -> AdminUnit:
        unit = self.by_code.get(code)
        if unit is None:
            unit = AdminUnit(code=code)
            self.session.add(unit)
            self.by_code[code] = unit
        for key, value in values.items():
            setattr(unit, key, value)
        return unit

    def upsert_row(self, row: dict[str, str], columns: str = "", **values: object) -> AdminUnit:
        """The unit of a row of the city's files: its code, names and kind from the row's
        columns (their names begin with ``columns``), the rest from ``values``."""
        return self.upsert(
            row[f"{columns}code"],
            name=row[f"{columns}name_vi"],
            name_ascii=row[f"{columns}name_ascii"],
            kind=row[f"{columns}kind"],
            **values,
        )


def load_city(session: Session, directory: Path = HANOI) -> LoadResult:
    """Load (or refresh) one city's units from ``city.csv``, ``districts.csv`` and ``wards.csv``."""
    (city_row,) = _read(directory / "city.csv")[:1]
    districts = _read(directory / "districts.csv")
    wards = _read(directory / "wards.csv")
    units = _Units(session)
    total = sum(int(d["population_2019"]) for d in districts)
    city = units.upsert_row(
        city_row,
        level=UnitLevel.city,
        parent_id=None,
        population=total,
        area_km2=sum(float(d["area_km2"]) for d in districts if d.get("area_km2")) or None,
    )
    session.flush()
    wards_of: dict[str, list[dict[str, str]]] = {}
    for w in wards:
        wards_of.setdefault(w["district_code"], []).append(w)
    for d in districts:
        _load_district(units, d, wards_of.get(d["code"], []), city_id=city.id)
    session.flush()
    return LoadResult(city=city.name, districts=len(districts), wards=len(wards), population=total)


def _load_district(
    units: _Units, row: dict[str, str], wards: list[dict[str, str]], *, city_id: int
) -> None:
    district = units.upsert_row(
        row,
        level=UnitLevel.district,
        parent_id=city_id,
        population=int(row["population_2019"]),
        area_km2=float(row["area_km2"]) if row.get("area_km2") else None,
    )
    units.session.flush()
    for w, pop in zip(wards, ward_populations(district.population, len(wards)), strict=True):
        units.upsert_row(
            w, "ward_", level=UnitLevel.ward, parent_id=district.id, population=pop, area_km2=None
        )


def get_unit(session: Session, unit_id: int) -> AdminUnit:
    return get_or_404(session, AdminUnit, unit_id, what="administrative unit")


def unit_by_code(session: Session, code: str) -> AdminUnit | None:
    return session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def list_units(
    session: Session,
    *,
    level: UnitLevel | None = None,
    parent_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AdminUnit], int]:
    query = select(AdminUnit)
    query = where_given(query, (AdminUnit.level, level), (AdminUnit.parent_id, parent_id))
    return paged(session, query, AdminUnit.code, limit=limit, offset=offset)


def subtree_ids(session: Session, unit_id: int) -> set[int]:
    """The unit and every unit below it (a district and its wards)."""
    found = {unit_id}
    frontier = [unit_id]
    while frontier:
        children = session.scalars(
            select(AdminUnit.id).where(AdminUnit.parent_id.in_(frontier))
        ).all()
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return found


def wards_in(session: Session, scope: Scope) -> list[tuple[AdminUnit, str]]:
    """The wards a jurisdiction holds, each with its district's name, by district and ward
    code: the choice of a ward in a form. None for a scope of people (a facility)."""
    if scope.people is not None:
        return []
    district = select(AdminUnit.id, AdminUnit.name, AdminUnit.code).subquery()
    query = (
        select(AdminUnit, district.c.name)
        .join(district, district.c.id == AdminUnit.parent_id, isouter=True)
        .where(AdminUnit.level == UnitLevel.ward)
        .order_by(district.c.code, AdminUnit.code)
    )
    if scope.wards is not None:
        query = query.where(AdminUnit.id.in_(sorted(scope.wards)))
    return [(ward, name or "") for ward, name in session.execute(query)]
