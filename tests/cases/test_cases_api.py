"""Cases through the HTTP API: create, read, list, edit with versions, date rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.cases import service
from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case, CaseStatusChange
from cordon.core.dates import today
from cordon.core.errors import Conflict
from cordon.events import CaseChanged
from cordon.geography.service import unit_by_code
from eventkit import recording

URL = "/api/v1/cases"


def _count(session: Session, model: type[Any]) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def announced() -> Iterator[list[CaseChanged]]:
    """The CaseChanged events published during the test."""
    with recording(CaseChanged) as seen:
        yield seen


def test_create_gives_a_code_history_and_event(
    client: TestClient, make_person: MakePerson, announced: list[CaseChanged]
) -> None:
    pid = make_person()
    response = client.post(URL, json={"person_id": pid, "onset_on": "2020-03-01"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["code"].startswith("HN-")
    assert len(body["code"]) == 9
    assert body["status"] == "suspected"
    assert body["version"] == 1
    history = client.get(f"{URL}/{body['id']}/history").json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "suspected")]
    assert client.get(f"{URL}/by-code/{body['code']}").json()["id"] == body["id"]
    assert [(e.was_f0, e.is_f0, e.window_changed) for e in announced] == [(False, False, True)]


def test_confirmed_case_needs_its_confirmation_date(
    client: TestClient, make_person: MakePerson
) -> None:
    response = client.post(URL, json={"person_id": make_person(), "status": "confirmed"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "confirmed_on"


def test_duplicate_code_is_409_and_unknown_person_422(
    client: TestClient, make_person: MakePerson
) -> None:
    pid = make_person()
    assert client.post(URL, json={"person_id": pid, "code": "BN17"}).status_code == 201
    again = client.post(URL, json={"person_id": pid, "code": "BN17"})
    assert again.status_code == 409
    assert "BN17" in again.json()["detail"]
    ghost = client.post(URL, json={"person_id": 999_999})
    assert ghost.status_code == 422
    assert ghost.json()["errors"][0]["field"] == "person_id"


def test_unknown_case_is_404_problem(client: TestClient) -> None:
    for path in (f"{URL}/999", f"{URL}/by-code/NOPE", f"{URL}/999/history", f"{URL}/999/chain"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"


BAD_DATES = [  # "{future}": three days after the day the test runs
    ({"sample_on": "2020-03-08"}, "sample_on", "is after confirmed_on (2020-03-06)"),
    ({"discharged_on": "2020-03-01"}, "discharged_on", "is before confirmed_on (2020-03-06)"),
    ({"isolated_on": "{future}"}, "isolated_on", "is in the future ({future})"),
]


def _dated(dates: dict[str, str], message: str) -> tuple[dict[str, str], str]:
    future = str(today() + dt.timedelta(days=3))
    return {k: v.format(future=future) for k, v in dates.items()}, message.format(future=future)


@pytest.mark.parametrize(("dates", "field", "message"), BAD_DATES)
def test_date_rules_on_create_name_the_field_and_write_nothing(
    client: TestClient,
    session: Session,
    make_person: MakePerson,
    dates: dict[str, str],
    field: str,
    message: str,
) -> None:
    dates, message = _dated(dates, message)
    body = {"person_id": make_person(), "code": "BN9", "status": "confirmed"}
    response = client.post(URL, json={**body, "confirmed_on": "2020-03-06", **dates})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [{"field": field, "message": message}]
    assert problem["detail"].startswith("Case BN9:")
    assert _count(session, Case) == 0
    assert _count(session, CaseStatusChange) == 0


@pytest.mark.parametrize(("dates", "field", "message"), BAD_DATES)
def test_date_rules_on_edit_keep_the_case_unchanged(
    client: TestClient,
    make_case: MakeCase,
    dates: dict[str, str],
    field: str,
    message: str,
) -> None:
    dates, message = _dated(dates, message)
    case = make_case("BN9")
    response = client.patch(f"{URL}/{case.id}", json={"version": 1, **dates})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]
    after = client.get(f"{URL}/{case.id}").json()
    assert after["version"] == 1
    assert all(after[k] is None for k in dates)


def test_impossible_date_is_422_naming_the_field(
    client: TestClient, make_person: MakePerson
) -> None:
    response = client.post(URL, json={"person_id": make_person(), "onset_on": "2020-02-30"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "onset_on"


def test_edit_with_current_version_then_stale_version_is_409(
    client: TestClient, make_case: MakeCase, announced: list[CaseChanged]
) -> None:
    case = make_case("BN17")
    announced.clear()
    first = client.patch(f"{URL}/{case.id}", json={"version": 1, "onset_on": "2020-03-02"})
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    stale = client.patch(f"{URL}/{case.id}", json={"version": 1, "onset_on": "2020-03-01"})
    assert stale.status_code == 409
    assert client.get(f"{URL}/{case.id}").json()["onset_on"] == "2020-03-02"
    assert [e.window_changed for e in announced] == [True]
    client.patch(f"{URL}/{case.id}", json={"version": 2, "treated_at": "Bệnh viện Bạch Mai"})
    assert len(announced) == 1  # a hospital name moves no tier


def test_concurrent_edits_do_not_lose_one_silently(make_case: MakeCase, engine: Any) -> None:
    from cordon.core.db import new_session

    case = make_case("BN17")
    first, second = new_session(engine), new_session(engine)
    try:
        a, b = first.get(Case, case.id), second.get(Case, case.id)
        assert a is not None
        assert b is not None
        service.update_case(first, case.id, version=1, changes={"province": "Hà Nội"})
        first.commit()
        with pytest.raises(Conflict):
            service.update_case(second, case.id, version=1, changes={"treated_at": "BV Đống Đa"})
        second.rollback()
        final = second.get(Case, case.id)
        assert final is not None
        assert (final.province, final.treated_at, final.version) == ("Hà Nội", None, 2)
    finally:
        first.close()
        second.close()


def test_list_filters_and_keyset_paging(
    client: TestClient, hanoi: Session, make_case: MakeCase, make_person: MakePerson
) -> None:
    ward = unit_by_code(hanoi, "00001")
    assert ward is not None
    assert ward.parent_id is not None
    make_case("BN1", confirmed_on=dt.date(2020, 3, 6), classification="imported")
    make_case("BN2", confirmed_on=dt.date(2020, 3, 20), person_id=make_person(ward_id=ward.id))
    make_case("BN3", status=CaseStatus.suspected, province="Hà Nội")

    def codes(**params: Any) -> list[str]:
        response = client.get(URL, params=params)
        assert response.status_code == 200, response.text
        return [c["code"] for c in response.json()["items"]]

    assert codes() == ["BN3", "BN2", "BN1"]
    assert codes(status="confirmed") == ["BN2", "BN1"]
    assert codes(classification="imported") == ["BN1"]
    assert codes(confirmed_from="2020-03-10") == ["BN2"]
    assert codes(confirmed_to="2020-03-10") == ["BN1"]
    assert codes(province="Hà Nội") == ["BN3"]
    assert codes(unit_id=ward.id) == codes(unit_id=ward.parent_id) == ["BN2"]
    page = client.get(URL, params={"limit": 2}).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2
    last = page["items"][-1]["id"]
    assert codes(before_id=last) == ["BN1"]
    assert client.get(URL, params={"status": "sick"}).status_code == 422


@pytest.mark.parametrize(
    ("dates", "field"),
    [({"onset_on": "2020-03-07"}, "onset_on"), ({"died_on": "2020-03-05"}, "died_on")],
    ids=["found-before-symptoms", "diagnosed-after-death"],
)
def test_real_dates_out_of_order_are_kept_with_a_warning(
    client: TestClient, make_person: MakePerson, dates: dict[str, str], field: str
) -> None:
    body = {"person_id": make_person(), "code": "BN9", "status": "confirmed"}
    response = client.post(URL, json={**body, "confirmed_on": "2020-03-06", **dates})
    assert response.status_code == 201, response.text
    warnings = response.json()["warnings"]
    assert [w["field"] for w in warnings] == [field]
    assert "to be reviewed" in warnings[0]["message"]
    case_id = response.json()["id"]
    assert client.get(f"{URL}/{case_id}").json()["warnings"] == warnings
    edited = client.patch(
        f"{URL}/{case_id}", json={"version": response.json()["version"], field: None}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["warnings"] == []
