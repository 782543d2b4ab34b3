"""``cordon orders`` against the test database: move an order in force to another facility,
take its samples and record their results, refuse bad input."""

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


def test_transfer_samples_and_results_from_the_command_line(
    client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    for facility in ("KTX-2", "KTX-3"):
        done, out = cordon(
            "facilities", "add", facility, "--name", f"Ký túc xá {facility}", "--kind", "dormitory",
            "--ward", "00001", "--beds", "2",
        )  # fmt: skip
        assert done == 0, out
    f0, a = make_person(), make_person()
    day = str(today() - dt.timedelta(days=7))  # the regime's test day 7 is today
    body = {"person_id": f0, "contact_id": a, "first_on": day, "last_on": day}
    assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": day}
    assert client.post("/api/v1/cases", json=case).status_code == 201
    _, out = cordon("orders", "list", "--json")
    (order,) = json.loads(out)["items"]
    (answered,) = client.get("/api/v1/isolation/orders").json()["items"]
    assert {**order, "name": answered["name"]} == answered  # the API's shape; people by number
    code, out = cordon("orders", "confirm", str(order["id"]), "--version", "1")
    assert code == 0, out
    other = 2 if order["facility_id"] == 1 else 1
    code, out = cordon(
        "orders", "transfer", str(order["id"]), "--version", "2", "--facility", str(other),
        "--reason", "",
    )  # fmt: skip
    assert code == 1
    assert "reason" in out
    code, out = cordon(
        "orders", "transfer", str(order["id"]), "--version", "2", "--facility", str(other),
        "--reason", "closer to the hospital",
    )  # fmt: skip
    assert code == 0, out
    assert f"moved to facility {other}" in out

    _, out = cordon("orders", "samples", "--json")
    (task,) = json.loads(out)["items"]
    (answered,) = client.get("/api/v1/isolation/lab-tasks").json()["items"]
    assert {**task, "name": answered["name"]} == answered
    assert task["person_id"] == a
    code, out = cordon(
        "orders", "sample", str(task["id"]), "--taken", str(today()), "--result", "pending"
    )
    assert code == 0, out
    test_id = out.split()[2]
    assert json.loads(cordon("orders", "samples", "--json")[1])["total"] == 0
    code, out = cordon(
        "orders", "result", test_id, "--result", "pending", "--result-on", str(today())
    )
    assert code == 1
    assert "result" in out
    code, out = cordon(
        "orders", "result", test_id, "--result", "negative", "--result-on", str(today())
    )
    assert code == 0, out
    assert "negative" in out
