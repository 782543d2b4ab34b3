"""Benchmark of the foundation (issue 2) on a synthetic city, on SQLite or PostgreSQL.

    .venv/bin/python bench/foundation.py --backend sqlite --people 1000000
    .venv/bin/python bench/foundation.py --backend postgresql --people 1000000

Measures: full tier recomputation (time, peak memory, in a fresh process), the incremental
cascade after one new confirmed case (the whole transaction, and the tier engine's share
alone), and through a real HTTP server (uvicorn, one worker):
`trace` of one person, the paged case list and person search. Prints JSON lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common


def full_recompute(url: str) -> dict[str, float]:
    """In this (fresh) process: one whole-city recomputation, then a second (nothing changes)."""
    common.use_database(url)
    from cordon.core.db import session_scope
    from cordon.tracing import service

    out: dict[str, float] = {}
    for run in ("first", "again"):
        with session_scope() as session:
            r = service.recompute_all(session, cause="benchmark")
        out[f"{run}_s"] = r.seconds
        out[f"{run}_written"] = r.written
    out["labels"] = r.labels
    out["tiered_people"] = r.tiered
    out["peak_rss_mb"] = common.peak_rss_mb()
    return out


def incremental(url: str, samples: int, seed: int, *, tiers_only: bool = False) -> dict[str, float]:
    """A new confirmed case for a random person, cascade included; rolled back each time.
    ``tiers_only``: the tier engine's reaction alone (tiers, labels and history), without
    the isolation orders and public counts that follow in the same transaction."""
    common.use_database(url)
    from cordon.core import events
    from cordon.events import CaseChanged
    from cordon.reactions import REACTIONS
    from cordon.tracing import service as tracing

    if tiers_only:
        events.install(events.Reactions().on(CaseChanged, tracing.on_case_changed))
    try:
        return _new_cases(samples, seed)
    finally:
        events.install(REACTIONS)


def _new_cases(samples: int, seed: int) -> dict[str, float]:
    from cordon.cases import service as cases
    from cordon.cases.enums import CaseStatus
    from cordon.core.db import new_session
    from cordon.people.models import Person
    from cordon.tracing.models import TierLabel

    session = new_session()
    # people with a tier but not F0: the ones whose confirmation moves others (in id order:
    # the same people whatever order the table's rows happen to be stored in)
    candidates = list(
        session.scalars(
            select(TierLabel.person_id)
            .where(TierLabel.level.between(1, 2))
            .order_by(TierLabel.person_id)
            .limit(20000)
        )
    )
    top = session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) or 1
    session.rollback()
    rng = random.Random(seed)
    times: list[float] = []
    confirmed = dt.date(2020, 4, 10)
    for i in range(samples):
        person = rng.choice(candidates) if candidates and i % 2 == 0 else rng.randint(1, top)
        started = time.perf_counter()
        cases.create_case(
            session,
            person_id=person,
            status=CaseStatus.confirmed,
            code=f"BENCH-{i}",
            created_by="benchmark",
            onset_on=confirmed - dt.timedelta(days=3),
            confirmed_on=confirmed,
        )
        session.flush()
        times.append(time.perf_counter() - started)
        session.rollback()
    session.close()
    return {**common.percentiles(times), "samples": samples}


def api(
    url: str, samples: int, seed: int, headers: dict[str, str] | None = None
) -> dict[str, dict[str, float]]:
    common.use_database(url)
    from cordon.core.db import new_session
    from cordon.people.models import Person
    from cordon.tracing.models import TierLabel

    session = new_session()
    tiered = list(session.scalars(select(TierLabel.person_id).limit(50000)))
    names = [n for (n,) in session.execute(select(Person.full_name).limit(5000))]
    session.close()
    rng = random.Random(seed)
    with common.serve(url) as client:
        client.headers.update(headers or bench_user(url))

        def measure(call: object) -> dict[str, float]:
            times = []
            for _ in range(samples):
                started = time.perf_counter()
                response = call()  # type: ignore[operator]
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
            return common.percentiles(times)

        return {
            "trace": measure(lambda: client.get(f"/api/v1/tracing/trace/{rng.choice(tiered)}")),
            "person_tier": measure(
                lambda: client.get(f"/api/v1/tracing/people/{rng.choice(tiered)}")
            ),
            "case_list": measure(
                lambda: client.get(
                    "/api/v1/cases", params={"limit": 50, "offset": rng.randrange(0, 5000)}
                )
            ),
            "case_list_confirmed": measure(
                lambda: client.get("/api/v1/cases", params={"status": "confirmed", "limit": 50})
            ),
            "person_search": measure(
                lambda: client.post(
                    "/api/v1/people/search",
                    json={"q": " ".join(rng.choice(names).split()[-2:])},
                )
            ),
        }


def bench_user(url: str, role: str = "epidemiologist", unit: str = "01") -> dict[str, str]:
    """Headers of a benchmark user of ``role`` at ``unit`` (made once, with a new token)."""
    common.use_database(url)
    from cordon.access import service as access
    from cordon.access.models import User
    from cordon.access.roles import role as role_of
    from cordon.core.db import session_scope

    username = f"bench-{role}-{unit}"
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user, _ = access.create_user(
                session, username=username, display_name=username, role_key=role, unit_code=unit
            )
        scopes = sorted(role_of(role).permissions)
        _, secret = access.create_token(session, user=user, name="bench", scopes=scopes, days=1)
    return {"Authorization": f"Bearer {secret}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--part", choices=["all", "full", "incremental", "api"], default="all")
    args = parser.parse_args()
    url = common.database_url(args.backend, args.people)
    header = {
        "backend": args.backend,
        "people": args.people,
        "machine": common.machine(),
        "revision": common.git_revision(),
    }
    if args.part == "full":  # run in a fresh process by the parent, for an honest peak memory
        print(json.dumps(full_recompute(url)))
        return
    load_s = common.ensure_city(url, args.people, args.seed)
    print(json.dumps({**header, "city_load_s": round(load_s, 1)}), flush=True)
    if args.part in ("all", "full"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend",
                args.backend,
                "--people",
                str(args.people),
                "--part",
                "full",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        print(
            json.dumps({"full_recompute": json.loads(out.stdout.strip().splitlines()[-1])}),
            flush=True,
        )
    if args.part in ("all", "incremental"):
        for name, tiers_only in (("incremental_new_case", False), ("tiers_only", True)):
            figures = incremental(url, min(args.samples, 100), args.seed, tiers_only=tiers_only)
            print(json.dumps({name: figures}), flush=True)
    if args.part in ("all", "api"):
        print(json.dumps({"api": api(url, args.samples, args.seed)}), flush=True)


if __name__ == "__main__":
    main()
