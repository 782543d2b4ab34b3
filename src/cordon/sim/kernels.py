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
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from cordon.sim import disease as p
from cordon.sim import rng

# states
SUSCEPTIBLE, EXPOSED, PRESYMPTOMATIC, ASYMPTOMATIC, MILD, SEVERE, CRITICAL = 0, 1, 2, 3, 4, 5, 6
RECOVERED, DEAD = 7, 8
# held: kind and reason
FREE, HOME, FACILITY, CARE = 0, 1, 2, 3
CONTACT, ARRIVAL = 1, 2
# the day's policy vector
(
    TTI, DEPTH, SEEK, RESULT_DAYS, TRACING_DAYS, COVER_HOUSEHOLD, COVER_GROUP,
    COVER_COMMUNITY, CAPACITY, F1_KIND, F2_KIND, QUARANTINE_DAYS, ENTRY, ENTRY_DAYS,
    ARRIVALS, LOCK_REDUCTION, VE_INFECTION, VE_SEVERE, VE_FIRST_SHARE, DOSES_PER_PERSON,
) = range(20)  # fmt: skip
POLICY_SIZE = 20
# the day's figures
(
    INFECTIONS, CONFIRMED, CONFIRMED_COMMUNITY, CONFIRMED_IN_QUARANTINE, CONFIRMED_IMPORTED,
    CASES_IN_CARE, QUARANTINE_FACILITY, QUARANTINE_HOME, HOSPITAL, ICU, DEATHS, INFECTIOUS,
    VACCINATED,
) = range(13)  # fmt: skip
# list counters
N_ACTIVE, N_HELD, TRACE_HEAD, TRACE_TAIL, EPOCH, N_VACCINATED, FIRST_DOSES, SECOND_DOSES = range(8)
NO_DAY = -32768
DECLINED = 255  # ``doses`` of someone who declined the vaccine


class Pop(NamedTuple):
    age_band: npt.NDArray[np.uint8]
    ward: npt.NDArray[np.int32]
    household: npt.NDArray[np.int32]
    group: npt.NDArray[np.int32]
    hh_start: npt.NDArray[np.int64]
    ward_start: npt.NDArray[np.int64]
    ward_district: npt.NDArray[np.int32]
    district_start: npt.NDArray[np.int64]
    group_start: npt.NDArray[np.int64]
    group_members: npt.NDArray[np.int32]
    group_kind: npt.NDArray[np.uint8]
    group_ward: npt.NDArray[np.int32]
    group_district: npt.NDArray[np.int32]


class Agents(NamedTuple):
    state: npt.NDArray[np.uint8]
    infected_on: npt.NDArray[np.int16]
    infectious_on: npt.NDArray[np.int16]
    onset_on: npt.NDArray[np.int16]  # NO_DAY: no symptoms
    severe_on: npt.NDArray[np.int16]
    critical_on: npt.NDArray[np.int16]
    end_on: npt.NDArray[np.int16]  # recovered (no longer infectious or discharged) or dead
    dies: npt.NDArray[np.uint8]
    infector: npt.NDArray[np.int32]  # -1: seeded or arrived
    spread: npt.NDArray[np.float32]  # own infectiousness (mean 1)
    arrived: npt.NDArray[np.uint8]
    diagnosed_on: npt.NDArray[np.int16]
    seek_on: npt.NDArray[np.int16]
    result_on: npt.NDArray[np.int16]
    result_positive: npt.NDArray[np.uint8]
    held_kind: npt.NDArray[np.uint8]
    held_reason: npt.NDArray[np.uint8]
    held_from: npt.NDArray[np.int16]
    held_until: npt.NDArray[np.int16]
    tests_done: npt.NDArray[np.uint8]
    doses: npt.NDArray[np.uint8]
    dose_on: npt.NDArray[np.int16]
    mark: npt.NDArray[np.int32]


class Lists(NamedTuple):
    active: npt.NDArray[np.int32]
    held: npt.NDArray[np.int32]
    trace_who: npt.NDArray[np.int32]
    trace_on: npt.NDArray[np.int16]
    frontier: npt.NDArray[np.int32]
    found: npt.NDArray[np.int32]
    counters: npt.NDArray[np.int64]


