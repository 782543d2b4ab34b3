"""Many runs of a scenario: seeds ``seed``, ``seed + 1``, … in parallel processes, or on a
Dask cluster (``scheduler``).

Run k of every scenario uses the same seed (common random numbers), so that two scenarios'
runs differ only by their measures; where a run is computed does not change it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed

from cordon.sim.model import simulate
from cordon.sim.results import Ensemble, Run
from cordon.sim.scenario import Scenario

Progress = Callable[[int, int], None]  # (runs done, runs in all)


def run_ensemble(
    scenario: Scenario,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> Ensemble:
    """``scenario.runs`` runs; ``workers`` processes (default: one per core; 1 runs here), or
    the workers of the Dask cluster whose scheduler is at ``scheduler`` (``tcp://host:8786``).
    """
    seeds = [scenario.seed + k for k in range(scenario.runs)]
    runs: dict[int, Run] = {}

    def done(run: Run) -> None:
        runs[run.seed] = run
        if progress is not None:
            progress(len(runs), len(seeds))

    if scheduler is not None:
        _on_dask(scheduler, scenario, seeds, done)
    else:
        _on_processes(min(workers or os.cpu_count() or 1, len(seeds)), scenario, seeds, done)
    return Ensemble(scenario.name, scenario.start, [runs[s] for s in seeds])


def _on_processes(
    workers: int, scenario: Scenario, seeds: list[int], done: Callable[[Run], None]
) -> None:
    if workers == 1:
        for seed in seeds:
            done(simulate(scenario, seed))
        return
    context = multiprocessing.get_context("spawn")  # no threads or locks carried over
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures: list[Future[Run]] = [pool.submit(simulate, scenario, seed) for seed in seeds]
        try:
            for future in as_completed(futures):
                done(future.result())
        except BaseException:  # a run failed, or Ctrl-C: the runs not started never start
            pool.shutdown(cancel_futures=True)
            raise


def _on_dask(
    scheduler: str, scenario: Scenario, seeds: list[int], done: Callable[[Run], None]
) -> None:
    """One task a seed on the cluster, gathered as they finish. The workers import Cordon
    themselves: it must be installed there, at the same version."""
    import distributed  # loaded only for a cluster (it brings a web server with it)

    with distributed.Client(scheduler, set_as_default=False) as client:
        futures = client.map(simulate, [scenario] * len(seeds), seeds, pure=False)
        finished: Iterable[distributed.Future[Run]] = distributed.as_completed(
            futures, loop=client.loop
        )
        for future in finished:
            done(future.result())
