"""Lab tests: recorded, listed, and a positive PCR that confirms a suspected case."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conftest import MakeCase
from cordon.cases.enums import CaseStatus
from cordon.events import CaseChanged
from eventkit import recording

URL = "/api/v1/cases"
PCR = {"method": "pcr", "sample_taken_on": "2020-03-05", "result_on": "2020-03-06"}


def test_tests_are_recorded_and_listed(client: TestClient, make_case: MakeCase) -> None:
    case = make_case("BN1", status=CaseStatus.suspected)
    first = client.post(f"{URL}/{case.id}/lab-tests", json={**PCR, "result": "negative"})
    assert first.status_code == 201, first.text
    second = {**PCR, "result": "pending", "sample_taken_on": "2020-03-01", "result_on": None}
    assert client.post(f"{URL}/{case.id}/lab-tests", json=second).status_code == 201
    listed = client.get(f"{URL}/{case.id}/lab-tests").json()
    assert [t["result"] for t in listed] == ["pending", "negative"]
    assert client.get(f"{URL}/{case.id}").json()["status"] == "suspected"


def test_positive_pcr_confirms_when_asked(client: TestClient, make_case: MakeCase) -> None:
    with recording(CaseChanged) as seen:
        case = make_case("BN1", status=CaseStatus.suspected)
        seen.clear()
        body = {**PCR, "result": "positive", "ct_value": 24.5, "confirm": True}
        response = client.post(f"{URL}/{case.id}/lab-tests", json=body)
    assert response.status_code == 201, response.text
    after = client.get(f"{URL}/{case.id}").json()
    assert after["status"] == "confirmed"
    assert (after["confirmed_on"], after["sample_on"]) == ("2020-03-06", "2020-03-05")
    history = client.get(f"{URL}/{case.id}/history").json()
    assert history[-1]["to_status"] == "confirmed"
    assert "positive PCR" in history[-1]["reason"]
    assert [(e.was_f0, e.is_f0, e.window_changed) for e in seen] == [(False, True, True)]
    assert seen[0].cause == "case BN1 confirmed"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"method": "rapid_antigen", "result": "positive", "confirm": True}, 422, "confirm"),
        ({"result": "negative", "confirm": True}, 422, "confirm"),
        ({"result": "positive", "result_on": "2020-03-04"}, 422, "result_on"),
        ({"result": "positive", "result_on": "2999-01-01"}, 422, "result_on"),
        ({"result": "maybe"}, 422, "result"),
    ],
)
def test_bad_lab_tests_write_nothing(
    client: TestClient, make_case: MakeCase, body: dict[str, object], status: int, field: str
) -> None:
    case = make_case("BN1", status=CaseStatus.suspected)
    response = client.post(f"{URL}/{case.id}/lab-tests", json={**PCR, **body})
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field
    assert client.get(f"{URL}/{case.id}/lab-tests").json() == []
    assert client.get(f"{URL}/{case.id}").json()["status"] == "suspected"


def test_confirming_a_confirmed_case_is_409(client: TestClient, make_case: MakeCase) -> None:
    case = make_case("BN1")
    body = {**PCR, "result": "positive", "confirm": True}
    assert client.post(f"{URL}/{case.id}/lab-tests", json=body).status_code == 409
    assert client.get(f"{URL}/{case.id}/lab-tests").json() == []
