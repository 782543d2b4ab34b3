"""Issue 18 §5: one list of a person's fields (``people.columns``); the bulk insert, the
merge, the API's schema, the line lists and their export agree with it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from cordon.access.pseudonyms import IDENTIFYING, age_band, pseudonym
from cordon.linelists import export
from cordon.linelists.columns import (
    PERSON_COLUMN_NAMES,
    PERSON_HELD_AS,
    Shape,
    column_names,
    person_columns,
)
from cordon.people import bulk, service
from cordon.people.columns import DETAILS, IDENTITY, PERSON_FIELDS, VACCINATION
from cordon.people.models import Person
from cordon.people.schemas import PersonCreate, PersonPatch

BOOKKEEPING = ("id", "name_folded", "version", "created_at", "updated_at")


def test_the_fields_are_identity_then_details_once_each() -> None:
    assert (*IDENTITY, *DETAILS) == PERSON_FIELDS
    assert len(set(PERSON_FIELDS)) == len(PERSON_FIELDS)


def test_every_column_of_the_table_is_a_field_or_said_to_be_something_else() -> None:
    table = [c.name for c in Person.__table__.columns]
    assert set(PERSON_FIELDS) <= set(table)
    assert set(table) - set(PERSON_FIELDS) == {*BOOKKEEPING, *VACCINATION, "merged_into_id"}


def test_the_bulk_insert_writes_the_fields_in_their_order() -> None:
    assert bulk.PersonRow._fields == PERSON_FIELDS
    written = [c for c in bulk.PERSON_COLUMNS if c not in BOOKKEEPING]
    assert tuple(written) == PERSON_FIELDS
    assert bulk.PERSON_COLUMNS[:3] == ("id", "full_name", "name_folded")  # the demo's fast load


def test_a_merge_fills_the_details() -> None:
    assert service.MERGE_FILLS == DETAILS


def test_the_api_takes_the_fields_and_the_vaccination() -> None:
    for schema in (PersonCreate, PersonPatch):
        assert set(schema.model_fields) == {*PERSON_FIELDS, *VACCINATION}, schema


def test_the_line_lists_hold_every_field_as_said() -> None:
    names = [n for f in PERSON_FIELDS for n in PERSON_HELD_AS.get(f, (f,))]
    assert tuple(names) == PERSON_COLUMN_NAMES
    assert set(PERSON_HELD_AS) <= set(PERSON_FIELDS)
    assert [c.name for c in person_columns()] == list(PERSON_COLUMN_NAMES)
    contact = [f"contact_{n}" for n in PERSON_COLUMN_NAMES]
    assert [c.name for c in person_columns("contact_")] == contact
    cases, exposures = column_names(Shape.cases), column_names(Shape.exposures)
    assert cases[1 : 1 + len(PERSON_COLUMN_NAMES)] == list(PERSON_COLUMN_NAMES)
    assert exposures[3 : 3 + len(contact)] == contact
    assert [c.name for c in person_columns("contact_") if c.required] == ["contact_full_name"]


def _person() -> SimpleNamespace:
    values = {
        "id": 7,
        "full_name": "Nguyễn Thị Hà",
        "sex": "female",
        "date_of_birth": dt.date(1994, 5, 12),
        "birth_year": 1994,
        "phone": "+84912345678",
        "national_id": "001194012345",
        "nationality": "VN",
        "address": "12 Phố Trúc Bạch",
        "residence": "Trúc Bạch",
        "ward_id": 4,
        "household_id": 9,
    }
    return SimpleNamespace(**values)


def test_the_export_writes_a_persons_fields_under_their_columns() -> None:
    person = _person()
    cells = export.person_cells(person, "00004", export.ExportFilter(), {})
    row = dict(zip(PERSON_COLUMN_NAMES, cells, strict=True))
    for name in PERSON_COLUMN_NAMES:
        expected = getattr(person, name, None)
        assert row[name] == ("00004" if name == "ward_code" else expected), name


def test_a_pseudonymised_export_leaves_out_what_identifies_and_coarsens_the_rest() -> None:
    person = _person()
    f = export.ExportFilter(pseudonymised=True)
    cells = export.person_cells(person, "00004", f, {4: "Ba Đình"})
    row = dict(zip(PERSON_COLUMN_NAMES, cells, strict=True))
    assert row == {
        "full_name": pseudonym(7),
        "sex": "female",
        "date_of_birth": None,
        "birth_year": None,
        "age": age_band(1994),
        "phone": None,
        "national_id": None,
        "nationality": "VN",
        "address": None,
        "residence": None,
        "ward_code": None,
        "ward_name": None,
        "district_name": "Ba Đình",
    }
    assert not {k for k, v in row.items() if v is not None} & set(IDENTIFYING)
