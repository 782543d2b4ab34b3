"""Issue 19: the inter-city network over real HTTPS, between processes on this machine.

    .venv/bin/python bench/network_live.py --backend sqlite --part inbox [--messages 5000]
    .venv/bin/python bench/network_live.py --backend sqlite --part fan-out [--peers 42]

``inbox``: a real ``cordon serve`` (HTTPS, certificate from a test CA) with 42 partner cities;
``--messages`` envelopes signed beforehand by those partners (RFC 9421, Ed25519: the senders'
work, not the receiver's) are posted to its inbox by ``--clients`` connections at once. Each is
verified, stored once (a situation report also as a report row) and acknowledged (202).
Goal: ≥ 500 messages a second.

``fan-out``: this node's approved situation report sent to 42 partners, each a real HTTPS
listener on its own port of 127.0.0.1 that checks the signature with this node's public key
(one process serves them all), delivered by one outbox worker (what ``cordon worker`` runs).
Timed from the officer's "send" to the last acknowledgement, ``--runs`` reports.
Goal: all 42 delivered within 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing as mp
import os
import socket
import ssl
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import trustme

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from common import RESULTS, fresh_database, machine, use_database  # noqa: E402

SECRET = "installation key of the benchmark node"
HERE = "vn-hanoi"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tls(home: Path) -> tuple[Path, Path, Path]:
    """A test CA's certificate, and a server certificate and key for 127.0.0.1."""
    home.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1")
    files = home / "ca.pem", home / "cert.pem", home / "key.pem"
    files[0].write_bytes(ca.cert_pem.bytes())
    files[1].write_bytes(b"".join(p.bytes() for p in issued.cert_chain_pems))
    files[2].write_bytes(issued.private_key_pem.bytes())
    return files


