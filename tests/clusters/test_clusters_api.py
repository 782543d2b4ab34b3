"""Clusters through the HTTP API: create, members, summary figures."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.cases import chains
from cordon.cases.enums import CaseStatus, SourceKind
from cordon.geography.service import unit_by_code

URL = "/api/v1/clusters"
BACH_MAI = {"code": "BVBM", "name": "Bệnh viện Bạch Mai", "kind": "place"}


def test_create_get_list_and_duplicate_code(client: TestClient) -> None:
    created = client.post(URL, json={**BACH_MAI, "started_on": "2020-03-20"})
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    assert client.get(f"{URL}/{cid}").json()["name"] == "Bệnh viện Bạch Mai"
    assert client.get(f"{URL}/by-code/BVBM").json()["id"] == cid
    assert client.get(URL).json()["total"] == 1
    assert client.post(URL, json=BACH_MAI).status_code == 409
    assert client.get(f"{URL}/999").status_code == 404
    assert client.get(f"{URL}/by-code/NOPE").status_code == 404
    bad = client.post(
        URL, json={**BACH_MAI, "code": "X", "started_on": "2020-03-20", "ended_on": "2020-03-01"}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "ended_on"


def test_members_added_by_id_or_code_and_removed(client: TestClient, make_case: MakeCase) -> None:
    cid = client.post(URL, json=BACH_MAI).json()["id"]
    a, b = make_case("BN86"), make_case("BN87")
    assert client.post(f"{URL}/{cid}/cases", json={"case_id": a.id}).status_code == 201
    added = client.post(f"{URL}/{cid}/cases", json={"case_code": "BN87"})
    assert added.json()["case_ids"] == [a.id, b.id]
    assert client.post(f"{URL}/{cid}/cases", json={"case_id": a.id}).status_code == 409
    missing = client.post(f"{URL}/{cid}/cases", json={"case_code": "BN999"})
    assert missing.status_code == 422
    assert client.post(f"{URL}/{cid}/cases", json={}).status_code == 422
    assert client.get(f"/api/v1/cases/{a.id}").json()["clusters"] == ["BVBM"]
    assert client.get("/api/v1/cases", params={"cluster_id": cid}).json()["total"] == 2
    assert client.delete(f"{URL}/{cid}/cases/{a.id}").status_code == 204
    assert client.get(f"{URL}/{cid}/cases").json()["case_ids"] == [b.id]
    assert client.delete(f"{URL}/{cid}/cases/{a.id}").status_code == 404


def test_summary_figures(
    client: TestClient,
    hanoi: Session,
    make_case: MakeCase,
    make_person: MakePerson,
) -> None:
    """BN86 → BN87 → BN88 inside the cluster, BN90 unlinked; two live in Đống Đa."""
    ward = unit_by_code(hanoi, "00211")  # a ward of Đống Đa
    assert ward is not None
    in_dong_da = [make_person(ward_id=ward.id) for _ in range(2)]
    cases = [
        make_case("BN86", confirmed_on=dt.date(2020, 3, 18), person_id=in_dong_da[0]),
        make_case("BN87", confirmed_on=dt.date(2020, 3, 20), person_id=in_dong_da[1]),
        make_case("BN88", confirmed_on=dt.date(2020, 3, 25)),
        make_case("BN90", status=CaseStatus.suspected),
    ]
    for case, source in [(cases[1], cases[0]), (cases[2], cases[1])]:
        chains.add_source(hanoi, case.id, kind=SourceKind.case, source_case_id=source.id)
    hanoi.commit()
    cid = client.post(URL, json=BACH_MAI).json()["id"]
    for case in cases:
        client.post(f"{URL}/{cid}/cases", json={"case_id": case.id})
    summary = client.get(f"{URL}/{cid}/summary").json()
    assert summary["size"] == 4
    assert summary["generations"] == 3
    assert (summary["first_confirmed_on"], summary["last_confirmed_on"]) == (
        "2020-03-18",
        "2020-03-25",
    )
    district = hanoi.get(type(ward), ward.parent_id)
    assert district is not None
    assert summary["by_district"] == [
        {"district_id": district.id, "district": district.name, "cases": 2},
        {"district_id": None, "district": "unknown", "cases": 2},
    ]
    assert summary["by_status"] == {"confirmed": 3, "suspected": 1}


def test_empty_cluster_summary(client: TestClient) -> None:
    cid = client.post(URL, json=BACH_MAI).json()["id"]
    summary = client.get(f"{URL}/{cid}/summary").json()
    assert (summary["size"], summary["generations"], summary["by_district"]) == (0, 0, [])
    assert client.get(f"{URL}/999/summary").status_code == 404
