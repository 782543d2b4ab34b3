"""Benchmark of access control (issue 3): what jurisdiction scoping and the audit log cost the
foundation's read endpoints at the 1,000,000-person scale.

    git worktree add ../wt-before 17c21d5     # the last commit before access control
    .venv/bin/python bench/access.py --backend sqlite --before ../wt-before/src
    .venv/bin/python bench/access.py --backend postgresql --before ../wt-before/src

Two real HTTP servers (uvicorn, one worker each) run side by side on the same database: the
code *before* access control (no credentials) and this checkout, signed in as a city
epidemiologist (everyone in sight: the audit log is written, scoping is a no-op), a district
officer and a ward worker (scoping by the district's or the ward's list of wards). Each user
has a pool of requests drawn from their own jurisdiction; the same request goes to both
servers one after the other, so the pairs see the same load on a shared machine. Prints
JSON lines: per user and endpoint, p50 / p95 before and after and the p95 ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from foundation import bench_user

Request = tuple[str, str, dict[str, object] | None, dict[str, object] | None]


@dataclass
class Pool:
    """What one user asks about: people, names and case-list pages of their jurisdiction."""

    role: str
    unit: str
    tiered: list[int]
    people: list[int]
    names: list[str]
    cases: int


def pools(url: str) -> list[Pool]:
    """The city; the district and ward with the most tiered people."""
    common.use_database(url)
    from cordon.cases.models import Case
    from cordon.core.db import new_session
    from cordon.geography.models import AdminUnit
    from cordon.people.models import Person
    from cordon.tracing.models import TierLabel

    session = new_session()
    busiest = session.execute(
        select(Person.ward_id, func.count())
        .join(TierLabel, TierLabel.person_id == Person.id)
        .group_by(Person.ward_id)
        .order_by(func.count().desc())
        .limit(1)
    ).one()[0]
    ward = session.get(AdminUnit, busiest)
    assert ward is not None
    assert ward.parent_id is not None
    district = session.get(AdminUnit, ward.parent_id)
    assert district is not None
    out = []
    for role, unit, wards in (
        ("epidemiologist", "01", None),
        (
            "district_officer",
            district.code,
            list(session.scalars(select(AdminUnit.id).where(AdminUnit.parent_id == district.id))),
        ),
        ("ward_worker", ward.code, [ward.id]),
    ):
        where = [Person.ward_id.in_(wards)] if wards else []
        tiered = list(
            session.scalars(
                select(TierLabel.person_id)
                .join(Person, Person.id == TierLabel.person_id)
                .where(*where)
                .distinct()
                .limit(20000)
            )
        )
        people = list(session.scalars(select(Person.id).where(*where).limit(20000)))
        names = list(session.scalars(select(Person.full_name).where(*where).limit(5000)))
        cases = session.scalar(select(func.count()).select_from(Case).join(Person).where(*where))
        out.append(Pool(role, unit, tiered, people, names, cases or 0))
    session.close()
    return out


def requests(pool: Pool, samples: int, seed: int) -> dict[str, list[Request]]:
    rng = random.Random(seed)
    pages = max(1, min(5000, pool.cases - 50))
    people_pages = max(1, min(20000, len(pool.people) - 50))

    def many(make: Callable[[], Request]) -> list[Request]:
        return [make() for _ in range(samples)]

    def get(path: str, **params: object) -> Request:
        return ("GET", path, params or None, None)

    return {
        "trace": many(
            lambda: ("GET", f"/api/v1/tracing/trace/{rng.choice(pool.tiered)}", None, None)
        ),
        "person_tier": many(
            lambda: ("GET", f"/api/v1/tracing/people/{rng.choice(pool.tiered)}", None, None)
        ),
        "person": many(lambda: ("GET", f"/api/v1/people/{rng.choice(pool.people)}", None, None)),
        "case_list": many(
            lambda: ("GET", "/api/v1/cases", {"limit": 50, "offset": rng.randrange(pages)}, None)
        ),
        "case_list_confirmed": many(
            lambda: ("GET", "/api/v1/cases", {"status": "confirmed", "limit": 50}, None)
        ),
        "people_list": many(
            lambda: (
                "GET",
                "/api/v1/people",
                {"limit": 50, "offset": rng.randrange(people_pages)},
                None,
            )
        ),
        "person_search": many(
            lambda: (
                "POST",
                "/api/v1/people/search",
                None,
                {"q": " ".join(rng.choice(pool.names).split()[-2:])},
            )
        ),
    }


def timed(client: httpx.Client, request: Request, headers: dict[str, str]) -> float:
    method, path, params, body = request
    started = time.perf_counter()
    response = client.request(method, path, params=params, json=body, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--before", required=True, help="src folder of the code before")
    args = parser.parse_args()
    url = common.database_url(args.backend, args.people)
    common.ensure_city(url, args.people, args.seed)
    header = {
        "backend": args.backend,
        "people": args.people,
        "machine": common.machine(),
        "revision": common.git_revision(),
    }
    print(json.dumps(header), flush=True)
    users = pools(url)
    credentials = {p.role: bench_user(url, p.role, p.unit) for p in users}
    with common.serve(url, src=args.before) as before, common.serve(url) as after:
        for pool in users:
            plan = requests(pool, args.samples, args.seed)
            for name, reqs in plan.items():
                for warm in reqs[:5]:  # first requests of a process pay for imports, caches
                    timed(before, warm, {})
                    timed(after, warm, credentials[pool.role])
                was, now = [], []
                for i, request in enumerate(reqs):  # alternate which server goes first
                    if i % 2:
                        now.append(timed(after, request, credentials[pool.role]))
                        was.append(timed(before, request, {}))
                    else:
                        was.append(timed(before, request, {}))
                        now.append(timed(after, request, credentials[pool.role]))
                b, a = common.percentiles(was), common.percentiles(now)
                line = {
                    "user": f"{pool.role}@{pool.unit}",
                    "endpoint": name,
                    "before": b,
                    "after": a,
                    "p50_ratio": round(a["p50_ms"] / b["p50_ms"], 2),
                    "p95_ratio": round(a["p95_ms"] / b["p95_ms"], 2),
                }
                print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
