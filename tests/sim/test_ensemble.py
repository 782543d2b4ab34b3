"""Where the runs are computed — here, in processes, on a Dask cluster — does not change
them: the same seeds give the same daily figures."""

from __future__ import annotations

import pickle

import numpy as np
from distributed import LocalCluster

from cordon.sim.ensemble import run_ensemble
from cordon.sim.results import METRICS, Ensemble
from cordon.sim.scenario import Scenario, ScenarioError


def assert_same_runs(one: Ensemble, other: Ensemble) -> None:
    assert (one.name, one.start) == (other.name, other.start)
    assert [r.seed for r in one.runs] == [r.seed for r in other.runs]
    for a, b in zip(one.runs, other.runs, strict=True):
        assert (a.agents, a.scale) == (b.agents, b.scale)
        for metric in METRICS:
            np.testing.assert_array_equal(a.daily[metric], b.daily[metric], err_msg=metric)


def test_one_process_runs_the_seeds_in_order(tiny: Scenario, tiny_here: Ensemble) -> None:
    assert [r.seed for r in tiny_here.runs] == [7, 8, 9]
    assert (tiny_here.name, tiny_here.days) == ("Tiny F1 + F2", 30)
    first, second = tiny_here.runs[:2]
    assert any(not np.array_equal(first.daily[m], second.daily[m]) for m in METRICS)


def test_processes_give_the_runs_of_one_process(tiny: Scenario, tiny_here: Ensemble) -> None:
    calls: list[tuple[int, int]] = []
    there = run_ensemble(tiny, workers=2, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert_same_runs(there, tiny_here)


def test_a_dask_cluster_gives_the_same_runs(
    tiny: Scenario, tiny_here: Ensemble, cluster: LocalCluster
) -> None:
    calls: list[tuple[int, int]] = []
    remote = run_ensemble(
        tiny,
        scheduler=cluster.scheduler_address,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert_same_runs(remote, tiny_here)


def test_a_scenario_error_comes_back_from_a_worker_as_it_was() -> None:
    error = ScenarioError([("population.city", "no built-in city or file 'atlantis'")])
    back = pickle.loads(pickle.dumps(error))
    assert (type(back), back.problems, str(back)) == (ScenarioError, error.problems, str(error))
