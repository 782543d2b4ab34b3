"""Issue 17 §2: bad input answers a 4xx naming the field and changes nothing — integers past
2^63, emptied exposure fields, stale exposure versions, unknown managers, dates of year 1,
NUL and other control characters, notes without end, bodies without end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.cases.models import Case
from cordon.exposures.models import Exposure
from cordon.facilities.models import Facility
from cordon.geography.models import AdminUnit
from cordon.people.models import Person

HUGE = 2**63  # one past what SQLite's INTEGER and PostgreSQL's BIGINT hold


def _fields(response: Any) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in response.json().get("errors", [])]


def _count(session: Session, model: Any) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


def _ward(session: Session, code: str = "00001") -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("get", f"/api/v1/people/{HUGE}", None, "person_id"),
        ("get", f"/api/v1/cases/{HUGE}", None, "case_id"),
        ("get", f"/api/v1/exposures?person_id={HUGE}", None, "person_id"),
        ("get", f"/api/v1/people?offset={HUGE}", None, "offset"),
        ("get", f"/api/v1/cases?offset={-HUGE}", None, "offset"),
        ("get", f"/api/v1/units/{HUGE * 10}", None, "unit_id"),
        ("post", "/api/v1/cases", {"person_id": HUGE}, "person_id"),
        ("post", "/api/v1/people/search", {"q": "An", "offset": HUGE}, "offset"),
        ("patch", "/api/v1/people/1", {"version": HUGE}, "version"),
    ],
)
def test_integers_past_2_63_are_refused_naming_the_field(
    client: TestClient, method: str, url: str, body: dict[str, Any] | None, field: str
) -> None:
    response = client.request(method, url, json=body)
    assert response.status_code == 422, response.text
    assert field in _fields(response)


def test_an_exposure_cannot_be_emptied_nor_lose_a_concurrent_edit(
    client: TestClient, make_person: MakePerson, session: Session
) -> None:
    a, b = make_person("Nguyễn Văn An"), make_person("Trần Thị Bình")
    made = client.post(
        "/api/v1/exposures",
        json={
            "person_id": a,
            "contact_id": b,
            "first_on": "2020-03-01",
            "last_on": "2020-03-02",
            "setting": "household",
        },
    )
    assert made.status_code == 201, made.text
    exposure = made.json()
    assert exposure["version"] == 1
    url = f"/api/v1/exposures/{exposure['id']}"
    for field in ("first_on", "last_on", "setting", "closeness"):
        emptied = client.patch(url, json={"version": 1, field: None})
        assert emptied.status_code == 422, emptied.text
        assert field in _fields(emptied)
    assert client.get(url).json() == exposure
    unversioned = client.patch(url, json={"last_on": "2020-03-03"})
    assert unversioned.status_code == 422
    assert "version" in _fields(unversioned)
    first = client.patch(url, json={"version": 1, "last_on": "2020-03-03"})
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    second = client.patch(url, json={"version": 1, "setting": "workplace"})
    assert second.status_code == 409
    assert "version" in _fields(second)
    assert client.get(url).json() == first.json()


def test_a_facility_manager_must_be_a_user(client: TestClient, hanoi: Session) -> None:
    body = {
        "code": "CAMP-1",
        "name": "Trại cách ly",
        "kind": "military_camp",
        "ward_id": _ward(hanoi),
        "capacity": 10,
        "manager_user_id": 987654,
    }
    refused = client.post("/api/v1/facilities", json=body)
    assert refused.status_code == 422, refused.text
    assert "manager_user_id" in _fields(refused)
    assert _count(hanoi, Facility) == 0
    made = client.post("/api/v1/facilities", json={**body, "manager_user_id": None})
    assert made.status_code == 201, made.text
    url = f"/api/v1/facilities/{made.json()['id']}"
    patched = client.patch(url, json={"manager_user_id": 987654})
    assert patched.status_code == 422
    assert "manager_user_id" in _fields(patched)
    assert client.get(url).json()["manager_user_id"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("onset_on", "0001-01-01"),
        ("confirmed_on", "1999-12-31"),
        ("sample_on", (dt.date.today() + dt.timedelta(days=400)).isoformat()),
    ],
)
def test_case_dates_outside_their_bounds_are_refused(
    client: TestClient, make_person: MakePerson, field: str, value: str
) -> None:
    body = {"person_id": make_person(), "status": "confirmed", field: value}
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 422, response.text
    assert field in _fields(response)
    assert client.get("/api/v1/cases").json()["total"] == 0


def test_a_case_edit_to_year_1_is_refused(client: TestClient, make_case: MakeCase) -> None:
    case = make_case("HN-1")
    response = client.patch(
        f"/api/v1/cases/{case.id}", json={"version": 1, "onset_on": "0001-01-01"}
    )
    assert response.status_code == 422
    assert "onset_on" in _fields(response)
    assert client.get(f"/api/v1/cases/{case.id}").json()["onset_on"] is None


def test_a_birth_date_before_1900_is_refused(client: TestClient, hanoi: Session) -> None:
    body = {"full_name": "Lê Văn Cường", "date_of_birth": "1850-01-01"}
    response = client.post("/api/v1/people", json=body)
    assert response.status_code == 422
    assert "date_of_birth" in _fields(response)
    assert _count(hanoi, Person) == 0


@pytest.mark.parametrize("text", ["Nguyễn\x00 An", "Nguyễn\x07An", "Nguyễn\x1bAn"])
def test_control_characters_are_refused_in_any_text(
    client: TestClient, hanoi: Session, text: str
) -> None:
    response = client.post("/api/v1/people", json={"full_name": text})
    assert response.status_code == 422, response.text
    assert "full_name" in _fields(response)
    assert _count(hanoi, Person) == 0
    searched = client.get("/api/v1/cases", params={"province": text})
    assert searched.status_code == 422
    assert "province" in _fields(searched)


def test_notes_keep_lines_and_tabs_but_have_an_end(
    client: TestClient, make_person: MakePerson, session: Session
) -> None:
    body = {"person_id": make_person(), "notes": "x" * 4001}
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 422
    assert "notes" in _fields(response)
    assert _count(session, Case) == 0
    lines = client.post("/api/v1/cases", json={**body, "notes": "Sốt\n\tho\r\nkhó thở"})
    assert lines.status_code == 201, lines.text


def test_a_body_past_the_limit_is_refused_before_it_is_read(
    client: TestClient, make_person: MakePerson, session: Session
) -> None:
    body = {"person_id": make_person(), "notes": "x" * (3 * 1024 * 1024)}
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _count(session, Case) == 0
    assert _count(session, Exposure) == 0
