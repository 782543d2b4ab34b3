"""Benchmark of the chain-of-transmission graph (issue 4): first paint of the graph page at
10,000 cases (goal < 2 s) and the server time of the graph's data.

    .venv/bin/python bench/web_chain.py --backend sqlite --cases 10000
    .venv/bin/python bench/web_chain.py --backend postgresql --cases 10000

Builds (once; kept in bench/results/ or a PostgreSQL schema of its own) a transmission tree
of N cases drawn from a seeded generator — each case infects a negative-binomial number of
others (mean 2.5, dispersion 0.5: a few super-spreaders, most infect nobody) — with bulk
inserts as the demo does (``people.bulk``, ``cases.bulk``), living in wards drawn across
Hanoi (the first in Ba Đình), and a cluster holding the first 20 cases. Then serves the app
(uvicorn, one worker) and, signed in as a city epidemiologist (every case in sight) and a
Ba Đình district officer (most cases anonymous), times:

- ``GET /cases/{root}/chain.json`` and ``/clusters/{id}/chain.json``: round trip over the
  loopback and the server's own time (its ``Server-Timing`` header), with the body's size;
- the graph page in Chromium (Playwright, 1280 × 800 and 360 × 740): from navigation start to
  the mark ``chain-graph-drawn`` that the page's script sets once sigma's first frame is
  painted (HTML, scripts, the data, building the graph and the first WebGL frame).

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

PASSWORD = "bench password 2020"
CHROMIUM = os.environ.get("CORDON_CHROMIUM", "/usr/bin/chromium")
CODE = "CHAIN-"
USERS = (("bench-epi", "epidemiologist", "01"), ("bench-district", "district_officer", "001"))


def database(backend: str, cases: int) -> str:
    if backend == "sqlite":
        common.RESULTS.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{common.RESULTS / f'chain-{cases}.db'}"
    from cordon.core.db import make_engine

    schema = f"bench_chain_{cases}"
    admin = make_engine(common.PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    admin.dispose()
    return f"{common.PG_BASE}?options=-csearch_path%3D{schema}"


def transmission_tree(n: int, seed: int) -> np.ndarray:
    """parent[k] < k of every case but the first (-1): generation by generation."""
    rng = np.random.default_rng(seed)
    parent = [-1]
    frontier = [0]
    while len(parent) < n:
        offspring = rng.negative_binomial(0.5, 0.5 / (0.5 + 2.5), size=len(frontier))
        if offspring.sum() == 0:
            offspring[rng.integers(len(frontier))] = 3  # keep the outbreak going
        nxt: list[int] = []
        for source, k in zip(frontier, offspring, strict=True):
            for _ in range(int(k)):
                if len(parent) == n:
                    break
                nxt.append(len(parent))
                parent.append(source)
        frontier = nxt
    return np.asarray(parent)


def build(url: str, n: int, seed: int) -> dict[str, Any]:
    """The chain's cases, their people and links, a cluster and two users (once)."""
    common.use_database(url)
    from cordon.access import service as access
    from cordon.access.models import User
    from cordon.cases.bulk import CaseRow, SourceRow, insert_cases, insert_sources
    from cordon.cases.enums import CaseStatus, SourceKind
    from cordon.cases.models import Case
    from cordon.clusters.enums import ClusterKind
    from cordon.clusters.models import Cluster, ClusterCase
    from cordon.core.db import get_engine, session_scope
    from cordon.core.migrate import upgrade
    from cordon.core.security import hash_password
    from cordon.geography.enums import UnitLevel
    from cordon.geography.models import AdminUnit
    from cordon.geography.service import load_city
    from cordon.people.bulk import PersonRow, insert_people

    upgrade(get_engine())
    with session_scope() as session:
        have = session.scalar(
            select(func.count()).select_from(Case).where(Case.code.like(f"{CODE}%"))
        )
        if have != n:
            assert not have, "a chain of another size is there: use a fresh database"
            started = time.perf_counter()
            load_city(session)
            wards = session.scalars(
                select(AdminUnit.id).where(AdminUnit.level == UnitLevel.ward).order_by(AdminUnit.id)
            ).all()
            rng = np.random.default_rng(seed)
            where = rng.choice(np.asarray(wards), size=n)
            district = select(AdminUnit.id).where(AdminUnit.code == "001").scalar_subquery()
            where[0] = session.scalar(
                select(func.min(AdminUnit.id)).where(AdminUnit.parent_id == district)
            )  # the first case lives in Ba Đình: the district officer sees it
            people = insert_people(
                session,
                [PersonRow(full_name=f"Ca Chuỗi {k}", ward_id=int(w)) for k, w in enumerate(where)],
            )
            day = np.datetime64("2020-03-06")
            parent = transmission_tree(n, seed)
            depth = np.zeros(n, dtype=np.int64)
            for k in range(1, n):
                depth[k] = depth[parent[k]] + 1
            ids = insert_cases(
                session,
                [
                    CaseRow(
                        code=f"{CODE}{k:06d}",
                        person_id=people[k],
                        status=CaseStatus.confirmed,
                        confirmed_on=(day + np.timedelta64(int(4 * depth[k]), "D")).item(),
                    )
                    for k in range(n)
                ],
                changed_by="bench",
                reason="bench/web_chain.py",
            )
            insert_sources(
                session,
                [SourceRow(ids[0], SourceKind.country, country_code="GB")]
                + [
                    SourceRow(ids[k], SourceKind.case, source_case_id=ids[int(parent[k])])
                    for k in range(1, n)
                ],
            )
            cluster = Cluster(code=f"{CODE}CLUSTER", name="Bench cluster", kind=ClusterKind.place)
            session.add(cluster)
            session.flush()
            session.add_all(ClusterCase(cluster_id=cluster.id, case_id=c) for c in ids[:20])
            for username, role, unit in USERS:
                user, _ = access.create_user(
                    session, username=username, display_name=username, role_key=role, unit_code=unit
                )
                user.password_hash = hash_password(PASSWORD)
                user.must_change_password = False
            print(f"built {n:,} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        root = session.scalar(select(Case.id).where(Case.code == f"{CODE}{0:06d}"))
        cluster_id = session.scalar(select(Cluster.id).where(Cluster.code == f"{CODE}CLUSTER"))
        epi = session.scalar(select(User.id).where(User.username == "bench-epi"))
    if url.startswith("sqlite"):
        common.vacuum_analyze(url)
    return {"root": root, "cluster": cluster_id, "epi": epi}


def _sign_in(client: httpx.Client, username: str) -> None:
    response = client.post("/sign-in", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.text
    client.cookies.update(response.cookies)


def time_json(client: httpx.Client, path: str, samples: int) -> dict[str, Any]:
    walls, servers, size = [], [], 0
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path)
        walls.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code, response.text[:200])
        size = len(response.content)
        timing = re.search(r"dur=([\d.]+)", response.headers.get("server-timing", ""))
        if timing:
            servers.append(float(timing.group(1)))
        count = response.json()["count"]
    return {
        "path": path,
        "nodes": count,
        "bytes": size,
        "round_trip_ms_p50": round(statistics.median(walls) * 1000, 1),
        "round_trip_ms_max": round(max(walls) * 1000, 1),
        "server_ms_p50": round(statistics.median(servers), 1) if servers else None,
    }


