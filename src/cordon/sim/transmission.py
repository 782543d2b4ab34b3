"""Who an infectious person meets and infects on a day, by setting: household, class or
work team, community (compiled). Each contact is one keyed draw (``rng``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from cordon.sim import disease as p
from cordon.sim import rng
from cordon.sim.course import infect, infectiousness, protection
from cordon.sim.state import (
    CARE,
    DOSES_PER_PERSON,
    EXPOSED,
    FACILITY,
    FREE,
    HOME,
    SUSCEPTIBLE,
    VE_FIRST_SHARE,
    VE_INFECTION,
)  # fmt: skip


@njit(cache=True, inline="always")
def community_count(i: int, t: int, seed: np.uint64, mean: float) -> int:
    return rng.poisson(rng.uniform(seed, rng.COMMUNITY_COUNT, i, t, 0), mean)


@njit(cache=True, inline="always")
def community_pick(
    i: int, t: int, c: int, seed: np.uint64, in_district: float, own: tuple[int, int],
    district: tuple[int, int], everyone: int, is_locked: bool,
) -> int:  # fmt: skip
    """The ``c``-th person ``i`` meets in the community on day ``t``: in the own ward when
    locked in, else in the own district or anywhere. The same draws for transmission and
    for tracing. (Scalars only: a call with arrays costs more than the draw in Numba.)"""
    if is_locked:
        low, high = own
    elif rng.uniform(seed, rng.COMMUNITY_WHERE, i, t, c) < in_district:
        low, high = district
    else:
        low, high = 0, everyone
    return low + int(rng.uniform(seed, rng.COMMUNITY_PICK, i, t, c) * (high - low))


@njit(cache=True, inline="always")
def infects(
    u: float, hazard: float, weight: float, by_age: float, ve: float, protected: float
) -> bool:
    """Whether one contact infects: ``u`` its keyed draw, ``weight`` the setting's, ``by_age``
    the susceptibility of the contact's age, ``protected`` (0 to 1) the share of the vaccine's
    efficacy ``ve`` the contact holds. (Scalars only, as ``community_pick``.)"""
    sus = by_age * (1.0 - ve * protected)
    return u < 1.0 - math.exp(-hazard * weight * sus)


@njit(cache=True)
def community_mean(i: int, t: int, pop: Any, ag: Any, d: Any, today: Any) -> float:
    """How many people ``i`` meets in the community on day ``t``, on average."""
    kind = ag.held_kind[i] if t < ag.held_until[i] else FREE
    if kind in (FACILITY, CARE):
        return d[p.K_COMMUNITY] * d[p.FACILITY]
    mean = d[p.K_COMMUNITY] * today.community[pop.ward[i]]
    if kind == HOME:
        mean *= d[p.HOME_COMMUNITY]
    return mean


@njit(cache=True)
def group_open(g: int, pop: Any, today: Any, seed: np.uint64) -> bool:
    if pop.group_kind[g] == 0:  # a class
        return today.school_closed[pop.group_ward[g]] == 0 and today.locked[pop.group_ward[g]] == 0
    share = today.work_closed[pop.group_district[g]]
    return share <= 0.0 or rng.uniform(seed, rng.CLOSED, g, 0, 0) >= share


@njit(cache=True)
def transmit(i: int, t: int, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any,
             by_age: Any, today: Any) -> int:  # fmt: skip
    """Everyone ``i`` infects on day ``t``; returns how many. Written flat, its arrays taken
    out once: the loops over contacts call no function that takes an array."""
    policy = today.policy
    hazard = d[p.BETA] * infectiousness(i, t, ag, d)
    if hazard <= 0.0:
        return 0
    state, held_kind, held_until = ag.state, ag.held_kind, ag.held_until
    doses, dose_on, band, ward, locked = ag.doses, ag.dose_on, pop.age_band, pop.ward, today.locked
    ve, share, per_person = policy[VE_INFECTION], policy[VE_FIRST_SHARE], policy[DOSES_PER_PERSON]
    kind = held_kind[i] if t < held_until[i] else FREE
    home = d[p.W_HOUSEHOLD] * (d[p.HOME_HOUSEHOLD] if kind == HOME else 1.0)
    if kind in (FACILITY, CARE):
        home = d[p.W_HOUSEHOLD] * d[p.FACILITY]
    count = 0
    candidates = ls.found  # reused as scratch: who was infected, applied after the loops
    h = pop.household[i]
    for j in range(pop.hh_start[h], pop.hh_start[h + 1]):
        if j == i or home <= 0.0 or state[j] != SUSCEPTIBLE:
            continue
        if held_kind[j] >= FACILITY and t < held_until[j]:
            continue
        protected = protection(doses[j], dose_on[j], t, share, per_person)
        u = rng.uniform(seed, rng.HOUSEHOLD, i, j, t)
        if infects(u, hazard, home, by_age[0, band[j]], ve, protected):
            candidates[count] = j
            count += 1
            state[j] = EXPOSED  # taken: nobody else infects them today
    masks = today.masks[ward[i]]
    g = pop.group[i]
    if kind == FREE and g >= 0 and locked[ward[i]] == 0 and group_open(g, pop, today, seed):
        low, size = pop.group_start[g], pop.group_start[g + 1] - pop.group_start[g]
        school = pop.group_kind[g] == 0
        weight = (d[p.W_SCHOOL] if school else d[p.W_WORK]) * masks
        members = pop.group_members
        for c in range(min(int(d[p.K_SCHOOL] if school else d[p.K_WORK]), size - 1)):
            j = members[low + int(rng.uniform(seed, rng.GROUP_PICK, i, t, c) * size)]
            if j == i or state[j] != SUSCEPTIBLE or locked[ward[j]]:
                continue
            if held_kind[j] != FREE and t < held_until[j]:
                continue
            protected = protection(doses[j], dose_on[j], t, share, per_person)
            u = rng.uniform(seed, rng.GROUP_INFECT, i, t, c)
            if infects(u, hazard, weight, by_age[0, band[j]], ve, protected):
                candidates[count] = j
                count += 1
                state[j] = EXPOSED
    w = ward[i]
    district = pop.ward_district[w]
    own = (pop.ward_start[w], pop.ward_start[w + 1])
    near = (pop.district_start[district], pop.district_start[district + 1])
    weight = d[p.W_COMMUNITY] * masks
    is_locked = locked[w] != 0
    for c in range(community_count(i, t, seed, community_mean(i, t, pop, ag, d, today))):
        j = community_pick(i, t, c, seed, d[p.IN_DISTRICT], own, near, len(ward), is_locked)
        if j == i or state[j] != SUSCEPTIBLE or (locked[ward[j]] and ward[j] != w):
            continue
        if held_kind[j] != FREE and t < held_until[j]:
            continue
        protected = protection(doses[j], dose_on[j], t, share, per_person)
        u = rng.uniform(seed, rng.COMMUNITY_INFECT, i, t, c)
        if infects(u, hazard, weight, by_age[0, band[j]], ve, protected):
            candidates[count] = j
            count += 1
            state[j] = EXPOSED
    for k in range(count):
        j = candidates[k]
        state[j] = SUSCEPTIBLE
        infect(j, i, t, seed, pop, ag, ls, d, by_age, policy)
    return count
