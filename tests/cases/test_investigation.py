"""A case's investigation through the API: read empty, written whole with its version, every
list and text bounded, a bad field named with nothing changed, each write in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.audit.models import AuditEntry
from cordon.cases.models import Case, CaseInvestigation, CaseVisit
from cordon.core.dates import today

MakeCase = Callable[..., Case]


def _days(n: int) -> str:
    return str(today() - dt.timedelta(days=n))


FOUND: dict[str, Any] = {
    "how_found": "contact_tracing",
    "occupation": "Nhân viên bán hàng",
    "workplace": "Siêu thị Vinmart Kim Mã",
    "symptoms": [
        {"symptom": "fever", "from_on": _days(5)},
        {"symptom": "cough", "from_on": _days(4), "to_on": _days(1)},
    ],
    "conditions": ["hypertension", "diabetes"],
    "conditions_note": "tiểu đường type 2",
    "hospital": "Bệnh viện Bệnh Nhiệt đới Trung ương cơ sở 2",
    "admitted_on": _days(2),
    "travel": [{"place": "Đà Nẵng", "country": "VN", "from_on": _days(15), "to_on": _days(10)}],
    "visits": [
        {"place": "Chợ Long Biên", "first_on": _days(7), "last_on": _days(7)},
        {"place": "Buddha Bar", "address": "Thảo Điền", "first_on": _days(9), "last_on": _days(8)},
    ],
}


def _count(session: Session, model: type[Any]) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_investigation_is_read_empty_then_written_whole_with_its_version(
    client: TestClient, session: Session, make_case: MakeCase
) -> None:
    case = make_case("BN17")
    url = f"/api/v1/cases/{case.id}/investigation"
    empty = client.get(url)
    assert empty.status_code == 200
    assert empty.json()["version"] is None
    assert empty.json()["symptoms"] == []
    saved = client.put(url, json={**FOUND, "version": None})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["version"] == 1
    assert body["conditions"] == ["diabetes", "hypertension"]
    assert [s["symptom"] for s in body["symptoms"]] == ["fever", "cough"]
    assert [v["place"] for v in body["visits"]] == ["Buddha Bar", "Chợ Long Biên"]
    assert client.get(url).json() == body
    stale = client.put(url, json={**FOUND, "version": None})
    assert stale.status_code == 409
    fewer = client.put(url, json={**FOUND, "visits": FOUND["visits"][:1], "version": 1})
    assert fewer.status_code == 200, fewer.text
    assert fewer.json()["version"] == 2
    assert _count(session, CaseVisit) == 1
    written = session.scalars(
        select(AuditEntry.resource).where(AuditEntry.action.in_(["create", "update", "delete"]))
    ).all()
    assert "case_investigations" in written
    assert "case_visits" in written


def test_bad_input_names_the_field_and_changes_nothing(
    client: TestClient, session: Session, make_case: MakeCase
) -> None:
    case = make_case("BN18")
    url = f"/api/v1/cases/{case.id}/investigation"
    future = {"symptom": "fever", "from_on": str(today() + dt.timedelta(days=1))}
    bad_bodies = [
        {"symptoms": [future]},
        {"occupation": "x" * 121},
        {"visits": [{"place": "p" * 201, "first_on": _days(1), "last_on": _days(1)}]},
        {"visits": [{"place": "Chợ", "first_on": _days(1), "last_on": _days(3)}]},
        {"travel": [{"place": "Seoul", "country": "korea", "from_on": _days(3)}]},
        {"conditions": ["gout"]},
        {"symptoms": [{"symptom": "fever", "from_on": _days(2)}] * 2},
        {"visits": [{"place": "Chợ", "first_on": _days(1), "last_on": _days(1)}] * 51},
    ]
    for bad in bad_bodies:
        response = client.put(url, json={**bad, "version": None})
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"
    assert _count(session, CaseInvestigation) == 0
    assert (
        client.put("/api/v1/cases/424242/investigation", json={"version": None}).status_code == 404
    )
