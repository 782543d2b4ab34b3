"""Create, read, list and update people through the HTTP API, on the real database."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.people.models import Person, PersonNameToken

from .conftest import Create, count_people

AN = {
    "full_name": "  Nguyễn   Văn An ",
    "sex": "male",
    "date_of_birth": "1985-03-02",
    "phone": "0912 345 678",
    "national_id": "001085012345",
    "nationality": "vn",
}


def test_create_normalises_and_indexes_the_name(
    client: TestClient, session: Session, ward_id: int
) -> None:
    response = client.post("/api/v1/people", json={**AN, "ward_id": ward_id})
    assert response.status_code == 201
    body = response.json()
    assert body["full_name"] == "Nguyễn Văn An"
    assert body["phone"] == "+84912345678"
    assert body["birth_year"] == 1985
    assert body["nationality"] == "VN"
    assert body["version"] == 1
    person = session.get_one(Person, body["id"])
    assert person.name_folded == "nguyen van an"
    tokens = session.scalars(
        select(PersonNameToken.token)
        .where(PersonNameToken.person_id == person.id)
        .order_by(PersonNameToken.position)
    ).all()
    assert tokens == ["nguyen", "van", "an"]
    assert client.get(f"/api/v1/people/{body['id']}").json() == body


def test_unknown_person_is_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/people/424242")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_same_national_id_is_refused_naming_the_existing_id_only(
    client: TestClient, session: Session, create: Create
) -> None:
    first = create(**AN)
    response = client.post(
        "/api/v1/people",
        params={"allow_duplicate": True},
        json={"full_name": "Trần Thị Bình", "national_id": "001 085 012 345"},
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["errors"] == [
        {"field": "national_id", "message": f"same national ID as person {first['id']}"}
    ]
    assert "001085012345" not in response.text
    assert "Bình" not in response.text
    assert "Nguy" not in response.text
    assert count_people(session) == 1


def test_same_phone_name_and_birth_year_is_refused_unless_allowed(
    client: TestClient, session: Session, create: Create
) -> None:
    first = create("Nguyễn Văn An", phone="0912345678", birth_year=1985)
    again = {"full_name": "NGUYEN VAN AN", "phone": "+84 912 345 678", "birth_year": 1985}
    response = client.post("/api/v1/people", json=again)
    assert response.status_code == 409
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"phone", "full_name", "birth_year"}
    assert str(first["id"]) in response.json()["detail"]
    assert "912" not in response.text
    assert count_people(session) == 1
    allowed = client.post("/api/v1/people", params={"allow_duplicate": True}, json=again)
    assert allowed.status_code == 201
    dupes = client.get(f"/api/v1/people/{allowed.json()['id']}/duplicates").json()
    assert [(d["person"]["id"], d["reason"]) for d in dupes] == [
        (first["id"], "same phone, name and birth year")
    ]


def test_other_birth_year_is_not_a_duplicate(create: Create) -> None:
    create("Nguyễn Văn An", phone="0912345678", birth_year=1985)
    create("Nguyễn Văn An", phone="0912345678", birth_year=2010)


def test_list_filters_by_ward(client: TestClient, create: Create, ward_id: int) -> None:
    here = create("Lê Văn Hùng", ward_id=ward_id)
    create("Phạm Thị Hoa")
    page = client.get("/api/v1/people", params={"ward_id": ward_id}).json()
    assert page["total"] == 1
    assert [p["id"] for p in page["items"]] == [here["id"]]
    assert client.get("/api/v1/people", params={"limit": 1}).json()["total"] == 2


def test_update_changes_fields_and_name_tokens(
    client: TestClient, session: Session, create: Create
) -> None:
    person = create("Nguyễn Văn An", date_of_birth="1990-01-01")
    response = client.patch(
        f"/api/v1/people/{person['id']}",
        json={"version": 1, "full_name": "Nguyễn Văn Bảo", "date_of_birth": "1991-05-06"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["full_name"], body["birth_year"], body["version"]) == ("Nguyễn Văn Bảo", 1991, 2)
    found = client.post("/api/v1/people/search", json={"q": "bao"}).json()
    assert [p["id"] for p in found["items"]] == [person["id"]]
    assert client.post("/api/v1/people/search", json={"q": "an"}).json()["total"] == 0


def test_update_with_stale_version_is_409_and_changes_nothing(
    client: TestClient, session: Session, create: Create
) -> None:
    person = create("Nguyễn Văn An")
    url = f"/api/v1/people/{person['id']}"
    assert client.patch(url, json={"version": 1, "address": "12 Hàng Bạc"}).status_code == 200
    stale = client.patch(url, json={"version": 1, "full_name": "Trần Văn Cường"})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"
    now = client.get(url).json()
    assert (now["full_name"], now["address"], now["version"]) == ("Nguyễn Văn An", "12 Hàng Bạc", 2)


def test_update_to_a_used_national_id_is_409(client: TestClient, create: Create) -> None:
    create("Nguyễn Văn An", national_id="001085012345")
    other = create("Trần Thị Bình")
    response = client.patch(
        f"/api/v1/people/{other['id']}", json={"version": 1, "national_id": "001085012345"}
    )
    assert response.status_code == 409


def test_update_birth_year_against_date_of_birth_is_422(client: TestClient, create: Create) -> None:
    person = create("Nguyễn Văn An", date_of_birth="1990-01-01")
    response = client.patch(
        f"/api/v1/people/{person['id']}", json={"version": 1, "birth_year": 1980}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "birth_year"


BAD_INPUT: list[tuple[str, Any]] = [
    ("full_name", "   "),
    ("full_name", "x" * 201),
    ("full_name", None),
    ("date_of_birth", "2999-01-01"),
    ("date_of_birth", "1899-12-31"),
    ("birth_year", 1700),
    ("phone", "12345"),
    ("phone", "not a phone"),
    ("national_id", "12345"),
    ("national_id", "0010850123456"),
    ("national_id", "AB-12#"),
    ("nationality", "VNM"),
    ("nationality", "XX"),
    ("sex", "yes"),
    ("ward_id", 999_999),
    ("household_id", 999_999),
    ("address", "a" * 301),
]


@pytest.mark.parametrize(("field", "value"), BAD_INPUT)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(
    client: TestClient, session: Session, field: str, value: Any
) -> None:
    body = {"full_name": "Nguyễn Văn An", field: value}
    response = client.post("/api/v1/people", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert count_people(session) == 0


def test_birth_year_must_match_date_of_birth(client: TestClient) -> None:
    body = {"full_name": "Nguyễn Văn An", "date_of_birth": "1990-02-03", "birth_year": 1991}
    response = client.post("/api/v1/people", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["birth_year"]


def test_district_is_not_a_ward(client: TestClient, hanoi: Session) -> None:
    from cordon.geography.enums import UnitLevel
    from cordon.geography.models import AdminUnit

    district = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.level == UnitLevel.district))
    response = client.post("/api/v1/people", json={"full_name": "An", "ward_id": district})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ward_id"


def test_passport_numbers_are_accepted(create: Create) -> None:
    assert create("John Smith", national_id="c1234567", nationality="GB")["national_id"] == (
        "C1234567"
    )
