"""Many runs of a scenario: seeds ``seed``, ``seed + 1``, … in parallel processes.

Run k of every scenario uses the same seed (common random numbers), so that two scenarios'
runs differ only by their measures.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

from cordon.sim.model import simulate
from cordon.sim.results import Ensemble, Run
from cordon.sim.scenario import Scenario

Progress = Callable[[int, int], None]  # (runs done, runs in all)


def run_ensemble(
    scenario: Scenario, *, workers: int | None = None, progress: Progress | None = None
) -> Ensemble:
    """``scenario.runs`` runs; ``workers`` processes (default: one per core; 1 runs here)."""
    seeds = [scenario.seed + k for k in range(scenario.runs)]
    workers = min(workers or os.cpu_count() or 1, len(seeds))
    runs: dict[int, Run] = {}
    if workers == 1:
        for seed in seeds:
            runs[seed] = simulate(scenario, seed)
            _tell(progress, len(runs), len(seeds))
    else:
        context = multiprocessing.get_context("spawn")  # no threads or locks carried over
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(simulate, scenario, seed) for seed in seeds]
            for future in as_completed(futures):
                run = future.result()
                runs[run.seed] = run
                _tell(progress, len(runs), len(seeds))
    return Ensemble(scenario.name, scenario.start, [runs[s] for s in seeds])


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
