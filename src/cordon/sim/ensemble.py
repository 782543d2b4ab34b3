"""Many runs of a scenario (or of several): seeds ``seed``, ``seed + 1``, … in parallel
processes, or on a Dask cluster (``scheduler``).

Run k of every scenario uses the same seed (common random numbers), so that two scenarios'
runs differ only by their measures; where a run is computed does not change it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed

from cordon.sim.model import forget_people, simulate
from cordon.sim.results import Ensemble, Run
from cordon.sim.scenario import Scenario

Progress = Callable[[int, int], None]  # (runs done, runs in all)
Task = tuple[int, int]  # (scenario, seed)
Done = Callable[[Task, Run], None]


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
    (ensemble,) = run_ensembles([scenario], workers=workers, progress=progress, scheduler=scheduler)
    return ensemble


def run_ensembles(
    scenarios: Sequence[Scenario],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> list[Ensemble]:
    """The runs of several scenarios, all in one pool (or on one cluster) so that the
    processes stay busy to the end; ``progress`` counts the runs of them all."""
    tasks = sorted(
        ((k, s.seed + r) for k, s in enumerate(scenarios) for r in range(s.runs)),
        key=lambda task: task[1],  # a seed's runs together: a worker builds its people once
    )
    runs: dict[Task, Run] = {}

    def done(task: Task, run: Run) -> None:
        runs[task] = run
        if progress is not None:
            progress(len(runs), len(tasks))

    if scheduler is not None:
        _on_dask(scheduler, scenarios, tasks, done)
    else:
        _on_processes(min(workers or os.cpu_count() or 1, len(tasks)), scenarios, tasks, done)
    return [
        Ensemble(s.name, s.start, [runs[(k, s.seed + r)] for r in range(s.runs)])
        for k, s in enumerate(scenarios)
    ]


def _on_processes(
    workers: int, scenarios: Sequence[Scenario], tasks: list[Task], done: Done
) -> None:
    if workers <= 1:
        try:
            for task in tasks:
                done(task, simulate(scenarios[task[0]], task[1]))
        finally:
            forget_people()  # this process lives on: a city's people are hundreds of MB
        return
    context = multiprocessing.get_context("spawn")  # no threads or locks carried over
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures: dict[Future[Run], Task] = {
            pool.submit(simulate, scenarios[k], seed): (k, seed) for k, seed in tasks
        }
        try:
            for future in as_completed(futures):
                done(futures[future], future.result())
        except BaseException:  # a run failed, or Ctrl-C: the runs not started never start
            pool.shutdown(cancel_futures=True)
            raise


def _on_dask(scheduler: str, scenarios: Sequence[Scenario], tasks: list[Task], done: Done) -> None:
    """One task a run on the cluster, gathered as they finish. The workers import Cordon
    themselves: it must be installed there, at the same version."""
    import distributed  # loaded only for a cluster (it brings a web server with it)

    with distributed.Client(scheduler, set_as_default=False) as client:
        futures = client.map(
            simulate, [scenarios[k] for k, _ in tasks], [seed for _, seed in tasks], pure=False
        )
        which = {future.key: task for future, task in zip(futures, tasks, strict=True)}
        finished: Iterable[distributed.Future[Run]] = distributed.as_completed(
            futures, loop=client.loop
        )
        for future in finished:
            done(which[future.key], future.result())
