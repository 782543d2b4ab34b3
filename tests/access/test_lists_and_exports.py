"""Lists, searches, tier counts and exports leave out people outside the jurisdiction;
analysts get pseudonyms."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson, SignIn
from cordon.cases.enums import SourceKind
from cordon.geography.models import AdminUnit
from pagekit import Browser


@pytest.fixture
def two_wards(hanoi: Session, make_person: MakePerson, make_case: MakeCase) -> dict[str, int]:
    ward = {
        code: hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
        for code in ("00001", "00037")
    }
    own = make_person("Nguyễn Văn An", ward_id=ward["00001"])
    other = make_person("Nguyễn Văn Bình", ward_id=ward["00037"])
    make_case("BN1", person_id=own)
    make_case("BN2", person_id=other)
    return {"own": own, "other": other}


def test_ward_worker_lists_and_searches_only_their_ward(
    anonymous: TestClient, sign_in: SignIn, two_wards: dict[str, int]
) -> None:
    headers = sign_in("ward_worker", "00001")
    people = anonymous.get("/api/v1/people", headers=headers).json()
    assert [p["id"] for p in people["items"]] == [two_wards["own"]]
    assert people["total"] == 1
    found = anonymous.post("/api/v1/people/search", json={"q": "nguyen van"}, headers=headers)
    assert [p["id"] for p in found.json()["items"]] == [two_wards["own"]]
    cases = anonymous.get("/api/v1/cases", headers=headers).json()
    assert [c["code"] for c in cases["items"]] == ["BN1"]
    tiers = anonymous.get("/api/v1/tracing/tiers", headers=headers).json()
    assert tiers == [{"tier": 0, "people": 1}]


def test_district_officer_export_holds_only_the_district(
    anonymous: TestClient, sign_in: SignIn, two_wards: dict[str, int]
) -> None:
    headers = sign_in("district_officer", "001")
    text = anonymous.get("/api/v1/exports/cases.csv", headers=headers).text
    assert "BN1" in text
    assert "BN2" not in text
    assert "Bình" not in text


def test_analyst_sees_stable_pseudonyms_never_names(
    anonymous: TestClient, sign_in: SignIn, two_wards: dict[str, int]
) -> None:
    headers = sign_in("analyst")
    first = anonymous.get(f"/api/v1/people/{two_wards['own']}", headers=headers).json()
    again = anonymous.get(f"/api/v1/people/{two_wards['own']}", headers=headers).json()
    assert first["full_name"].startswith("P-")
    assert first["full_name"] == again["full_name"]
    assert first["phone"] is None
    assert first["national_id"] is None
    export = anonymous.get("/api/v1/exports/cases.csv", headers=headers).text
    assert "Nguyễn" not in export
    assert first["full_name"] in export
    search = anonymous.post("/api/v1/people/search", json={"q": "an"}, headers=headers)
    assert search.status_code == 403


def test_transfer_moves_the_person_out_of_sight(
    anonymous: TestClient, sign_in: SignIn, hanoi: Session, two_wards: dict[str, int]
) -> None:
    headers = sign_in("ward_worker", "00001")
    url = f"/api/v1/people/{two_wards['own']}"
    other_ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00037"))
    moved = anonymous.patch(url, json={"version": 1, "ward_id": other_ward}, headers=headers)
    assert moved.status_code == 200
    assert anonymous.get(url, headers=headers).status_code == 404
    receiving = sign_in("ward_worker", "00037")
    assert anonymous.get(url, headers=receiving).status_code == 200


def test_chain_and_trace_hide_people_of_other_wards(
    anonymous: TestClient, sign_in: SignIn, hanoi: Session, two_wards: dict[str, int]
) -> None:
    from cordon.cases import chains
    from cordon.cases.models import Case

    own_case = hanoi.scalar(select(Case).where(Case.code == "BN1"))
    other_case = hanoi.scalar(select(Case).where(Case.code == "BN2"))
    assert own_case is not None
    assert other_case is not None
    chains.add_source(hanoi, other_case.id, kind=SourceKind.case, source_case_id=own_case.id)
    hanoi.commit()
    headers = sign_in("ward_worker", "00001")
    chain = anonymous.get(f"/api/v1/cases/{own_case.id}/chain", headers=headers).json()
    labels = {n["label"] for n in chain["nodes"]}
    assert "outside your jurisdiction" in labels
    assert "BN2" not in str(chain)
    assert {"source": f"case:{own_case.id}", "target": "hidden:1"} in chain["edges"]


def test_pseudonymised_output_shows_an_age_band_and_the_district_never_year_or_ward(
    anonymous: TestClient, sign_in: SignIn, hanoi: Session, two_wards: dict[str, int]
) -> None:
    import csv
    import io

    from cordon.core.dates import today
    from cordon.people.models import Person

    person = hanoi.get_one(Person, two_wards["own"])
    person.birth_year = today().year - 34
    hanoi.commit()
    ward = hanoi.get_one(AdminUnit, person.ward_id)
    district = hanoi.get_one(AdminUnit, ward.parent_id)
    headers = sign_in("analyst")
    seen = anonymous.get(f"/api/v1/people/{two_wards['own']}", headers=headers).json()
    assert seen["birth_year"] is None
    assert seen["ward_id"] is None
    assert seen["age_band"] == "30-39"
    assert seen["district_id"] == district.id
    listed = anonymous.get("/api/v1/people", headers=headers).json()["items"]
    assert {p["birth_year"] for p in listed} == {None}
    assert {p["ward_id"] for p in listed} == {None}
    export = anonymous.get("/api/v1/exports/cases.csv", headers=headers)
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    (own,) = [r for r in rows if r["full_name"] == seen["full_name"]]
    assert (own["birth_year"], own["age"]) == ("", "30-39")
    assert (own["ward_code"], own["ward_name"], own["district_name"]) == ("", "", district.name)
    officer = sign_in("city_admin", "01", "named")
    named = anonymous.get(f"/api/v1/people/{two_wards['own']}", headers=officer).json()
    assert named["birth_year"] == person.birth_year
    assert named["age_band"] is None


def test_the_person_page_of_an_analyst_shows_the_band_and_district(
    browser: Browser, hanoi: Session, two_wards: dict[str, int]
) -> None:
    from cordon.people.models import Person

    person = hanoi.get_one(Person, two_wards["own"])
    person.birth_year = 1931
    hanoi.commit()
    ward = hanoi.get_one(AdminUnit, person.ward_id)
    district = hanoi.get_one(AdminUnit, ward.parent_id)
    page = browser("analyst", "01", lang="en").get(f"/people/{person.id}")
    assert page.status_code == 200
    facts = page.text.split('<dl class="facts">')[1].split("</dl>")[0]
    assert "1931" not in facts
    assert ward.name not in facts
    assert "<dt>Age</dt><dd>80+</dd>" in facts
    assert f"<dt>District</dt><dd>{district.name}</dd>" in facts
