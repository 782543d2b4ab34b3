"""Benchmark of the web app's main pages (issue 4): server time of each page at 1,000,000
people and 100,000 cases, for a city epidemiologist, a district officer and a ward worker.

    .venv/bin/python bench/web_pages.py --backend sqlite
    .venv/bin/python bench/web_pages.py --backend postgresql

The city is built once per database (bench/results/city-1000000-100000.db, or the schema
bench_city_1000000_100000). Each user signs in through the sign-in page and keeps its
session cookie; every page is asked ``--samples`` times from the user's own jurisdiction
through a real HTTP server (uvicorn, one worker) on this machine, so the figures are the
server's time plus a loopback round trip. Prints JSON lines; goal: p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from access import Pool, pools
from cordon.access.roles import Permission, role

PASSWORD = "bench password, long enough"


def ensure_user(url: str, role: str, unit: str) -> str:
    """A benchmark user of ``role`` at ``unit`` with a known password (made once)."""
    common.use_database(url)
    from cordon.access.models import User
    from cordon.core.db import session_scope
    from cordon.core.security import hash_password
    from cordon.geography.models import AdminUnit

    username = f"web-{role}-{unit}"
    with session_scope() as session:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            unit_id = session.scalar(select(AdminUnit.id).where(AdminUnit.code == unit))
            session.add(
                User(
                    username=username,
                    display_name=username,
                    role=role,
                    unit_id=unit_id,
                    language="vi",
                    password_hash=hash_password(PASSWORD),
                    must_change_password=False,
                    totp_enabled=False,
                    failed_logins=0,
                )
            )
    return username


def csrf_of(page: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


Request = Callable[[], httpx.Response]


def pages(pool: Pool, client: httpx.Client, rng: random.Random) -> dict[str, Request]:
    """The main pages a user of this pool opens, each as a request to repeat."""
    form = client.get("/people")
    token = csrf_of(form.text)
    out: dict[str, Request] = {
        "home": lambda: client.get("/"),
        "person search (form)": lambda: client.get("/people"),
        "person search (two words, htmx)": lambda: client.post(
            "/people",
            data={"q": " ".join(rng.choice(pool.names).split()[-2:]), "csrf_token": token},
            headers={"HX-Request": "true"},
        ),
        "person page (a tiered person)": lambda: client.get(f"/people/{rng.choice(pool.tiered)}"),
        "tiers": lambda: client.get("/tracing"),
        "a tier's people (F2, page 1)": lambda: client.get("/tracing/tiers/2"),
        "contacts still to reach": lambda: client.get("/tracing/to-reach"),
        "trace (a tiered person)": lambda: client.get(f"/people/{rng.choice(pool.tiered)}/trace"),
        "clusters": lambda: client.get("/clusters"),
    }
    cases = [c["id"] for c in client.get("/api/v1/cases", params={"limit": 200}).json()["items"]]
    if cases:
        out["case page"] = lambda: client.get(f"/cases/{rng.choice(cases)}")
        out["chain graph page"] = lambda: client.get(f"/cases/{rng.choice(cases)}/chain")
    clusters = [c["id"] for c in client.get("/api/v1/clusters").json()["items"]]
    if clusters:
        out["cluster page"] = lambda: client.get(f"/clusters/{rng.choice(clusters)}")
    permissions = role(pool.role).permissions
    if Permission.cases_write in permissions:
        out["register a case (form)"] = lambda: client.get("/cases/new")
    if Permission.exposures_write in permissions:
        out["contact entry (form)"] = lambda: client.get(
            f"/people/{rng.choice(pool.tiered)}/contacts"
        )
    if Permission.export in role(pool.role).permissions:
        out["exports"] = lambda: client.get("/exports")
    if pool.role == "epidemiologist":
        out["imports"] = lambda: client.get("/imports")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    url = common.database_url(args.backend, args.people, args.cases)
    load_s = common.ensure_city(url, args.people, args.seed, args.cases)
    print(
        json.dumps(
            {
                "backend": args.backend,
                "people": args.people,
                "cases": args.cases,
                "city_load_s": round(load_s, 1),
                "machine": common.machine(),
                "revision": common.git_revision(),
            }
        ),
        flush=True,
    )
    users = pools(url)
    names = {p.role: ensure_user(url, p.role, p.unit) for p in users}
    rng = random.Random(args.seed)
    with common.serve(url) as client:
        for pool in users:
            client.cookies.clear()
            signed = client.post(
                "/sign-in", data={"username": names[pool.role], "password": PASSWORD}
            )
            assert signed.status_code == 303, signed.text[:300]
            for name, request in pages(pool, client, rng).items():
                for _ in range(3):  # warm-up
                    request()
                times = []
                for _ in range(args.samples):
                    started = time.perf_counter()
                    response = request()
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200, (name, response.status_code)
                line = {"user": f"{pool.role}@{pool.unit}", "page": name}
                print(json.dumps({**line, **common.percentiles(times)}), flush=True)


if __name__ == "__main__":
    main()
