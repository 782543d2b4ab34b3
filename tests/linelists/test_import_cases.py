"""Cases line lists: the happy paths, and every kind of bad input names its row and column
and leaves the registry unchanged."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, SourceKind
from cordon.cases.models import Case, InfectionSource
from cordon.clusters.enums import ClusterKind
from cordon.clusters.models import Cluster
from cordon.core.errors import InvalidInput
from cordon.linelists.columns import Shape, column_names
from cordon.linelists.service import ImportResult
from cordon.people.models import Person

from .linelists import CASE_ROWS, DATA, counts, to_csv

Run = Callable[..., ImportResult]


def rows_with(index: int, **changes: str) -> list[dict[str, str]]:
    rows = [dict(r) for r in CASE_ROWS]
    rows[index].update(changes)
    return rows


def test_a_valid_list_writes_people_cases_and_sources(run_import: Run, hanoi: Session) -> None:
    result = run_import(Shape.cases, to_csv(Shape.cases, CASE_ROWS))
    assert (result.rows, result.cases, result.people_created, result.sources) == (3, 3, 3, 4)
    assert counts(hanoi)["cases"] == 3
    bn2 = hanoi.scalars(select(Case).where(Case.code == "BN2")).one()
    assert bn2.status is CaseStatus.recovered
    person = hanoi.get(Person, bn2.person_id)
    assert person is not None
    assert (person.phone, person.birth_year, person.ward_id is not None) == (
        "+84912000002",
        1990,
        True,
    )
    for case in hanoi.scalars(select(Case)):  # seen where the person lives
        assert case.ward_id == hanoi.get_one(Person, case.person_id).ward_id
    kinds = sorted(s.kind.value for s in hanoi.scalars(select(InfectionSource)))
    assert kinds == ["case", "case", "case", "country"]


def test_xlsx_semicolons_and_bom_are_read_too(run_import: Run, hanoi: Session) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(column_names(Shape.cases))
    for row in CASE_ROWS:
        sheet.append([row.get(c) for c in column_names(Shape.cases)])
    buffer = io.BytesIO()
    book.save(buffer)
    assert run_import(Shape.cases, buffer.getvalue(), name="list.xlsx").cases == 3
    rows = [dict(r, case_code=f"X{i}", national_id="", phone="") for i, r in enumerate(CASE_ROWS)]
    rows[1]["sources"] = rows[2]["sources"] = "X0"
    semicolons = b"\xef\xbb\xbf" + to_csv(Shape.cases, rows, ";")
    assert run_import(Shape.cases, semicolons).cases == 3


BAD_CASES: list[tuple[dict[str, str], str, str]] = [
    ({"confirmed_on": "2020-02-30"}, "confirmed_on", "not a valid date"),
    ({"sample_on": "2020-03-04"}, "sample_on", "after confirmed_on"),
    ({"discharged_on": "2020-03-01"}, "discharged_on", "before confirmed_on"),
    ({"status": "healed"}, "status", "not one of"),
    ({"sex": "x"}, "sex", "not one of"),
    ({"phone": "12345"}, "phone", "phone number"),
    ({"national_id": "12AB"}, "national_id", "not an ID number"),
    ({"ward_code": "99999"}, "ward_code", "no ward has the code"),
    ({"ward_code": "", "ward_name": "Nowhere"}, "ward_name", "no ward is named"),
    ({"sources": "BN99"}, "sources", "no known case"),
    ({"sources": "BN1"}, "sources", "its own source"),
    ({"case_code": ""}, "case_code", "is required"),
    ({"case_code": "BN 1"}, "case_code", "not a case code"),
    ({"birth_year": "1970"}, "birth_year", "does not match"),
    ({"age": "abc"}, "age", "whole number"),
    ({"nationality": "Atlantis"}, "nationality", "ISO code"),
    ({"asymptomatic": "maybe"}, "asymptomatic", "yes/no"),
    ({"confirmed_on": "2999-01-01", "onset_on": "", "sample_on": ""}, "confirmed_on", "future"),
]


@pytest.mark.parametrize(("change", "column", "message"), BAD_CASES)
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_written(
    run_import: Run, hanoi: Session, change: dict[str, str], column: str, message: str
) -> None:
    rows = rows_with(0, **change)
    if change.get("birth_year"):
        rows[0]["date_of_birth"] = "1980-01-01"
    before = counts(hanoi)
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, to_csv(Shape.cases, rows))
    hanoi.rollback()
    problems = [(p.row, p.field) for p in caught.value.problems]
    assert (2, column) in problems, caught.value
    assert any(message in p.message for p in caught.value.problems), caught.value
    assert counts(hanoi) == before


def test_problems_of_all_rows_are_reported_and_a_half_valid_file_writes_nothing(
    run_import: Run, hanoi: Session
) -> None:
    rows = [dict(r) for r in CASE_ROWS]
    rows[1]["confirmed_on"] = "05/03/2020"
    rows[2]["status"] = "sick"
    rows.append(dict(CASE_ROWS[0], national_id="001080000001", case_code="BN1"))
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, to_csv(Shape.cases, rows))
    hanoi.rollback()
    found = {(p.row, p.field) for p in caught.value.problems}
    assert {(3, "confirmed_on"), (4, "status"), (5, "case_code"), (5, "national_id")} <= found
    assert "nothing was imported" in caught.value.detail
    assert counts(hanoi)["people"] == 0


def test_codes_and_national_ids_already_registered_are_refused(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult
) -> None:
    before = counts(hanoi)
    again = [dict(CASE_ROWS[0]), dict(CASE_ROWS[0], case_code="BN9", full_name="Someone Else")]
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, to_csv(Shape.cases, again))
    hanoi.rollback()
    messages = {(p.row, p.field): p.message for p in caught.value.problems}
    assert "already registered" in messages[(2, "case_code")]
    assert "another name" in messages[(3, "national_id")]
    assert counts(hanoi) == before


def test_registered_people_are_reused_not_duplicated(run_import: Run, hanoi: Session) -> None:
    first = dict(CASE_ROWS[0], status="discarded", sources="")
    run_import(Shape.cases, to_csv(Shape.cases, [first]))
    second = dict(CASE_ROWS[0], case_code="BN1b", national_id="", full_name="NGUYEN VAN AN")
    result = run_import(Shape.cases, to_csv(Shape.cases, [second]))
    assert (result.people_created, result.people_reused) == (0, 1)
    assert counts(hanoi)["people"] == 1
    ward = hanoi.scalars(select(Person.ward_id)).one()
    assert set(hanoi.scalars(select(Case.ward_id))) == {ward}


def test_a_second_open_case_for_one_person_is_refused(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult
) -> None:
    again = dict(CASE_ROWS[0], case_code="BN100", sources="")
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, to_csv(Shape.cases, [again]))
    assert "already has case BN1" in str(caught.value)


def test_duplicates_within_the_file_are_refused(run_import: Run, hanoi: Session) -> None:
    rows = [dict(r) for r in CASE_ROWS]
    rows.append(dict(CASE_ROWS[1], case_code="BN4", sources=""))  # same phone, name, age
    rows.append(dict(CASE_ROWS[2], sources=""))  # same code
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, to_csv(Shape.cases, rows))
    messages = {(p.row, p.field): p.message for p in caught.value.problems}
    assert "as row 3" in messages[(5, "phone")]
    assert "also on row 4" in messages[(6, "case_code")]


def test_a_wrong_header_is_reported_before_any_row(run_import: Run) -> None:
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, b"code,name\nBN1,An\n")
    assert [(p.row, p.field) for p in caught.value.problems] == [(1, "case_code")]


@pytest.mark.parametrize(
    "data",
    [b"", b"case_code\n\x81\x8d\x90\n", b"PK\x03\x04not really a workbook"],
    ids=["empty", "not-utf8", "broken-xlsx"],
)
def test_unreadable_files_get_a_clear_message(run_import: Run, data: bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, data)
    assert caught.value.problems[0].field == "file"


def test_dry_run_checks_but_writes_nothing(run_import: Run, hanoi: Session) -> None:
    result = run_import(Shape.cases, to_csv(Shape.cases, CASE_ROWS), dry_run=True)
    assert (result.cases, result.dry_run) == (3, True)
    assert counts(hanoi)["cases"] == 0


def _clusters(session: Session) -> None:
    session.add(Cluster(code="BVBM", name="Bệnh viện Bạch Mai", kind=ClusterKind.place))
    session.commit()


def test_the_ministry_list_imports_through_a_mapping(run_import: Run, hanoi: Session) -> None:
    _clusters(hanoi)
    mapping = DATA.parent.parent.parent / "src/cordon/linelists/templates/mapping-vietnam-2020.toml"
    data = (DATA / "patients-2020.csv").read_bytes()
    result = run_import(Shape.cases, data, name="patients.csv", mapping=mapping)
    assert result.cases == 26
    assert result.ignored_columns == ["flights"]
    bn19 = hanoi.scalars(select(Case).where(Case.code == "BN19")).one()
    assert (bn19.status, bn19.province) == (CaseStatus.confirmed, "Hà Nội")
    source = hanoi.scalars(select(InfectionSource).where(InfectionSource.case_id == bn19.id)).one()
    assert source.kind is SourceKind.case
    bn17 = hanoi.get(Case, source.source_case_id)
    assert bn17 is not None
    assert bn17.code == "BN17"
    person = hanoi.get(Person, bn17.person_id)
    assert person is not None
    assert (person.full_name, person.sex.value, person.birth_year, person.nationality) == (
        "BN17",
        "female",
        1994,
        "VN",
    )
    bach_mai = hanoi.scalars(select(InfectionSource).where(InfectionSource.cluster_id.is_not(None)))
    assert len(list(bach_mai)) == 2


def test_value_maps_and_date_formats_of_a_mapping(run_import: Run, hanoi: Session) -> None:
    mapping = """
