"""The day of the simulation, compiled (Numba). ``model.simulate`` calls ``day`` once a day.

Order of one day (the order matters and is the same in every run):

1. **Arrivals**: infected arrivals join the city; under entry quarantine, into a facility.
2. **Results and courses**, for everyone infected: a test result due today (a positive one
   is a diagnosis: the case goes into care and, under test-trace-isolate, is queued for
   tracing); then the course moves on (exposed → infectious → symptoms → hospital →
   intensive care → recovered or dead); a person with symptoms may seek a test; everyone
   admitted to hospital is tested.
3. **Quarantine and care**: those whose time is over leave; those held are tested on the
   days of their schedule.
4. **Tracing**: the cases due today, up to the day's capacity: their contacts (household,
   class or team, and the community contacts they made) to the tier depth, each kind found
   with its coverage, quarantined in a facility or at home.
5. **Transmission** from everyone infectious, by setting: household, class or work team,
   community; each contact is one keyed draw (``rng``), so runs share their random numbers.

Only the infected (``active``) and the held (``held``) are visited each day, never the
whole city: the work a day is proportional to the epidemic, not to the population.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from cordon.sim import disease as p
from cordon.sim import rng
from cordon.sim.course import infect, infectiousness
from cordon.sim.state import (
    ARRIVAL,
    ARRIVALS,
    ASYMPTOMATIC,
    CAPACITY,
    CARE,
    CASES_IN_CARE,
    CONTACT,
    CRITICAL,
    DEAD,
    DEATHS,
    DECLINED,
    ENTRY,
    ENTRY_DAYS,
    EXPOSED,
    FACILITY,
    FIRST_DOSES,
    FREE,
    HOSPITAL,
    ICU,
    INFECTIONS,
    INFECTIOUS,
    MILD,
    N_ACTIVE,
    N_HELD,
    N_VACCINATED,
    NO_DAY,
    PRESYMPTOMATIC,
    QUARANTINE_FACILITY,
    QUARANTINE_HOME,
    RECOVERED,
    RESULT_DAYS,
    SECOND_DOSES,
    SEEK,
    SEVERE,
    SUSCEPTIBLE,
    TRACE_HEAD,
    TRACE_TAIL,
    TTI,
    VACCINATED,
)  # fmt: skip
from cordon.sim.tracing import diagnose, hold, sample, trace
from cordon.sim.transmission import transmit


@njit(cache=True)
def advance(i: int, t: int, seed: np.uint64, ag: Any, d: Any, policy: Any, out: Any) -> None:
    """The course of ``i`` moves on to day ``t``; a person with symptoms may seek a test."""
    s = ag.state[i]
    if s == EXPOSED and t >= ag.infectious_on[i]:
        s = PRESYMPTOMATIC if ag.onset_on[i] != NO_DAY else ASYMPTOMATIC
    if s == PRESYMPTOMATIC and t >= ag.onset_on[i]:
        s = MILD
        chance = policy[SEEK] if policy[TTI] > 0 else 0.0
        if chance > 0.0 and ag.diagnosed_on[i] == NO_DAY:
            u = rng.uniform(seed, rng.SEEK, i, 0, 0)
            wait = 0 if chance >= 1.0 else int(math.log(1.0 - u) / math.log(1.0 - chance))
            ag.seek_on[i] = min(t + wait, 32000)
    if s == MILD and ag.severe_on[i] != NO_DAY and t >= ag.severe_on[i]:
        s = SEVERE
        if d[p.SEVERE_TESTED] > 0:
            sample(i, t, 1, seed, ag, d)
    if s == SEVERE and ag.critical_on[i] != NO_DAY and t >= ag.critical_on[i]:
        s = CRITICAL
    if t >= ag.end_on[i] and s != EXPOSED:
        s = DEAD if ag.dies[i] else RECOVERED
        if s == DEAD:
            out[DEATHS] += 1
    if s == MILD and ag.seek_on[i] == t:
        sample(i, t, policy[RESULT_DAYS], seed, ag, d)
    ag.state[i] = s


@njit(cache=True)
def arrivals(t: int, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any, by_age: Any,
             today: Any) -> None:  # fmt: skip
    policy = today.policy
    expected = policy[ARRIVALS]
    count = int(expected) + (1 if rng.uniform(seed, rng.IMPORT, t, 0, 1) < expected % 1.0 else 0)
    n = len(pop.ward)
    for k in range(count):
        j = int(rng.uniform(seed, rng.IMPORT, t, k, 0) * n)
        if ag.state[j] != SUSCEPTIBLE:
            continue
        infect(j, -1, t - 2, seed, pop, ag, ls, d, by_age, policy)
        ag.arrived[j] = 1
        if policy[ENTRY] > 0:
            hold(j, FACILITY, ARRIVAL, t, t + int(policy[ENTRY_DAYS]), ag, ls)


@njit(cache=True)
def day(
    t: int, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any, by_age: Any, today: Any,
    community: Any, locked: Any, out: Any, ward_confirmed: Any,
) -> None:  # fmt: skip
    """One day, in the order of the module's docstring; ``out`` receives the day's figures,
    ``ward_confirmed`` its cases by ward."""
    arrivals(t, seed, pop, ag, ls, d, by_age, today)
    courses(t, seed, pop, ag, ls, d, today, out, ward_confirmed)
    held(t, seed, ag, ls, d, today, out)
    tracing(t, seed, pop, ag, ls, d, today, community, locked)
    infectious = 0
    for k in range(ls.counters[N_ACTIVE]):  # those infected today are appended, not visited
        i = ls.active[k]
        if infectiousness(i, t, ag, d) > 0.0:
            infectious += 1
            out[INFECTIONS] += transmit(i, t, seed, pop, ag, ls, d, by_age, today)
    out[INFECTIOUS] = infectious
    out[VACCINATED] = ls.counters[N_VACCINATED]


@njit(cache=True)
def courses(t: int, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any, today: Any, out: Any,
            ward_confirmed: Any) -> None:  # fmt: skip
    """Step 2: results due, then each course moves on; the recovered and dead leave the list."""
    keep = 0
    for k in range(ls.counters[N_ACTIVE]):
        i = ls.active[k]
        if ag.result_on[i] != NO_DAY and ag.result_on[i] <= t:
            ag.result_on[i] = NO_DAY
            if ag.result_positive[i] and ag.diagnosed_on[i] == NO_DAY:
                diagnose(i, t, pop, ag, ls, today, out, ward_confirmed)
        advance(i, t, seed, ag, d, today.policy, out)
        s = ag.state[i]
        if s in (SEVERE, CRITICAL):
            out[HOSPITAL] += 1
            if s == CRITICAL:
                out[ICU] += 1
        if s != RECOVERED and s != DEAD:
            ls.active[keep] = i
            keep += 1
    ls.counters[N_ACTIVE] = keep


@njit(cache=True)
def held(t: int, seed: np.uint64, ag: Any, ls: Any, d: Any, today: Any, out: Any) -> None:
    """Step 3: those whose time is over leave; those in quarantine are tested on schedule."""
    keep = 0
    for k in range(ls.counters[N_HELD]):
        j = ls.held[k]
        if t >= ag.held_until[j] or ag.state[j] == DEAD:
            ag.held_kind[j] = FREE
            continue
        ls.held[keep] = j
        keep += 1
        if ag.held_kind[j] == CARE:
            out[CASES_IN_CARE] += 1
            continue
        out[QUARANTINE_FACILITY if ag.held_kind[j] == FACILITY else QUARANTINE_HOME] += 1
        tests = today.quarantine_tests if ag.held_reason[j] == CONTACT else today.entry_tests
        done = ag.tests_done[j]
        if done < len(tests) and t - ag.held_from[j] >= tests[done]:
            ag.tests_done[j] = done + 1
            if ag.infected_on[j] != NO_DAY:
                sample(j, t, today.policy[RESULT_DAYS], seed, ag, d)
    ls.counters[N_HELD] = keep


@njit(cache=True)
def tracing(t: int, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any, today: Any,
            community: Any, locked: Any) -> None:  # fmt: skip
    """Step 4: the cases due for tracing, up to the day's capacity (none without tracing)."""
    policy = today.policy
    if policy[TTI] <= 0:
        ls.counters[TRACE_HEAD] = ls.counters[TRACE_TAIL]
        return
    budget = policy[CAPACITY] if policy[CAPACITY] >= 0 else 1e18
    while (
        ls.counters[TRACE_HEAD] < ls.counters[TRACE_TAIL]
        and ls.trace_on[ls.counters[TRACE_HEAD]] <= t
        and budget > 0
    ):
        case = ls.trace_who[ls.counters[TRACE_HEAD]]
        ls.counters[TRACE_HEAD] += 1
        budget -= trace(case, t, seed, pop, ag, ls, d, today, community, locked)