def time_paint(
    base_url: str, username: str, path: str, samples: int, budget: int | None = None
) -> dict[str, Any]:
    """First paint at two screen sizes; ``budget``: nodes shown at first (the page's default
    groups branches beyond 2,000)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {"path": path, "budget": budget or "default"}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, size in (("desktop", (1280, 800)), ("phone", (360, 740))):
            context = browser.new_context(
                base_url=base_url, viewport={"width": size[0], "height": size[1]}
            )
            page = context.new_page()
            if budget:
                page.add_init_script(f"window.cordonChainBudget = {budget}")
            page.goto("/sign-in")
            page.fill("#f-username", username)
            page.fill("#f-password", PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(lambda u: "sign-in" not in u)
            paints = []
            for _ in range(samples + 1):  # the first warms the browser's cache of scripts
                page.goto(path)
                page.wait_for_selector("#chain-graph[data-drawn=true]", timeout=60_000)
                paints.append(
                    page.evaluate("performance.getEntriesByName('chain-graph-drawn')[0].startTime")
                )
            shown = page.get_attribute("#chain-graph", "data-shown")
            unfold = page.evaluate(
                "() => new Promise(done => { const t = performance.now();"
                " document.querySelector('[data-act=expand]').click();"
                " requestAnimationFrame(() => done(performance.now() - t)); })"
            )
            out[name] = {
                "open_every_branch_ms": round(unfold, 0),
                "first_paint_ms_p50": round(statistics.median(paints[1:]), 0),
                "first_paint_ms_max": round(max(paints[1:]), 0),
                "cold_ms": round(paints[0], 0),
                "nodes_shown": int(shown or 0),
            }
            context.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--samples", type=int, default=7)
    args = parser.parse_args()
    url = database(args.backend, args.cases)
    built = build(url, args.cases, args.seed)
    result: dict[str, Any] = {
        "machine": common.machine(),
        "revision": common.git_revision(),
        "backend": args.backend,
        "cases": args.cases,
        "load_average": os.getloadavg(),
    }
    case_path = f"/cases/{built['root']}/chain"
    cluster_path = f"/clusters/{built['cluster']}/chain"
    with common.serve(url) as client:
        _sign_in(client, "bench-epi")
        result["json_city"] = [
            time_json(client, f"{case_path}.json", args.samples),
            time_json(client, f"{cluster_path}.json", args.samples),
        ]
        page = client.get(case_path)
        result["page_html"] = {"bytes": len(page.content), "status": page.status_code}
        district = httpx.Client(base_url=str(client.base_url), timeout=60)
        _sign_in(district, "bench-district")
        result["json_district"] = [time_json(district, f"{case_path}.json", args.samples)]
        district.close()
        base = str(client.base_url)
        result["paint_city"] = time_paint(base, "bench-epi", case_path, args.samples)
        result["paint_city_all_shown"] = time_paint(
            base, "bench-epi", case_path, args.samples, budget=10**9
        )
        result["paint_district"] = time_paint(base, "bench-district", case_path, args.samples)
    result["load_average_after"] = os.getloadavg()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
