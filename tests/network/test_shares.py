"""People between cities: a partner's share received sealed, previewed, accepted into the
registry in one transaction (tier and isolation following) or rejected; revoked by its
sender; ours sent sealed so that only the partner reads the person; one open share per
person; no share at all with a peer that takes no handovers."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clikit import cordon
from conftest import MakeCase, SignIn
from cordon.audit.models import AuditEntry
from cordon.cases.models import Case
from cordon.core.dates import today
from cordon.core.db import new_session
from cordon.core.errors import Conflict
from cordon.exposures.models import Exposure
from cordon.geography.models import AdminUnit
from cordon.isolation.models import IsolationOrder
from cordon.network import service, share_listing, shares
from cordon.network.enums import Direction, Kind, ShareState
from cordon.network.envelope import PERSONAL
from cordon.network.models import NetworkMessage, Peer, PersonShare
from cordon.network.share_schemas import SenderContact
from cordon.outbox.models import OutboxMessage
from cordon.people import service as people
from cordon.people.models import Person
from cordon.tracing import service as tracing
from networkkit import Partner

URL = "/api/v1/network/shares"
INBOX = "/api/v1/network/inbox"
BASIS = "Luật Phòng, chống bệnh truyền nhiễm 2007, Điều 47"
NAME, PHONE = "Lê Thị Hoa", "+84912345678"


@pytest.fixture
def hcmc(hanoi: Session, here: str) -> Partner:
    """Hồ Chí Minh City, a peer with which people may be handed over both ways."""
    partner = Partner.new("vn-hcmc")
    allowed = service.Permissions(handovers=True, lawful_basis=BASIS)
    peer = service.add_peer(hanoi, partner.card(), allowed)
    hanoi.commit()
    partner.peer_id = peer.id
    return partner


def _day(days_ago: int) -> str:
    return str(today() - dt.timedelta(days=days_ago))


def _content(tier: int = 1, **person: Any) -> dict[str, Any]:
    """What a partner seals: an F``tier`` of its city (0: a case) who lives here."""
    return {
        "share_id": str(uuid.uuid4()),
        "person": {
            "full_name": NAME,
            "sex": "female",
            "birth_year": 1990,
            "phone": PHONE,
            "address": "12 Hàng Bông",
            **person,
        },
        "tier": tier,
        "case": {"onset_on": _day(6), "confirmed_on": _day(3), "isolated_on": _day(3)},
        "exposure": (
            {"first_on": _day(5), "last_on": _day(4), "setting": "household"} if tier else None
        ),
        "links": [_day(5)] * max(tier - 1, 0),
        "sender": {"officer": "Nguyễn Văn Bảo", "contact": "+84 28 3930 9912"},
        "lawful_basis": BASIS,
    }


def _deliver(
    anonymous: TestClient,
    partner: Partner,
    kind: Kind,
    payload: dict[str, Any],
    references: list[str] | None = None,
) -> Any:
    body, headers = partner.signed(kind, payload=payload, references=references)
    return anonymous.post(INBOX, content=body, headers=headers)


def _received(
    client: TestClient, hanoi: Session, partner: Partner, content: dict[str, Any]
) -> dict[str, Any]:
    """The partner's share delivered to the inbox, as this node lists it."""
    payload = partner.sealed_share(service.card(hanoi), content)
    answer = _deliver(client, partner, Kind.share_request, payload)
    assert answer.status_code == 202, answer.text
    listed = client.get(URL, params={"direction": "received"}).json()["items"]
    return dict(next(s for s in listed if s["share_id"] == content["share_id"]))


def _ward(session: Session, code: str = "00001") -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return int(found)


def _count(session: Session, model: type[Any]) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


def _people_named(session: Session, name: str) -> list[Person]:
    session.rollback()
    return list(session.scalars(select(Person).where(Person.full_name == name)))


def _sent(session: Session, kind: Kind) -> list[NetworkMessage]:
    session.rollback()
    query = select(NetworkMessage).where(
        NetworkMessage.direction == Direction.sent, NetworkMessage.kind == kind.value
    )
    return list(session.scalars(query.order_by(NetworkMessage.id)))


# --- receiving ---------------------------------------------------------------------------


