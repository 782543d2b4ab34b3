"""Real Cordon nodes for the network's tests: each a separate ``cordon serve`` process with
its own database (SQLite files, or a schema of the PostgreSQL test server) and its own
installation key, serving HTTPS with a certificate from a test CA (``trustme``) that every
node trusts. Their operators act through the real ``cordon`` command."""

from __future__ import annotations

import csv
import json
import os
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import trustme

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Node:
    node_id: str
    name: str
    home: Path
    database_url: str
    ca: Path
    cert: Path
    key: Path
    population: int
    city_code: str = "01"
    port: int = field(default_factory=free_port)
    server: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CORDON_")}
        env.update(
            {
                "CORDON_DATABASE_URL": self.database_url,
                "CORDON_SECRET_KEY": f"installation key of {self.node_id} for tests only",
                "CORDON_TLS_CERTFILE": str(self.cert),
                "CORDON_TLS_KEYFILE": str(self.key),
                "CORDON_NETWORK_CA_FILE": str(self.ca),
                "CORDON_CITY_CODE": self.city_code,
                "CORDON_OUTBOX_BACKOFF_SECONDS": "0.2",
                "CORDON_OUTBOX_BACKOFF_MAX_SECONDS": "0.4",
                "PYTHONPATH": str(ROOT / "src"),
                "COLUMNS": "160",  # what the operator reads, unwrapped
            }
        )
        return env

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cordon", *args],
            cwd=self.home,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def cordon(self, *args: str) -> str:
        """Run ``cordon *args`` as this node's operator; its output (fails the test on error)."""
        done = self._run(*args)
        assert done.returncode == 0, f"cordon {' '.join(args)}: {done.stderr or done.stdout}"
        return done.stdout

    def refused(self, *args: str) -> str:
        """Run ``cordon *args``, which must fail as a user's error (exit code 1); its message."""
        done = self._run(*args)
        assert done.returncode == 1, f"cordon {' '.join(args)}: {done.stderr or done.stdout}"
        return done.stderr

    def json(self, *args: str) -> Any:
        return json.loads(self.cordon(*args, "--json"))

    def start(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "-m", "cordon", "serve", "--port", str(self.port)],
            cwd=self.home,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with httpx.Client(verify=ssl.create_default_context(cafile=str(self.ca))) as client:
            for _ in range(300):
                try:
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return
                except httpx.HTTPError:
                    time.sleep(0.1)
        raise AssertionError(f"{self.node_id} did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def deliver(self) -> None:
        """This node's worker delivers what is due (``cordon worker --once``)."""
        self.cordon("worker", "--once")

    def messages(self) -> list[dict[str, Any]]:
        """Every message of this node, oldest first."""
        items: list[dict[str, Any]] = self.json("network", "messages", "--limit", "500")["items"]
        return sorted(items, key=lambda m: m["id"])


def way(messages: list[dict[str, Any]], direction: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["direction"] == direction]


def make_nodes(home: Path, wanted: list[tuple[str, str, str, int]]) -> list[Node]:
    """Nodes (id, name, database URL, population) with certificates for 127.0.0.1 from one
    test CA."""
    ca = trustme.CA()
    ca_file = home / "ca.pem"
    ca_file.write_bytes(ca.cert_pem.bytes())
    nodes = []
    for node_id, name, url, population in wanted:
        folder = home / node_id
        folder.mkdir()
        issued = ca.issue_cert("127.0.0.1")
        cert, key = folder / "cert.pem", folder / "key.pem"
        cert.write_bytes(b"".join(p.bytes() for p in issued.cert_chain_pems))
        key.write_bytes(issued.private_key_pem.bytes())
        nodes.append(Node(node_id, name, folder, url, ca_file, cert, key, population))
    return nodes


def set_up(nodes: list[Node]) -> None:
    """Each node migrated, given its identity, and every other node added from its card."""
    for node in nodes:
        node.cordon("db", "upgrade")
        node.cordon(
            "network", "init", "--id", node.node_id, "--name", node.name, "--url", node.url,
            "--population", str(node.population),
        )  # fmt: skip
        node.cordon("network", "card", "--out", str(node.home / "card.json"))
    for node in nodes:
        cards = [str(other.home / "card.json") for other in nodes if other is not node]
        node.cordon("network", "add", *cards)


def csv_file(path: Path, rows: list[dict[str, object]]) -> str:
    """``rows`` written as a CSV line list (the columns of the first row); its path."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


# Hồ Chí Minh City's units as ``cordon geography load`` reads them: District 1 and three of
# its wards (GSO codes; the district's 2019 census population).
HCMC_CITY: dict[str, list[dict[str, object]]] = {
    "city.csv": [{"code": "79", "name_vi": "Thành phố Hồ Chí Minh", "name_ascii":
                  "Thanh pho Ho Chi Minh", "kind": "thành phố"}],
    "districts.csv": [{"code": "760", "name_vi": "Quận 1", "name_ascii": "Quan 1", "kind": "quận",
                       "population_2019": 142625, "area_km2": 7.72, "source": "GSO 2019"}],
    "wards.csv": [
        {"ward_code": code, "ward_name_vi": vi, "ward_name_ascii": ascii_name,
         "ward_kind": "phường", "district_code": "760", "district_name_vi": "Quận 1",
         "source": "GSO"}
        for code, vi, ascii_name in [
            ("26734", "Tân Định", "Tan Dinh"),
            ("26737", "Đa Kao", "Da Kao"),
            ("26740", "Bến Nghé", "Ben Nghe"),
        ]
    ],
}  # fmt: skip


def hcmc_city(folder: Path) -> str:
    """A folder with Hồ Chí Minh City's units (``HCMC_CITY``); its path."""
    folder.mkdir(exist_ok=True)
    for name, rows in HCMC_CITY.items():
        csv_file(folder / name, rows)
    return str(folder)
