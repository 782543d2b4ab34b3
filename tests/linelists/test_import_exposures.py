"""Exposures lists: contacts of index people, new or registered, F2 chains, bad rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.errors import InvalidInput
from cordon.exposures.enums import Closeness, Setting
from cordon.exposures.models import Exposure
from cordon.linelists.columns import Shape
from cordon.linelists.service import ImportResult
from cordon.people.models import Person

from .linelists import EXPOSURE_ROWS, counts, to_csv

Run = Callable[..., ImportResult]


def with_row(index: int, **changes: str) -> list[dict[str, str]]:
    rows = [dict(r) for r in EXPOSURE_ROWS]
    rows[index].update(changes)
    return rows


def test_contacts_and_an_f2_chain_are_written(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult
) -> None:
    result = run_import(Shape.exposures, to_csv(Shape.exposures, EXPOSURE_ROWS))
    assert (result.exposures, result.people_created, result.people_reused) == (3, 3, 0)
    exposures = hanoi.scalars(select(Exposure).order_by(Exposure.id)).all()
    dung = hanoi.scalars(select(Person).where(Person.national_id == "001090000011")).one()
    assert exposures[2].person_id == dung.id  # the F1's own contact
    assert (exposures[1].setting, exposures[1].closeness) == (Setting.workplace, Closeness.casual)
    assert exposures[1].last_on == exposures[1].first_on
    em = hanoi.get(Person, exposures[1].contact_id)
    assert em is not None
    assert em.birth_year == 1980


def test_a_contact_on_several_rows_and_a_registered_contact_are_one_person(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult
) -> None:
    rows = [dict(r) for r in EXPOSURE_ROWS]
    rows.append(dict(EXPOSURE_ROWS[0], index_case_code="BN2"))
    rows.append(
        {
            "index_case_code": "BN3",
            "contact_full_name": "Trần Thị Bình",
            "contact_age": "30",
            "contact_phone": "0912000002",
            "first_on": "2020-03-04",
        }
    )
    result = run_import(Shape.exposures, to_csv(Shape.exposures, rows))
    assert (result.people_created, result.people_reused) == (3, 1)
    assert counts(hanoi)["people"] == 6


BAD_EXPOSURES: list[tuple[int, dict[str, str], str, str]] = [
    (0, {"index_case_code": "BN404"}, "index_case_code", "no case has the code"),
    (0, {"index_case_code": ""}, "index_case_code", "give the index person"),
    (2, {"index_national_id": "009999999999"}, "index_national_id", "no person has"),
    (0, {"index_phone": "0912 999 999"}, "index_phone", "no person has this phone"),
    (0, {"index_phone": "0912 000 002"}, "index_phone", "another person"),
    (0, {"last_on": "2020-02-01"}, "last_on", "before first_on"),
    (0, {"first_on": "2020-13-01"}, "first_on", "not a valid date"),
    (0, {"first_on": ""}, "first_on", "is required"),
    (0, {"contact_full_name": ""}, "contact_full_name", "is required"),
    (0, {"setting": "bar"}, "setting", "not one of"),
    (0, {"closeness": "near"}, "closeness", "not one of"),
    (0, {"contact_ward_code": "00000"}, "contact_ward_code", "no ward"),
    (0, {"contact_national_id": "001080000001"}, "contact_national_id", "another name"),
]


@pytest.mark.parametrize(("index", "change", "column", "message"), BAD_EXPOSURES)
def test_a_bad_exposure_is_named_by_row_and_column_and_nothing_is_written(
    run_import: Run,
    hanoi: Session,
    cases_loaded: ImportResult,
    index: int,
    change: dict[str, str],
    column: str,
    message: str,
) -> None:
    before = counts(hanoi)
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.exposures, to_csv(Shape.exposures, with_row(index, **change)))
    hanoi.rollback()
    found = [(p.row, p.field) for p in caught.value.problems]
    assert (index + 2, column) in found, caught.value
    assert any(message in p.message for p in caught.value.problems), caught.value
    assert counts(hanoi) == before


def test_a_person_cannot_be_their_own_contact(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult
) -> None:
    rows = [
        {
            "index_case_code": "BN1",
            "contact_full_name": "Nguyễn Văn An",
            "contact_national_id": "001080000001",
            "first_on": "2020-03-01",
        }
    ]
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.exposures, to_csv(Shape.exposures, rows))
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "contact_national_id")]
    assert "themself" in caught.value.problems[0].message


def test_an_ambiguous_phone_asks_for_a_better_identifier(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult
) -> None:
    shared = [
        dict(EXPOSURE_ROWS[0], contact_national_id="", contact_phone="0988 000 000"),
        dict(EXPOSURE_ROWS[1], contact_phone="0988 000 000"),
        {"index_phone": "0988000000", "contact_full_name": "X Y", "first_on": "2020-03-02"},
    ]
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.exposures, to_csv(Shape.exposures, shared))
    assert "several people" in caught.value.problems[0].message
