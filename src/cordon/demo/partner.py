"""``cordon demo partner``: a second Cordon on this machine, Đà Nẵng, to try the network
live beside the demo city (``make run`` in another terminal).

It has its own database and installation key (kept in ``var/demo-partner/`` so that it keeps
its keys from one try to the next), its own web server and worker; the two cities exchange
cards, Đà Nẵng sends its first situation report, Hà Nội pings it, and both workers deliver.
Everything goes through the real ``cordon`` command, as two cities' operators would do it."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.config import PROJECT_ROOT, get_settings
from cordon.core.errors import Conflict
from cordon.network import service
from cordon.network.cards import PeerCard
from cordon.network.models import Peer

NODE_ID, NAME, POPULATION = "vn-danang", "Đà Nẵng", 1_230_000
HOME = PROJECT_ROOT / "var" / "demo-partner"


@dataclass(frozen=True)
class Partner:
    home: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        key_file = self.home / "installation-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(32))
            key_file.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CORDON_")}
        return env | {
            "CORDON_DATABASE_URL": f"sqlite:///{self.home / 'cordon.db'}",
            "CORDON_SECRET_KEY": key_file.read_text().strip(),
            "CORDON_PORT": str(self.port),
            "CORDON_OUTBOX_BACKOFF_SECONDS": "2",
            "CORDON_OUTBOX_BACKOFF_MAX_SECONDS": "30",
        }

    def cordon(self, *args: str) -> str:
        """``cordon *args`` as Đà Nẵng's operator; its output (an error stops the demo)."""
        done = subprocess.run(
            [sys.executable, "-m", "cordon", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise Conflict(f"cordon {args[0]} {args[1] if len(args) > 1 else ''} for {NODE_ID}: "
                           f"{(done.stderr or done.stdout).strip()[:300]}")  # fmt: skip
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "cordon", *args], env=self.env())


def set_up(session: Session, partner: Partner) -> PeerCard:
    """Đà Nẵng made (once) and the two cities each other's peers; Đà Nẵng's card."""
    here = service.node(session)  # the demo city must be on the network first
    partner.home.mkdir(parents=True, exist_ok=True)
    card_file = partner.home / "card.json"
    if not card_file.exists():
        partner.cordon("db", "upgrade")
        partner.cordon(
            "network", "init", "--id", NODE_ID, "--name", NAME, "--url", partner.url,
            "--population", str(POPULATION), "--contact", "Sở Y tế Đà Nẵng",
        )  # fmt: skip
        partner.cordon("network", "card", "--out", str(card_file))
    card = PeerCard.model_validate_json(card_file.read_bytes())
    known = session.scalar(select(Peer).where(Peer.node_id == NODE_ID))
    if known is None:
        service.add_peer(session, card, service.Permissions())
    else:
        service.refresh_card(session, known.id, card, version=known.version)
    theirs = json.loads(partner.cordon("network", "peers", "--json"))
    ours = partner.home / f"{here.node_id}.json"
    ours.write_text(service.card(session).model_dump_json(indent=2))
    if here.node_id in {p["node_id"] for p in theirs}:
        # the demo city may have been made anew (new keys) since Đà Nẵng last ran
        partner.cordon("network", "refresh", here.node_id, str(ours))
    else:
        partner.cordon("network", "add", str(ours))
    return card


def first_report(partner: Partner) -> None:
    """Đà Nẵng drafts, approves and sends today's report (its worker delivers it)."""
    out = partner.cordon("network", "sitreps", "list", "--ours", "--json")
    if json.loads(out)["total"]:
        return
    partner.cordon("network", "sitreps", "draft", "--by", "Trực ban CDC Đà Nẵng")
    (report,) = json.loads(partner.cordon("network", "sitreps", "list", "--json"))["items"]
    partner.cordon("network", "sitreps", "approve", str(report["id"]), "--by", "Giám đốc Sở Y tế")
    partner.cordon("network", "sitreps", "send", str(report["id"]))


def run(partner: Partner, seconds: float | None) -> None:
    """Đà Nẵng's server and worker, and a worker for this city, until Ctrl-C (or
    ``seconds``)."""
    processes = [partner.start("serve", "--port", str(partner.port))]
    try:
        _wait_until_up(partner.url)
        processes += [
            partner.start("worker"),
            subprocess.Popen([sys.executable, "-m", "cordon", "worker"], env=os.environ.copy()),
        ]
        deadline = None if seconds is None else time.monotonic() + seconds
        while deadline is None or time.monotonic() < deadline:
            if any(p.poll() is not None for p in processes):
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _wait_until_up(url: str) -> None:
    with httpx.Client() as client:
        for _ in range(600):
            try:
                if client.get(f"{url}/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
    raise Conflict(f"{NAME} did not start at {url}.")


def partner_port() -> int:
    return get_settings().port + 1
