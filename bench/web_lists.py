"""Benchmark of the lists a tracer lives in (issue 17 §4): the case list (``/cases``) and
the people to follow up (``/contacts``) at 1,000,000 people and 100,000 cases, with their
common filters and sorts, for a city epidemiologist, a district officer and a ward worker.

    .venv/bin/python bench/web_lists.py --backend sqlite
    .venv/bin/python bench/web_lists.py --backend postgresql

The city of bench/web_pages.py (built once per database). Each user signs in through the
sign-in page; every list is asked ``--samples`` times through a real HTTP server (uvicorn,
one worker), so the figures are the server's time plus a loopback round trip. Prints JSON
lines; goal: p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from access import Pool, pools
from web_pages import PASSWORD, ensure_user

Request = Callable[[], httpx.Response]


def facts(url: str) -> dict[str, object]:
    """Days and ids the filters use: the outbreak's confirmation days, a ward of the busiest
    district, a cluster."""
    common.use_database(url)
    from cordon.cases.models import Case
    from cordon.clusters.models import Cluster
    from cordon.core.db import new_session

    session = new_session()
    first, last = session.execute(
        select(func.min(Case.confirmed_on), func.max(Case.confirmed_on))
    ).one()
    cluster = session.scalar(select(Cluster.id).order_by(Cluster.id).limit(1))
    session.close()
    middle = first + (last - first) / 2
    return {"first": first, "last": last, "middle": middle, "cluster": cluster}


def lists(pool: Pool, known: dict[str, object], ward: int | None) -> dict[str, dict[str, str]]:
    """The lists a user of this pool opens: name → query string of the page."""
    middle = known["middle"]
    assert isinstance(middle, dt.date)
    week = {"confirmed_from": str(middle), "confirmed_to": str(middle + dt.timedelta(days=6))}
    out = {
        "cases: newest first": {},
        "cases: confirmed": {"status": "confirmed"},
        "cases: by confirmation, latest first": {"sort": "-confirmed_on"},
        "cases: by onset": {"sort": "onset_on"},
        "cases: confirmed in a week": week,
        "cases: community, by onset latest first": {
            "classification": "community",
            "sort": "-onset_on",
        },
        "cases: F0 (tier)": {"tier": "0"},
        "cases: page 20": {"page": "20"},
        "contacts: by tier": {},
        "contacts: F1": {"tier": "1"},
        "contacts: not reached": {"reached": "no"},
        "contacts: without an open order": {"order": "none"},
        "contacts: exposed latest first": {"sort": "-exposed_on"},
        "contacts: exposed in a week": {
            "exposed_from": str(middle),
            "exposed_to": str(middle + dt.timedelta(days=6)),
        },
        "contacts: F2, longest waiting": {"tier": "2", "sort": "since"},
        "contacts: page 20": {"page": "20"},
    }
    if known["cluster"] is not None:
        out["cases: a cluster"] = {"cluster": str(known["cluster"])}
    if ward is not None and pool.role != "ward_worker":
        out["cases: one ward"] = {"unit": str(ward)}
        out["contacts: one ward"] = {"unit": str(ward)}
    return out


def busiest_ward(url: str, pool: Pool) -> int | None:
    common.use_database(url)
    from cordon.core.db import new_session
    from cordon.geography.models import AdminUnit

    session = new_session()
    ward = session.scalar(select(AdminUnit.id).where(AdminUnit.code == pool.unit))
    if pool.role == "epidemiologist":
        from cordon.cases.models import Case

        ward = session.scalar(
            select(Case.ward_id).group_by(Case.ward_id).order_by(func.count().desc()).limit(1)
        )
    else:
        child = session.scalar(select(AdminUnit.id).where(AdminUnit.parent_id == ward).limit(1))
        ward = child or ward
    session.close()
    return ward


def measure(
    client: httpx.Client, path: str, query: dict[str, str], samples: int
) -> dict[str, float]:
    for _ in range(3):  # warm-up
        client.get(path, params=query)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path, params=query)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, query, response.status_code)
    return common.percentiles(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    url = common.database_url(args.backend, args.people, args.cases)
    load_s = common.ensure_city(url, args.people, args.seed, args.cases)
    head = {"backend": args.backend, "people": args.people, "cases": args.cases}
    head |= {"city_load_s": round(load_s, 1), "machine": common.machine()}
    print(json.dumps({**head, "revision": common.git_revision()}), flush=True)
    known = facts(url)
    users = pools(url)
    names = {p.role: ensure_user(url, p.role, p.unit) for p in users}
    wards = {p.role: busiest_ward(url, p) for p in users}
    with common.serve(url) as client:
        for pool in users:
            client.cookies.clear()
            signed = client.post(
                "/sign-in", data={"username": names[pool.role], "password": PASSWORD}
            )
            assert signed.status_code == 303, signed.text[:300]
            for name, query in lists(pool, known, wards[pool.role]).items():
                path = "/cases" if name.startswith("cases") else "/contacts"
                line = {"user": f"{pool.role}@{pool.unit}", "list": name}
                line |= measure(client, path, query, args.samples)
                print(
                    json.dumps(
                        {k: round(v, 1) if isinstance(v, float) else v for k, v in line.items()}
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    main()
