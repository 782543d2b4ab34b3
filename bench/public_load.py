"""Benchmark of the public dashboard and open data under load (issue 6): 200 concurrent
clients against a real server at 1,000,000 people and 100,000 cases; and how long the
public counts take to follow a new case.

    apt-get install wrk      # the load generator (Debian package)
    .venv/bin/python bench/public_load.py --backend sqlite
    .venv/bin/python bench/public_load.py --backend postgresql

The city is built once per database (bench/results/city-1000000-100000.db, or the schema
bench_city_1000000_100000) and its public counts recounted once. The server is uvicorn with
``--workers`` processes; wrk (``--threads`` threads, ``--clients`` connections) asks each
address for ``--seconds`` seconds after a warm-up, on this same 2-core machine, once as a
browser asks (``Accept-Encoding: gzip``) and once as a client that takes the bytes as they
are (``identity``). Prints JSON lines; goals: p95 < 100 ms with no errors; the counts
follow a new case in < 1 s (the counts' recount in the case's transaction, and the first
rendering after it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

ADDRESSES = (
    "/public",
    "/public/data/city-daily.json",
    "/public/data/district-daily.csv",
    "/public/data/ward-daily.csv",
)
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %.1f %.1f %.1f\\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / summary.duration * 1e6))
end
"""


def recount_if_empty(url: str) -> float:
    """A database built before the public counts existed: counted once (seconds)."""
    common.use_database(url)
    from cordon.core.db import session_scope
    from cordon.public import counts
    from cordon.public.models import DailyCount

    with session_scope() as session:
        if session.scalar(select(func.count()).select_from(DailyCount)):
            return 0.0
        started = time.perf_counter()
        counts.recount(session)
        return time.perf_counter() - started


def follow_a_new_case(url: str, samples: int) -> dict[str, float]:
    """A new confirmed case through the cases service (tiers, isolation and public counts
    follow in its transaction, rolled back after): the public recount of its ward alone,
    and the whole change."""
    common.use_database(url)
    from cordon.cases import service as cases
    from cordon.cases.enums import CaseStatus
    from cordon.core.db import session_scope
    from cordon.people.models import Person
    from cordon.public import counts

    whole, ward_only = [], []
    with session_scope() as session:
        people = session.scalars(
            select(Person.id).where(Person.ward_id.is_not(None)).limit(samples)
        ).all()
        for person in people:
            started = time.perf_counter()
            case = cases.create_case(
                session,
                person_id=person,
                status=CaseStatus.confirmed,
                created_by="bench",
                confirmed_on=dt.date.today(),
            )
            whole.append(time.perf_counter() - started)
            started = time.perf_counter()
            counts.recount(session, counts.wards_of_cases(session, [case.id]))
            ward_only.append(time.perf_counter() - started)
            session.rollback()
    change, recount = common.percentiles(whole), common.percentiles(ward_only)
    return {
        "change_p50_ms": round(change["p50_ms"], 1),
        "change_p95_ms": round(change["p95_ms"], 1),
        "recount_p50_ms": round(recount["p50_ms"], 1),
        "recount_p95_ms": round(recount["p95_ms"], 1),
    }


def load(
    base: str, path: str, encoding: str, clients: int, threads: int, seconds: int
) -> dict[str, object]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(REPORT)
    asks = ["-H", f"Accept-Encoding: {encoding}"]
    command = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", *asks, "-s", script.name]
    subprocess.run([*command[:3], "-d3s", *asks, base + path], capture_output=True, check=True)
    out = subprocess.run([*command, base + path], capture_output=True, text=True, check=True)
    found = re.search(r"RESULT (.*)", out.stdout)
    assert found, out.stdout
    n, errors, bad_status, _, p50, p95, p99, top, rate = found.group(1).split()
    return {
        "path": path,
        "encoding": encoding,
        "requests": int(n),
        "errors": int(errors) + int(bad_status),
        "per_second": round(float(rate)),
        "p50_ms": round(float(p50) / 1000, 1),
        "p95_ms": round(float(p95) / 1000, 1),
        "p99_ms": float(p99),
        "max_ms": float(top),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    url = common.database_url(args.backend, args.people, args.cases)
    built = common.ensure_city(url, args.people, 2020, args.cases)
    counted = recount_if_empty(url)
    head = {"backend": args.backend, "people": args.people, "cases": args.cases}
    print(json.dumps({**head, "built_s": round(built, 1), "recount_city_s": round(counted, 2)}))
    print(json.dumps({**head, **follow_a_new_case(url, args.samples)}))
    with common.serve(url, workers=args.workers) as client:
        base = str(client.base_url).rstrip("/")
        for path in ADDRESSES:
            started = time.perf_counter()
            client.get(path)  # rendered once: what the first visitor after a change waits
            first = (time.perf_counter() - started) * 1000
            print(json.dumps({**head, "path": path, "first_render_ms": round(first)}))
            for encoding in ("gzip", "identity"):
                sent = client.get(path, headers={"Accept-Encoding": encoding})
                result = load(base, path, encoding, args.clients, args.threads, args.seconds)
                wire = {"bytes": sent.num_bytes_downloaded}
                print(json.dumps({**head, "clients": args.clients, **result, **wire}), flush=True)
    print(json.dumps({"machine": common.machine(), "revision": common.git_revision()}))


if __name__ == "__main__":
    main()
