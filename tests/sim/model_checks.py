"""What the model's checks share: small cities of known shape, and the expected infections a
case causes, worked out from its drawn course (the reference the simulation must meet)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from cordon.sim import disease as p
from cordon.sim.disease import disease_for
from cordon.sim.model import AgentLog
from cordon.sim.scenario import Scenario, parse_scenario
from cordon.sim.state import NO_DAY

WELL_MIXED = {  # everyone meets anyone, equally susceptible: the textbook epidemic
    "transmission.household_weight": 0.0,
    "transmission.school_weight": 0.0,
    "transmission.work_weight": 0.0,
    "transmission.community_in_district": 0.0,
    "transmission.susceptibility": (1.0,) * 9,
}


def city(people: int, districts: int = 2, **scenario: Any) -> Scenario:
    """A city of ``districts`` equal districts of 4 wards each, one agent per person."""
    spec = [
        {"code": f"D{d}", "population": people // districts,
         "wards": [f"D{d}W{w}" for w in range(4)]}
        for d in range(districts)
    ]  # fmt: skip
    return parse_scenario({"name": "check", "population": {"districts": spec}, **scenario})


def offspring_by_age(
    scenario: Scenario, agents: AgentLog, horizon: int = 40
) -> npt.NDArray[np.float64]:
    """Mean infections a case causes on each day since its infection, in a fully susceptible
    well-mixed city: the community contacts a day times each one's chance, from the course
    each infected agent drew (infectious from ``infectious_on``, less from the fourth day of
    symptoms, none in hospital or after ``end_on``)."""
    d = disease_for(scenario).values
    who = np.flatnonzero(agents.infected_on != NO_DAY)
    out = np.zeros(horizon)
    contacts = d[p.K_COMMUNITY]
    for age in range(1, horizon):
        t = agents.infected_on[who].astype(np.int64) + age
        start = agents.infectious_on[who]
        onset = agents.onset_on[who]
        severe = agents.severe_on[who]
        on = (t >= start) & (t < agents.end_on[who]) & ((severe == NO_DAY) | (t < severe))
        value = agents.spread[who].astype(np.float64)
        asymptomatic = onset == NO_DAY
        value = np.where(asymptomatic, value * d[p.ASYMPTOMATIC], value)
        late = np.where(asymptomatic, t >= start + 5, t >= onset.astype(np.int64) + 3)
        value = np.where(late, value * d[p.LATE], value)
        chance = 1.0 - np.exp(-d[p.BETA] * d[p.W_COMMUNITY] * value)
        out[age] = float(np.mean(np.where(on, contacts * chance, 0.0)))
    return out
