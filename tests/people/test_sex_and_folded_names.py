"""Defaults that do not lie: sex is unknown until someone says it, and shown; a name typed
without its accents, with the same phone, is the same person until someone says otherwise."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from cordon.people.models import Person
from pagekit import Browser

from .conftest import Create, count_people


def test_a_person_sent_without_sex_is_of_unknown_sex(
    client: TestClient, session: Session, create: Create
) -> None:
    made = create("Lê Thị Hoa", phone="0912000111")
    assert made["sex"] == "unknown"
    assert session.get_one(Person, made["id"]).sex == "unknown"
    patched = client.patch(
        f"/api/v1/people/{made['id']}", json={"version": made["version"], "phone": "0912000112"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["sex"] == "unknown"


def test_the_case_form_preselects_no_sex_and_the_person_page_shows_it(
    browser: Browser, create: Create, ward_id: int
) -> None:
    page = browser("epidemiologist", "01", lang="en")
    form = page.get("/cases/new").text
    sexes = form[form.index('id="f-sex"') :]
    chosen = re.findall(r'<option value="(\w+)" selected>', sexes[: sexes.index("</select>")])
    assert chosen == ["unknown"]
    her = create("Lê Thị Hoa", sex="female", ward_id=ward_id)
    shown = page.get(f"/people/{her['id']}").text
    assert re.search(r"<dt>Sex</dt><dd>female</dd>", shown)


def test_same_phone_and_folded_name_without_birth_year_is_a_likely_duplicate(
    client: TestClient, session: Session, create: Create
) -> None:
    first = create("Trần Văn Minh", phone="0913222333")
    again = {"full_name": "  tran  van MINH", "phone": "+84 913 222 333"}
    response = client.post("/api/v1/people", json=again)
    assert response.status_code == 409, response.text
    assert {e["field"] for e in response.json()["errors"]} == {"phone", "full_name"}
    assert str(first["id"]) in response.json()["detail"]
    assert count_people(session) == 1
    allowed = client.post("/api/v1/people", params={"allow_duplicate": True}, json=again)
    assert allowed.status_code == 201
    dupes = client.get(f"/api/v1/people/{allowed.json()['id']}/duplicates").json()
    assert [d["person"]["id"] for d in dupes] == [first["id"]]


def test_a_birth_year_on_one_side_only_still_matches(client: TestClient, create: Create) -> None:
    create("Trần Văn Minh", phone="0913222333", birth_year=1980)
    response = client.post(
        "/api/v1/people", json={"full_name": "Tran Van Minh", "phone": "0913222333"}
    )
    assert response.status_code == 409
    create("Trần Văn Minh", phone="0913222333", birth_year=2001)  # two years: two people


def test_a_row_written_without_sex_is_of_unknown_sex(session: Session) -> None:
    """Any writer that leaves the column out (an SQL load, a bulk insert) gets unknown."""
    session.execute(
        text(
            "INSERT INTO people (full_name, name_folded, version) "
            "VALUES ('Đỗ Văn Sơn', 'do van son', 1)"
        )
    )
    session.commit()
    sex = session.scalar(text("SELECT sex FROM people WHERE name_folded = 'do van son'"))
    assert sex == "unknown"
