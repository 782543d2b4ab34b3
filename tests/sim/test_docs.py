"""docs/simulation.md lists the metrics as ``results.METRICS`` does, and the example
scenarios it names are the ones shipped, each of Hanoi with 100,000 agents and 10 runs."""

from __future__ import annotations

import re
from pathlib import Path

from cordon.sim.results import METRICS
from cordon.sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "src" / "cordon" / "sim" / "scenarios"


def section(title: str) -> str:
    return DOC.split(f"\n{title}\n", 1)[1].split("\n#", 1)[0]


def test_the_metrics_table_is_metrics() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \|$", section("### The metrics"), re.M)
    assert rows == list(METRICS.items())


def test_the_examples_are_documented_and_load() -> None:
    named = re.findall(r"^\| `([\w-]+\.toml)` \|", section("### The example scenarios"), re.M)
    assert sorted(named) == sorted(p.name for p in EXAMPLES.glob("*.toml"))
    scenarios = [load_scenario(EXAMPLES / name) for name in named]
    assert len({s.name for s in scenarios}) == len(scenarios)
    for scenario in scenarios:
        assert scenario.population.city == "hanoi-2020"
        assert (scenario.population.agents, scenario.runs) == (100_000, 10)
        assert (scenario.seed, scenario.start, scenario.days) == (2020, scenarios[0].start, 180)
