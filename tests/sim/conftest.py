"""Tiny scenarios (2,000 agents, 30 days, a few runs) so that the real simulator runs in
seconds; the seeds are fixed."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster

from cordon.sim.ensemble import run_ensemble
from cordon.sim.results import Ensemble
from cordon.sim.scenario import Scenario, parse_scenario

TRACING = """
[[measures]]
kind = "test_trace_isolate"
depth = 2
"""


def tiny_toml(name: str, *, runs: int = 2, measures: str = "") -> str:
    return f"""\
name = "{name}"
start = 2020-03-01
days = 30
runs = {runs}
seed = 7

[population]
agents = 2000

[seeding]
infected = 200
{measures}"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Callable[..., Path]:
    """A tiny scenario written to ``tmp_path/<file>``."""

    def write(file: str, name: str, *, runs: int = 2, measures: str = "") -> Path:
        path = tmp_path / file
        path.write_text(tiny_toml(name, runs=runs, measures=measures), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    """Three runs of F1 + F2 tracing."""
    return parse_scenario(tomllib.loads(tiny_toml("Tiny F1 + F2", runs=3, measures=TRACING)))


@pytest.fixture(scope="session")
def tiny_here(tiny: Scenario) -> Ensemble:
    """``tiny`` run in this process."""
    return run_ensemble(tiny, workers=1)


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    """A Dask cluster of two worker processes on this machine."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local
