"""The demo city on the network: two partner cities whose signed reports of four weeks are in
its inbox, its own reports sent, today's waiting as a draft; and ``cordon demo partner``, a
live second node on this machine that exchanges cards, a ping and a report with it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.demo import partner as demo_partner
from cordon.demo.network import DAYS, OURS, PARTNERS, load_demo_network
from cordon.network.models import NetworkMessage, SituationReport


def test_the_demo_city_has_partners_and_their_reports(client: TestClient, hanoi: Session) -> None:
    result = load_demo_network(hanoi)
    hanoi.commit()
    assert (result.partners, result.received) == (len(PARTNERS), len(PARTNERS) * DAYS + 2)
    assert result.sent == OURS * len(PARTNERS)
    messages = client.get("/api/v1/network/messages", params={"limit": 200}).json()
    received = [m for m in messages["items"] if m["direction"] == "received"]
    assert len(received) == len(PARTNERS) * DAYS + 2  # the reports, a warning, an offer
    assert {m["peer"] for m in received} == {p.node_id for p in PARTNERS}
    stored = hanoi.scalars(select(NetworkMessage).where(NetworkMessage.signature.is_not(None)))
    assert len(stored.all()) == len(PARTNERS) * DAYS + 2  # each kept with its signature
    (warning,) = client.get("/api/v1/network/warnings", params={"in_force": "true"}).json()["items"]
    assert (warning["peer"], warning["alert"]["info"]["severity"]) == ("kr-seoul", "Severe")
    board = client.get("/api/v1/network/resources").json()
    assert [(x["peer"], x["kind"], x["state"]) for x in board["items"]] == [
        ("vn-hcmc", "offer", "open")
    ]
    view = client.get("/api/v1/network/sitreps/side-by-side", params={"days": 28}).json()
    cities = {c["node_id"]: c for c in view["cities"]}
    assert set(cities) == {"vn-hanoi", "vn-hcmc", "kr-seoul"}
    assert all(c["latest"] is not None for c in cities.values())
    drafts = client.get("/api/v1/network/sitreps", params={"ours": "true"}).json()["items"]
    assert drafts[0]["status"] == "draft"  # today's, for an officer to approve and send
    assert load_demo_network(hanoi).skipped
    count = select(func.count()).select_from(SituationReport)
    assert hanoi.scalar(count) == len(PARTNERS) * DAYS + OURS + 1


COMMAND = (sys.executable, "-m", "cordon", "demo", "partner")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_live_partner_exchanges_with_the_demo_city(hanoi: Session, tmp_path: Path) -> None:
    load_demo_network(hanoi)
    hanoi.commit()
    home, port = tmp_path / "partner", _free_port()
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    done = subprocess.run(
        [*COMMAND, "--home", str(home), "--port", str(port), "--seconds", "8"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "vn-danang" in done.stdout
    live = demo_partner.Partner(home=home, port=port)
    theirs = json.loads(live.cordon("network", "messages", "--json"))["items"]
    assert {(m["direction"], m["kind"], m["peer"]) for m in theirs} >= {
        ("received", "ping", "vn-hanoi"),  # Hà Nội's worker delivered it to the live partner
        ("sent", "sitrep", "vn-hanoi"),  # its first report, delivered when Hà Nội serves
    }
    peers = json.loads(live.cordon("network", "peers", "--json"))
    assert [p["node_id"] for p in peers] == ["vn-hanoi"]
    demo_partner.set_up(hanoi, live)  # again, as a second try of the demo does
    again = json.loads(live.cordon("network", "peers", "--json"))
    assert [p["node_id"] for p in again] == ["vn-hanoi"]  # Hà Nội's card refreshed, not doubled
    hanoi.expire_all()
    ours = hanoi.scalars(select(NetworkMessage.kind).where(NetworkMessage.peer_id.is_not(None)))
    assert "ping" in set(ours)
