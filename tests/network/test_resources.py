"""Resource requests and offers between cities (EDXL-RM): this city's request answered,
committed, delivered and released by a partner; a partner's offer accepted here; every step
the table of states does not allow, an over-commit, a step from a city that is not a party,
refused whole with nothing stored; who may read the board and who may act."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import SignIn
from cordon.core.dates import today
from cordon.network import service
from cordon.network.enums import DistributionStatus, Kind
from cordon.network.models import NetworkMessage
from cordon.network.resource_models import ResourceExchange, ResourceStep
from cordon.network.resource_schemas import Committed, Opening, Reply
from networkkit import Partner

URL = "/api/v1/network/resources"
INBOX = "/api/v1/network/inbox"


def _request(**changes: Any) -> dict[str, Any]:
    start = today() + dt.timedelta(days=2)
    return {
        "incident": "COVID-19, Hà Nội, đợt 4",
        "description": "Masks and ICU nurses for the Bạch Mai cluster",
        "period_from": str(start),
        "period_to": str(start + dt.timedelta(days=21)),
        "delivery_place": "Kho CDC Hà Nội, 70 Nguyễn Chí Thanh",
        "conditions": "Delivered by road; unused stock returned",
        "contact": {
            "name": "Nguyễn Văn An",
            "role": "Logistics officer, CDC Hà Nội",
            "phone": "+84 24 3736 6258",
            "email": "logistics@cdc-hanoi.example",
        },
        "items": [
            {"kind": "masks", "description": "N95", "quantity": 50000, "unit": "pieces"},
            {"kind": "staff", "quantity": 10, "unit": "people", "role": "ICU nurse"},
        ],
        **changes,
    }


def _from_partner(
    anonymous: TestClient,
    partner: Partner,
    kind: Kind,
    payload: dict[str, Any],
    references: list[str] | None = None,
) -> tuple[int, str, str]:
    """A partner's message posted to the inbox: the answer's status, text, distribution id."""
    body, headers = partner.signed(kind, payload=payload, references=references)
    answer = anonymous.post(INBOX, content=body, headers=headers)
    return answer.status_code, answer.text, json.loads(body)["distributionID"]


def _reply(message_type: str, origin: str, **given: Any) -> dict[str, Any]:
    return {
        "message_type": message_type,
        "originating_message_id": origin,
        "by": "Kim Min-jun",
        **given,
    }


def _step(client: TestClient, exchange: dict[str, Any], **body: Any) -> dict[str, Any]:
    answer = client.post(
        f"{URL}/{exchange['id']}/steps", json={"version": exchange["version"], **body}
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _one(client: TestClient, exchange_id: int) -> dict[str, Any]:
    answer = client.get(f"{URL}/{exchange_id}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _sent(hanoi: Session, kind: Kind) -> list[dict[str, Any]]:
    hanoi.rollback()
    rows = hanoi.scalars(
        select(NetworkMessage).where(NetworkMessage.kind == kind.value).order_by(NetworkMessage.id)
    )
    return [json.loads(m.body) for m in rows if m.direction.value == "sent"]


def _count(hanoi: Session, model: type[Any]) -> int:
    hanoi.rollback()
    return int(hanoi.scalar(select(func.count()).select_from(model)) or 0)


def _our_request(client: TestClient) -> dict[str, Any]:
    made = client.post(f"{URL}/requests", json=_request())
    assert made.status_code == 201, made.text
    (exchange,) = made.json()
    return dict(exchange)


def test_a_request_is_answered_committed_delivered_and_released(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    ours = _our_request(client)
    assert (ours["side"], ours["kind"], ours["state"], ours["peer"]) == (
        "ours",
        "request",
        "open",
        "kr-seoul",
    )
    assert [i["item"] for i in ours["items"]] == [1, 2]
    assert ours["next_steps"] == ["withdrawal"]
    (sent,) = _sent(hanoi, Kind.rm_request)
    assert sent["distributionID"] == ours["message_id"]
    assert sent["distributionKind"] == "Request"
    assert sent["content"]["payload"]["message_type"] == "RequestResource"
    assert sent["content"]["payload"]["items"][1]["role"] == "ICU nurse"
    origin = ours["message_id"]

    status, text, _ = _from_partner(
        anonymous,
        seoul,
        Kind.rm_response,
        _reply("ResponseToRequestResource", origin, answer="conditional", reason="Masks only"),
        [origin],
    )
    assert status == 202, text
    got = _one(client, ours["id"])
    assert got["state"] == "responded"
    (answered,) = got["history"]
    assert (answered["step"], answered["answer"], answered["ours"]) == (
        "answer",
        "conditional",
        False,
    )
    assert answered["reason"] == "Masks only"
    quantities = [{"item": 1, "quantity": 30000}]
    status, text, commit_id = _from_partner(
        anonymous,
        seoul,
        Kind.rm_commit,
        _reply("CommitResource", origin, quantities=quantities),
        [origin],
    )
    assert status == 202, text
    got = _one(client, ours["id"])
    assert got["state"] == "committed"
    assert [i["committed"] for i in got["items"]] == [30000, 0]
    assert got["history"][-1]["distribution_id"] == commit_id
    assert got["next_steps"] == ["delivery", "release"]

    messages_before = _count(hanoi, NetworkMessage)
    got = _step(client, got, step="delivery", reason="30,000 N95 in the CDC store")
    assert got["state"] == "delivered"
    assert got["history"][-1]["message_kind"] is None  # this city's own record
    assert _count(hanoi, NetworkMessage) == messages_before
    got = _step(client, got, step="release")
    assert got["state"] == "closed"
    (release,) = _sent(hanoi, Kind.rm_release)
    assert release["distributionReference"] == [origin]
    assert release["content"]["payload"]["originating_message_id"] == origin
    assert release["content"]["payload"]["by"] == "tester"
    board = client.get(URL).json()
    assert board["total"] == 0  # nothing live
    assert board["by_state"]["closed"] == 1
    closed = client.get(URL, params={"state": "closed", "resource": "staff"}).json()
    assert [e["id"] for e in closed["items"]] == [ours["id"]]
    assert closed["by_resource"]["staff"] == closed["by_resource"]["masks"] == 1


def _offer() -> dict[str, Any]:
    return {
        "message_type": "OfferUnsolicitedResource",
        "description": "Ventilators and oxygen for a partner in crisis",
        "period_from": str(today()),
        "contact": {"name": "Park Ji-woo", "email": "resources@seoul.example"},
        "items": [
            {"item": 1, "kind": "ventilators", "quantity": 20, "unit": "pieces"},
            {"item": 2, "kind": "oxygen", "quantity": 400, "unit": "cylinders"},
        ],
    }


def test_a_partners_offer_is_accepted_here_then_committed_returned_and_released(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    status, text, origin = _from_partner(anonymous, seoul, Kind.rm_offer, _offer())
    assert status == 202, text
    (theirs,) = client.get(URL, params={"side": "theirs"}).json()["items"]
    assert (theirs["kind"], theirs["state"], theirs["message_id"]) == ("offer", "open", origin)
    assert theirs["contact"]["name"] == "Park Ji-woo"
    assert theirs["next_steps"] == ["response"]
    got = _step(client, theirs, step="response", answer="accept", reason="Thank you")
    assert got["state"] == "responded"
    assert got["next_steps"] == ["response"]  # the provider commits, not this city
    (response,) = _sent(hanoi, Kind.rm_response)
    assert response["explicitAddress"][0]["explicitAddressValue"] == ["kr-seoul"]
    assert response["content"]["payload"]["answer"] == "accept"
    assert response["distributionReference"] == [origin]
    quantities = [{"item": 1, "quantity": 20}, {"item": 2, "quantity": 150}]
    for kind, payload in [
        (Kind.rm_commit, _reply("CommitResource", origin, quantities=quantities)),
        (Kind.rm_return, _reply("RequestReturn", origin, reason="Back by 31 Jan")),
    ]:
        status, text, _ = _from_partner(anonymous, seoul, kind, payload, [origin])
        assert status == 202, text
    got = _one(client, theirs["id"])
    assert got["state"] == "committed"  # a request to return changes no state
    assert [h["step"] for h in got["history"]] == ["answer", "commit", "return"]
    got = _step(client, got, step="release", reason="Returned by road")
    assert got["state"] == "closed"
    assert _sent(hanoi, Kind.rm_release)[0]["content"]["payload"]["message_type"] == (
        "ReleaseResource"
    )


def test_a_withdrawal_both_ways(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    ours = _our_request(client)
    got = _step(client, ours, step="withdrawal", reason="Found locally")
    assert (got["state"], got["next_steps"]) == ("withdrawn", [])
    recalled = _sent(hanoi, Kind.rm_request)[-1]
    assert recalled["distributionKind"] == "Cancel"
    assert recalled["content"]["payload"]["recall"] == "Cancel"
    status, _, origin = _from_partner(anonymous, seoul, Kind.rm_offer, _offer())
    assert status == 202
    recall = _reply("OfferUnsolicitedResource", origin, recall="Cancel")
    status, text, _ = _from_partner(anonymous, seoul, Kind.rm_offer, recall, [origin])
    assert status == 202, text
    (theirs,) = client.get(URL, params={"side": "theirs", "state": "withdrawn"}).json()["items"]
    assert theirs["message_id"] == origin


def _refused(
    anonymous: TestClient,
    hanoi: Session,
    partner: Partner,
    kind: Kind,
    payload: dict[str, Any],
    references: list[str],
    status: int,
    says: str,
) -> None:
    """A partner's message refused whole with ``status``, saying ``says``: no message
    stored, no step taken."""
    messages, steps = _count(hanoi, NetworkMessage), _count(hanoi, ResourceStep)
    answered, text, _ = _from_partner(anonymous, partner, kind, payload, references)
    assert answered == status, text
    assert says in text
    assert (_count(hanoi, NetworkMessage), _count(hanoi, ResourceStep)) == (messages, steps)


def test_a_step_the_states_do_not_allow_is_refused_with_nothing_stored(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    ours = _our_request(client)
    origin = ours["message_id"]
    commit = _reply("CommitResource", origin, quantities=[{"item": 1, "quantity": 10}])
    _refused(
        anonymous,
        hanoi,
        seoul,
        Kind.rm_commit,
        commit,
        [origin],
        409,
        "open cannot take the step commit",
    )
    release = _reply("ReleaseResource", origin)  # the recipient releases, not the provider
    _refused(anonymous, hanoi, seoul, Kind.rm_release, release, [origin], 409, "Only the recipient")
    unreferenced = _reply("ResponseToRequestResource", origin, answer="accept")
    _refused(
        anonymous, hanoi, seoul, Kind.rm_response, unreferenced, [], 422, "distributionReference"
    )
    wrong_type = _reply("CommitResource", origin, answer="accept")
    _refused(anonymous, hanoi, seoul, Kind.rm_response, wrong_type, [origin], 422, "message_type")
    # this city cannot commit to its own request, nor deliver what no one committed
    for step in ("commit", "delivery"):
        body: dict[str, Any] = {"version": ours["version"], "step": step}
        if step == "commit":
            body["quantities"] = [{"item": 1, "quantity": 5}]
        answer = client.post(f"{URL}/{ours['id']}/steps", json=body)
        assert answer.status_code == 409, answer.text
    assert _one(client, ours["id"])["history"] == []
    stale = client.post(
        f"{URL}/{ours['id']}/steps", json={"version": ours["version"] + 5, "step": "withdrawal"}
    )
    assert stale.status_code == 409
    assert "changed meanwhile" in stale.text


def test_an_over_commit_is_refused(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    ours = _our_request(client)
    origin = ours["message_id"]
    status, _, _ = _from_partner(
        anonymous,
        seoul,
        Kind.rm_response,
        _reply("ResponseToRequestResource", origin, answer="accept"),
        [origin],
    )
    assert status == 202
    too_many = _reply("CommitResource", origin, quantities=[{"item": 1, "quantity": 50001}])
    _refused(
        anonymous, hanoi, seoul, Kind.rm_commit, too_many, [origin], 422, "would pass the 50000"
    )
    first = _reply("CommitResource", origin, quantities=[{"item": 1, "quantity": 30000}])
    assert _from_partner(anonymous, seoul, Kind.rm_commit, first, [origin])[0] == 202
    second = _reply("CommitResource", origin, quantities=[{"item": 1, "quantity": 20001}])
    _refused(anonymous, hanoi, seoul, Kind.rm_commit, second, [origin], 422, "50001 committed")
    unknown = _reply("CommitResource", origin, quantities=[{"item": 3, "quantity": 1}])
    _refused(anonymous, hanoi, seoul, Kind.rm_commit, unknown, [origin], 422, "item 3 is not in it")
    assert [i["committed"] for i in _one(client, ours["id"])["items"]] == [30000, 0]


def test_a_step_from_a_city_that_is_not_a_party_is_refused(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    ours = _our_request(client)
    tokyo = Partner.new("jp-tokyo")
    tokyo.peer_id = service.add_peer(hanoi, tokyo.card(), service.Permissions()).id
    hanoi.commit()
    origin = ours["message_id"]
    answer = _reply("ResponseToRequestResource", origin, answer="accept")
    _refused(
        anonymous, hanoi, tokyo, Kind.rm_response, answer, [origin], 403, "jp-tokyo is not a party"
    )
    nowhere = "0b7a5c1e-0000-4000-8000-000000000000"
    stray = _reply("ResponseToRequestResource", nowhere, answer="accept")
    _refused(
        anonymous,
        hanoi,
        seoul,
        Kind.rm_response,
        stray,
        [nowhere],
        422,
        "is no exchange of this node",
    )
    drill = _reply("ResponseToRequestResource", origin, answer="accept")
    body, headers = seoul.signed(
        Kind.rm_response, payload=drill, references=[origin], status=DistributionStatus.exercise
    )
    refused = anonymous.post(INBOX, content=body, headers=headers)
    assert refused.status_code == 422
    assert "distributionStatus" in refused.text
    assert _one(client, ours["id"])["state"] == "open"


def test_a_request_to_chosen_peers_opens_one_exchange_each(
    client: TestClient, hanoi: Session, seoul: Partner
) -> None:
    tokyo = Partner.new("jp-tokyo")
    tokyo.peer_id = service.add_peer(hanoi, tokyo.card(), service.Permissions()).id
    hanoi.commit()
    made = client.post(f"{URL}/requests", json=_request(to=[tokyo.peer_id]))
    assert made.status_code == 201, made.text
    assert [e["peer"] for e in made.json()] == ["jp-tokyo"]
    everyone = client.post(f"{URL}/offers", json=_request())
    assert sorted(e["peer"] for e in everyone.json()) == ["jp-tokyo", "kr-seoul"]
    assert len({e["message_id"] for e in everyone.json()}) == 1  # one distribution
    board = client.get(URL, params={"peer_id": tokyo.peer_id, "side": "ours"}).json()
    assert board["total"] == 2
    assert board["by_state"]["open"] == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"kind": "staff", "quantity": 3, "unit": "people"}]}, "role"),
        ({"items": [{"kind": "masks", "quantity": 0, "unit": "pieces"}]}, "quantity"),
        ({"period_to": "2001-01-01"}, "period_to"),
        ({"contact": {"name": "A", "email": "not an address"}}, "email"),
        ({"description": "x" * 1001}, "description"),
    ],
)
def test_a_request_that_is_not_one_is_refused(
    client: TestClient, hanoi: Session, seoul: Partner, changes: dict[str, Any], field: str
) -> None:
    answer = client.post(f"{URL}/requests", json=_request(**changes))
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    assert _count(hanoi, ResourceExchange) == 0


def test_a_partners_request_that_is_not_edxl_rm_is_refused_whole(
    anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    wrong = {**_offer(), "items": [{"item": 1, "kind": "masks", "quantity": -5, "unit": "pieces"}]}
    status, _, _ = _from_partner(anonymous, seoul, Kind.rm_offer, wrong)
    assert status == 422
    assert (_count(hanoi, ResourceExchange), _count(hanoi, NetworkMessage)) == (0, 0)


def test_who_may_read_the_board_and_who_may_act(
    client: TestClient, anonymous: TestClient, sign_in: SignIn, hanoi: Session, seoul: Partner
) -> None:
    ours = _our_request(client)
    district = sign_in("district_officer")  # network.read, not network.send
    ward = sign_in("ward_worker", "00001")  # neither
    assert anonymous.get(URL, headers=district).status_code == 200
    assert anonymous.get(f"{URL}/{ours['id']}", headers=district).status_code == 200
    assert anonymous.post(f"{URL}/requests", json=_request(), headers=district).status_code == 403
    step = {"version": ours["version"], "step": "withdrawal"}
    assert anonymous.post(f"{URL}/{ours['id']}/steps", json=step, headers=district).status_code == (
        403
    )
    assert anonymous.get(URL, headers=ward).status_code == 403
    assert anonymous.get(f"{URL}/{ours['id']}", headers=ward).status_code == 403
    assert _one(client, ours["id"])["state"] == "open"


def test_the_payloads_in_the_docs_are_what_cordon_reads() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "network.md").read_text()
    section = text[text.index("## Resource requests and offers (EDXL-RM)") :]
    section = section[: section.find("\n## ", 3)]  # up to the next section
    blocks = [b.split("```", 1)[0] for b in section.split("```json\n")[1:]]
    opening, commit = (json.loads(b) for b in blocks)
    assert Opening.model_validate(opening).items[1].role == "ICU nurse"
    assert Reply.model_validate(commit).quantities == [Committed(item=1, quantity=30000)]
