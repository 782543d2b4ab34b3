"""Tests, care and quarantine, and the tracing of a case's contacts to the tier depth
(compiled). Tracing finds the community contacts a case made by drawing them again from
the same keys (``transmission.community_pick``), not from a store of contacts."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from cordon.sim import disease as p
from cordon.sim import rng
from cordon.sim.state import (
    CARE,
    CONFIRMED,
    CONFIRMED_COMMUNITY,
    CONFIRMED_IMPORTED,
    CONFIRMED_IN_QUARANTINE,
    CONTACT,
    COVER_COMMUNITY,
    COVER_GROUP,
    COVER_HOUSEHOLD,
    DEAD,
    DEPTH,
    EPOCH,
    F1_KIND,
    F2_KIND,
    FREE,
    N_HELD,
    NO_DAY,
    QUARANTINE_DAYS,
    RESULT_DAYS,
    TRACE_TAIL,
    TRACING_DAYS,
    TTI,
    push,
)  # fmt: skip
from cordon.sim.transmission import community_count, community_pick


@njit(cache=True)
def sample(i: int, t: int, delay: float, seed: np.uint64, ag: Any, d: Any) -> None:
    """A sample of ``i`` taken on day ``t``; its result is due ``delay`` days later."""
    if ag.diagnosed_on[i] != NO_DAY or ag.result_on[i] != NO_DAY:
        return
    detectable = (
        ag.infected_on[i] != NO_DAY
        and t >= ag.infectious_on[i] - d[p.DETECTABLE_BEFORE]
        and t < ag.end_on[i]
    )
    positive = detectable and rng.uniform(seed, rng.TEST, i, t, 0) < d[p.SENSITIVITY]
    ag.result_on[i] = t + max(int(delay), 0)
    ag.result_positive[i] = 1 if positive else 0


@njit(cache=True)
def hold(j: int, kind: int, reason: int, t: int, until: int, ag: Any, ls: Any) -> int:
    """``j`` quarantined (or in care) from ``t`` to ``until``; 1 if newly held."""
    if ag.held_kind[j] == CARE:
        return 0
    if ag.held_kind[j] != FREE:
        ag.held_kind[j] = max(ag.held_kind[j], kind)
        ag.held_until[j] = max(ag.held_until[j], until)
        return 0
    push(ls.held, ls.counters, N_HELD, j)
    ag.held_kind[j] = kind
    ag.held_reason[j] = reason
    ag.held_from[j] = t
    ag.held_until[j] = until
    ag.tests_done[j] = 0
    return 1


@njit(cache=True)
def diagnose(i: int, t: int, pop: Any, ag: Any, ls: Any, today: Any, out: Any,
             ward_confirmed: Any) -> None:  # fmt: skip
    ag.diagnosed_on[i] = t
    out[CONFIRMED] += 1
    ward_confirmed[pop.ward[i]] += 1
    if ag.arrived[i]:
        out[CONFIRMED_IMPORTED] += 1
    elif ag.held_kind[i] != FREE and t < ag.held_until[i]:
        out[CONFIRMED_IN_QUARANTINE] += 1
    else:
        out[CONFIRMED_COMMUNITY] += 1
    if ag.held_kind[i] == FREE:
        push(ls.held, ls.counters, N_HELD, i)
    ag.held_kind[i] = CARE
    ag.held_from[i] = t
    ag.held_until[i] = max(int(ag.end_on[i]), t + 1)
    if today.policy[TTI] > 0:
        ls.trace_who[ls.counters[TRACE_TAIL]] = i
        ls.trace_on[ls.counters[TRACE_TAIL]] = t + int(today.policy[TRACING_DAYS])
        ls.counters[TRACE_TAIL] += 1


@njit(cache=True, inline="always")
def _wanted(j: int, epoch: int, mark: int, state: int, diagnosed_on: int) -> bool:
    return mark != epoch and state != DEAD and diagnosed_on == NO_DAY and j >= 0


@njit(cache=True)
def _contacts_of(x: int, first: int, last: int, seed: np.uint64, pop: Any, ag: Any, ls: Any,
                 d: Any, policy: Any, community: Any, locked: Any, n: int) -> int:  # fmt: skip
    """The contacts of ``x`` from day ``first`` to ``last`` (excluded) whom the tracers find,
    added to ``ls.found`` (from ``n``; returns the new end). Flat, like ``transmit``."""
    epoch, mark, state, diagnosed, found = (
        ls.counters[EPOCH],
        ag.mark,
        ag.state,
        ag.diagnosed_on,
        ls.found,
    )
    cover = policy[COVER_HOUSEHOLD]
    h = pop.household[x]
    for j in range(pop.hh_start[h], pop.hh_start[h + 1]):
        if _wanted(j, epoch, mark[j], state[j], diagnosed[j]) and (
            rng.uniform(seed, rng.TRACE, x, j, 0) < cover
        ):
            mark[j] = epoch
            found[n] = j
            n += 1
    g = pop.group[x]
    cover = policy[COVER_GROUP]
    if g >= 0:
        for k in range(pop.group_start[g], pop.group_start[g + 1]):
            j = pop.group_members[k]
            if _wanted(j, epoch, mark[j], state[j], diagnosed[j]) and (
                rng.uniform(seed, rng.TRACE, x, j, 1) < cover
            ):
                mark[j] = epoch
                found[n] = j
                n += 1
    cover = policy[COVER_COMMUNITY]
    if cover <= 0.0:
        return n
    w, ward = pop.ward[x], pop.ward
    district = pop.ward_district[w]
    own = (pop.ward_start[w], pop.ward_start[w + 1])
    near = (pop.district_start[district], pop.district_start[district + 1])
    held_from, held_until = ag.held_from[x], ag.held_until[x]
    for day in range(max(first, 0), min(last, community.shape[0])):
        if held_from != NO_DAY and held_from <= day < held_until:
            continue  # held that day: met nobody outside
        is_locked = locked[day, w] != 0
        mean = d[p.K_COMMUNITY] * community[day, w]
        for c in range(community_count(x, day, seed, mean)):
            j = community_pick(x, day, c, seed, d[p.IN_DISTRICT], own, near, len(ward), is_locked)
            if j == x or (locked[day, ward[j]] and ward[j] != w):
                continue
            if _wanted(j, epoch, mark[j], state[j], diagnosed[j]) and (
                rng.uniform(seed, rng.TRACE, x, j, 2) < cover
            ):
                mark[j] = epoch
                found[n] = j
                n += 1
    return n


@njit(cache=True)
def trace(case: int, t: int, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any,
          today: Any, community: Any, locked: Any) -> int:  # fmt: skip
    """The contacts of a case to the tier depth, quarantined; returns how many newly held."""
    policy = today.policy
    ls.counters[EPOCH] += 1
    ag.mark[case] = ls.counters[EPOCH]
    last = int(ag.diagnosed_on[case])
    onset = int(ag.onset_on[case])
    first = (onset if onset != NO_DAY and onset <= last else last - int(policy[RESULT_DAYS])) - 2
    ls.frontier[0] = case
    front = 1
    held = 0
    until = t + int(policy[QUARANTINE_DAYS])
    for tier in range(1, int(policy[DEPTH]) + 1):
        n = 0
        for f in range(front):
            end = last + 1 if tier == 1 else t
            n = _contacts_of(ls.frontier[f], first, end, seed, pop, ag, ls, d, policy,
                             community, locked, n)  # fmt: skip
        kind = int(policy[F1_KIND] if tier == 1 else policy[F2_KIND])
        for k in range(n):
            j = ls.found[k]
            held += hold(j, kind, CONTACT, t, until, ag, ls)
            ls.frontier[k] = j
        front = n
        if front == 0:
            break
    return held
