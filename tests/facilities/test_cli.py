"""``cordon facilities`` against the test database: add a facility, see its beds booked by
the orders its F1s were proposed (confirmed and declined with ``cordon orders``), refuse a
capacity below the beds booked, close it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from clikit import cordon
from conftest import MakePerson
from cordon.core.dates import today

pytestmark = pytest.mark.usefixtures("city_regime")


def test_facilities_and_orders_from_the_command_line(
    client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    code, out = cordon(
        "facilities", "add", "KTX-1", "--name", "Ký túc xá Mễ Trì", "--kind", "dormitory",
        "--ward", "00001", "--beds", "2",
    )  # fmt: skip
    assert code == 0, out
    assert "2 beds" in out
    f0, a, b = make_person(), make_person(), make_person()
    day = str(today() - dt.timedelta(days=2))
    for contact in (a, b):
        body = {"person_id": f0, "contact_id": contact, "first_on": day, "last_on": day}
        body["setting"] = "household"
        assert client.post("/api/v1/exposures", json=body).status_code == 201
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": day}
    assert client.post("/api/v1/cases", json=case).status_code == 201

    code, out = cordon("facilities", "list", "--json")
    page = client.get("/api/v1/facilities").json()
    assert json.loads(out) == {"total": page["total"], "items": page["items"]}
    assert [(f["code"], f["booked"], f["status"]) for f in json.loads(out)["items"]] == [
        ("KTX-1", 2, "full")
    ]
    code, out = cordon("orders", "list", "--json")
    orders = {o["person_id"]: o for o in json.loads(out)["items"]}
    assert sorted(orders) == sorted([a, b])
    first, second = orders[a], orders[b]
    code, out = cordon("orders", "confirm", str(first["id"]), "--version", str(first["version"]))
    assert code == 0, out
    assert "confirmed" in out
    code, out = cordon("orders", "decline", str(second["id"]), "--version", "9", "--reason", "x")
    assert code == 1
    assert "changed meanwhile" in out
    code, out = cordon(
        "orders", "decline", str(second["id"]), "--version", str(second["version"]),
        "--reason", "isolated in another province",
    )  # fmt: skip
    assert code == 0, out
    code, out = cordon("facilities", "set", "KTX-1", "--beds", "0")
    assert code == 1
    assert "capacity" in out
    code, out = cordon("facilities", "set", "KTX-1", "--status", "closed")
    assert code == 0, out
    assert "closed, 1 of 2 beds free" in out
