"""``cordon network permissions``: an operator changes what a peer may do after adding it —
handovers with their lawful basis, kinds — and what is not given stays as it is."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from clikit import cordon
from cordon.audit.models import AuditEntry
from cordon.network.models import Peer
from networkkit import Partner

BASIS = "Luật Phòng, chống bệnh truyền nhiễm 2007, Điều 47"


def _peer(session: Session, node_id: str) -> Peer:
    session.rollback()
    found = session.scalar(select(Peer).where(Peer.node_id == node_id))
    assert found is not None
    return found


def test_handovers_are_allowed_and_taken_back_from_the_command_line(
    hanoi: Session, seoul: Partner
) -> None:
    before = _peer(hanoi, "kr-seoul")
    kinds = (sorted(before.may_send), sorted(before.may_receive))
    code, out = cordon("network", "permissions", "kr-seoul", "--handovers")
    assert code == 1  # no lawful basis: refused, nothing changed
    assert "lawful_basis" in out
    assert _peer(hanoi, "kr-seoul").handovers is False
    code, out = cordon("network", "permissions", "kr-seoul", "--handovers", "--lawful-basis", BASIS)
    assert code == 0, out
    assert "handovers under" in out
    peer = _peer(hanoi, "kr-seoul")
    assert (peer.handovers, peer.lawful_basis) == (True, BASIS)
    assert (sorted(peer.may_send), sorted(peer.may_receive)) == kinds  # kept
    code, out = cordon("network", "permissions", "kr-seoul", "--may-receive", "ping")
    assert code == 0, out
    peer = _peer(hanoi, "kr-seoul")
    assert peer.may_receive == ["ping"]
    assert (peer.handovers, sorted(peer.may_send)) == (True, kinds[0])
    code, out = cordon("network", "permissions", "kr-seoul", "--no-handovers")
    assert code == 0, out
    assert "no handovers" in out
    assert _peer(hanoi, "kr-seoul").handovers is False
    noted = hanoi.scalars(select(AuditEntry).where(AuditEntry.action == "network.permissions"))
    assert len(list(noted)) == 3


def test_permissions_of_no_peer_are_refused(hanoi: Session, here: str) -> None:
    code, out = cordon("network", "permissions", "xx-nowhere", "--no-handovers")
    assert code == 1
    assert "No peer xx-nowhere" in out