class Today(NamedTuple):
    """What the measures make of the day, by ward where they can differ by zone."""

    policy: npt.NDArray[np.float64]
    community: npt.NDArray[np.float64]  # contacts, relative, by ward (distancing, bans, locks)
    masks: npt.NDArray[np.float64]  # transmission per contact outside home, by ward
    locked: npt.NDArray[np.uint8]  # by ward
    school_closed: npt.NDArray[np.uint8]  # by ward
    work_closed: npt.NDArray[np.float64]  # share of work teams closed, by district
    quarantine_tests: npt.NDArray[np.int64]  # days of quarantine a contact is tested
    entry_tests: npt.NDArray[np.int64]


def new_agents(n: int) -> Agents:
    def days() -> npt.NDArray[np.int16]:
        return np.full(n, NO_DAY, dtype=np.int16)

    return Agents(
        np.zeros(n, np.uint8), days(), days(), days(), days(), days(), days(),
        np.zeros(n, np.uint8), np.full(n, -1, np.int32), np.ones(n, np.float32),
        np.zeros(n, np.uint8), days(), days(), days(), np.zeros(n, np.uint8),
        np.zeros(n, np.uint8), np.zeros(n, np.uint8), days(), days(), np.zeros(n, np.uint8),
        np.zeros(n, np.uint8), days(), np.zeros(n, np.int32),
    )  # fmt: skip


def new_lists(n: int) -> Lists:
    return Lists(
        np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n, np.int32),
        np.zeros(n, np.int16), np.zeros(n, np.int32), np.zeros(n, np.int32),
        np.zeros(8, np.int64),
    )  # fmt: skip


# --- the course of an infection ---------------------------------------------------------


@njit(inline="always", cache=True)
def _push(array: Any, counters: Any, which: int, value: int) -> None:
    array[counters[which]] = value
    counters[which] += 1


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


@njit(cache=True)
def infect(
    j: int, source: int, t: int, seed: np.uint64, pop: Any, ag: Any, ls: Any, d: Any,
    by_age: Any, policy: Any,
) -> None:  # fmt: skip
    """``j`` is infected on day ``t`` by ``source`` (-1: seeded or arrived): its whole course
    is drawn now, from draws keyed on ``j`` alone (the same course in every scenario)."""
    band = int(pop.age_band[j])
    ag.state[j] = EXPOSED
    ag.infected_on[j] = t
    ag.infector[j] = source
    ag.spread[j] = rng.gamma_unit_mean(seed, rng.SPREAD, j, d[p.DISPERSION])
    start = t + rng.lognormal_days(seed, rng.LATENT, j, d[p.LATENT_M], d[p.LATENT_SD])
    ag.infectious_on[j] = start
    if rng.uniform(seed, rng.SYMPTOMATIC, j, 7, 0) >= by_age[1, band]:
        ag.end_on[j] = start + rng.lognormal_days(
            seed, rng.RECOVERY, j, d[p.ASYMPTOMATIC_M], d[p.ASYMPTOMATIC_SD]
        )
        _push(ls.active, ls.counters, N_ACTIVE, j)
        return
    onset = start + rng.lognormal_days(
        seed, rng.PRESYMPTOMATIC, j, d[p.PRESYMPTOMATIC_M], d[p.PRESYMPTOMATIC_SD]
    )
    ag.onset_on[j] = onset
    severe = by_age[2, band] * d[p.SEVERITY] * severe_factor(j, t, ag, policy)
    if rng.uniform(seed, rng.SEVERE, j, 7, 0) >= severe:
        ag.end_on[j] = onset + rng.lognormal_days(seed, rng.RECOVERY, j, d[p.MILD_M], d[p.MILD_SD])
        _push(ls.active, ls.counters, N_ACTIVE, j)
        return
    admitted = onset + rng.lognormal_days(seed, rng.SEVERE, j, d[p.TO_SEVERE_M], d[p.TO_SEVERE_SD])
    ag.severe_on[j] = admitted
    if rng.uniform(seed, rng.CRITICAL, j, 7, 0) >= by_age[3, band]:
        ag.end_on[j] = admitted + rng.lognormal_days(
            seed, rng.RECOVERY, j, d[p.SEVERE_M], d[p.SEVERE_SD]
        )
        _push(ls.active, ls.counters, N_ACTIVE, j)
        return
    icu = admitted + rng.lognormal_days(
        seed, rng.CRITICAL, j, d[p.TO_CRITICAL_M], d[p.TO_CRITICAL_SD]
    )
    ag.critical_on[j] = icu
    if rng.uniform(seed, rng.DIES, j, 7, 0) < d[p.DEATH_IF_CRITICAL]:
        ag.dies[j] = 1
        ag.end_on[j] = icu + rng.lognormal_days(
            seed, rng.DIES, j, d[p.TO_DEATH_M], d[p.TO_DEATH_SD]
        )
    else:
        ag.end_on[j] = icu + rng.lognormal_days(
            seed, rng.RECOVERY, j, d[p.CRITICAL_M], d[p.CRITICAL_SD]
        )
    _push(ls.active, ls.counters, N_ACTIVE, j)