@njit(cache=True)
def seed_infections(
    who: Any, on: Any, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any, by_age: Any,
    policy: Any,
) -> int:  # fmt: skip
    """Infections at the start (on their days, which may be before day 0); returns how many."""
    made = 0
    for k in range(len(who)):
        if ag.state[who[k]] == SUSCEPTIBLE:
            infect(who[k], -1, on[k], seed, pop, ag, ls, d, by_age, policy)
            made += 1
    return made


@njit(cache=True)
def vaccinate(t: int, doses: int, order: Any, interval: int, per_person: int, uptake: float,
              seed: np.uint64, ag: Any, ls: Any) -> None:  # fmt: skip
    """``doses`` given on day ``t``: second doses due first, then first doses in ``order``."""
    c = ls.counters
    while doses > 0 and per_person >= 2 and c[SECOND_DOSES] < c[FIRST_DOSES]:
        j = order[c[SECOND_DOSES]]
        if ag.doses[j] == 1 and ag.dose_on[j] + interval > t:
            break  # the next in line is not due yet
        if ag.doses[j] == 1 and ag.state[j] != DEAD:
            ag.doses[j] = 2
            ag.dose_on[j] = t
            doses -= 1
        c[SECOND_DOSES] += 1
    while doses > 0 and c[FIRST_DOSES] < len(order):
        j = order[c[FIRST_DOSES]]
        if ag.state[j] != DEAD and rng.uniform(seed, rng.UPTAKE, j, 0, 0) < uptake:
            ag.doses[j] = 1
            ag.dose_on[j] = t
            c[N_VACCINATED] += 1
            doses -= 1
        else:
            ag.doses[j] = DECLINED  # passed over by the second doses too
        c[FIRST_DOSES] += 1


