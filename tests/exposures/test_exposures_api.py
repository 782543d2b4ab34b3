"""The exposures API: bad exposures are refused naming the field, and a contact list is saved
all or nothing. The people and the check that stored tiers agree with their labels are those
of tests/tracing/test_tracing_api.py."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tracing.test_tracing_api import people, tiers_kept_with_labels

__all__ = ["people", "tiers_kept_with_labels"]  # the fixtures, shared with the tier tests


def test_bad_exposures_are_refused_and_nothing_is_written(
    client: TestClient, session: Session, people: dict[str, int]
) -> None:
    p = people
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"contact_id": p["A"]}, "contact_id", "own contact"),
        ({"contact_id": 999_999}, "contact_id", "no person"),
        ({"first_on": "2020-03-05", "last_on": "2020-03-01"}, "body", "before first_on"),
        ({"first_on": "2020-02-30"}, "first_on", "date"),
        ({"last_on": "2099-01-01"}, "last_on", "future"),
    ]
    for change, field, words in cases:
        body = {
            "person_id": p["A"],
            "contact_id": p["B"],
            "first_on": "2020-03-01",
            "last_on": "2020-03-02",
            "setting": "household",
            "closeness": "close",
            **change,
        }
        response = client.post("/api/v1/exposures", json=body)
        assert response.status_code == 422, change
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert any(field in e["field"] and words in e["message"] for e in problem["errors"]), (
            problem
        )
    assert client.get("/api/v1/exposures").json()["total"] == 0


def test_a_contact_list_is_saved_all_or_nothing(client: TestClient, people: dict[str, int]) -> None:
    p = people
    good = {
        "contact_id": p["B"],
        "first_on": "2020-03-01",
        "last_on": "2020-03-02",
        "setting": "household",
    }
    bad = {**good, "contact_id": 424242}
    response = client.post(
        "/api/v1/exposures/contact-list", json={"person_id": p["A"], "contacts": [good, bad]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contacts[1].contact_id"
    assert client.get("/api/v1/exposures").json()["total"] == 0
    response = client.post(
        "/api/v1/exposures/contact-list", json={"person_id": p["A"], "contacts": [good]}
    )
    assert response.status_code == 201
