"""Nothing tells a user who a person out of their sight is, or what their tier is: the attack
of issue 17 (a national ID typed in, an exposure to the id it revealed, the tier's `why`)
fails at every step; a contact living elsewhere goes through the handover flow."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakeCase, SignIn
from cordon.exposures.models import Exposure
from cordon.geography.models import AdminUnit
from cordon.handovers.models import Handover
from cordon.people.models import Person
from pagekit import Browser

OWN, FAR = "00001", "00037"  # Phúc Xá (Ba Đình), Phúc Tân (Hoàn Kiếm)
NATIONAL_ID = "001090000777"
MET = {"first_on": "2020-03-05", "last_on": "2020-03-05", "setting": "workplace"}


def _names(answer: Any, number: int) -> bool:
    """Whether an answer holds ``number`` as a value or inside a text as a word."""
    if isinstance(answer, dict):
        return any(_names(v, number) for v in answer.values())
    if isinstance(answer, list):
        return any(_names(v, number) for v in answer)
    if isinstance(answer, str):
        return re.search(rf"(?<![\w/]){number}(?!\w)", answer) is not None
    return bool(answer == number)


@pytest.fixture
def far_case(
    hanoi: Session, client: TestClient, make_case: MakeCase, sign_in: SignIn
) -> dict[str, Any]:
    """An F0 in another district, registered with a national ID; a ward worker's own person."""
    ward = {c: hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == c)) for c in (OWN, FAR)}
    far = client.post(
        "/api/v1/people",
        json={"full_name": "Lê Thị Xa", "ward_id": ward[FAR], "national_id": NATIONAL_ID},
    ).json()["id"]
    case = make_case("BN-XA", person_id=far, onset_on=dt.date(2020, 3, 5))
    own = client.post("/api/v1/people", json={"full_name": "Trần Văn Gần", "ward_id": ward[OWN]})
    hanoi.commit()
    return {
        "ward": ward,
        "far": far,
        "case": case.id,
        "own": own.json()["id"],
        "worker": sign_in("ward_worker", OWN),
    }


def test_the_duplicate_check_says_elsewhere_but_never_whom(
    anonymous: TestClient, far_case: dict[str, Any]
) -> None:
    typed = {"full_name": "Ai Đó", "ward_id": far_case["ward"][OWN], "national_id": NATIONAL_ID}
    answer = anonymous.post("/api/v1/people", json=typed, headers=far_case["worker"])
    assert answer.status_code == 409
    assert "outside your jurisdiction" in answer.text
    assert "as person" not in answer.text
    assert not _names(answer.json(), far_case["far"])


def test_an_exposure_to_a_person_out_of_sight_is_refused_like_an_unknown_id(
    anonymous: TestClient, far_case: dict[str, Any], hanoi: Session
) -> None:
    body = {"person_id": far_case["own"], "contact_id": far_case["far"], **MET}
    refused = anonymous.post("/api/v1/exposures", json=body, headers=far_case["worker"])
    unknown = anonymous.post(
        "/api/v1/exposures", json={**body, "contact_id": 999_999}, headers=far_case["worker"]
    )
    assert refused.status_code == unknown.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "contact_id"
    assert "/api/v1/handovers/contacts" in error["message"]
    said = unknown.json()["errors"][0]["message"]
    assert said == error["message"].replace(f"id {far_case['far']} ", "id 999999 ")
    listed = {
        "person_id": far_case["own"],
        "contacts": [{"contact_id": far_case["far"], **MET}],
    }
    in_list = anonymous.post(
        "/api/v1/exposures/contact-list", json=listed, headers=far_case["worker"]
    )
    assert in_list.status_code == 422
    assert in_list.json()["errors"][0]["field"] == "contacts[0].contact_id"
    assert hanoi.scalar(select(func.count()).select_from(Exposure)) == 0