@njit(cache=True)
def picks(seed: np.uint64, stream: int, low: int, high: int, count: int) -> Any:
    """``count`` distinct agents of ``low:high``, each a keyed draw (the k-th does not depend
    on how many are asked for)."""
    count = min(count, high - low)
    out = np.empty(count, dtype=np.int64)
    chosen = set()
    k = 0
    attempt = 0
    while k < count:
        j = low + int(rng.uniform(seed, rng.SEEDING, stream, attempt, 0) * (high - low))
        attempt += 1
        if j not in chosen:
            chosen.add(j)
            out[k] = j
            k += 1
    return out


@njit(cache=True)
def admit(cases: Any, seed: np.uint64, ag: Any, ls: Any) -> None:
    """Cases already confirmed and in care on day 0 (diagnosed the day before)."""
    for k in range(len(cases)):
        i = cases[k]
        ag.diagnosed_on[i] = -1
        hold(i, CARE, CONTACT, 0, max(int(ag.end_on[i]), 1), ag, ls)


@njit(cache=True)
def quarantine(people: Any, kind: int, seed: np.uint64, ag: Any, ls: Any) -> None:
    """People already in quarantine on day 0, with 1 to 14 days left."""
    for k in range(len(people)):
        j = people[k]
        left = 1 + int(rng.uniform(seed, rng.TRACE, j, 0, 9) * 14)
        hold(j, kind, CONTACT, left - 14, left, ag, ls)
