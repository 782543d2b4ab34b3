"""A case's investigation through the API: read empty, written whole with its version, every
list and text bounded, a bad field named with nothing changed, each write in the audit log."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.audit.models import AuditEntry
from cordon.cases.models import CaseInvestigation, CaseVisit
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from pagekit import Browser, csrf_of


def _days(n: int) -> str:
    return str(today() - dt.timedelta(days=n))


def _found() -> dict[str, Any]:
    """The investigation as a tracer writes it, dated from the day the test runs."""
    return {
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
            {
                "place": "Buddha Bar",
                "address": "Thảo Điền",
                "first_on": _days(9),
                "last_on": _days(8),
            },
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
    found = _found()
    empty = client.get(url)
    assert empty.status_code == 200
    assert empty.json()["version"] is None
    assert empty.json()["symptoms"] == []
    saved = client.put(url, json={**found, "version": None})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["version"] == 1
    assert body["conditions"] == ["diabetes", "hypertension"]
    assert [s["symptom"] for s in body["symptoms"]] == ["fever", "cough"]
    assert [v["place"] for v in body["visits"]] == ["Buddha Bar", "Chợ Long Biên"]
    assert client.get(url).json() == body
    stale = client.put(url, json={**found, "version": None})
    assert stale.status_code == 409
    fewer = client.put(url, json={**found, "visits": found["visits"][:1], "version": 1})
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
    bad_bodies: list[dict[str, Any]] = [
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


def test_the_phone_form_saves_the_investigation_and_keeps_a_bad_one_as_typed(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    person = make_person("Vũ Thị Mai", ward_id=ward)
    case = client.post(
        "/api/v1/cases", json={"person_id": person, "status": "confirmed", "confirmed_on": _days(1)}
    ).json()
    worker = browser("district_officer", "001", lang="en")
    page = worker.get(f"/cases/{case['id']}")
    assert f'href="/cases/{case["id"]}/investigation"' in page.text
    form = worker.get(f"/cases/{case['id']}/investigation")
    assert form.status_code == 200
    assert 'name="symptom_fever_from"' in form.text
    typed = {
        "csrf_token": csrf_of(form.text),
        "version": "",
        "how_found": "symptoms",
        "occupation": "Giáo viên",
        "symptom_fever": "1",
        "symptom_fever_from": _days(4),
        "condition_diabetes": "1",
        "visits_0_place": "Chợ Hôm",
        "visits_0_first_on": _days(6),
        "visits_0_last_on": _days(8),  # before the first day
        "travel_0_place": "Đà Nẵng",
        "travel_0_from_on": _days(12),
    }
    refused = worker.post(f"/cases/{case['id']}/investigation", data=typed)
    assert refused.status_code == 422
    assert 'id="e-visits_0"' in refused.text
    assert 'value="Giáo viên"' in refused.text
    assert client.get(f"/api/v1/cases/{case['id']}/investigation").json()["version"] is None
    typed["visits_0_last_on"] = _days(5)
    saved = worker.post(f"/cases/{case['id']}/investigation", data=typed, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    found = client.get(f"/api/v1/cases/{case['id']}/investigation").json()
    assert found["how_found"] == "symptoms"
    assert found["symptoms"] == [{"symptom": "fever", "from_on": _days(4), "to_on": None}]
    assert found["conditions"] == ["diabetes"]
    assert [(v["place"], v["first_on"]) for v in found["visits"]] == [("Chợ Hôm", _days(6))]
    assert found["travel"][0]["place"] == "Đà Nẵng"
    again = worker.get(f"/cases/{case['id']}/investigation")
    assert 'name="version" value="1"' in again.text
    assert 'value="Chợ Hôm"' in again.text
    shown = worker.get(f"/cases/{case['id']}")
    assert "fever" in shown.text


def _exported(client: TestClient, **params: Any) -> dict[str, str]:
    response = client.get("/api/v1/exports/cases.csv", params=params)
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {k: v for k, v in rows[0].items() if k is not None}


def test_the_case_export_carries_the_whole_investigation(
    client: TestClient, make_case: MakeCase
) -> None:
    case = make_case("BN19")
    url = f"/api/v1/cases/{case.id}/investigation"
    assert client.put(url, json={**_found(), "version": None}).status_code == 200
    row = _exported(client)
    assert row["how_found"] == "contact_tracing"
    assert row["occupation"] == "Nhân viên bán hàng"
    assert row["workplace"] == "Siêu thị Vinmart Kim Mã"
    assert row["symptoms"] == f"fever {_days(5)}; cough {_days(4)}/{_days(1)}"
    assert row["underlying_conditions"] == "diabetes; hypertension"
    assert row["conditions_note"] == "tiểu đường type 2"
    assert row["hospital"].startswith("Bệnh viện Bệnh Nhiệt đới")
    assert row["admitted_on"] == _days(2)
    assert row["travel"] == f"Đà Nẵng (VN) {_days(15)}/{_days(10)}"
    assert row["places_visited"] == (
        f"Buddha Bar, Thảo Điền {_days(9)}/{_days(8)}; Chợ Long Biên {_days(7)}"
    )
    hidden = _exported(client, pseudonymised=True)
    assert hidden["occupation"] == hidden["workplace"] == hidden["hospital"] == ""
    assert "Thảo Điền" not in hidden["places_visited"]
    assert hidden["symptoms"] == row["symptoms"]
