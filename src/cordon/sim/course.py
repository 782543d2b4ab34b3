"""The course of an infection, drawn whole when it starts, and how infectious and how
protected by the vaccine a person is on a day (compiled)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from cordon.sim import disease as p
from cordon.sim import rng
from cordon.sim.state import (
    DECLINED,
    DOSES_PER_PERSON,
    EXPOSED,
    N_ACTIVE,
    NO_DAY,
    SEVERE,
    SUSCEPTIBLE,
    VE_FIRST_SHARE,
    VE_INFECTION,
    VE_SEVERE,
    push,
)  # fmt: skip


@njit(cache=True, inline="always")
def infectiousness(i: int, t: int, ag: Any, d: Any) -> float:
    """How infectious ``i`` is on day ``t`` out of hospital (0 before, after and in hospital)."""
    s = ag.state[i]
    if s in (SUSCEPTIBLE, EXPOSED) or s >= SEVERE or t < ag.infectious_on[i]:
        return 0.0
    if t >= ag.end_on[i]:
        return 0.0
    value = float(ag.spread[i])
    if ag.onset_on[i] == NO_DAY:
        value *= d[p.ASYMPTOMATIC]
        late = t >= ag.infectious_on[i] + 5
    else:
        late = t >= ag.onset_on[i] + 3
    if late:
        value *= d[p.LATE]
    return value


@njit(cache=True, inline="always")
def protection(doses: int, dose_on: int, t: int, first_share: float, per_person: float) -> float:
    """The share of the full vaccine course's efficacy a person has on day ``t`` (0 to 1)."""
    if doses == 0 or doses == DECLINED:
        return 0.0
    if t < dose_on + 14:
        return first_share if doses >= 2 else 0.0  # the first dose's effect meanwhile
    return 1.0 if doses >= per_person else first_share


@njit(cache=True)
def vaccine_effect(j: int, t: int, ag: Any, policy: Any) -> float:
    return protection(int(ag.doses[j]), int(ag.dose_on[j]), t, policy[VE_FIRST_SHARE],
                      policy[DOSES_PER_PERSON])  # fmt: skip


@njit(cache=True)
def severe_factor(j: int, t: int, ag: Any, policy: Any) -> float:
    """Severe disease of an infected vaccinated person, relative (efficacies are against
    the outcome, so given infection it is (1 - VE severe) / (1 - VE infection))."""
    share = vaccine_effect(j, t, ag, policy)
    if share == 0.0:
        return 1.0
    escaped = 1.0 - policy[VE_INFECTION] * share
    return min(1.0, (1.0 - policy[VE_SEVERE] * share) / max(escaped, 1e-9))


@njit(cache=True, inline="always")
def _days(seed: np.uint64, purpose: int, j: int, d: Any, mean: int) -> int:
    """Whole days of the duration whose mean is ``d[mean]`` (its sd follows it)."""
    return rng.lognormal_days(seed, purpose, j, d[mean], d[mean + 1])


@njit(cache=True)
def infect(
    j: int, source: int, t: int, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any,
    by_age: Any, policy: Any,
) -> None:  # fmt: skip
    """``j`` is infected on day ``t`` by ``source`` (-1: seeded or arrived): its whole course
    is drawn now, from draws keyed on ``j`` alone (the same course in every scenario)."""
    ag.state[j] = EXPOSED
    ag.infected_on[j] = t
    ag.infector[j] = source
    ag.spread[j] = rng.gamma_unit_mean(seed, rng.SPREAD, j, d[p.DISPERSION])
    ag.end_on[j] = _course(j, t, seed, int(pop.age_band[j]), ag, d, by_age, policy)
    push(ls.active, ls.counters, N_ACTIVE, j)


@njit(cache=True)
def _course(
    j: int, t: int, seed: np.uint64, band: int, ag: Any, d: Any, by_age: Any, policy: Any
) -> int:
    """Draws the days of ``j``'s course into ``ag``; returns the day it ends (recovered from
    infectiousness, discharged, or dead)."""
    start = t + _days(seed, rng.LATENT, j, d, p.LATENT_M)
    ag.infectious_on[j] = start
    if rng.uniform(seed, rng.SYMPTOMATIC, j, 7, 0) >= by_age[1, band]:
        return start + _days(seed, rng.RECOVERY, j, d, p.ASYMPTOMATIC_M)
    onset = start + _days(seed, rng.PRESYMPTOMATIC, j, d, p.PRESYMPTOMATIC_M)
    ag.onset_on[j] = onset
    severe = by_age[2, band] * d[p.SEVERITY] * severe_factor(j, t, ag, policy)
    if rng.uniform(seed, rng.SEVERE, j, 7, 0) >= severe:
        return onset + _days(seed, rng.RECOVERY, j, d, p.MILD_M)
    admitted = onset + _days(seed, rng.SEVERE, j, d, p.TO_SEVERE_M)
    ag.severe_on[j] = admitted
    if rng.uniform(seed, rng.CRITICAL, j, 7, 0) >= by_age[3, band]:
        return admitted + _days(seed, rng.RECOVERY, j, d, p.SEVERE_M)
    icu = admitted + _days(seed, rng.CRITICAL, j, d, p.TO_CRITICAL_M)
    ag.critical_on[j] = icu
    if rng.uniform(seed, rng.DIES, j, 7, 0) < d[p.DEATH_IF_CRITICAL]:
        ag.dies[j] = 1
        return icu + _days(seed, rng.DIES, j, d, p.TO_DEATH_M)
    return icu + _days(seed, rng.RECOVERY, j, d, p.CRITICAL_M)
