"""Role × jurisdiction × action × record owner: who may do what to whose records.

The registry: one person with a confirmed case in Phúc Xá (ward 00001, Ba Đình district 001),
one in Phúc Tân (ward 00037, Hoàn Kiếm district 002), and an exposure between them. Each role
signs in at its own unit. Expected answer: 403 when the role lacks the permission, else 404
(or 422 for an id given in a body) when the record's person lives outside the user's
jurisdiction, else success. Lists and searches simply leave such people out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson, SignIn
from cordon.access.roles import Permission, role
from cordon.clusters.enums import ClusterKind
from cordon.geography.models import AdminUnit

OWN, OTHER = "00001", "00037"  # Phúc Xá (Ba Đình) / Phúc Tân (Hoàn Kiếm)
# role → the unit its user works at
USERS = {
    "city_admin": "01",
    "epidemiologist": "01",
    "district_officer": "001",
    "ward_worker": OWN,
    "facility_manager": "01",
    "lab": "01",
    "analyst": "01",
    "auditor": "01",
}
# role → which of the two people it sees
SEES = {
    "city_admin": {OWN, OTHER},
    "epidemiologist": {OWN, OTHER},
    "district_officer": {OWN},
    "ward_worker": {OWN},
    "facility_manager": set(),  # sees only people placed in its facility
    "lab": {OWN, OTHER},
    "analyst": {OWN, OTHER},
    "auditor": {OWN, OTHER},
}


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    path: str  # {person}, {case}, {code}, {exposure}, {cluster} filled in
    permission: Permission
    body: dict[str, Any] | None = None
    hidden: int = 404  # the answer when the record is out of sight


ACTIONS = [
    Action("read person", "GET", "/people/{person}", Permission.people_read),
    Action("duplicates", "GET", "/people/{person}/duplicates", Permission.people_read),
    Action(
        "update person",
        "PATCH",
        "/people/{person}",
        Permission.people_write,
        {"version": 1, "address": "Số 1"},
    ),
    Action("read case", "GET", "/cases/{case}", Permission.cases_read),
    Action("case by code", "GET", "/cases/by-code/{code}", Permission.cases_read),
    Action("case history", "GET", "/cases/{case}/history", Permission.cases_read),
    Action("case chain", "GET", "/cases/{case}/chain", Permission.cases_read),
    Action("lab tests", "GET", "/cases/{case}/lab-tests", Permission.cases_read),
    Action(
        "record lab test",
        "POST",
        "/cases/by-code/{code}/lab-tests",
        Permission.lab_write,
        {"method": "pcr", "sample_taken_on": "2020-03-07", "result": "negative"},
    ),
    Action("tier", "GET", "/tracing/people/{person}", Permission.tracing_read),
    Action("tier history", "GET", "/tracing/people/{person}/history", Permission.tracing_read),
    Action("trace", "GET", "/tracing/trace/{person}", Permission.tracing_read),
    Action("exposures of", "GET", "/exposures?person_id={person}", Permission.exposures_read),
    Action(
        "record exposure",
        "POST",
        "/exposures",
        Permission.exposures_write,
        {
            "person_id": "{person}",
            "contact_id": "{third}",
            "first_on": "2020-03-05",
            "last_on": "2020-03-05",
            "setting": "household",
        },
        hidden=422,
    ),
    Action(
        "exposure naming a contact",
        "POST",
        "/exposures",
        Permission.exposures_write,
        {
            "person_id": "{third}",
            "contact_id": "{person}",
            "first_on": "2020-03-05",
            "last_on": "2020-03-05",
            "setting": "household",
        },
        hidden=422,
    ),
    Action(
        "register person in ward",
        "POST",
        "/people",
        Permission.people_write,
        {"full_name": "Đỗ Văn Mới", "ward_id": "{ward}"},
        hidden=422,
    ),
    Action(
        "add to cluster",
        "POST",
        "/clusters/{cluster}/cases",
        Permission.clusters_write,
        {"case_code": "{code}"},
        hidden=422,
    ),
]


@pytest.fixture
def registry(hanoi: Session, make_person: MakePerson, make_case: MakeCase) -> dict[str, Any]:
    unit = {
        code: hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
        for code in (OWN, OTHER)
    }
    third = make_person("Trần Thị Ba", ward_id=unit[OWN])
    out: dict[str, Any] = {"third": third}
    for code, name in ((OWN, "Nguyễn Văn An"), (OTHER, "Lê Thị Bình")):
        person = make_person(name, ward_id=unit[code])
        case = make_case(f"BN-{code}", person_id=person)
        out[code] = {"person": person, "case": case.id, "code": case.code, "ward": unit[code]}
    from cordon.clusters import service as clusters
    from cordon.exposures import service as exposures
    from cordon.exposures.schemas import ContactIn

    exposures.record_contacts(
        hanoi,
        person_id=out[OWN]["person"],
        contacts=[
            ContactIn(
                contact_id=out[OTHER]["person"],
                first_on=dt.date(2020, 3, 4),
                last_on=dt.date(2020, 3, 4),
                setting="workplace",
            )
        ],
    )
    out["cluster"] = clusters.create_cluster(
        hanoi, code="C1", name="Test", kind=ClusterKind.other
    ).id
    hanoi.commit()
    return out


def _fill(template: Any, values: dict[str, Any]) -> Any:
    if isinstance(template, str):
        if template.startswith("{") and template.endswith("}") and template[1:-1] in values:
            return values[template[1:-1]]
        return template.format(**values)
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    return template


def _expected(role_key: str, action: Action, owner: str) -> int | None:
    if action.permission not in role(role_key).permissions:
        return 403
    if owner not in SEES[role_key]:
        return action.hidden
    return None  # success


@pytest.mark.parametrize("owner", [OWN, OTHER], ids=["own-ward", "other-district"])
@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
@pytest.mark.parametrize("role_key", sorted(USERS))
def test_matrix(
    anonymous: TestClient,
    sign_in: SignIn,
    registry: dict[str, Any],
    role_key: str,
    action: Action,
    owner: str,
) -> None:
    headers = sign_in(role_key, USERS[role_key])
    values = {**registry[owner], "third": registry["third"], "cluster": registry["cluster"]}
    url = "/api/v1" + _fill(action.path, values)
    body = _fill(action.body, values) if action.body is not None else None
    response = anonymous.request(action.method, url, json=body, headers=headers)
    expected = _expected(role_key, action, owner)
    if expected is None:
        assert response.status_code < 300, response.text
    else:
        assert response.status_code == expected, response.text
    if expected in (404, 422):  # never a hint of what is behind
        assert "Lê Thị Bình" not in response.text
        assert "Nguyễn Văn An" not in response.text


def test_every_request_needs_credentials(anonymous: TestClient) -> None:
    """Every endpoint of the API answers 401 without a token or a session (sign-in and the
    health check excepted)."""
    from fastapi.routing import APIRoute

    open_paths = {"/api/v1/auth/sign-in", "/healthz"}
    app = anonymous.app
    assert isinstance(app, FastAPI)
    for route in app.routes:
        if not isinstance(route, APIRoute) or route.path in open_paths:
            continue
        path = route.path.replace("{", "").replace("}", "")
        assert route.methods is not None
        for method in route.methods:
            if method == "HEAD":
                continue
            answer = anonymous.request(method, path.replace("_id", "1"))
            assert answer.status_code == 401, f"{method} {route.path}: {answer.status_code}"
