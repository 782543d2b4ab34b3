"""Issue 18 §5: one list of a case's fields (``cases.columns``); the bulk insert, the
service's rules, the API's schemas, the line lists and their export agree with it."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from sqlalchemy import Date

from cordon.cases import bulk, service
from cordon.cases.columns import CASE_DATES, CASE_FIELDS, DETAILS
from cordon.cases.models import Case
from cordon.cases.schemas import CaseDates, CaseIn, CaseOut
from cordon.linelists import case_list, export
from cordon.linelists.columns import PERSON_COLUMN_NAMES, Shape, column_names

TEMPLATES = Path(__file__).resolve().parents[2] / "src/cordon/linelists/templates"
BOOKKEEPING = ("id", "version", "created_at", "updated_at", "ward_id")


def test_the_fields_are_code_person_status_then_details_once_each() -> None:
    assert ("code", "person_id", "status", *DETAILS) == CASE_FIELDS
    assert set(CASE_DATES) <= set(DETAILS)
    assert len(set(CASE_FIELDS)) == len(CASE_FIELDS)


def test_every_column_of_the_table_is_a_field_or_said_to_be_something_else() -> None:
    table = {c.name: c for c in Case.__table__.columns}
    assert set(CASE_FIELDS) <= set(table)
    assert set(table) - set(CASE_FIELDS) == {*BOOKKEEPING, "notes", "warnings"}
    assert [n for n, c in table.items() if isinstance(c.type, Date)] == list(CASE_DATES)


def test_the_bulk_insert_writes_the_fields_in_their_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(bulk.CaseRow)) == CASE_FIELDS
    assert tuple(c for c in bulk.CASE_COLUMNS if c not in BOOKKEEPING) == CASE_FIELDS
    assert set(bulk.CASE_COLUMNS) == set(CASE_FIELDS) | set(BOOKKEEPING)


def test_the_service_edits_the_details_and_checks_the_dates() -> None:
    assert service.DATE_FIELDS == CASE_DATES
    assert {*DETAILS, "notes"} == service.EDITABLE
    assert set(service.STATUS_DATE.values()) <= set(CASE_DATES)


def test_the_api_takes_and_gives_the_fields() -> None:
    assert list(CaseDates.model_fields) == [*DETAILS, "notes"]
    assert set(CASE_FIELDS) <= set(CaseIn.model_fields)
    assert set(CASE_FIELDS) <= set(CaseOut.model_fields)


def test_the_line_list_holds_code_person_status_details_then_links() -> None:
    names = column_names(Shape.cases)
    assert names == ["case_code", *PERSON_COLUMN_NAMES, "status", *DETAILS, "sources", "cluster"]
    assert set(case_list.CASE_FIELDS) == {"status", *DETAILS}


def test_the_export_writes_the_template_then_the_investigation() -> None:
    template = next(csv.reader((TEMPLATES / "cases.csv").open(encoding="utf-8")))
    assert export.header(Shape.cases) == [*template, *export.INVESTIGATION_COLUMNS]
    assert ("status", *DETAILS) == export.CASE_CELLS