[columns]
"Mã BN" = "case_code"
"Giới tính" = "sex"
"Ngày xác nhận" = "confirmed_on"
"Tình trạng" = "status"
[values.sex]
"Nam" = "male"
"Nữ" = "female"
[values.status]
positive = "confirmed"
[dates]
formats = ["%d/%m/%Y"]
"""
    data = "Mã BN;Giới tính;Ngày xác nhận;Tình trạng;Ghi chú\n7;Nữ;06/03/2020;POSITIVE;x\n"
    result = run_import(Shape.cases, data.encode(), mapping=mapping.encode())
    assert result.ignored_columns == ["Ghi chú"]
    case = hanoi.scalars(select(Case)).one()
    person = hanoi.get(Person, case.person_id)
    assert person is not None
    assert (case.code, case.confirmed_on.isoformat() if case.confirmed_on else None) == (
        "7",
        "2020-03-06",
    )
    assert person.sex.value == "female"
    bad = data.replace("06/03/2020", "30/02/2020").encode()
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, bad.replace(b"7;", b"8;"), mapping=mapping.encode())
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "Ngày xác nhận")]


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ('[columns]\n"x" = "no_such_column"\n', "columns.x"),
        ("[values.colour]\nred = 'blue'\n", "values.colour"),
        ("[columns\n", "mapping"),
    ],
)
def test_a_bad_mapping_file_is_refused(run_import: Run, mapping: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, to_csv(Shape.cases, CASE_ROWS), mapping=mapping.encode())
    assert caught.value.problems[0].field == field


def test_the_import_announces_the_loaded_registry(
    run_import: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cordon.linelists import service

    seen: list[Any] = []
    monkeypatch.setattr(service, "publish", lambda _s, event: seen.append(event))
    result = run_import(Shape.cases, to_csv(Shape.cases, CASE_ROWS), name="march.csv")
    (event,) = seen
    assert event.cause == "import of march.csv"
    assert list(event.case_ids) == result.case_ids


def test_backslashes_tabs_and_newlines_in_text_are_written_as_given(
    run_import: Run, hanoi: Session
) -> None:
    address = "Ngõ 5\\7\tphòng 2\nHà Nội \\N"
    rows = [dict(CASE_ROWS[0], address=address, sources="", treated_at="\\N")]
    run_import(Shape.cases, to_csv(Shape.cases, rows))
    person = hanoi.scalars(select(Person)).one()
    case = hanoi.scalars(select(Case)).one()
    assert (person.address, case.treated_at) == (address, "\\N")
