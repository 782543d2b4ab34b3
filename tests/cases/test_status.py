"""The status machine: every transition through HTTP, random sequences on the service."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from conftest import MakeCase
from cordon.cases import service
from cordon.cases.enums import CaseStatus
from cordon.core.errors import Conflict
from cordon.people.bulk import PersonRow, insert_people

URL = "/api/v1/cases"
ALLOWED = {
    (CaseStatus.suspected, CaseStatus.confirmed),
    (CaseStatus.suspected, CaseStatus.discarded),
    (CaseStatus.confirmed, CaseStatus.recovered),
    (CaseStatus.confirmed, CaseStatus.died),
    (CaseStatus.confirmed, CaseStatus.discarded),  # a false positive
}
# How to reach each status from a new suspected case.
PATH = {
    CaseStatus.suspected: [],
    CaseStatus.confirmed: [CaseStatus.confirmed],
    CaseStatus.discarded: [CaseStatus.discarded],
    CaseStatus.recovered: [CaseStatus.confirmed, CaseStatus.recovered],
    CaseStatus.died: [CaseStatus.confirmed, CaseStatus.died],
}
DATE_SET = {"confirmed": "confirmed_on", "recovered": "discharged_on", "died": "died_on"}


def _move(client: TestClient, case_id: int, to: str, on: str = "2020-03-10") -> Response:
    body = {"to": to, "changed_by": "Dr. Lan", "reason": "test", "on": on}
    response: Response = client.post(f"{URL}/{case_id}/status", json=body)
    return response


@pytest.mark.parametrize("start", list(CaseStatus))
@pytest.mark.parametrize("to", list(CaseStatus))
def test_every_transition_is_allowed_or_409(
    client: TestClient, make_case: MakeCase, start: CaseStatus, to: CaseStatus
) -> None:
    case = make_case("BN1", status=CaseStatus.suspected)
    for step in PATH[start]:
        assert _move(client, case.id, step).status_code == 200
    response = _move(client, case.id, to, on="2020-03-12")
    after = client.get(f"{URL}/{case.id}").json()
    history = client.get(f"{URL}/{case.id}/history").json()
    if (start, to) in ALLOWED:
        assert response.status_code == 200, response.text
        assert after["status"] == to
        if to in DATE_SET:
            assert after[DATE_SET[to]] == "2020-03-12"
        assert history[-1] == {**history[-1], "from_status": start, "to_status": to}
        assert history[-1]["changed_by"] == "Dr. Lan"
    else:
        assert response.status_code == 409
        detail = response.json()["detail"]
        assert f"from {start} to {to}" in detail
        assert after["status"] == start
        assert len(history) == 1 + len(PATH[start])


def test_recovery_before_confirmation_is_422(client: TestClient, make_case: MakeCase) -> None:
    case = make_case("BN1")  # confirmed on 2020-03-06
    response = _move(client, case.id, "recovered", on="2020-03-01")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "discharged_on"
    assert client.get(f"{URL}/{case.id}").json()["status"] == "confirmed"


def test_status_change_with_stale_version_is_409(client: TestClient, make_case: MakeCase) -> None:
    case = make_case("BN1")
    body = {"to": "recovered", "changed_by": "x", "reason": "y", "on": "2020-03-20", "version": 7}
    assert client.post(f"{URL}/{case.id}/status", json=body).status_code == 409


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(st.sampled_from(list(CaseStatus)), max_size=6))
def test_random_sequences_follow_the_machine(session: Session, steps: list[CaseStatus]) -> None:
    (pid,) = insert_people(session, [PersonRow(full_name="Trần Thị Bình")])
    case = service.create_case(session, person_id=pid, code="P1", created_by="t")
    expected: list[tuple[CaseStatus | None, CaseStatus]] = [(None, CaseStatus.suspected)]
    for i, to in enumerate(steps):
        current = case.status
        try:
            service.change_status(
                session,
                case.id,
                to,
                changed_by="t",
                reason=f"step {i}",
                on_date=dt.date(2020, 4, 1),
            )
        except Conflict:
            assert (current, to) not in ALLOWED
            assert case.status == current
        else:
            assert (current, to) in ALLOWED
            expected.append((current, to))
    recorded = [(h.from_status, h.to_status) for h in service.history(session, case.id)]
    assert recorded == expected
    assert case.status == expected[-1][1]
    session.rollback()
