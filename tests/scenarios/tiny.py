"""Tiny scenarios (2,000 people, 30 days, 2 runs) and waiting for a run to end."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

TINY: dict[str, Any] = {
    "name": "Tiny: trace F1",
    "days": 30,
    "runs": 2,
    "seed": 7,
    "population": {"agents": 2000},
    "seeding": {"infected": 10},
    "measures": [{"kind": "test_trace_isolate", "depth": 1}],
}
TINY_TOML = """
name = "Tiny: trace F1 + F2"
days = 30
runs = 2
seed = 7

[population]
agents = 2000

[seeding]
infected = 10

[[measures]]
kind = "test_trace_isolate"
depth = 2
"""
WAIT = 240  # seconds a tiny run may take on a busy two-core machine


def finished(client: TestClient, run_id: int) -> dict[str, Any]:
    """The run once it is done or failed (polled, as a client would)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        response = client.get(f"/api/v1/scenarios/runs/{run_id}")
        assert response.status_code == 200, response.text
        run: dict[str, Any] = response.json()
        if run["status"] in ("done", "failed"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish in {WAIT} s")