@pytest.mark.usefixtures("city_regime")
def test_a_partners_share_is_previewed_and_accepted_into_the_registry(
    client: TestClient, hanoi: Session, hcmc: Partner, sign_in: SignIn
) -> None:
    content = _content()
    share = _received(client, hanoi, hcmc, content)
    assert (share["state"], share["peer"], share["person_id"]) == ("pending", "vn-hcmc", None)
    assert NAME not in json.dumps(share)
    hanoi.rollback()
    stored = hanoi.get_one(PersonShare, share["id"])
    assert stored.sealed
    assert NAME not in stored.sealed
    seen = client.get(f"{URL}/{share['id']}/preview")
    assert seen.status_code == 200, seen.text
    assert seen.json()["content"]["person"]["full_name"] == NAME
    assert seen.json()["content"]["person"]["phone"] == PHONE
    assert seen.json()["content"]["sender"]["officer"] == "Nguyễn Văn Bảo"
    assert seen.json()["duplicates"] == []
    accepted = client.post(
        f"{URL}/{share['id']}/accept", json={"version": share["version"], "ward_id": _ward(hanoi)}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"
    (person,) = _people_named(hanoi, NAME)
    assert accepted.json()["person_id"] == person.id
    assert (person.phone, person.birth_year, person.ward_id) == (PHONE, 1990, _ward(hanoi))
    (met,) = hanoi.scalars(select(Exposure).where(Exposure.contact_id == person.id))
    assert (met.first_on, met.last_on) == (today() - dt.timedelta(5), today() - dt.timedelta(4))
    assert tracing.tier_of(hanoi, person.id).tier == 1
    assert hanoi.scalar(select(IsolationOrder.id).where(IsolationOrder.person_id == person.id))
    index = hanoi.get_one(Case, tracing.tier_of(hanoi, person.id).source_case_id)
    assert index.province == "City of vn-hcmc"  # the partner's case, not counted here
    (answer,) = _sent(hanoi, Kind.share_answer)
    assert answer.references == [stored.request_distribution_id]
    assert json.loads(answer.body)["content"]["payload"] == {
        "share_id": content["share_id"],
        "state": "accepted",
    }
    assert hanoi.get_one(PersonShare, share["id"]).sealed is None  # in the registry now
    again = client.get(f"{URL}/{share['id']}/preview")
    assert again.status_code == 409
    log = client.get("/api/v1/audit/entries", headers=sign_in("auditor")).json()["items"]
    assert ("read", "network_shares", str(share["id"])) in {
        (e["action"], e["resource"], e["resource_id"]) for e in log
    }


def test_a_case_is_accepted_with_its_case_and_an_f2_with_its_path(
    client: TestClient, hanoi: Session, hcmc: Partner
) -> None:
    case = _received(client, hanoi, hcmc, _content(tier=0))
    taken = client.post(f"{URL}/{case['id']}/accept", json={"version": case["version"]})
    assert taken.status_code == 200, taken.text
    (person,) = _people_named(hanoi, NAME)
    (own,) = hanoi.scalars(select(Case).where(Case.person_id == person.id))
    assert (own.status, own.confirmed_on) == ("confirmed", today() - dt.timedelta(3))
    assert tracing.tier_of(hanoi, person.id).tier == 0
    f2 = _received(client, hanoi, hcmc, _content(tier=2, full_name="Đỗ Văn Khánh", phone=None))
    taken = client.post(f"{URL}/{f2['id']}/accept", json={"version": f2["version"]})
    assert taken.status_code == 200, taken.text
    (second,) = _people_named(hanoi, "Đỗ Văn Khánh")
    assert tracing.tier_of(hanoi, second.id).tier == 2


def test_a_share_is_rejected_with_a_reason_and_nothing_of_the_person_is_kept(
    client: TestClient, hanoi: Session, hcmc: Partner
) -> None:
    share = _received(client, hanoi, hcmc, _content())
    said = client.post(
        f"{URL}/{share['id']}/reject", json={"version": share["version"], "reason": "moved away"}
    )
    assert said.status_code == 200, said.text
    assert (said.json()["state"], said.json()["reason"]) == ("rejected", "moved away")
    assert hanoi.get_one(PersonShare, share["id"]).sealed is None
    (answer,) = _sent(hanoi, Kind.share_answer)
    assert json.loads(answer.body)["content"]["payload"]["state"] == "rejected"
    assert _people_named(hanoi, NAME) == []
    late = client.post(f"{URL}/{share['id']}/accept", json={"version": said.json()["version"]})
    assert late.status_code == 409


def test_a_share_revoked_before_acceptance_can_no_longer_be_accepted(
    client: TestClient, hanoi: Session, hcmc: Partner
) -> None:
    content = _content()
    share = _received(client, hanoi, hcmc, content)
    revoke = {"share_id": content["share_id"], "state": "revoked"}
    took_back = _deliver(client, hcmc, Kind.share_revoke, revoke)
    assert took_back.status_code == 202, took_back.text
    now = client.get(f"{URL}/{share['id']}").json()
    assert now["state"] == "revoked"
    late = client.post(f"{URL}/{share['id']}/accept", json={"version": now["version"]})
    assert late.status_code == 409
    assert _people_named(hanoi, NAME) == []


def test_a_revoke_after_acceptance_is_refused_and_the_acceptance_stands(
    client: TestClient, hanoi: Session, hcmc: Partner
) -> None:
    content = _content()
    share = _received(client, hanoi, hcmc, content)
    client.post(f"{URL}/{share['id']}/accept", json={"version": share["version"]})
    revoke = {"share_id": content["share_id"], "state": "revoked"}
    refused = _deliver(client, hcmc, Kind.share_revoke, revoke)
    assert refused.status_code == 409, refused.text
    assert "accepted already" in refused.json()["detail"]
    assert client.get(f"{URL}/{share['id']}").json()["state"] == "accepted"


def test_a_share_is_stored_once_and_never_taken_twice(
    client: TestClient, hanoi: Session, hcmc: Partner
) -> None:
    content = _content()
    payload = hcmc.sealed_share(service.card(hanoi), content)
    body, headers = hcmc.signed(Kind.share_request, payload=payload)
    assert client.post(INBOX, content=body, headers=headers).status_code == 202
    retry = client.post(INBOX, content=body, headers=hcmc.resigned(body))
    assert retry.status_code == 200  # a retry: stored once
    other = _deliver(client, hcmc, Kind.share_request, payload)  # the same share, resent
    assert other.status_code == 409, other.text
    assert _count(hanoi, PersonShare) == 1
    share = client.get(URL).json()["items"][0]
    client.post(f"{URL}/{share['id']}/accept", json={"version": share["version"]})
    after = _deliver(client, hcmc, Kind.share_request, payload)
    assert after.status_code == 409
    assert _count(hanoi, PersonShare) == 1
    assert len(_people_named(hanoi, NAME)) == 1


def _nothing_written(hanoi: Session, before: tuple[int, int, int]) -> None:
    assert (_count(hanoi, Person), _count(hanoi, Case), _count(hanoi, Exposure)) == before
    assert _sent(hanoi, Kind.share_answer) == []


def test_an_acceptance_refused_on_the_way_writes_nothing_and_leaves_the_share_pending(
    client: TestClient, hanoi: Session, hcmc: Partner, make_case: MakeCase
) -> None:
    share = _received(client, hanoi, hcmc, _content(phone="+84 12"))  # no phone of Viet Nam
    before = (_count(hanoi, Person), _count(hanoi, Case), _count(hanoi, Exposure))
    refused = client.post(f"{URL}/{share['id']}/accept", json={"version": share["version"]})
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["person.phone"]
    assert PHONE not in refused.text
    _nothing_written(hanoi, before)  # the F0 written before the person is undone too
    assert client.get(f"{URL}/{share['id']}").json()["state"] == "pending"
    # into a person merged into another meanwhile
    kept, merged = make_case("K-1").person_id, make_case("K-2").person_id
    hanoi.get_one(Person, merged).merged_into_id = kept
    hanoi.commit()
    before = (_count(hanoi, Person), _count(hanoi, Case), _count(hanoi, Exposure))
    gone = client.post(
        f"{URL}/{share['id']}/accept", json={"version": share["version"], "person_id": merged}
    )
    assert gone.status_code == 422, gone.text
    assert gone.json()["errors"][0]["field"] == "person_id"
    _nothing_written(hanoi, before)
    assert client.get(f"{URL}/{share['id']}").json()["state"] == "pending"


# --- sending -----------------------------------------------------------------------------


def _f1(client: TestClient, make_case: MakeCase) -> int:
    """A contact of a case of ours (F1), with a name and phone."""
    f0 = make_case(
        "HN-1", onset_on=today() - dt.timedelta(6), confirmed_on=today() - dt.timedelta(3)
    )
    made = client.post(
        "/api/v1/people",
        json={"full_name": "Phạm Văn Cường", "phone": "0987 654 321", "birth_year": 1985},
    )
    assert made.status_code == 201, made.text
    met = {"first_on": _day(5), "last_on": _day(4), "setting": "workplace"}
    person = int(made.json()["id"])
    exposure = {"person_id": f0.person_id, "contact_id": person, **met}
    client.post("/api/v1/exposures", json=exposure).raise_for_status()
    return person


def _hand_over(client: TestClient, person: int, partner: Partner) -> Any:
    share = {"person_id": person, "peer_id": partner.peer_id, "contact": "cdc@hanoi.example"}
    return client.post(URL, json=share)


def test_our_share_travels_sealed_and_only_the_partner_reads_the_person(
    client: TestClient, hanoi: Session, hcmc: Partner, make_case: MakeCase
) -> None:
    person = _f1(client, make_case)
    hanoi.rollback()
    first_entry = hanoi.scalar(select(func.max(AuditEntry.seq))) or 0
    sent = _hand_over(client, person, hcmc)
    assert sent.status_code == 202, sent.text
    assert (sent.json()["state"], sent.json()["person_id"]) == ("pending", person)
    (message,) = _sent(hanoi, Kind.share_request)
    (queued,) = hanoi.scalars(select(OutboxMessage).where(OutboxMessage.channel == "network"))
    entries = hanoi.scalars(select(AuditEntry).where(AuditEntry.seq > first_entry))
    for text in (message.body, queued.body, *(json.dumps(e.detail) for e in entries)):
        assert "Cường" not in text
        assert "Cuong" not in text
        assert "987654321" not in text
        assert "987 654 321" not in text
    envelope = json.loads(message.body)
    assert envelope["combinedConfidentiality"] == PERSONAL
    outer = envelope["content"]["payload"]
    assert set(outer) == {"share_id", "state", "lawful_basis", "sealed_to", "sealed"}
    assert outer["lawful_basis"] == BASIS
    opened = hcmc.opened(outer["sealed"])
    assert opened["person"]["full_name"] == "Phạm Văn Cường"
    assert opened["person"]["phone"] == "+84987654321"
    assert (opened["tier"], opened["exposure"]["setting"]) == (1, "workplace")
    assert opened["case"]["onset_on"] == _day(6)
    assert opened["sender"] == {"officer": "tester", "contact": "cdc@hanoi.example"}
    state = client.get(URL, params={"person_id": person}).json()["items"]
    assert [s["state"] for s in state] == ["pending"]
    answer = {"share_id": outer["share_id"], "state": "accepted"}
    came = _deliver(client, hcmc, Kind.share_answer, answer, [envelope["distributionID"]])
    assert came.status_code == 202, came.text
    (now,) = client.get(URL, params={"person_id": person}).json()["items"]
    assert now["state"] == "accepted"
    assert now["answered_at"] is not None


def test_one_open_share_per_person_and_again_only_after_a_no(
    client: TestClient, hanoi: Session, hcmc: Partner, make_case: MakeCase
) -> None:
    person = _f1(client, make_case)
    first = _hand_over(client, person, hcmc)
    assert first.status_code == 202, first.text
    twice = _hand_over(client, person, hcmc)
    assert twice.status_code == 409, twice.text
    assert "handed over already" in twice.json()["detail"]
    took_back = client.post(f"{URL}/{first.json()['id']}/revoke", json={"version": 1})
    assert took_back.status_code == 200, took_back.text
    assert took_back.json()["state"] == "revoked"
    (revoke,) = _sent(hanoi, Kind.share_revoke)
    request = _sent(hanoi, Kind.share_request)[0]
    assert revoke.references == [request.distribution_id]
    second = _hand_over(client, person, hcmc)
    assert second.status_code == 202, second.text
    share_id = second.json()["share_id"]
    no = {"share_id": share_id, "state": "rejected", "reason": "not living here"}
    assert _deliver(client, hcmc, Kind.share_answer, no).status_code == 202
    third = _hand_over(client, person, hcmc)
    assert third.status_code == 202, third.text
    yes = {"share_id": third.json()["share_id"], "state": "accepted"}
    assert _deliver(client, hcmc, Kind.share_answer, yes).status_code == 202
    assert _hand_over(client, person, hcmc).status_code == 409  # handed over, for good


def test_an_acceptance_that_crossed_our_revoke_stands(
    client: TestClient, hanoi: Session, hcmc: Partner, make_case: MakeCase
) -> None:
    person = _f1(client, make_case)
    sent = _hand_over(client, person, hcmc).json()
    revoked = client.post(f"{URL}/{sent['id']}/revoke", json={"version": sent["version"]})
    assert revoked.json()["state"] == "revoked"
    hanoi.rollback()
    before = share_listing.handed_over(hanoi, person)
    assert before is not None
    assert before.state is ShareState.revoked
    yes = {"share_id": sent["share_id"], "state": "accepted"}
    assert _deliver(client, hcmc, Kind.share_answer, yes).status_code == 202
    hanoi.rollback()
    now = share_listing.handed_over(hanoi, person)
    assert now is not None
    assert (now.state, now.peer) == (ShareState.accepted, "vn-hcmc")
    late_no = {"share_id": sent["share_id"], "state": "rejected", "reason": "late"}
    assert _deliver(client, hcmc, Kind.share_answer, late_no).status_code == 409


def test_a_merged_duplicates_share_becomes_the_kept_persons(
    client: TestClient, hanoi: Session, hcmc: Partner, make_case: MakeCase
) -> None:
    handed = _f1(client, make_case)
    assert _hand_over(client, handed, hcmc).status_code == 202
    kept, other = make_case("K-1").person_id, make_case("K-2").person_id
    assert _hand_over(client, other, hcmc).status_code == 202
    hanoi.rollback()

    def merge(keep: int, away: int) -> None:
        versions = {p: hanoi.get_one(Person, p).version for p in (keep, away)}
        people.merge_people(
            hanoi, keep_id=keep, merge_id=away, keep_version=versions[keep],
            merge_version=versions[away],
        )  # fmt: skip
        hanoi.commit()

    merge(kept, handed)
    moved = share_listing.handed_over(hanoi, kept)
    assert moved is not None
    assert moved.state is ShareState.pending
    assert _hand_over(client, kept, hcmc).status_code == 409
    merge(kept, other)  # both handed over: the duplicate's share stays its own
    hanoi.rollback()
    rows = hanoi.scalars(select(PersonShare).order_by(PersonShare.id))
    assert [s.person_id for s in rows] == [kept, other]


def test_the_database_holds_one_open_share_per_person(
    hanoi: Session, hcmc: Partner, make_case: MakeCase
) -> None:
    person = make_case("HN-9").person_id

    def share(state: ShareState) -> PersonShare:
        return PersonShare(
            share_id=str(uuid.uuid4()),
            direction=Direction.sent,
            peer_id=hcmc.peer_id,
            person_id=person,
            state=state,
            lawful_basis=BASIS,
            request_distribution_id=str(uuid.uuid4()),
        )

    hanoi.add_all([share(ShareState.rejected), share(ShareState.revoked)])
    hanoi.add(share(ShareState.pending))
    hanoi.commit()
    hanoi.add(share(ShareState.accepted))
    with pytest.raises(IntegrityError):
        hanoi.commit()
    hanoi.rollback()


def test_two_requests_at_the_same_moment_make_one_share(
    engine: Engine, hanoi: Session, hcmc: Partner, make_case: MakeCase
) -> None:
    person = make_case("HN-7", onset_on=today() - dt.timedelta(4)).person_id
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def hand_over() -> None:
        session = new_session(engine)
        try:
            start.wait()
            sender = SenderContact(officer="Trần Thu Hà", contact="cdc@hanoi.example")
            shares.request(session, person_id=person, peer_id=hcmc.peer_id, sender=sender)
            session.commit()
            outcomes.append("sent")
        except Conflict:
            session.rollback()
            outcomes.append("409")
        finally:
            session.close()

    both = [threading.Thread(target=hand_over) for _ in range(2)]
    for t in both:
        t.start()
    for t in both:
        t.join(timeout=60)
    assert sorted(outcomes) == ["409", "sent"]
    assert _count(hanoi, PersonShare) == 1
    assert len(_sent(hanoi, Kind.share_request)) == 1


# --- who may ---------------------------------------------------------------------------


def test_a_peer_without_handovers_neither_sends_nor_receives_shares(
    client: TestClient, hanoi: Session, seoul: Partner, make_case: MakeCase
) -> None:
    payload = seoul.sealed_share(service.card(hanoi), _content())
    refused = _deliver(client, seoul, Kind.share_request, payload)
    assert refused.status_code == 403, refused.text
    answer = {"share_id": str(uuid.uuid4()), "state": "accepted"}
    assert _deliver(client, seoul, Kind.share_answer, answer).status_code == 403
    assert _count(hanoi, PersonShare) == 0
    assert _count(hanoi, NetworkMessage) == 0
    person = _f1(client, make_case)
    not_to = _hand_over(client, person, seoul)
    assert not_to.status_code == 422, not_to.text
    assert not_to.json()["errors"][0]["field"] == "peer_id"
    peer = hanoi.get_one(Peer, seoul.peer_id)
    allowed = service.Permissions(handovers=True, lawful_basis=BASIS)
    service.set_permissions(hanoi, peer.id, allowed, version=peer.version)
    hanoi.commit()
    assert _deliver(client, seoul, Kind.share_request, payload).status_code == 202
    assert _hand_over(client, person, seoul).status_code == 202


def test_only_city_level_users_who_hand_over_may_open_a_share(
    client: TestClient, anonymous: TestClient, hanoi: Session, hcmc: Partner, sign_in: SignIn
) -> None:
    share = _received(client, hanoi, hcmc, _content())
    analyst = sign_in("analyst", "01")
    for headers in (analyst, sign_in("district_officer", "001")):
        seen = anonymous.get(f"{URL}/{share['id']}/preview", headers=headers)
        assert seen.status_code == 403, seen.text
    listed = anonymous.get(URL, headers=analyst)
    assert listed.status_code == 200
    assert NAME not in listed.text


# --- the command line ------------------------------------------------------------------


def test_shares_from_the_command_line(
    client: TestClient, hanoi: Session, hcmc: Partner, make_case: MakeCase
) -> None:
    theirs = _received(client, hanoi, hcmc, _content())
    code, out = cordon("network", "shares", "list", "--direction", "received", "--json")
    assert code == 0, out
    assert [s["id"] for s in json.loads(out)["items"]] == [theirs["id"]]
    assert NAME not in out
    code, out = cordon("network", "shares", "preview", str(theirs["id"]))
    assert code == 0, out
    assert NAME in out
    assert BASIS in out
    code, out = cordon("network", "shares", "accept", str(theirs["id"]), "--ward-id", "1")
    assert code == 1  # not a ward: refused, nothing written
    assert "ward_id" in out
    assert _people_named(hanoi, NAME) == []
    code, out = cordon("network", "shares", "accept", str(theirs["id"]))
    assert code == 0, out
    assert "accepted" in out
    assert len(_people_named(hanoi, NAME)) == 1
    person = _f1(client, make_case)
    code, out = cordon(
        "network", "shares", "send", str(person), "vn-hcmc",
        "--officer", "Trần Thu Hà", "--contact", "cdc@hanoi.example",
    )  # fmt: skip
    assert code == 0, out
    ours = client.get(URL, params={"person_id": person}).json()["items"][0]
    code, out = cordon("network", "shares", "revoke", str(ours["id"]))
    assert code == 0, out
    assert "revoked" in out
    code, out = cordon("network", "shares", "reject", str(ours["id"]), "--reason", "no")
    assert code == 1  # ours, not a partner's
