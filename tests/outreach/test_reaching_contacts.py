"""Reaching contacts through the API: who is still to reach, attempts that fail and one that
reaches them, a tier that moves and asks for a new call, merges, and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakePerson, SignIn
from cordon.core.dates import today
from cordon.outreach import service
from cordon.outreach.models import ReachAttempt


def _day() -> dt.date:
    """The day of the story: 3 days before the day the test runs, in the city."""
    return today() - dt.timedelta(days=3)


def contact(client: TestClient, a: int, b: int, day: dt.date | None = None) -> None:
    day = day or _day()
    body = {"person_id": a, "contact_id": b, "first_on": str(day), "last_on": str(day)}
    response = client.post("/api/v1/exposures", json={**body, "setting": "household"})
    assert response.status_code == 201, response.text


def confirm(client: TestClient, person: int) -> None:
    body = {"person_id": person, "status": "confirmed", "confirmed_on": str(_day())}
    assert client.post("/api/v1/cases", json=body).status_code == 201


def waiting(client: TestClient, headers: dict[str, str] | None = None) -> dict[int, Any]:
    page = client.get("/api/v1/tracing/to-reach", headers=headers or {})
    assert page.status_code == 200, page.text
    return {w["person_id"]: w for w in page.json()["items"]}


def attempt(client: TestClient, person: int, outcome: str, channel: str = "phone") -> Any:
    return client.post(
        f"/api/v1/people/{person}/reach-attempts",
        json={"channel": channel, "outcome": outcome, "note": "gọi lúc 9 giờ"},
    )


def test_a_contact_waits_until_reached(
    client: TestClient, session: Session, make_person: MakePerson
) -> None:
    f0, f1, f2 = make_person("Ca Bệnh"), make_person("Tiếp Xúc Một"), make_person("Tiếp Xúc Hai")
    contact(client, f0, f1)
    contact(client, f1, f2, _day() + dt.timedelta(days=1))
    confirm(client, f0)
    listed = waiting(client)
    assert sorted(listed) == [f1]  # the rules in force today ask to reach F1s only
    in_2020 = service.still_to_reach(session, on=dt.date(2020, 3, 10))[0]
    assert [w.person_id for w in in_2020] == [f1, f2]  # the 2020 rules: F1 and F2
    assert listed[f1]["tier"] == 1
    assert listed[f1]["tries"] == 0
    assert listed[f1]["name"] == "Tiếp Xúc Một"

    assert attempt(client, f1, "no_answer").status_code == 201
    assert waiting(client)[f1]["tries"] == 1
    assert waiting(client)[f1]["last_outcome"] == "no_answer"
    reached = attempt(client, f1, "reached", channel="visit")
    assert reached.status_code == 201
    assert reached.json()["tier"] == 1
    assert reached.json()["by"] == "tester"
    assert waiting(client) == {}

    history = client.get(f"/api/v1/people/{f1}/reach-attempts").json()
    assert [a["outcome"] for a in history] == ["reached", "no_answer"]


def test_a_tier_that_moves_asks_for_a_new_call(
    client: TestClient, session: Session, make_person: MakePerson
) -> None:
    f0, f1, f2 = make_person(), make_person(), make_person()
    contact(client, f0, f1)
    contact(client, f1, f2, _day() + dt.timedelta(days=1))
    confirm(client, f0)
    assert attempt(client, f2, "reached").status_code == 201
    assert attempt(client, f1, "reached").status_code == 201
    in_2020 = dt.date(2020, 3, 10)
    assert service.still_to_reach(session, on=in_2020) == ([], 0)
    contact(client, f0, f2)  # F2 → F1: now a direct contact, with stricter advice
    listed = waiting(client)
    assert sorted(listed) == [f2]
    assert listed[f2]["tier"] == 1
    assert listed[f2]["tries"] == 0


def test_attempts_follow_a_merge(
    client: TestClient, session: Session, make_person: MakePerson
) -> None:
    kept, duplicate = make_person("Lê Văn Gộp"), make_person("Lê Văn Gộp")
    assert attempt(client, duplicate, "wrong_number").status_code == 201
    body = {"merge_id": duplicate, "keep_version": 1, "merge_version": 1}
    assert client.post(f"/api/v1/people/{kept}/merge", json=body).status_code == 200
    history = client.get(f"/api/v1/people/{kept}/reach-attempts").json()
    assert [a["outcome"] for a in history] == ["wrong_number"]


def test_bad_attempts_are_refused_and_nothing_is_written(
    client: TestClient, session: Session, make_person: MakePerson, sign_in: SignIn
) -> None:
    person = make_person()
    bad = client.post(
        f"/api/v1/people/{person}/reach-attempts", json={"channel": "phone", "outcome": "maybe"}
    )
    assert bad.status_code == 422
    assert "outcome" in bad.text
    assert attempt(client, 999_999, "reached").status_code == 404
    analyst = sign_in("analyst")
    refused = client.post(
        f"/api/v1/people/{person}/reach-attempts",
        json={"channel": "phone", "outcome": "reached"},
        headers=analyst,
    )
    assert refused.status_code == 403
    assert session.scalar(select(func.count()).select_from(ReachAttempt)) == 0


def test_a_ward_sees_only_its_own_contacts_to_reach(
    client: TestClient, hanoi: Session, make_person: MakePerson, sign_in: SignIn
) -> None:
    from cordon.geography.models import AdminUnit

    def ward(code: str) -> int:
        found = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
        assert found is not None
        return found

    f0 = make_person(ward_id=ward("00001"))
    here, there = make_person(ward_id=ward("00001")), make_person(ward_id=ward("00037"))
    contact(client, f0, here)
    contact(client, f0, there)
    confirm(client, f0)
    worker = sign_in("ward_worker", "00001")
    assert sorted(waiting(client, worker)) == [here]
    assert attempt(client, there, "reached").status_code == 201  # the city may
    outside = client.post(
        f"/api/v1/people/{there}/reach-attempts",
        json={"channel": "phone", "outcome": "reached"},
        headers=worker,
    )
    assert outside.status_code == 404