# --- contacts -----------------------------------------------------------------------------


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
        sus = by_age[0, band[j]] * (
            1.0 - ve * protection(doses[j], dose_on[j], t, share, per_person)
        )
        if rng.uniform(seed, rng.HOUSEHOLD, i, j, t) < 1.0 - math.exp(-hazard * home * sus):
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
            sus = by_age[0, band[j]] * (
                1.0 - ve * protection(doses[j], dose_on[j], t, share, per_person)
            )
            if rng.uniform(seed, rng.GROUP_INFECT, i, t, c) < 1.0 - math.exp(
                -hazard * weight * sus
            ):
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
        sus = by_age[0, band[j]] * (
            1.0 - ve * protection(doses[j], dose_on[j], t, share, per_person)
        )
        if rng.uniform(seed, rng.COMMUNITY_INFECT, i, t, c) < 1.0 - math.exp(
            -hazard * weight * sus
        ):
            candidates[count] = j
            count += 1
            state[j] = EXPOSED
    for k in range(count):
        j = candidates[k]
        state[j] = SUSCEPTIBLE
        infect(j, i, t, seed, pop, ag, ls, d, by_age, policy)
    return count


# --- testing, care and quarantine ----------------------------------------------------------


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
    _push(ls.held, ls.counters, N_HELD, j)
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
        _push(ls.held, ls.counters, N_HELD, i)
    ag.held_kind[i] = CARE
    ag.held_from[i] = t
    ag.held_until[i] = max(int(ag.end_on[i]), t + 1)
    if today.policy[TTI] > 0:
        ls.trace_who[ls.counters[TRACE_TAIL]] = i
        ls.trace_on[ls.counters[TRACE_TAIL]] = t + int(today.policy[TRACING_DAYS])
        ls.counters[TRACE_TAIL] += 1


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


# --- tracing ------------------------------------------------------------------------------


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


# --- the day ------------------------------------------------------------------------------


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
    """One day; ``out`` receives the day's figures, ``ward_confirmed`` its cases by ward."""
    policy = today.policy
    arrivals(t, seed, pop, ag, ls, d, by_age, today)
    keep = 0
    for k in range(ls.counters[N_ACTIVE]):
        i = ls.active[k]
        if ag.result_on[i] != NO_DAY and ag.result_on[i] <= t:
            ag.result_on[i] = NO_DAY
            if ag.result_positive[i] and ag.diagnosed_on[i] == NO_DAY:
                diagnose(i, t, pop, ag, ls, today, out, ward_confirmed)
        advance(i, t, seed, ag, d, policy, out)
        s = ag.state[i]
        if s in (SEVERE, CRITICAL):
            out[HOSPITAL] += 1
            if s == CRITICAL:
                out[ICU] += 1
        if s != RECOVERED and s != DEAD:
            ls.active[keep] = i
            keep += 1
    ls.counters[N_ACTIVE] = keep
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
                sample(j, t, policy[RESULT_DAYS], seed, ag, d)
    ls.counters[N_HELD] = keep
    if policy[TTI] > 0:
        budget = policy[CAPACITY] if policy[CAPACITY] >= 0 else 1e18
        while (
            ls.counters[TRACE_HEAD] < ls.counters[TRACE_TAIL]
            and ls.trace_on[ls.counters[TRACE_HEAD]] <= t
            and budget > 0
        ):
            case = ls.trace_who[ls.counters[TRACE_HEAD]]
            ls.counters[TRACE_HEAD] += 1
            budget -= trace(case, t, seed, pop, ag, ls, d, today, community, locked)
    else:
        ls.counters[TRACE_HEAD] = ls.counters[TRACE_TAIL]
    infectious = 0
    for k in range(ls.counters[N_ACTIVE]):  # those infected today are appended, not visited
        i = ls.active[k]
        if infectiousness(i, t, ag, d) > 0.0:
            infectious += 1
            out[INFECTIONS] += transmit(i, t, seed, pop, ag, ls, d, by_age, today)
    out[INFECTIOUS] = infectious
    out[VACCINATED] = ls.counters[N_VACCINATED]


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
