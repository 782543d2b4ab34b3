"""Benchmark of the scenario planner (issue 7): agent-days per second, bytes per agent and
peak memory, each case in a fresh process (one core unless it is the ensemble).

    .venv/bin/python bench/simulator.py                # every case
    .venv/bin/python bench/simulator.py --case tti-1m  # one of them

Cases (180 days, Hanoi's districts and wards, household/class/team/community contacts):
- ``tti-1m``: 1,000,000 agents, test-trace-isolate to F2 from day 0 (goal ≤ 10 s);
- ``tti-hanoi``: all 8,053,663 people, the same measures (goal ≤ 60 s, peak ≤ 6 GB);
- ``none-1m``: 1,000,000 agents without measures (the epidemic runs its course);
- ``ensemble-20``: 20 seeds of ``tti-1m`` on the two cores (goal ≤ 120 s).
Seeding: 100 infected agents on day 0 and 1 infected arrival a day per 100,000 people. The
first run in a checkout compiles the kernels (cached after); the times below are warm.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

HANOI = 8_053_663
TTI = {"kind": "test_trace_isolate", "depth": 2}


def scenario(agents: int, measures: list[dict[str, object]], runs: int = 1) -> dict[str, object]:
    per_agent = HANOI / agents
    return {
        "name": f"bench-{agents}",
        "days": 180,
        "runs": runs,
        "population": {"agents": agents},
        "seeding": {"infected": round(100 * per_agent), "imported_per_day": HANOI / 100_000},
        "measures": measures,
    }


CASES = {
    "tti-1m": scenario(1_000_000, [TTI]),
    "tti-hanoi": scenario(HANOI, [TTI]),
    "none-1m": scenario(1_000_000, []),
    "ensemble-20": scenario(1_000_000, [TTI], runs=20),
}


def one(case: str) -> dict[str, object]:
    from cordon.sim.ensemble import run_ensemble
    from cordon.sim.model import simulate
    from cordon.sim.scenario import parse_scenario

    chosen = parse_scenario(CASES[case])
    simulate(parse_scenario({**CASES[case], "population": {"agents": 2000}}), 0)  # compiled
    started = time.perf_counter()
    if case == "ensemble-20":
        ensemble = run_ensemble(chosen, workers=2)
        runs = ensemble.runs
    else:
        runs = [simulate(chosen, chosen.seed)]
    wall = time.perf_counter() - started
    run = runs[0]
    return {
        "case": case,
        "agents": run.agents,
        "days": chosen.days,
        "runs": len(runs),
        "wall_s": round(wall, 1),
        "build_s": round(run.build_seconds, 1),
        "simulate_s": round(run.seconds, 1),
        "agent_days_per_s": round(sum(r.agent_days for r in runs) / wall),
        "bytes_per_agent": round(run.peak_bytes / run.agents),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "infections": int(run.daily["infections"].sum()),
        "confirmed": int(run.daily["confirmed"].sum()),
        "peak_quarantine": int(
            (run.daily["quarantine_facility"] + run.daily["quarantine_home"]).max()
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        print(json.dumps(one(args.case)))
        return
    for case in [args.case] if args.case else list(CASES):
        out = subprocess.run([sys.executable, __file__, "--case", case, "--inside"],
                             capture_output=True, text=True, check=True)  # fmt: skip
        print(out.stdout.strip().splitlines()[-1], flush=True)
    print(json.dumps({"machine": common.machine(), "revision": common.git_revision()}))


if __name__ == "__main__":
    main()
