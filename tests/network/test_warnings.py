"""Early warnings as CAP 1.2 alerts: the city's raised, approved and sent to each peer,
updated and cancelled; a partner's stored, told to the officers with an alert contact,
replaced by its Update and ended by its Cancel; anything that is not a valid CAP alert
refused whole; the city's public warnings on an Atom feed; the right roles only."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from capkit import alert, info, payload, reference
from conftest import SignIn
from cordon.access.models import User
from cordon.core.models import utcnow
from cordon.network import cap, service
from cordon.network.enums import Kind
from cordon.network.models import NetworkMessage
from cordon.network.warning_models import EarlyWarning
from cordon.outbox.enums import Channel, MessageKind
from cordon.outbox.models import OutboxMessage
from networkkit import Partner

URL = "/api/v1/network/warnings"
INBOX = "/api/v1/network/inbox"
PHUC_XA = "21.0465,105.8468 21.0520,105.8468 21.0520,105.8530 21.0465,105.8468"


def our_info(**given: Any) -> dict[str, Any]:
    return {
        "language": "vi-VN",
        "event": "Ổ dịch COVID-19",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "headline": "Ổ dịch tại Bệnh viện Bạch Mai",
        "description": "Bệnh viện Bạch Mai có 5 ca mắc mới trong 7 ngày.",
        "area": [
            {
                "areaDesc": "Phúc Xá, Ba Đình",
                "polygon": [PHUC_XA],
                "geocode": [{"valueName": "VN-ADMIN", "value": "00001"}],
            }
        ],
        **given,
    }


def _ok(answer: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    return dict(answer.json())


def _raised(client: TestClient, **given: Any) -> dict[str, Any]:
    return _ok(client.post(URL, json={"info": our_info(), **given}), 201)


def _sent(client: TestClient, draft: dict[str, Any]) -> dict[str, Any]:
    at = f"{URL}/{draft['id']}"
    approved = _ok(client.post(f"{at}/approve", json={"version": draft["version"]}))
    sent = client.post(f"{at}/send", json={"version": approved["version"]})
    assert sent.status_code == 202, sent.text
    return _ok(client.get(at))


def _network_rows(session: Session) -> list[OutboxMessage]:
    session.rollback()
    query = select(OutboxMessage).where(OutboxMessage.channel == Channel.network)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def _in_force(client: TestClient, ours: bool) -> list[str]:
    page = _ok(client.get(URL, params={"ours": ours, "in_force": True}))
    return [w["alert"]["identifier"] for w in page["items"]]


def test_raised_approved_and_sent_one_copy_to_each_peer(
    client: TestClient, hanoi: Session, seoul: Partner
) -> None:
    hcmc = Partner.new("vn-hcmc")
    service.add_peer(hanoi, hcmc.card(), service.Permissions())
    hanoi.commit()
    draft = _raised(client)
    sent_alert = draft["alert"]
    assert draft["status"] == "draft"
    assert draft["peer"] is None
    assert not draft["in_force"]
    assert sent_alert["identifier"].startswith("vn-hanoi-")
    assert (sent_alert["sender"], sent_alert["msgType"]) == ("vn-hanoi", "Alert")
    assert sent_alert["info"]["senderName"] == "Hà Nội"
    at = f"{URL}/{draft['id']}"
    assert client.post(f"{at}/send", json={"version": draft["version"]}).status_code == 409
    edited = _ok(client.put(at, json={"version": draft["version"], "note": "Đã khoanh vùng."}))
    assert edited["alert"]["note"] == "Đã khoanh vùng."
    done = _sent(client, edited)
    assert (done["status"], done["in_force"]) == ("sent", True)
    copies = _network_rows(hanoi)
    assert sorted(c.recipient for c in copies) == ["kr-seoul", "vn-hcmc"]
    envelope = json.loads(copies[0].body)
    assert envelope["content"]["contentKind"] == "cap-alert"
    assert envelope["distributionKind"] == "Report"
    travelled = cap.read(envelope["content"]["payload"]["xml"])
    assert travelled.identifier == sent_alert["identifier"]
    assert (
        travelled.model_dump(mode="json", by_alias=True, exclude_none=True)
        == (envelope["content"]["payload"]["alert"])
    )
    exported = client.get(f"{at}.xml")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/cap+xml")
    assert cap.read(exported.text) == travelled


def test_an_update_replaces_and_a_cancel_ends_the_citys_warning(
    client: TestClient, hanoi: Session, seoul: Partner
) -> None:
    first = _sent(client, _raised(client))
    change = {"version": first["version"], "info": our_info(severity="Extreme")}
    update = _ok(client.post(f"{URL}/{first['id']}/update", json=change), 201)
    assert update["alert"]["msgType"] == "Update"
    assert first["alert"]["identifier"] in update["alert"]["references"]
    assert _in_force(client, True) == [first["alert"]["identifier"]]  # until it is sent
    update = _sent(client, update)
    assert _in_force(client, True) == [update["alert"]["identifier"]]
    first = _ok(client.get(f"{URL}/{first['id']}"))
    assert not first["current"]
    stale = client.post(f"{URL}/{first['id']}/cancel", json={"version": first["version"]})
    assert stale.status_code == 409  # only the latest of a chain is followed
    cancel = client.post(
        f"{URL}/{update['id']}/cancel", json={"version": update["version"], "note": "Hết ca."}
    )
    cancel_out = _sent(client, _ok(cancel, 201))
    assert cancel_out["alert"]["msgType"] == "Cancel"
    assert len(cancel_out["alert"]["references"].split()) == 2
    assert _in_force(client, True) == []
    last = json.loads(_network_rows(hanoi)[-1].body)
    assert last["distributionKind"] == "Cancel"
    assert len(last["distributionReference"]) == 2


def _deliver(anonymous: TestClient, partner: Partner, raw: dict[str, Any]) -> httpx.Response:
    body, headers = partner.signed(Kind.cap_alert, payload=raw)
    answer: httpx.Response = anonymous.post(INBOX, content=body, headers=headers)
    return answer


def _officers(hanoi: Session, sign_in: SignIn) -> None:
    """Who has an alert contact: an epidemiologist (phone), a district officer (e-mail), a
    ward worker (no network.read) and a disabled epidemiologist (phone)."""
    people = [
        ("epidemiologist", "01", "epi", "+84912000001", None),
        ("district_officer", "001", "ba-dinh", None, "badinh@soyte.example"),
        ("ward_worker", "00001", "phuc-xa", "+84912000003", None),
        ("epidemiologist", "01", "gone", "+84912000004", None),
    ]
    for role, unit, name, phone, email in people:
        sign_in(role, unit, username=name)
        user = hanoi.scalar(select(User).where(User.username == name))
        assert user is not None
        user.alert_phone, user.alert_email = phone, email
        user.disabled_at = utcnow() if name == "gone" else None
    hanoi.commit()


def _told(session: Session) -> list[tuple[str, str, str]]:
    session.rollback()
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.channel != Channel.network)
        .order_by(OutboxMessage.id)
    )
    return [(m.kind.value, m.channel.value, m.recipient) for m in rows]


def test_a_partners_warning_is_stored_and_told_to_the_officers(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner, sign_in: SignIn
) -> None:
    _officers(hanoi, sign_in)
    raw = alert("kr-seoul-itaewon-1")
    assert _deliver(anonymous, seoul, payload(raw)).status_code == 202
    (got,) = _ok(client.get(URL, params={"ours": False}))["items"]
    assert (got["peer"], got["status"], got["in_force"]) == ("kr-seoul", "received", True)
    assert got["alert"]["info"]["headline"] == "Itaewon cluster: 54 cases in 5 days"
    kind = MessageKind.warning_received.value
    assert _told(hanoi) == [
        (kind, "sms", "+84912000001"),
        (kind, "email", "badinh@soyte.example"),
    ]
    sms = hanoi.scalar(select(OutboxMessage.body).where(OutboxMessage.channel == Channel.sms))
    assert sms is not None
    assert "City of kr-seoul" in sms
    assert "COVID-19 cluster" in sms
    changed = client.put(f"{URL}/{got['id']}", json={"version": got["version"], "note": "x"})
    assert changed.status_code == 409  # a partner's warning is read, not changed


def test_a_partners_update_replaces_and_its_cancel_ends(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner, sign_in: SignIn
) -> None:
    _officers(hanoi, sign_in)
    first = alert("kr-seoul-1")
    assert _deliver(anonymous, seoul, payload(first)).status_code == 202
    update = alert(
        "kr-seoul-2",
        msg_type="Update",
        references=reference(first),
        info=info(severity="Extreme", headline="Itaewon cluster: 102 cases"),
    )
    assert _deliver(anonymous, seoul, payload(update)).status_code == 202
    assert _in_force(client, False) == ["kr-seoul-2"]
    cancel = alert(
        "kr-seoul-3",
        msg_type="Cancel",
        references=f"{reference(first)} {reference(update)}",
        note="Cluster closed.",
    )
    assert _deliver(anonymous, seoul, payload(cancel)).status_code == 202
    assert _in_force(client, False) == []
    listed = _ok(client.get(URL, params={"ours": False}))["items"]
    assert [(w["alert"]["identifier"], w["current"]) for w in listed] == [
        ("kr-seoul-3", True),
        ("kr-seoul-2", False),
        ("kr-seoul-1", False),
    ]
    told = [kind for kind, channel, _ in _told(hanoi) if channel == "sms"]
    assert told == ["warning_received", "warning_received", "warning_cancelled"]


def _spoilt_polygon() -> dict[str, Any]:
    body = payload(alert("kr-seoul-1"))
    body["alert"]["info"]["area"][0]["polygon"] = ["37.5,126.9 37.6,126.9 37.6,127.0"]
    return body


def _unknown_urgency_in_json() -> dict[str, Any]:
    body = payload(alert("kr-seoul-1"))
    body["alert"]["info"]["urgency"] = "Soon"
    return body


def _unknown_urgency_in_xml() -> dict[str, Any]:
    body = payload(alert("kr-seoul-1"))
    body["xml"] = body["xml"].replace("<urgency>Immediate", "<urgency>Soon")
    return body


def _xml_of_another_alert() -> dict[str, Any]:
    body = payload(alert("kr-seoul-1"))
    body["xml"] = body["xml"].replace("54 cases", "5 cases")
    return body


def _update_of_the_unknown() -> dict[str, Any]:
    never = alert("kr-seoul-0")
    return payload(alert("kr-seoul-1", msg_type="Update", references=reference(never)))


def _someone_elses() -> dict[str, Any]:
    return payload(alert("jp-tokyo-1", sender="jp-tokyo"))


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (_spoilt_polygon, "polygon"),
        (_unknown_urgency_in_json, "urgency"),
        (_unknown_urgency_in_xml, "content.payload.xml"),
        (_xml_of_another_alert, "content.payload.xml"),
        (_update_of_the_unknown, "content.payload.alert.references"),
        (_someone_elses, "content.payload.alert.sender"),
        (lambda: {"alert": alert("kr-seoul-1")}, "xml"),
    ],
)
def test_what_is_not_a_valid_cap_warning_is_refused_whole(
    anonymous: TestClient, hanoi: Session, seoul: Partner, sign_in: SignIn, spoil: Any, field: str
) -> None:
    _officers(hanoi, sign_in)
    answer = _deliver(anonymous, seoul, spoil())
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    hanoi.rollback()
    for table in (EarlyWarning, NetworkMessage, OutboxMessage):
        assert hanoi.scalar(select(func.count()).select_from(table)) == 0


def test_the_same_alert_twice_is_refused(
    anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    raw = payload(alert("kr-seoul-1"))
    assert _deliver(anonymous, seoul, raw).status_code == 202
    assert _deliver(anonymous, seoul, raw).status_code == 409  # another distribution, same alert
    hanoi.rollback()
    assert hanoi.scalar(select(func.count()).select_from(EarlyWarning)) == 1


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_lists_only_the_citys_public_actual_sent_warnings(
    client: TestClient, anonymous: TestClient, hanoi: Session, seoul: Partner
) -> None:
    public = _sent(client, _raised(client))
    restricted = _sent(client, _raised(client, scope="Restricted", restriction="Partner cities"))
    exercise = _sent(client, _raised(client, status="Exercise"))
    draft = _raised(client)
    assert _deliver(anonymous, seoul, payload(alert("kr-seoul-1"))).status_code == 202
    feed = anonymous.get("/public/warnings.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Ổ dịch tại Bệnh viện Bạch Mai"
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("type") == "application/cap+xml"
    href = str(link.get("href"))
    identifier = public["alert"]["identifier"]
    assert href == f"https://cordon.hanoi.example/public/warnings/{identifier}.xml"
    document = anonymous.get(href.removeprefix("https://cordon.hanoi.example"))
    assert document.status_code == 200
    assert cap.read(document.text).identifier == identifier
    for other in (restricted, exercise, draft):
        hidden = anonymous.get(f"/public/warnings/{other['alert']['identifier']}.xml")
        assert hidden.status_code == 404
    assert anonymous.get("/public/warnings/kr-seoul-1.xml").status_code == 404


def test_who_may_raise_and_who_may_read(
    anonymous: TestClient, hanoi: Session, sign_in: SignIn, seoul: Partner
) -> None:
    reader = sign_in("district_officer", "001")  # network.read, not network.send
    assert anonymous.get(URL, headers=reader).status_code == 200
    refused = anonymous.post(URL, json={"info": our_info()}, headers=reader)
    assert refused.status_code == 403
    proposals = anonymous.post(f"{URL}/proposals", json={}, headers=reader)
    assert proposals.status_code == 403
    ward = sign_in("ward_worker", "00001")  # no network.read
    assert anonymous.get(URL, headers=ward).status_code == 403
    assert anonymous.get(URL).status_code == 401
    district_epi = sign_in("epidemiologist", "001")  # may send, but not for the whole city
    assert anonymous.post(URL, json={"info": our_info()}, headers=district_epi).status_code == 403
    hanoi.rollback()
    assert hanoi.scalar(select(func.count()).select_from(EarlyWarning)) == 0


def test_a_warning_needs_valid_cap_words(
    client: TestClient, hanoi: Session, seoul: Partner
) -> None:
    restricted = client.post(URL, json={"info": our_info(), "scope": "Restricted"})
    assert restricted.status_code == 422
    assert "restriction" in restricted.text
    bad = our_info(expires=str(dt.datetime.now(dt.UTC)), effective="2030-01-01T00:00:00+07:00")
    assert client.post(URL, json={"info": bad}).status_code == 422
    assert client.post(URL, json={"info": our_info(urgency="Soon")}).status_code == 422
