"""The paged case list stays fast with a city-sized registry (p95 < 100 ms at 100,000 cases)."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.cases.bulk import CaseRow, insert_cases
from cordon.cases.enums import CaseStatus, Classification
from cordon.people.bulk import PersonRow, insert_people

N = 100_000
STATUSES = (CaseStatus.confirmed, CaseStatus.recovered, CaseStatus.suspected)


def _load(session: Session) -> None:
    people = insert_people(session, [PersonRow(full_name=f"Người {i}") for i in range(N)])
    start = dt.date(2020, 1, 23)
    rows = [
        CaseRow(
            code=f"BN{i}",
            person_id=pid,
            status=STATUSES[i % 3],
            classification=Classification.community,
            confirmed_on=None if i % 3 == 2 else start + dt.timedelta(days=i % 400),
        )
        for i, pid in enumerate(people)
    ]
    insert_cases(session, rows, changed_by="test", reason="load")
    session.commit()
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    if bind.dialect.name == "postgresql":  # what autovacuum does after a load
        with bind.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE cases, people")
            )


def _p95(client: TestClient, params: dict[str, Any]) -> float:
    times = []
    for _ in range(20):
        began = time.perf_counter()
        response = client.get("/api/v1/cases", params=params)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200
    return sorted(times)[int(len(times) * 0.95) - 1]


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("CORDON_SPEED_TESTS") != "1",
    reason="wall-clock check: set CORDON_SPEED_TESTS=1 on a machine with cores to spare",
)
def test_case_list_p95_under_100_ms(client: TestClient, session: Session) -> None:
    began = time.perf_counter()
    _load(session)
    print(f"loaded {N} cases in {time.perf_counter() - began:.1f} s")
    first = client.get("/api/v1/cases", params={"limit": 50}).json()
    assert first["total"] == N
    deep = first["items"][-1]["id"] - 60_000
    for params in (
        {"limit": 50},
        {"limit": 50, "status": "confirmed"},
        {"limit": 50, "confirmed_from": "2020-06-01", "confirmed_to": "2020-07-01"},
        {"limit": 50, "before_id": deep},
        {"limit": 50, "offset": 5_000},
    ):
        # Best of three rounds: a shared CI machine's bursts are not the list's cost.
        p95 = min(_p95(client, params) for _ in range(3))
        print(f"p95 {p95 * 1000:.1f} ms for {params}")
        assert p95 < 0.100, params
