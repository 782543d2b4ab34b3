"""Issue 17 §2: exports a spreadsheet opens safely — a name that looks like a formula is
written as text (OWASP "CSV injection"), and a control character stored before input refused
them does not break the XLSX export for everyone."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import MakeCase
from cordon.people.bulk import PersonRow, insert_people

FORMULA = '=HYPERLINK("http://x.test","click")'


def _person(session: Session, name: str, phone: str | None = None) -> int:
    (person_id,) = insert_people(session, [PersonRow(full_name=name, phone=phone)])
    session.commit()
    return person_id


def _sheet(client: TestClient, shape: str) -> list[tuple[object, ...]]:
    response = client.get(f"/api/v1/exports/{shape}.xlsx")
    assert response.status_code == 200, response.text
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_formulas_are_written_as_text(
    client: TestClient, hanoi: Session, make_case: MakeCase
) -> None:
    make_case("HN-1", person_id=_person(hanoi, FORMULA, phone="+84912345678"))
    make_case("HN-2", person_id=_person(hanoi, "@SUM(1+1)"))
    make_case("HN-3", person_id=_person(hanoi, "-Trần"))
    text = client.get("/api/v1/exports/cases.csv").content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://x.test"",""click"")"' in text
    assert "'@SUM(1+1)" in text
    assert "'-Trần" in text
    assert "+84912345678" in text  # a phone is a number, not a formula
    assert "'+84912345678" not in text
    rows = _sheet(client, "cases")
    names = {row[1] for row in rows[1:]}
    assert names == {"'" + FORMULA, "'@SUM(1+1)", "'-Trần"}
    book = openpyxl.load_workbook(io.BytesIO(client.get("/api/v1/exports/cases.xlsx").content))
    cells = [row[1] for row in book.worksheets[0].iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)


def test_a_stored_control_character_does_not_break_the_exports(
    client: TestClient, hanoi: Session, make_case: MakeCase
) -> None:
    bell = _person(hanoi, "Nguyễn\x07 Văn\x1b An")
    make_case("HN-1", person_id=bell)
    contact = _person(hanoi, "Trần\x0bThị Bình")
    exposure = {
        "person_id": bell,
        "contact_id": contact,
        "first_on": "2020-03-01",
        "last_on": "2020-03-02",
        "setting": "household",
    }
    assert client.post("/api/v1/exposures", json=exposure).status_code == 201
    cases = _sheet(client, "cases")
    assert cases[1][1] == "Nguyễn Văn An"
    exposures = _sheet(client, "exposures")
    assert "Trần\x0bThị Bình" not in str(exposures)
    assert "TrầnThị Bình" in str(exposures)
