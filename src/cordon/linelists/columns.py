"""The two line-list shapes Cordon reads and writes: their columns, in template order.

``docs/import.md`` documents these columns and ``templates/*.csv`` shows them; a test keeps
the three in agreement.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum

from cordon.cases.enums import CaseStatus, Classification
from cordon.exposures.enums import Closeness, Setting
from cordon.people.enums import Sex


class Kind(StrEnum):
    """How a cell is read."""

    text = "text"
    code = "code"  # a case code: no spaces, ≤ 32 characters
    date = "date"
    integer = "integer"
    boolean = "boolean"
    phone = "phone"
    national_id = "national_id"
    country = "country"  # ISO 3166 alpha-2
    enum = "enum"
    sources = "sources"  # ';'-separated case codes, country codes, cluster codes
    clusters = "clusters"  # ';'-separated cluster codes or names


class Shape(StrEnum):
    cases = "cases"
    exposures = "exposures"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.text
    required: bool = False
    choices: tuple[StrEnum, ...] = ()
    max_length: int = 200


def _enum(name: str, cls: type[StrEnum], *, required: bool = False) -> Column:
    return Column(name, Kind.enum, required, tuple(cls))


def person_columns(prefix: str = "") -> tuple[Column, ...]:
    """A person's columns; ``prefix`` is ``contact_`` in the exposures list."""
    p = prefix
    return (
        Column(f"{p}full_name", required=bool(prefix)),  # a contact needs a name
        _enum(f"{p}sex", Sex),
        Column(f"{p}date_of_birth", Kind.date),
        Column(f"{p}birth_year", Kind.integer),
        Column(f"{p}age", Kind.integer),
        Column(f"{p}phone", Kind.phone),
        Column(f"{p}national_id", Kind.national_id),
        Column(f"{p}nationality", Kind.country),
        Column(f"{p}address", max_length=300),
        Column(f"{p}residence"),
        Column(f"{p}ward_code", max_length=16),
        Column(f"{p}ward_name", max_length=120),
        Column(f"{p}district_name", max_length=120),
    )


CASE_COLUMNS: tuple[Column, ...] = (
    Column("case_code", Kind.code, required=True),
    *person_columns(),
    _enum("status", CaseStatus),
    _enum("classification", Classification),
    Column("asymptomatic", Kind.boolean),
    Column("onset_on", Kind.date),
    Column("sample_on", Kind.date),
    Column("confirmed_on", Kind.date),
    Column("isolated_on", Kind.date),
    Column("discharged_on", Kind.date),
    Column("died_on", Kind.date),
    Column("province", max_length=80),
    Column("treated_at"),
    Column("sources", Kind.sources, max_length=1000),
    Column("cluster", Kind.clusters, max_length=1000),
)

EXPOSURE_COLUMNS: tuple[Column, ...] = (
    Column("index_case_code", Kind.code),
    Column("index_national_id", Kind.national_id),
    Column("index_phone", Kind.phone),
    *person_columns("contact_"),
    Column("first_on", Kind.date, required=True),
    Column("last_on", Kind.date),
    _enum("setting", Setting),
    _enum("closeness", Closeness),
    Column("note", max_length=300),
)

COLUMNS: dict[Shape, tuple[Column, ...]] = {
    Shape.cases: CASE_COLUMNS,
    Shape.exposures: EXPOSURE_COLUMNS,
}


def column_names(shape: Shape) -> list[str]:
    return [c.name for c in COLUMNS[shape]]


def column_reference(shape: Shape) -> bytes:
    """The columns of ``shape`` as a CSV table (column, required, kind, values, longest):
    the reference the import page offers beside the templates."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("column", "required", "kind", "values", "max_length"))
    for c in COLUMNS[shape]:
        values = " | ".join(choice.value for choice in c.choices)
        limit = c.max_length if c.kind in (Kind.text, Kind.sources, Kind.clusters) else ""
        writer.writerow((c.name, "yes" if c.required else "", c.kind.value, values, limit))
    return out.getvalue().encode("utf-8-sig")
