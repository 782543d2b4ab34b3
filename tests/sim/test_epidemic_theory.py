"""Without measures, in a well-mixed city, the simulation meets epidemic theory: its final
size solves the final-size equation for its R0 (within 2%), and its early growth rate is the
one R0 and its generation-time distribution imply (Euler–Lotka)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from cordon.sim.model import simulate_agents
from cordon.sim.state import NO_DAY

from .model_checks import WELL_MIXED, city, offspring_by_age

PEOPLE = 200_000


def test_final_size_and_early_growth_match_theory() -> None:
    scenario = city(
        PEOPLE, days=250, seeding={"districts": {"D0": 30, "D1": 30}},
        disease={"beta": 0.2, "parameters": WELL_MIXED},
    )  # fmt: skip
    run, agents = simulate_agents(scenario, 11)
    rho = offspring_by_age(scenario, agents)
    r0 = rho.sum()
    assert 2.0 < r0 < 3.5
    attack = float(np.mean(agents.infected_on != NO_DAY))
    expected = brentq(lambda z: z - (1 - np.exp(-r0 * z)), 1e-6, 1.0)
    assert abs(attack - expected) / expected < 0.02, (attack, expected, r0)
    assert run.daily["infections"][-20:].sum() == 0  # over before the horizon

    growth = brentq(lambda r: np.sum(rho * np.exp(-r * np.arange(len(rho)))) - 1, 0.0, 2.0)
    daily = run.daily["infections"].astype(np.float64)
    window = np.flatnonzero((daily > 300) & (np.cumsum(daily) < 0.05 * PEOPLE))
    slope = np.polyfit(window, np.log(daily[window]), 1)[0]
    assert len(window) >= 5
    assert abs(slope - growth) / growth < 0.1, (slope, growth)
