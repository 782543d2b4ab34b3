"""Issue 19: the inter-city network.

    .venv/bin/python bench/network.py --backend sqlite --part side-by-side [--peers 42 --days 365]

``side-by-side``: 42 partner cities (the Seoul summit's size) with a situation report for
each of 365 days (15,330 reports, as the inbox stores them), then the side-by-side view of
all of them over the year read ``--runs`` times: the query, the per-100,000 figures and the
JSON the API answers (``comparison.side_by_side`` → ``SideBySideOut`` → JSON, in process: the
route's work without HTTP). Goal: p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from common import fresh_database, machine, use_database  # noqa: E402


def _load(peers: int, days: int, seed: int) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from cordon.core.dates import today
    from cordon.core.db import get_engine, session_scope
    from cordon.core.migrate import upgrade
    from cordon.network import service, sitreps
    from cordon.network.cards import PeerCard
    from cordon.network.enums import ReportStatus
    from cordon.network.models import SituationReport
    from cordon.network.sitrep_schemas import SitRep

    upgrade(get_engine())
    rng = random.Random(seed)
    end = today()
    with session_scope() as session:
        service.init_node(
            session,
            node_id="vn-hanoi",
            name="Hà Nội",
            base_url="https://h.example",
            population=8_246_600,
        )
        since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for n in range(peers):
            node_id = f"city-{n:02d}"
            public = (
                Ed25519PrivateKey.generate()
                .public_key()
                .public_bytes(Encoding.Raw, PublicFormat.Raw)
            )
            card = PeerCard.of_keys(
                node_id=node_id,
                name=f"City {n:02d}",
                base_url=f"https://{node_id}.example",
                population=rng.randint(500_000, 20_000_000),
                signing=public,
                sealing=public,
                since=since,
            )
            peer = service.add_peer(session, card, service.Permissions())
            for d in range(days):
                on = end - dt.timedelta(days=days - 1 - d)
                report = SitRep.model_validate(
                    {
                        "number": d + 1,
                        "report_version": "update",
                        "as_of": on,
                        "period_from": on,
                        "period_to": on,
                        "prepared_by": card.name,
                        "population": card.population,
                        "figures": {
                            "confirmed": 1000 + d,
                            "community": 600,
                            "imported": 300,
                            "in_quarantine": 100 + d,
                            "unclassified": 0,
                            "new_last_7": rng.randint(0, 900),
                            "new_last_14": rng.randint(0, 1800),
                            "recovered": 900,
                            "deaths": 10,
                            "active": 90 + d,
                            "isolated_facility": rng.randint(0, 3000),
                            "isolated_home": rng.randint(0, 9000),
                            "days_since_community_case": rng.randint(0, 60),
                            "rt_mean": round(rng.uniform(0.5, 2.0), 2),
                            "clusters_active": rng.randint(0, 20),
                            "beds_free": rng.randint(0, 5000),
                        },
                    }
                )
                row = SituationReport(peer_id=peer.id, status=ReportStatus.received)
                sitreps.fill_row(row, report)
                session.add(row)
            session.flush()
        session.commit()
    return peers * days


def side_by_side(args: argparse.Namespace) -> None:
    use_database(fresh_database(args.backend, "network-side-by-side"))
    started = time.perf_counter()
    reports = _load(args.peers, args.days, args.seed)
    loaded = time.perf_counter() - started

    from cordon.core.dates import today
    from cordon.core.db import session_scope
    from cordon.network import comparison
    from cordon.network.sitrep_schemas import SideBySideOut

    until = today()
    since = until - dt.timedelta(days=args.days - 1)
    samples, size = [], 0
    for _ in range(args.runs):
        start = time.perf_counter()
        with session_scope() as session:
            view = comparison.side_by_side(session, since=since, until=until)
            answer = SideBySideOut.model_validate(view).model_dump_json()
        samples.append((time.perf_counter() - start) * 1000)
        size = len(answer)
    ordered = sorted(samples)
    print(
        json.dumps(
            {
                "measure": "side-by-side view",
                "backend": args.backend,
                "cities": args.peers,
                "days": args.days,
                "reports": reports,
                "load_s": round(loaded, 1),
                "runs": args.runs,
                "p50_ms": round(statistics.median(ordered), 1),
                "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
                "answer_bytes": size,
                "machine": machine(),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--part", choices=["side-by-side"], default="side-by-side")
    parser.add_argument("--peers", type=int, default=42)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    side_by_side(args)


if __name__ == "__main__":
    main()
