"""Handing a cross-ward contact over: the sender never learns who the contact is; the ward
where the contact lives finds it in its inbox, takes it up and answers; nobody else sees it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson, SignIn
from cordon.geography.models import AdminUnit

SENDER, RECEIVER, BYSTANDER = "00001", "00037", "00004"  # Phúc Xá, Phúc Tân, Trúc Bạch
API = "/api/v1/handovers"


@pytest.fixture
def world(hanoi: Session, make_person: MakePerson, make_case: MakeCase, sign_in: SignIn) -> Any:
    from cordon.exposures import service as exposures
    from cordon.exposures.schemas import ContactIn

    ward = {
        c: hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == c))
        for c in (SENDER, RECEIVER, BYSTANDER)
    }
    case_person = make_person("Nguyễn Văn An", ward_id=ward[SENDER])
    make_case("BN-1", person_id=case_person)
    contact = make_person("Lê Thị Bình", ward_id=ward[RECEIVER])
    neighbour = make_person("Trần Văn Cường", ward_id=ward[SENDER])
    rows = exposures.record_contacts(
        hanoi,
        person_id=case_person,
        contacts=[
            ContactIn(
                contact_id=p,
                first_on=dt.date(2020, 3, 4),
                last_on=dt.date(2020, 3, 4),
                setting="workplace",
            )
            for p in (contact, neighbour)
        ],
    )
    hanoi.commit()
    return {
        "ward": ward,
        "contact": contact,
        "across": rows[0].id,
        "inside": rows[1].id,
        "sender": sign_in("ward_worker", SENDER),
        "receiver": sign_in("ward_worker", RECEIVER),
        "bystander": sign_in("ward_worker", BYSTANDER),
    }


def _send(client: TestClient, world: Any, **extra: Any) -> Any:
    body = {"exposure_id": world["across"], "note": "met at work on 4 March", **extra}
    return client.post(API, json=body, headers=world["sender"])


def test_sender_hands_over_without_learning_who(anonymous: TestClient, world: Any) -> None:
    sent = _send(anonymous, world)
    assert sent.status_code == 201, sent.text
    out = sent.json()
    assert out["status"] == "open"
    assert out["name"] == "outside your jurisdiction"
    assert out["to_unit"]["code"] == RECEIVER
    assert out["from_unit"]["code"] == SENDER
    assert "Lê Thị Bình" not in sent.text

    mine = anonymous.get(API, params={"box": "outgoing"}, headers=world["sender"]).json()
    assert [h["id"] for h in mine["items"]] == [out["id"]]
    assert "Lê Thị Bình" not in str(mine)


def test_receiving_ward_finds_it_and_answers(anonymous: TestClient, world: Any) -> None:
    handover = _send(anonymous, world).json()
    inbox = anonymous.get(API, headers=world["receiver"]).json()
    assert inbox["total"] == 1
    assert inbox["items"][0]["name"] == "Lê Thị Bình"
    assert inbox["items"][0]["note"] == "met at work on 4 March"

    url = f"{API}/{handover['id']}/status"
    accepted = anonymous.post(url, json={"status": "accepted"}, headers=world["receiver"])
    assert accepted.status_code == 200, accepted.text
    no_text = anonymous.post(url, json={"status": "completed"}, headers=world["receiver"])
    assert no_text.status_code == 422
    assert no_text.json()["errors"][0]["field"] == "note"
    done = anonymous.post(
        url,
        json={"status": "completed", "note": "reached by phone; home isolation"},
        headers=world["receiver"],
    )
    assert done.status_code == 200, done.text
    assert done.json()["answered_by"] == f"ward_worker-{RECEIVER}"

    # the inbox holds what is still to do; the sender reads the answer, still without a name
    assert anonymous.get(API, headers=world["receiver"]).json()["total"] == 0
    seen = anonymous.get(f"{API}/{handover['id']}", headers=world["sender"]).json()
    assert seen["status"] == "completed"
    assert seen["answer"] == "reached by phone; home isolation"
    assert seen["name"] == "outside your jurisdiction"


def test_nobody_else_sees_it(anonymous: TestClient, world: Any) -> None:
    handover = _send(anonymous, world).json()
    bystander = world["bystander"]
    assert anonymous.get(API, headers=bystander).json()["total"] == 0
    assert anonymous.get(API, params={"box": "outgoing"}, headers=bystander).json()["total"] == 0
    assert anonymous.get(f"{API}/{handover['id']}", headers=bystander).status_code == 404
    answer = {"status": "accepted"}
    url = f"{API}/{handover['id']}/status"
    assert anonymous.post(url, json=answer, headers=bystander).status_code == 404


def test_each_side_makes_only_its_own_moves(anonymous: TestClient, world: Any) -> None:
    handover = _send(anonymous, world).json()
    url = f"{API}/{handover['id']}/status"
    own = anonymous.post(url, json={"status": "accepted"}, headers=world["sender"])
    assert own.status_code == 409
    assert "cancelled" in own.json()["detail"]
    assert anonymous.post(url, json={"status": "accepted"}, headers=world["receiver"]).is_success
    # taken up: the sender can no longer withdraw it
    late = anonymous.post(url, json={"status": "cancelled"}, headers=world["sender"])
    assert late.status_code == 409
    declined = anonymous.post(
        url, json={"status": "declined", "note": "moved to Cầu Giấy"}, headers=world["receiver"]
    )
    assert declined.is_success
    again = anonymous.post(url, json={"status": "accepted"}, headers=world["receiver"])
    assert again.status_code == 409
    # a declined contact can be sent again (after the city has corrected the address)
    assert _send(anonymous, world).status_code == 201


def test_sender_may_cancel_while_open(anonymous: TestClient, world: Any) -> None:
    handover = _send(anonymous, world).json()
    url = f"{API}/{handover['id']}/status"
    cancel = anonymous.post(url, json={"status": "cancelled"}, headers=world["sender"])
    assert cancel.status_code == 200
    assert anonymous.get(API, headers=world["receiver"]).json()["total"] == 0


def test_bad_requests_change_nothing(anonymous: TestClient, world: Any) -> None:
    inside = _send(anonymous, world, exposure_id=world["inside"])
    assert inside.status_code == 422
    assert inside.json()["errors"][0]["field"] == "exposure_id"
    assert "both people" in inside.json()["detail"]
    # an exposure the sender does not see reads exactly like a missing one
    unseen = anonymous.post(API, json={"exposure_id": world["across"]}, headers=world["bystander"])
    missing = anonymous.post(API, json={"exposure_id": 10**9}, headers=world["bystander"])
    assert unseen.status_code == missing.status_code == 422
    assert unseen.json()["detail"].replace(str(world["across"]), "N") == missing.json()[
        "detail"
    ].replace(str(10**9), "N")
    assert _send(anonymous, world).status_code == 201
    twice = _send(anonymous, world)
    assert twice.status_code == 409
    total = anonymous.get(API, params={"box": "outgoing"}, headers=world["sender"]).json()["total"]
    assert total == 1


def test_handover_follows_the_person(
    anonymous: TestClient, world: Any, hanoi: Session, client: TestClient
) -> None:
    """A contact transferred to another ward takes the open handover with them."""
    _send(anonymous, world)
    person = client.get(f"/api/v1/people/{world['contact']}").json()
    moved = client.patch(
        f"/api/v1/people/{world['contact']}",
        json={"version": person["version"], "ward_id": world["ward"][BYSTANDER]},
    )
    assert moved.is_success, moved.text
    assert anonymous.get(API, headers=world["receiver"]).json()["total"] == 0
    inbox = anonymous.get(API, headers=world["bystander"]).json()
    assert inbox["total"] == 1
    assert inbox["items"][0]["to_unit"]["code"] == RECEIVER  # where it was first sent


def test_a_merged_duplicates_handover_goes_to_the_kept_persons_ward(
    anonymous: TestClient, world: Any, make_person: MakePerson, client: TestClient
) -> None:
    """The contact handed over was a duplicate of someone registered in another ward: after
    the merge the handover names the kept person and waits in that ward's inbox."""
    _send(anonymous, world)
    kept = make_person("Lê Thị Bình", ward_id=world["ward"][BYSTANDER])
    versions = {
        p: client.get(f"/api/v1/people/{p}").json()["version"] for p in (kept, world["contact"])
    }
    merged = client.post(
        f"/api/v1/people/{kept}/merge",
        json={
            "merge_id": world["contact"],
            "keep_version": versions[kept],
            "merge_version": versions[world["contact"]],
        },
    )
    assert merged.is_success, merged.text
    assert anonymous.get(API, headers=world["receiver"]).json()["total"] == 0
    inbox = anonymous.get(API, headers=world["bystander"]).json()
    assert inbox["total"] == 1
    url = f"{API}/{inbox['items'][0]['id']}/status"
    accepted = anonymous.post(url, json={"status": "accepted"}, headers=world["bystander"])
    assert accepted.status_code == 200, accepted.text


def test_handovers_are_in_the_audit_log(anonymous: TestClient, world: Any, sign_in: SignIn) -> None:
    _send(anonymous, world)
    anonymous.get(API, headers=world["receiver"])
    log = anonymous.get(
        "/api/v1/audit/entries",
        params={"person_id": world["contact"]},
        headers=sign_in("auditor"),
    ).json()
    actions = {(e["action"], e["resource"]) for e in log["items"]}
    assert ("create", "handovers") in actions
    assert ("read", "handovers") in actions
