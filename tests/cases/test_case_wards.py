"""A case (and a stored tier) is seen where its person lives: the ward copied onto it
follows the person through registration, transfer, merge, import and the demos, and a
ward's case list is exactly the cases of the people living there."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import SignIn
from cordon.cases.models import Case
from cordon.geography.models import AdminUnit
from cordon.people.models import Person
from cordon.tracing.models import PersonTier


def misplaced(session: Session) -> int:
    """Cases and stored tiers whose ward is not their person's ward (0 when the copies are
    right)."""
    session.expire_all()
    return sum(
        session.scalar(
            select(func.count())
            .select_from(model)
            .join(Person, Person.id == model.person_id)
            .where(model.ward_id.is_distinct_from(Person.ward_id))
        )
        or 0
        for model in (Case, PersonTier)
    )


def _ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def _person(client: TestClient, name: str, ward: int, phone: str) -> dict[str, Any]:
    body = {"full_name": name, "ward_id": ward, "phone": phone, "birth_year": 1980}
    response = client.post("/api/v1/people", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _case(client: TestClient, person: dict[str, Any], code: str) -> None:
    body = {
        "person_id": person["id"],
        "code": code,
        "status": "confirmed",
        "confirmed_on": "2020-03-06",
    }
    assert client.post("/api/v1/cases", json=body).status_code == 201


def test_the_ward_follows_the_person(
    client: TestClient, hanoi: Session, sign_in: SignIn, anonymous: TestClient
) -> None:
    phuc_xa, truc_bach, phuc_tan = (_ward(hanoi, c) for c in ("00001", "00004", "00037"))
    an = _person(client, "Nguyễn Văn An", phuc_xa, "0912000001")
    _case(client, an, "BN-A")
    assert hanoi.scalar(select(func.count()).select_from(PersonTier)) == 1  # An is F0
    assert misplaced(hanoi) == 0

    moved = client.patch(
        f"/api/v1/people/{an['id']}", json={"version": an["version"], "ward_id": truc_bach}
    )
    assert moved.status_code == 200, moved.text
    assert misplaced(hanoi) == 0
    listed = {
        code: [
            c["code"]
            for c in anonymous.get(
                "/api/v1/cases", headers=sign_in("ward_worker", code, f"w{code}")
            ).json()["items"]
        ]
        for code in ("00001", "00004")
    }
    assert listed == {"00001": [], "00004": ["BN-A"]}
    f0s = {
        code: anonymous.get(
            "/api/v1/tracing/tiers", headers=sign_in("district_officer", code, f"d{code}")
        ).json()
        for code in ("00001", "00004")
    }
    assert f0s["00004"] == [{"tier": 0, "people": 1}]

    # merged into a person of another ward: the case goes where the kept person lives
    an = client.get(f"/api/v1/people/{an['id']}").json()
    binh = _person(client, "Nguyễn Văn An", phuc_tan, "0912000009")
    merged = client.post(
        f"/api/v1/people/{binh['id']}/merge",
        json={
            "merge_id": an["id"],
            "keep_version": binh["version"],
            "merge_version": an["version"],
        },
    )
    assert merged.status_code == 200, merged.text
    assert misplaced(hanoi) == 0
    assert hanoi.scalar(select(Case.ward_id).where(Case.code == "BN-A")) == phuc_tan


def test_the_demo_cases_carry_their_wards(session: Session) -> None:
    from cordon.demo.synthetic import SyntheticOptions, load_synthetic
    from cordon.geography.service import load_city

    load_city(session)
    load_synthetic(session, SyntheticOptions(people=3000, seed=7, cases=40))
    session.commit()
    assert session.scalar(select(func.count()).select_from(Case)) == 40
    assert misplaced(session) == 0
