"""Benchmark of isolation proposals (issue 5): orders for 50,000 new F1s at once.

    .venv/bin/python bench/isolation_orders.py --backend sqlite
    .venv/bin/python bench/isolation_orders.py --backend postgresql

A fresh database each run (bench/results/isolation-<n>.db, or the schema bench_isolation_<n>):
Hanoi's wards, 1,000 confirmed F0s (confirmed three days ago) with 50 close household
contacts each — 50,000 people who become F1 — and 200 facilities of 300 beds across the
city. A city regime in force today isolates F1 for 21 days in a facility, then 7 days of
monitoring, tested on days 1, 14 and 20 (the May 2021 rules). The tiers are computed first
(a whole-city pass, timed apart); then the F1s' orders are proposed in one go, as the
reaction to the pass does: the nearest facility with a free bed, dates from each one's last
exposure, lab tasks for the test days. Goal: < 10 s. Prints JSON lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

REGIME = """
[[regime]]
id = "bench-city"
effective_from = 2000-01-01
title = "The May 2021 rules, in force for this benchmark"
legal_basis = "benchmark"

  [[regime.rule]]
  tier = 1
  stays = [{ place = "facility", days = 21 }, { place = "monitoring", days = 7 }]
  test_days = [1, 14, 20]
"""


def build(session: object, f0s: int, per_f0: int, rng: random.Random) -> None:
    from cordon.cases.bulk import CaseRow, insert_cases
    from cordon.cases.enums import CaseStatus
    from cordon.core.dates import today
    from cordon.exposures.bulk import ExposureRow, insert_exposures
    from cordon.exposures.enums import Closeness, Setting
    from cordon.facilities.enums import FacilityKind, FacilityStatus
    from cordon.facilities.models import Facility
    from cordon.geography.enums import UnitLevel
    from cordon.geography.models import AdminUnit
    from cordon.geography.service import load_city
    from cordon.people.bulk import PersonRow, insert_people

    load_city(session)  # type: ignore[arg-type]
    wards = list(session.scalars(select(AdminUnit.id).where(AdminUnit.level == UnitLevel.ward)))  # type: ignore[attr-defined]
    homes = [rng.choice(wards) for _ in range(f0s)]
    sick = insert_people(session, [PersonRow(f"F0 {i}", ward_id=w) for i, w in enumerate(homes)])  # type: ignore[arg-type]
    near = [homes[i // per_f0] for i in range(f0s * per_f0)]
    contacts = insert_people(  # type: ignore[arg-type]
        session, [PersonRow(f"F1 {i}", ward_id=w) for i, w in enumerate(near)]
    )
    day = today() - dt.timedelta(days=3)
    insert_cases(  # type: ignore[arg-type]
        session,
        [CaseRow(f"B{i}", p, CaseStatus.confirmed, confirmed_on=day) for i, p in enumerate(sick)],
        changed_by="benchmark",
        reason="benchmark",
    )
    met = today() - dt.timedelta(days=2)
    insert_exposures(  # type: ignore[arg-type]
        session,
        [
            ExposureRow(sick[i // per_f0], c, met, met, Setting.household, Closeness.close)
            for i, c in enumerate(contacts)
        ],
    )
    for k in range(200):
        session.add(  # type: ignore[attr-defined]
            Facility(
                code=f"CL-{k:03}",
                name=f"Khu cách ly {k}",
                kind=FacilityKind.military_camp,
                ward_id=rng.choice(wards),
                capacity=300,
                booked=0,
                status=FacilityStatus.open,
            )
        )
    session.commit()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--f0s", type=int, default=1000)
    parser.add_argument("--per-f0", type=int, default=50)
    args = parser.parse_args()
    regime_file = common.RESULTS / "bench-regimes.toml"
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    regime_file.write_text(REGIME, encoding="utf-8")
    os.environ["CORDON_REGIME_FILE"] = str(regime_file)
    url = common.fresh_database(args.backend, f"isolation-{args.f0s * args.per_f0}")
    common.use_database(url)
    from cordon.core import events
    from cordon.core.db import session_scope
    from cordon.core.migrate import upgrade
    from cordon.events import TiersMoved
    from cordon.isolation import proposals as isolation
    from cordon.isolation.models import IsolationOrder, LabTask
    from cordon.reactions import REACTIONS
    from cordon.tracing import service as tracing
    from cordon.tracing.models import PersonTier

    upgrade()
    started = time.perf_counter()
    with session_scope() as session:
        build(session, args.f0s, args.per_f0, random.Random(2021))
    built = time.perf_counter() - started
    without_orders = events.Reactions()
    for kind, handlers in REACTIONS.table().items():
        if kind is not TiersMoved:
            without_orders.on(kind, *handlers)
    events.install(without_orders)
    with session_scope() as session:
        started = time.perf_counter()
        tiers = tracing.recompute_all(session, cause="benchmark")
        session.commit()
        tiers_s = time.perf_counter() - started
    events.install(REACTIONS)
    with session_scope() as session:
        moves = dict(session.execute(select(PersonTier.person_id, PersonTier.tier)).all())
        started = time.perf_counter()
        done = isolation.react(session, moves, cause="benchmark")
        session.commit()
        orders_s = time.perf_counter() - started
        orders = session.scalar(select(func.count()).select_from(IsolationOrder))
        tasks = session.scalar(select(func.count()).select_from(LabTask))
    print(
        json.dumps(
            {
                "backend": args.backend,
                "f0s": args.f0s,
                "new_f1s": args.f0s * args.per_f0,
                "build_s": round(built, 1),
                "tiers_s": round(tiers_s, 2),
                "tiered": tiers.tiered,
                "proposals_s": round(orders_s, 2),
                "proposed": done.proposed,
                "without_bed": done.without_bed,
                "orders": orders,
                "lab_tasks": tasks,
                "machine": common.machine(),
                "revision": common.git_revision(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
