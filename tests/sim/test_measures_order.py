"""Measures lower the attack rate in the order an epidemiologist expects, run by run on
common random numbers: tracing F1 and F2 does better than F1 alone, which does better than
nothing (with F1 at home too); masks and distancing better than masks, better than nothing."""

from __future__ import annotations

from typing import Any

import numpy as np

from cordon.sim.model import simulate

from .model_checks import city

SEEDS = (1, 2, 3)


def attack(measures: list[dict[str, Any]]) -> float:
    scenario = city(30_000, days=120, seeding={"districts": {"D0": 15, "D1": 15}},
                    measures=measures)  # fmt: skip
    return float(np.median([simulate(scenario, s).daily["infections"].sum() for s in SEEDS]))


def test_measures_lower_the_attack_rate_in_the_expected_order() -> None:
    tti = {"kind": "test_trace_isolate", "symptomatic_testing": 0.5}
    none = attack([])
    f1_home = attack([{**tti, "depth": 1, "f1_isolation": "home"}])
    f1 = attack([{**tti, "depth": 1}])
    f2 = attack([{**tti, "depth": 2}])
    masks = attack([{"kind": "masks"}])
    masks_distancing = attack([{"kind": "masks"}, {"kind": "distancing", "reduction": 0.5}])
    assert none > f1 > f2
    assert none > f1_home
    assert none > masks > masks_distancing