def test_the_handover_flow_records_the_contact_without_saying_whom(
    anonymous: TestClient, far_case: dict[str, Any], hanoi: Session, sign_in: SignIn
) -> None:
    contact = {"full_name": "Le Thi Xa", "ward_id": far_case["ward"][FAR]}
    body = {
        "person_id": far_case["own"],
        "contact": {**contact, "national_id": NATIONAL_ID},
        "met": MET,
        "note": "met at work",
    }
    sent = anonymous.post("/api/v1/handovers/contacts", json=body, headers=far_case["worker"])
    assert sent.status_code == 201, sent.text
    out = sent.json()
    assert out["person_id"] is None
    assert out["name"] == "outside your jurisdiction"
    assert out["to_unit"]["code"] == FAR
    hanoi.expire_all()
    assert hanoi.scalar(select(func.count()).select_from(Person)) == 2  # nobody new
    handover = hanoi.scalars(select(Handover)).one()
    assert handover.person_id == far_case["far"]
    receiver = sign_in("ward_worker", FAR)
    inbox = anonymous.get("/api/v1/handovers", headers=receiver).json()
    assert inbox["items"][0]["name"] == "Lê Thị Xa"
    # the tier of the worker's own person follows, but its why hides the other side
    tier = anonymous.get(
        f"/api/v1/tracing/people/{far_case['own']}", headers=far_case["worker"]
    ).json()
    assert tier["tier"] == 1
    assert tier["source_case_id"] is None
    hidden = tier["why"][1]
    assert hidden == {
        "person_id": None,
        "tier": None,
        "exposed_on": None,
        "via_exposure_id": None,
        "outside": "outside your jurisdiction",
    }
    assert all(label["source_case_id"] is None for label in tier["labels"])
    # someone new, living elsewhere, is registered there by the same flow
    new = {**body, "contact": {"full_name": "Phan Văn Mới", "ward_id": far_case["ward"][FAR]}}
    again = anonymous.post("/api/v1/handovers/contacts", json=new, headers=far_case["worker"])
    assert again.status_code == 201, again.text
    assert hanoi.scalar(select(func.count()).select_from(Person)) == 3
    # a contact of the jurisdiction is recorded directly, not handed over
    near = {**body, "contact": {"full_name": "Hàng Xóm", "ward_id": far_case["ward"][OWN]}}
    direct = anonymous.post("/api/v1/handovers/contacts", json=near, headers=far_case["worker"])
    assert direct.status_code == 422
    assert direct.json()["errors"][0]["field"] == "contact.ward_id"


def test_the_city_sees_the_whole_why(
    client: TestClient, far_case: dict[str, Any], anonymous: TestClient
) -> None:
    body = {"person_id": far_case["own"], "contact_id": far_case["far"], **MET}
    assert client.post("/api/v1/exposures", json=body).status_code == 201
    tier = client.get(f"/api/v1/tracing/people/{far_case['own']}").json()
    assert tier["why"][1]["person_id"] == far_case["far"]
    assert tier["source_case_id"] == far_case["case"]


@pytest.mark.parametrize("role", ["ward_worker", "district_officer"])
def test_nobody_registers_people_they_could_not_see(
    anonymous: TestClient, far_case: dict[str, Any], sign_in: SignIn, role: str, hanoi: Session
) -> None:
    headers = far_case["worker"] if role == "ward_worker" else sign_in(role, "001")
    before = hanoi.scalar(select(func.count()).select_from(Person))
    for ward in (far_case["ward"][FAR], None):
        body = {"full_name": "Người Ngoài", "ward_id": ward}
        refused = anonymous.post("/api/v1/people", json=body, headers=headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "ward_id"
    hanoi.expire_all()
    assert hanoi.scalar(select(func.count()).select_from(Person)) == before


def test_a_trace_tree_hides_the_own_tier_of_people_out_of_sight(
    anonymous: TestClient,
    client: TestClient,
    far_case: dict[str, Any],
    make_case: MakeCase,
    browser: Browser,
    hanoi: Session,
) -> None:
    """Someone out of sight below a person of the jurisdiction keeps their place in the tree,
    but not their own tier: "now a case (F0)" would say their health."""
    make_case("BN-GAN", person_id=far_case["own"], onset_on=dt.date(2020, 2, 28))
    met = {**MET, "first_on": "2020-03-01", "last_on": "2020-03-01"}  # before Xa's own window
    body = {"person_id": far_case["own"], "contact_id": far_case["far"], **met}
    assert client.post("/api/v1/exposures", json=body).status_code == 201
    hanoi.commit()
    city = client.get(f"/api/v1/tracing/trace/{far_case['own']}").json()
    assert [n["tier"] for n in city["nodes"] if n["person_id"] == far_case["far"]] == [0]
    trace = anonymous.get(
        f"/api/v1/tracing/trace/{far_case['own']}", headers=far_case["worker"]
    ).json()
    hidden = [n for n in trace["nodes"] if n["name"] == "outside your jurisdiction"]
    assert hidden
    assert all(n["tier"] is None for n in hidden)
    page = browser("district_officer", "001", lang="en").get(f"/people/{far_case['own']}/trace")
    assert page.status_code == 200
    assert "outside your jurisdiction" in page.text
    assert "now a case (F0)" not in page.text
