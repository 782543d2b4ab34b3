"""A fixed-seed run compared with the committed baseline (``baseline.csv``): any change to the
model's output shows here, and is then recorded in the CHANGELOG. To write a new baseline
after a deliberate change, run this test with ``CORDON_WRITE_BASELINE=1`` set."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from cordon.sim.model import simulate
from cordon.sim.scenario import parse_scenario

BASELINE = Path(__file__).with_name("baseline.csv")
SCENARIO = {
    "name": "baseline",
    "days": 90,
    "population": {"agents": 20_000},
    "seeding": {"infected": 40_000, "imported_per_day": 2_000},
    "measures": [
        {"kind": "test_trace_isolate", "depth": 2, "start": 20},
        {"kind": "masks", "when": {"metric": "confirmed_7d_per_100k", "above": 20}},
        {"kind": "vaccination", "start": 30, "doses_per_day": 20_000},
    ],
}


def test_a_fixed_seed_run_matches_the_committed_baseline() -> None:
    run = simulate(parse_scenario(SCENARIO), 2020)
    rows = [[str(int(v)) for v in day] for day in zip(*run.daily.values(), strict=True)]
    if os.environ.get("CORDON_WRITE_BASELINE"):
        with BASELINE.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows([list(run.daily), *rows])
    with BASELINE.open(encoding="utf-8") as kept:
        header, *expected = list(csv.reader(kept))
    assert header == list(run.daily)
    assert rows == expected
