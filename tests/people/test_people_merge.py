"""Merging a duplicate: records move to the kept person, self-contacts go, an event is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.bulk import CaseRow, insert_cases
from cordon.cases.enums import CaseStatus, TestMethod, TestResult
from cordon.cases.models import Case, LabTest
from cordon.clusters.enums import ClusterKind
from cordon.clusters.models import Cluster
from cordon.events import PersonsMerged
from cordon.exposures.bulk import ExposureRow, insert_exposures
from cordon.exposures.enums import Closeness, Setting
from cordon.exposures.models import EventExposure, Exposure
from cordon.people.models import Household, PersonNameToken
from eventkit import recording

from .conftest import Create

DAY = dt.date(2020, 3, 6)


def contact(a: int, b: int) -> ExposureRow:
    return ExposureRow(a, b, DAY, DAY, Setting.household, Closeness.close)


@pytest.fixture
def merged_events() -> Iterator[list[PersonsMerged]]:
    with recording(PersonsMerged) as seen:
        yield seen


def merge(client: TestClient, keep: dict[str, Any], dup: dict[str, Any]) -> Any:
    body = {"merge_id": dup["id"], "keep_version": keep["version"], "merge_version": dup["version"]}
    return client.post(f"/api/v1/people/{keep['id']}/merge", json=body)


def test_merge_moves_records_and_drops_self_contacts(
    client: TestClient,
    session: Session,
    create: Create,
    merged_events: list[PersonsMerged],
) -> None:
    keep = create("Nguyễn Văn An", phone="0912345678")
    dup = create("Nguyen Van An", national_id="001085012345", date_of_birth="1985-01-02")
    other = create("Trần Thị Bình")
    (case_id,) = insert_cases(
        session, [CaseRow("BN17", dup["id"], CaseStatus.confirmed)], changed_by="t", reason="t"
    )
    session.add(
        LabTest(
            person_id=dup["id"],
            method=TestMethod.pcr,
            sample_taken_on=DAY,
            result=TestResult.positive,
        )
    )
    cluster = Cluster(code="BACHMAI", name="Bạch Mai", kind=next(iter(ClusterKind)))
    session.add(cluster)
    session.flush()
    session.add(
        EventExposure(
            person_id=dup["id"],
            cluster_id=cluster.id,
            first_on=DAY,
            last_on=DAY,
            closeness=Closeness.close,
        )
    )
    _self_a, _self_b, out, into = insert_exposures(
        session,
        [
            contact(keep["id"], dup["id"]),
            contact(dup["id"], keep["id"]),
            contact(dup["id"], other["id"]),
            contact(other["id"], dup["id"]),
        ],
    )
    session.commit()

    response = merge(client, keep, dup)
    assert response.status_code == 200, response.text
    kept = response.json()
    assert kept["national_id"] == "001085012345"
    assert kept["date_of_birth"] == "1985-01-02"
    assert kept["phone"] == "+84912345678"
    assert kept["version"] > keep["version"]

    session.expire_all()
    assert session.get_one(Case, case_id).person_id == keep["id"]
    assert session.scalar(select(LabTest.person_id)) == keep["id"]
    assert session.scalar(select(EventExposure.person_id)) == keep["id"]
    exposures = {e.id: (e.person_id, e.contact_id) for e in session.scalars(select(Exposure))}
    assert exposures == {out: (keep["id"], other["id"]), into: (other["id"], keep["id"])}
    tokens = select(PersonNameToken).where(PersonNameToken.person_id == dup["id"])
    assert session.scalars(tokens).all() == []

    gone = client.get(f"/api/v1/people/{dup['id']}")
    assert gone.status_code == 404
    assert f"merged into person {keep['id']}" in gone.json()["detail"]
    assert [
        p["id"] for p in client.post("/api/v1/people/search", json={"q": "an"}).json()["items"]
    ] == [keep["id"]]
    assert merged_events == [
        PersonsMerged(
            cause=f"person {dup['id']} merged into person {keep['id']}",
            kept_id=keep["id"],
            merged_id=dup["id"],
        )
    ]


def test_merge_moves_the_household(client: TestClient, session: Session, create: Create) -> None:
    household = Household(address="12 Hàng Bạc")
    session.add(household)
    session.commit()
    keep = create("Nguyễn Văn An")
    dup = create("Nguyễn Văn An", household_id=household.id)
    assert merge(client, keep, dup).json()["household_id"] == household.id


def test_merge_with_stale_version_is_409_and_moves_nothing(
    client: TestClient, session: Session, create: Create, merged_events: list[Any]
) -> None:
    keep = create("Nguyễn Văn An")
    dup = create("Nguyễn Văn An", phone="0912345678")
    (case_id,) = insert_cases(
        session, [CaseRow("BN1", dup["id"], CaseStatus.suspected)], changed_by="t", reason="t"
    )
    session.commit()
    client.patch(f"/api/v1/people/{dup['id']}", json={"version": 1, "address": "x"})
    response = merge(client, keep, dup)
    assert response.status_code == 409
    session.expire_all()
    assert session.get_one(Case, case_id).person_id == dup["id"]
    assert client.get(f"/api/v1/people/{dup['id']}").status_code == 200
    assert merged_events == []


@pytest.mark.parametrize("same", [True, False])
def test_merge_refuses_self_and_different_national_ids(
    client: TestClient, create: Create, same: bool
) -> None:
    keep = create("Nguyễn Văn An", national_id="001085012345")
    dup = keep if same else create("Nguyễn Văn An", national_id="001085099999")
    response = merge(client, keep, dup)
    assert response.status_code == (422 if same else 409)
    assert response.json()["errors"][0]["field"] == "merge_id"


def test_merging_into_a_merged_person_is_404(client: TestClient, create: Create) -> None:
    a, b, c = create("A An"), create("A An"), create("A An")
    assert merge(client, a, b).status_code == 200
    assert merge(client, b, c).status_code == 404
