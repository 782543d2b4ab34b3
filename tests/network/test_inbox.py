"""The inbox as a partner city reaches it: a message signed with the partner's key (RFC 9421,
Ed25519) is stored once and acknowledged; a retry is answered "already received"; every
forgery, replay or stranger is refused with a problem, an audit entry and nothing stored."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.audit.models import AuditEntry
from cordon.network.enums import Kind
from cordon.network.envelope import addressed
from cordon.network.models import NetworkMessage
from cordon.network.signing import INBOX, signed_headers
from networkkit import HERE, Partner

URL = f"/api/v1/network{INBOX.removeprefix('/api/v1/network')}"


def _stored(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(NetworkMessage)) or 0


def _refusals(session: Session) -> list[dict[str, Any]]:
    session.rollback()
    rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "network.refused"))
    return [r.detail for r in rows]


def _post(anonymous: TestClient, body: bytes, headers: dict[str, str]) -> Any:
    return anonymous.post(URL, content=body, headers=headers)


def test_a_signed_ping_is_stored_once_and_acknowledged(
    anonymous: TestClient, session: Session, seoul: Partner
) -> None:
    body, headers = seoul.signed(Kind.ping)
    first = _post(anonymous, body, headers)
    assert first.status_code == 202, first.text
    assert first.json()["state"] == "received"
    distribution = json.loads(body)["distributionID"]
    assert first.json()["distributionID"] == distribution
    again = _post(anonymous, body, seoul.resigned(body))  # the ack was lost: a retry
    assert again.status_code == 200, again.text
    assert again.json()["state"] == "already received"
    assert _stored(session) == 1
    stored = session.scalar(select(NetworkMessage))
    assert stored is not None
    assert stored.body == body.decode()
    assert stored.signature_input
    assert "keyid" in stored.signature_input


def test_the_same_id_with_another_body_is_a_replay(
    anonymous: TestClient, session: Session, seoul: Partner
) -> None:
    body, headers = seoul.signed(Kind.ping)
    assert _post(anonymous, body, headers).status_code == 202
    envelope = json.loads(body)
    envelope["content"]["payload"] = {"changed": True}
    other = json.dumps(envelope).encode()
    answer = _post(anonymous, other, seoul.resigned(other))
    assert answer.status_code == 409
    assert "replay" in answer.json()["detail"]
    assert _stored(session) == 1


def _tampered(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    body, headers = seoul.signed(Kind.ping)
    return body.replace(b'"payload":{}', b'"payload":{"x":1}'), headers


def _stale(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    return seoul.signed(Kind.ping, created=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))


def _stranger(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    return Partner.new("xx-nowhere").signed(Kind.ping, to=seoul.to)


def _unsigned(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    body, _ = seoul.signed(Kind.ping)
    return body, {"Content-Type": "application/json"}


def _another_signer(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    """Signed with the peer's key id but a key that is not the peer's."""
    impostor = Partner.new(seoul.node_id)
    impostor.key_id = seoul.key_id
    return impostor.signed(Kind.ping, to=seoul.to)


def _sender_not_signer(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    envelope = addressed(
        sender="vn-hcmc",
        recipient=seoul.to,
        kind=Kind.ping,
        payload={},
        sent_at=dt.datetime.now(dt.UTC),
    )
    body = envelope.body().encode()
    return body, seoul.resigned(body)


def _elsewhere(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    return seoul.signed(Kind.ping, to="vn-danang")


def _not_allowed(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    return seoul.signed(Kind.share_request)  # not in what Seoul may send


def _oversized(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    return seoul.signed(Kind.ping, payload={"padding": "x" * 600_000})


def _garbled(seoul: Partner) -> tuple[bytes, dict[str, str]]:
    body = b'{"distributionID": "not an envelope"}'
    return body, seoul.resigned(body)


@pytest.mark.parametrize(
    ("forge", "status", "said"),
    [
        (_tampered, 401, "Content-Digest"),
        (_stale, 401, "age"),
        (_stranger, 401, "no active peer"),
        (_unsigned, 401, "not signed"),
        (_another_signer, 401, "does not verify"),
        (_sender_not_signer, 401, "not the node that signed"),
        (_elsewhere, 422, "explicitAddress"),
        (_not_allowed, 403, "may not send share-request"),
        (_oversized, 413, "at most 512 kB"),
        (_garbled, 422, "envelope"),
    ],
)
def test_what_is_refused_is_named_audited_and_not_stored(
    anonymous: TestClient, session: Session, seoul: Partner, forge: Any, status: int, said: str
) -> None:
    body, headers = forge(seoul)
    answer = _post(anonymous, body, headers)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert said in problem["detail"] + json.dumps(problem.get("errors", []))
    assert _stored(session) == 0
    (refusal,) = _refusals(session)
    assert refusal["why"] == problem["detail"][:300]


def test_a_suspended_peer_is_refused_and_accepted_again_when_resumed(
    client: TestClient, anonymous: TestClient, session: Session, seoul: Partner
) -> None:
    peer = client.get(f"/api/v1/network/peers/{seoul.peer_id}").json()
    body = {"status": "suspended", "version": peer["version"]}
    suspended = client.put(f"/api/v1/network/peers/{seoul.peer_id}/status", json=body)
    assert suspended.status_code == 200, suspended.text
    refused = _post(anonymous, *seoul.signed(Kind.ping))
    assert refused.status_code == 401
    body = {"status": "active", "version": suspended.json()["version"]}
    assert client.put(f"/api/v1/network/peers/{seoul.peer_id}/status", json=body).status_code == 200
    assert _post(anonymous, *seoul.signed(Kind.ping)).status_code == 202
    assert _stored(session) == 1


def test_a_received_message_is_listed_with_its_peer(
    client: TestClient, anonymous: TestClient, seoul: Partner
) -> None:
    body, headers = seoul.signed(Kind.ping)
    assert _post(anonymous, body, headers).status_code == 202
    listed = client.get("/api/v1/network/messages", params={"direction": "received"}).json()
    (message,) = listed["items"]
    assert message["peer"] == seoul.node_id
    assert message["kind"] == "ping"
    assert message["delivery"] is None
    assert message["received_at"] is not None
    assert HERE in client.get("/api/v1/network/node").json()["card"]["node_id"]


def test_the_inbox_needs_no_user_but_nothing_else_is_open(anonymous: TestClient) -> None:
    for path in ("/node", "/peers", "/messages"):
        assert anonymous.get(f"/api/v1/network{path}").status_code == 401, path


def test_signed_headers_cover_method_target_type_and_digest() -> None:
    partner = Partner.new("kr-seoul")
    headers = signed_headers(
        "https://cordon.example.org/api/v1/network/inbox",
        b"{}",
        key_id=partner.key_id,
        key=partner.key,
        nonce="abcdefgh-1",
    )
    covered = headers["Signature-Input"]
    for component in ('"@method"', '"@target-uri"', '"content-type"', '"content-digest"'):
        assert component in covered
    assert 'tag="cordon-network"' in covered
    assert 'nonce="abcdefgh-1"' in covered
