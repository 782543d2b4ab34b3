from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from cordon.network import service
from networkkit import HERE, HERE_URL, Partner


@pytest.fixture
def here(hanoi: Session) -> str:
    """This node, on the network as Hà Nội."""
    service.init_node(hanoi, node_id=HERE, name="Hà Nội", base_url=HERE_URL, population=8_246_600)
    hanoi.commit()
    return HERE


@pytest.fixture
def seoul(hanoi: Session, here: str) -> Partner:
    """Seoul, a peer that may send and receive every aggregate kind."""
    partner = Partner.new("kr-seoul")
    peer = service.add_peer(hanoi, partner.card(), service.Permissions())
    hanoi.commit()
    partner.peer_id = peer.id
    return partner
