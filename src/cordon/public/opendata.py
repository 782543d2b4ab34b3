"""Open data: the daily counts of the city, each district and each ward, as rows of a fixed
schema (docs/public.md) for CSV and JSON files at stable addresses.

City and district rows carry every count. Ward rows carry the new cases, recoveries and
deaths only (not split by source: a split beside its total would let a hidden part be worked
out), with counts from 1 to 4 shown as "<5" and as many others hidden as it takes for none to
be worked out from the district's row (``suppression``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.public.models import NO_WARD, DailyCount
from cordon.public.suppression import suppress

SOURCES = ("community", "imported", "in_quarantine", "unclassified")
AREA_COLUMNS = ("date", "code", "name", *SOURCES, "confirmed", "recovered", "deaths")
WARD_COLUMNS = ("date", "code", "name", "district_code", "confirmed", "recovered", "deaths")
LEVELS = ("city", "district", "ward")

Cell = int | str
Row = dict[str, Cell]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    district: int | None  # a ward's district id


def _units(session: Session) -> tuple[dict[int, Unit], AdminUnit | None]:
    units = {
        u.id: Unit(u.code, u.name, u.parent_id if u.level is UnitLevel.ward else None)
        for u in session.scalars(select(AdminUnit).where(AdminUnit.level != UnitLevel.city))
    }
    city = session.scalar(select(AdminUnit).where(AdminUnit.level == UnitLevel.city))
    return units, city


def _counts(session: Session) -> list[DailyCount]:
    return list(session.scalars(select(DailyCount).order_by(DailyCount.day, DailyCount.ward_id)))


def _totals(rows: list[Row]) -> None:
    for row in rows:
        row["confirmed"] = sum(int(row[s]) for s in SOURCES)


def area_rows(session: Session, level: str) -> list[Row]:
    """Rows of the city (one a day) or of the districts (one per district and day with any
    count), by date then code. Cases whose district is not known count for the city only."""
    units, city = _units(session)
    keyed: dict[tuple[dt.date, str], Row] = {}
    for count in _counts(session):
        if level == "city":
            code, name = (city.code, city.name) if city else ("", "")
        else:
            unit = units.get(count.ward_id) if count.ward_id != NO_WARD else None
            district = units.get(unit.district) if unit and unit.district else None
            if district is None:
                continue
            code, name = district.code, district.name
        row = keyed.setdefault(
            (count.day, code),
            {"date": count.day.isoformat(), "code": code, "name": name}
            | dict.fromkeys((*SOURCES, "recovered", "deaths"), 0),
        )
        for column in (*SOURCES, "recovered", "deaths"):
            row[column] = int(row[column]) + getattr(count, column)
    rows = [keyed[k] for k in sorted(keyed)]
    _totals(rows)
    return [{c: r[c] for c in AREA_COLUMNS} for r in rows]


def ward_rows(session: Session) -> list[Row]:
    """One row per ward and day with a count, or a hidden zero that keeps another hidden."""
    units, _ = _units(session)
    values: dict[tuple[dt.date, int], dict[str, int]] = {}
    for count in _counts(session):
        if count.ward_id == NO_WARD or count.ward_id not in units:
            continue
        confirmed = sum(getattr(count, s) for s in SOURCES)
        values[(count.day, count.ward_id)] = {
            "confirmed": confirmed,
            "recovered": count.recovered,
            "deaths": count.deaths,
        }
    wards_of: dict[int, list[int]] = defaultdict(list)
    for ward_id, unit in units.items():
        if unit.district is not None:
            wards_of[unit.district].append(ward_id)
    hidden: dict[tuple[dt.date, int, str], str] = {}
    for day, district_id, column in _groups(values, units):
        cells = {w: values.get((day, w), {}).get(column, 0) for w in wards_of[district_id]}
        hidden |= {(day, w, column): mark for w, mark in suppress(cells).items()}
    shown = {(d, w) for d, w in values} | {(d, w) for d, w, _ in hidden}
    rows = []
    for day, ward_id in sorted(shown):
        unit = units[ward_id]
        row: Row = {
            "date": day.isoformat(),
            "code": unit.code,
            "name": unit.name,
            "district_code": units[unit.district].code if unit.district else "",
        }
        for column in ("confirmed", "recovered", "deaths"):
            value = values.get((day, ward_id), {}).get(column, 0)
            row[column] = hidden.get((day, ward_id, column), value)
        rows.append(row)
    return rows


def _groups(
    values: dict[tuple[dt.date, int], dict[str, int]], units: dict[int, Unit]
) -> Iterator[tuple[dt.date, int, str]]:
    """Each (day, district, column) where some ward has a count."""
    seen: set[tuple[dt.date, int, str]] = set()
    for (day, ward_id), counted in values.items():
        district = units[ward_id].district
        if district is None:
            continue
        for column, value in counted.items():
            key = (day, district, column)
            if value and key not in seen:
                seen.add(key)
                yield key


def rows_of(session: Session, level: str) -> tuple[tuple[str, ...], list[Row]]:
    if level == "ward":
        return WARD_COLUMNS, ward_rows(session)
    return AREA_COLUMNS, area_rows(session, level)


def as_csv(columns: tuple[str, ...], rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_json(level: str, columns: tuple[str, ...], rows: list[Row], version: int) -> bytes:
    body = {"level": level, "columns": list(columns), "version": version, "rows": rows}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
