"""Benchmark of *who has not reported today* (issue 5): a district with 100,000 people in
isolation.

    .venv/bin/python bench/not_reported.py --backend sqlite
    .venv/bin/python bench/not_reported.py --backend postgresql

A fresh database each run (bench/results/not-reported.db, or the schema bench_not_reported):
Hanoi's wards; 100,000 people under home isolation orders in force in Đống Đa (district
008, 21 wards) and 100,000 more across the rest of the city; today, two in three of them
have reported. Then ``monitoring.service.not_reported`` is asked ``--samples`` times for the
district (the count and the first page of 50, as `GET /api/v1/monitoring/not-reported`
answers) and for one of its wards. Service time in-process (the query and the rows), no
HTTP. Goal: p95 < 200 ms. Prints JSON lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common


def build(session: Any, per_side: int, rng: random.Random) -> list[int]:
    from cordon.core.bulk import insert_rows
    from cordon.core.dates import today
    from cordon.core.models import utcnow
    from cordon.geography.enums import UnitLevel
    from cordon.geography.models import AdminUnit
    from cordon.geography.service import load_city
    from cordon.isolation.models import IsolationOrder
    from cordon.monitoring.models import SelfReport
    from cordon.people.bulk import PersonRow, insert_people

    load_city(session)
    district = session.scalar(select(AdminUnit.id).where(AdminUnit.code == "008"))
    wards = list(session.scalars(select(AdminUnit.id).where(AdminUnit.level == UnitLevel.ward)))
    inside = [w for w in wards if session.get(AdminUnit, w).parent_id == district]
    outside = [w for w in wards if w not in set(inside)]
    homes = [rng.choice(inside) for _ in range(per_side)] + [
        rng.choice(outside) for _ in range(per_side)
    ]
    people = insert_people(session, [PersonRow(f"P {i}", ward_id=w) for i, w in enumerate(homes)])
    day, now = today(), utcnow()
    placed = now - dt.timedelta(days=3)
    reports = [rng.random() < 2 / 3 for _ in people]  # two in three reported today
    orders = [
        (p, "confirmed", "home", "bench", 1, day - dt.timedelta(days=6), day - dt.timedelta(days=5),
         day + dt.timedelta(days=8), placed, w, day if r else day - dt.timedelta(days=1), 1, now,
         now)
        for p, w, r in zip(people, homes, reports, strict=True)
    ]  # fmt: skip
    columns = (
        "person_id", "status", "place", "regime_id", "tier", "last_exposure_on", "starts_on",
        "ends_on", "decided_at", "ward_id", "last_report_on", "version", "created_at",
        "updated_at",
    )  # fmt: skip
    insert_rows(session, IsolationOrder, columns, orders)
    ids = list(session.scalars(select(IsolationOrder.id).order_by(IsolationOrder.id)))
    reported = [
        (p, o, day, now, 36.6, [], "self", f"bench-{o}", w)
        for o, p, w, r in zip(ids, people, homes, reports, strict=True)
        if r
    ]
    report_columns = (
        "person_id", "order_id", "reported_on", "reported_at", "temperature", "symptoms",
        "reporter", "submission", "ward_id",
    )  # fmt: skip
    insert_rows(session, SelfReport, report_columns, reported)
    session.commit()
    return inside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=100_000, help="in isolation in the district")
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    common.use_database(common.fresh_database(args.backend, "not-reported"))
    import cordon.models  # noqa: F401  (every table known to the ORM)
    from cordon.core.db import get_engine, session_scope
    from cordon.core.migrate import upgrade
    from cordon.core.scope import Scope
    from cordon.monitoring import service

    upgrade()
    started = time.perf_counter()
    with session_scope() as session:
        wards = build(session, args.people, random.Random(2021))
    built = time.perf_counter() - started
    if args.backend == "postgresql":
        with get_engine().connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    else:
        with get_engine().begin() as conn:
            conn.execute(text("ANALYZE"))
    head = {"backend": args.backend, "in_isolation": 2 * args.people, "build_s": round(built, 1)}
    head |= {"machine": common.machine(), "revision": common.git_revision()}
    print(json.dumps(head), flush=True)
    for label, scope in (
        ("district (21 wards, 100,000 in isolation)", Scope(wards=frozenset(wards))),
        ("ward", Scope(wards=frozenset(wards[:1]))),
    ):
        times = []
        with session_scope() as session:
            for k in range(args.samples + 3):
                t = time.perf_counter()
                _rows, total = service.not_reported(session, scope=scope, limit=50)
                if k >= 3:
                    times.append(time.perf_counter() - t)
        line = {"scope": label, "not_reported": total, **common.percentiles(times)}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