def _card(node_id: str, base_url: str, signing: Any) -> Any:
    import nacl.public
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from cordon.network.cards import PeerCard

    return PeerCard.of_keys(
        node_id=node_id,
        name=f"City {node_id}",
        base_url=base_url,
        population=5_000_000,
        signing=signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        sealing=bytes(nacl.public.PrivateKey.generate().public_key),
        since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def _report(number: int, on: dt.date) -> dict[str, Any]:
    from cordon.network.sitrep_schemas import SitRep

    figures = {
        "confirmed": 1000 + number,
        "community": 600,
        "imported": 300,
        "in_quarantine": 100,
        "unclassified": 0,
        "new_last_7": 70,
        "new_last_14": 130,
        "recovered": 900,
        "deaths": 10,
        "active": 90,
        "isolated_facility": 1200,
        "isolated_home": 5400,
        "days_since_community_case": 3,
        "rt_mean": 1.1,
        "rt_lower": 0.9,
        "rt_upper": 1.3,
        "clusters_active": 4,
        "beds_capacity": 8000,
        "beds_free": 2100,
    }
    report = SitRep.model_validate(
        {
            "number": number,
            "report_version": "update",
            "as_of": on,
            "period_from": on - dt.timedelta(days=1),
            "period_to": on,
            "prepared_by": "Duty officer",
            "population": 5_000_000,
            "summary": "Community transmission in two districts; schools closed.",
            "figures": figures,
        }
    )
    return report.model_dump(mode="json")


# --- inbox -----------------------------------------------------------------------------


def _signed(partners: list[tuple[str, Any]], count: int, kind: str, url: str) -> list[Any]:
    """``count`` envelopes to this node, round robin over the partners, each signed now."""
    from cordon.core.dates import today
    from cordon.network.enums import Kind
    from cordon.network.envelope import addressed
    from cordon.network.signing import signed_headers

    on = today()
    out = []
    for n in range(count):
        node_id, key = partners[n % len(partners)]
        payload = _report(n + 1, on) if kind == "sitrep" else {}
        envelope = addressed(
            sender=node_id,
            recipient=HERE,
            kind=Kind(kind),
            payload=payload,
            sent_at=dt.datetime.now(dt.UTC),
        )
        body = envelope.body().encode()
        headers = signed_headers(
            url, body, key_id=f"{node_id}#sig-1", key=key, nonce=envelope.distribution_id
        )
        out.append((body, headers))
    return out


async def _post_all(
    url: str, ca: Path, signed: list[Any], clients: int
) -> tuple[float, dict[int, int]]:
    """Post every envelope over ``clients`` kept-alive HTTPS connections at once; the time
    and the count of each answer's status. The requests are written as bytes and the answers
    read by their Content-Length, as a load generator does (httpx alone took 2.5 ms of CPU a
    request, more than the server, on the same two cores)."""
    address = httpx.URL(url)
    context = ssl.create_default_context(cafile=str(ca))
    answers: dict[int, int] = {}
    queue = iter(signed)

    def request(body: bytes, headers: dict[str, str]) -> bytes:
        lines = [f"POST {address.raw_path.decode()} HTTP/1.1", f"Host: {address.netloc.decode()}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def one_client() -> None:
        reader, writer = await asyncio.open_connection(
            address.host, address.port, ssl=context, server_hostname=address.host
        )
        for body, headers in queue:
            writer.write(request(body, headers))
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            answers[status] = answers.get(status, 0) + 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    return time.perf_counter() - started, answers


def inbox(args: argparse.Namespace) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    home = RESULTS / "network-inbox"
    ca, cert, key = _tls(home)
    database = fresh_database(args.backend, "network-inbox")
    os.environ["CORDON_SECRET_KEY"] = SECRET
    use_database(database)
    from sqlalchemy import func, select

    from cordon.core.db import get_engine, session_scope
    from cordon.core.migrate import upgrade
    from cordon.network import service
    from cordon.network.models import NetworkMessage, SituationReport
    from cordon.network.signing import INBOX

    port = _port()
    base = f"https://127.0.0.1:{port}"
    upgrade(get_engine())
    partners = []
    with session_scope() as session:
        service.init_node(session, node_id=HERE, name="Hà Nội", base_url=base, population=8_246_600)
        for n in range(args.peers):
            node_id, signing = f"city-{n:02d}", Ed25519PrivateKey.generate()
            service.add_peer(
                session,
                _card(node_id, f"https://{node_id}.example", signing),
                service.Permissions(),
            )
            partners.append((node_id, signing))
        session.commit()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORDON_")} | {
        "CORDON_DATABASE_URL": database,
        "CORDON_SECRET_KEY": SECRET,
        "CORDON_TLS_CERTFILE": str(cert),
        "CORDON_TLS_KEYFILE": str(key),
    }
    command = [sys.executable, "-m", "cordon", "serve", "--port", str(port)]
    if args.workers > 1:
        command += ["--workers", str(args.workers)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        with httpx.Client(verify=ssl.create_default_context(cafile=str(ca))) as client:
            for _ in range(300):
                try:
                    if client.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
        url = base + INBOX
        warm = _signed(partners, 200, "ping", url)
        asyncio.run(_post_all(url, ca, warm, args.clients))
        started = time.perf_counter()
        signed = _signed(partners, args.messages, args.kind, url)
        signing_s = time.perf_counter() - started
        elapsed, answers = asyncio.run(_post_all(url, ca, signed, args.clients))
    finally:
        server.terminate()
        server.wait(timeout=30)
    with session_scope() as session:
        stored = session.scalar(select(func.count()).select_from(NetworkMessage))
        reports = session.scalar(select(func.count()).select_from(SituationReport))
    print(
        json.dumps(
            {
                "measure": "inbox",
                "backend": args.backend,
                "kind": args.kind,
                "messages": args.messages,
                "clients": args.clients,
                "server_workers": args.workers,
                "answers": answers,
                "stored_with_warm_up": stored,
                "report_rows": reports,
                "signing_s": round(signing_s, 1),
                "seconds": round(elapsed, 2),
                "messages_per_s": round(args.messages / elapsed),
                "machine": machine(),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
    )
    assert answers == {202: args.messages}, answers


# --- fan-out ---------------------------------------------------------------------------


def _partners(
    ports: list[int], cert: Path, key: Path, public: bytes, ready: Any, counts: Any
) -> None:
    """Every partner's inbox, one HTTPS listener a port, in this process: each checks the
    signature with the sending node's public key and acknowledges like a node (202)."""
    import uvicorn
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from cordon.network import signing

    verifying = Ed25519PublicKey.from_public_bytes(public)

    async def inbox(request: Request) -> JSONResponse:
        body = await request.body()
        try:
            signing.verify(
                str(request.url),
                dict(request.headers),
                body,
                public=lambda _: verifying,
                window=dt.timedelta(minutes=5),
            )
        except signing.BadSignature as bad:
            return JSONResponse({"detail": str(bad)}, status_code=401)
        with counts.get_lock():
            counts.value += 1
        return JSONResponse({"state": "received"}, status_code=202)

    app = Starlette(routes=[Route(signing.INBOX, inbox, methods=["POST"])])
    sockets = []
    for port in ports:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sockets.append(sock)
    config = uvicorn.Config(
        app, ssl_certfile=str(cert), ssl_keyfile=str(key), log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    ready.set()
    server.run(sockets=sockets)


def fan_out(args: argparse.Namespace) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    home = RESULTS / "network-fan-out"
    ca, cert, key = _tls(home)
    os.environ |= {
        "CORDON_SECRET_KEY": SECRET,
        "CORDON_NETWORK_CA_FILE": str(ca),
    }
    use_database(fresh_database(args.backend, "network-fan-out"))
    from sqlalchemy import func, select

    from cordon.core.db import get_engine, session_scope
    from cordon.core.migrate import upgrade
    from cordon.network import keys, service, sitreps
    from cordon.network.enums import KeyUse
    from cordon.outbox.enums import MessageStatus
    from cordon.outbox.models import OutboxMessage
    from cordon.outbox.worker import Worker

    upgrade(get_engine())
    ports = [_port() for _ in range(args.peers)]
    with session_scope() as session:
        service.init_node(
            session,
            node_id=HERE,
            name="Hà Nội",
            base_url="https://127.0.0.1:1",
            population=8_246_600,
        )
        for n, port in enumerate(ports):
            node_id = f"city-{n:02d}"
            card = _card(node_id, f"https://127.0.0.1:{port}", Ed25519PrivateKey.generate())
            service.add_peer(session, card, service.Permissions())
        public = (
            keys.signing_key(keys.current(session, KeyUse.signing))
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        session.commit()
    ready, counts = mp.Event(), mp.Value("i", 0)
    listener = mp.Process(target=_partners, args=(ports, cert, key, public, ready, counts))
    listener.start()
    ready.wait(30)
    time.sleep(1.0)  # the listeners bind as the server starts
    timings = []
    try:
        for _ in range(args.runs):
            with session_scope() as session:
                row = sitreps.draft(session, by_user_id=None, by="Duty officer")
                sitreps.approve(session, row.id, version=row.version, by_user_id=None, by="Chief")
                session.commit()
                report_id, version = row.id, row.version
            before = counts.value
            started = time.perf_counter()
            with session_scope() as session:
                sent = sitreps.send(session, report_id, version=version, by_user_id=None)
                session.commit()
            tally = Worker(get_engine()).run(once=True)
            elapsed = time.perf_counter() - started
            timings.append(elapsed)
            assert len(sent) == args.peers, len(sent)
            assert tally.sent == args.peers, tally
            assert counts.value - before == args.peers, counts.value - before
    finally:
        listener.terminate()
        listener.join(10)
    with session_scope() as session:
        delivered = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.sent)
        )
    print(
        json.dumps(
            {
                "measure": "fan-out of a situation report",
                "backend": args.backend,
                "peers": args.peers,
                "runs": args.runs,
                "delivered": delivered,
                "seconds": [round(t, 2) for t in timings],
                "median_s": round(statistics.median(timings), 2),
                "max_s": round(max(timings), 2),
                "machine": machine(),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--part", choices=["inbox", "fan-out"], default="inbox")
    parser.add_argument("--peers", type=int, default=42)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--kind", choices=["sitrep", "ping"], default="sitrep")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="server processes (inbox)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    {"inbox": inbox, "fan-out": fan_out}[args.part](args)


if __name__ == "__main__":
    main()
