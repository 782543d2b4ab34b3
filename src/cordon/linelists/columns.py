"""The two line-list shapes Cordon reads and writes: their columns, in template order.

``docs/import.md`` documents these columns and ``templates/*.csv`` shows them; a test keeps
the three in agreement.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from enum import StrEnum

from cordon.cases.columns import CASE_DATES, DETAILS
from cordon.cases.enums import CaseStatus, Classification
from cordon.exposures.enums import Closeness, Setting
from cordon.people.columns import PERSON_FIELDS
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


# A person's field → the columns of a line list that hold it, where they are not the field
# itself: the age stands beside the birth year, the ward is named by code or by name (with
# its district), the household is not in the line lists.
PERSON_HELD_AS: dict[str, tuple[str, ...]] = {
    "birth_year": ("birth_year", "age"),
    "ward_id": ("ward_code", "ward_name", "district_name"),
    "household_id": (),
}
# The columns of a person, in template order (the contacts' with ``contact_`` before them).
PERSON_COLUMN_NAMES = tuple(
    name for field in PERSON_FIELDS for name in PERSON_HELD_AS.get(field, (field,))
)
# How a column of a person or a case is read, where it is not text of 200 characters.
_READ = {
    column.name: column
    for column in (
        _enum("sex", Sex),
        Column("date_of_birth", Kind.date),
        Column("birth_year", Kind.integer),
        Column("age", Kind.integer),
        Column("phone", Kind.phone),
        Column("national_id", Kind.national_id),
        Column("nationality", Kind.country),
        Column("address", max_length=300),
        Column("ward_code", max_length=16),
        Column("ward_name", max_length=120),
        Column("district_name", max_length=120),
        _enum("status", CaseStatus),
        _enum("classification", Classification),
        Column("asymptomatic", Kind.boolean),
        *(Column(name, Kind.date) for name in CASE_DATES),
        Column("province", max_length=80),
    )
}


def _column(name: str) -> Column:
    return _READ.get(name, Column(name))


def person_columns(prefix: str = "") -> tuple[Column, ...]:
    """A person's columns (``PERSON_COLUMN_NAMES``); ``prefix`` is ``contact_`` in the
    exposures list, where a contact needs a name."""
    return tuple(
        replace(_column(name), name=prefix + name, required=bool(prefix) and name == "full_name")
        for name in PERSON_COLUMN_NAMES
    )


# A case's columns (``CASE_FIELDS``): its code, its person, its status and ``DETAILS``, then
# the links that are rows of their own: its sources and clusters.
CASE_COLUMNS: tuple[Column, ...] = (
    Column("case_code", Kind.code, required=True),
    *person_columns(),
    *(_column(name) for name in ("status", *DETAILS)),
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
