"""The rules between the cells of one row (birth year, age, date of birth, ward, dates in
order), checked column by column: each broken rule is named by its row and column, all the
rules of a row are reported together, and a row with a wrong cell skips them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.models import Case
from cordon.core.errors import InvalidInput
from cordon.geography.models import AdminUnit
from cordon.linelists.columns import Shape
from cordon.linelists.service import ImportResult
from cordon.people.models import Person

from .linelists import CASE_ROWS, to_csv

Run = Callable[..., ImportResult]


def independent_rows() -> list[dict[str, str]]:
    """The example cases without sources: a broken row is not named again as a source."""
    return [dict(r, sources="") for r in CASE_ROWS]


def problems_of(run_import: Run, rows: list[dict[str, str]]) -> list[tuple[int | None, str]]:
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, to_csv(Shape.cases, rows))
    return [(p.row, p.field) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"age": "10"}, "age"),  # BN2 (row 3) was confirmed in 2020: born about 2010
        ({"age": "30", "birth_year": "1950"}, "age"),
        ({"date_of_birth": "2020-03-10", "age": ""}, "date_of_birth"),  # after confirmation
        ({"date_of_birth": "1990-01-01", "birth_year": "1991"}, "birth_year"),
        ({"ward_name": "Quang Trung", "district_name": ""}, "ward_name"),  # four wards
    ],
)
def test_a_broken_row_rule_names_its_row_and_column(
    run_import: Run, hanoi: Session, change: dict[str, str], column: str
) -> None:
    rows = independent_rows()
    rows[1].update(change)
    if change.get("age") == "10":
        rows[1]["birth_year"] = "1990"
    assert problems_of(run_import, rows) == [(3, column)]


def test_every_broken_rule_of_a_row_is_reported(run_import: Run, hanoi: Session) -> None:
    rows = independent_rows()
    rows[0].update(onset_on="2020-03-09", sample_on="2020-03-08", ward_code="99999")
    rows[2].update(confirmed_on="2020-03-01", discharged_on="2020-02-01", died_on="2020-02-02")
    # onset after confirmation and death before it are real: warnings, not problems
    assert problems_of(run_import, rows) == [
        (2, "sample_on"),
        (2, "ward_code"),
        (4, "discharged_on"),
    ]


def test_a_row_with_a_wrong_cell_skips_the_row_rules(run_import: Run, hanoi: Session) -> None:
    rows = independent_rows()
    rows[0].update(sex="x", onset_on="2020-03-09", ward_code="99999")
    assert problems_of(run_import, rows) == [(2, "sex")]


def test_a_ward_name_is_found_with_its_district_and_the_age_gives_the_birth_year(
    run_import: Run, hanoi: Session
) -> None:
    rows = independent_rows()
    rows[1].update(ward_name="Quang Trung", district_name="Đống Đa")
    run_import(Shape.cases, to_csv(Shape.cases, rows))
    person = hanoi.scalars(
        select(Person).join(Case, Case.person_id == Person.id).where(Case.code == "BN2")
    ).one()
    ward = hanoi.get(AdminUnit, person.ward_id)
    assert ward is not None
    assert (ward.code, person.birth_year) == ("00214", 1990)


def test_an_empty_column_is_missing_on_every_row_or_takes_its_default(
    run_import: Run, hanoi: Session
) -> None:
    rows = [dict(r, case_code="", status="") for r in independent_rows()]
    assert problems_of(run_import, rows) == [(2, "case_code"), (3, "case_code"), (4, "case_code")]
    mapping = b'[defaults]\nstatus = "suspected"\nprovince = "H\xc3\xa0 N\xe1\xbb\x99i"\n'
    run_import(Shape.cases, to_csv(Shape.cases, independent_rows()), mapping=mapping)
    cases = hanoi.scalars(select(Case).order_by(Case.code)).all()
    assert [(c.status.value, c.province) for c in cases] == [
        ("confirmed", "Hà Nội"),
        ("recovered", "Hà Nội"),
        ("confirmed", "Hà Nội"),
    ]
