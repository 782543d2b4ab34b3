"""One run of a scenario: the city's people built for the seed, the outbreak seeded, then
``kernels.day`` once a day under what the measures make of it (``measures.Plan``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from cordon.sim import kernels as k
from cordon.sim import rng, state
from cordon.sim.city import districts_of
from cordon.sim.disease import Disease, disease_for
from cordon.sim.measures import Plan, Seen
from cordon.sim.population import People, build_people
from cordon.sim.results import METRICS, Run
from cordon.sim.scenario import Population, Scenario, ScenarioError

FIGURES = {  # metric → index of the kernels' daily figures
    "infections": state.INFECTIONS,
    "confirmed": state.CONFIRMED,
    "confirmed_community": state.CONFIRMED_COMMUNITY,
    "confirmed_in_quarantine": state.CONFIRMED_IN_QUARANTINE,
    "confirmed_imported": state.CONFIRMED_IMPORTED,
    "cases_in_care": state.CASES_IN_CARE,
    "quarantine_facility": state.QUARANTINE_FACILITY,
    "quarantine_home": state.QUARANTINE_HOME,
    "hospital": state.HOSPITAL,
    "icu": state.ICU,
    "deaths": state.DEATHS,
    "infectious": state.INFECTIOUS,
    "vaccinated": state.VACCINATED,
}
assert list(FIGURES) == list(METRICS)


@dataclass(frozen=True)
class AgentLog:
    """Who was infected when and by whom (for checks of the model; ``keep_agents=True``)."""

    infected_on: npt.NDArray[np.int16]  # state.NO_DAY: never
    infector: npt.NDArray[np.int32]  # -1: seeded or arrived
    diagnosed_on: npt.NDArray[np.int16]
    infectious_on: npt.NDArray[np.int16]
    onset_on: npt.NDArray[np.int16]
    severe_on: npt.NDArray[np.int16]
    end_on: npt.NDArray[np.int16]
    spread: npt.NDArray[np.float32]


def simulate(
    scenario: Scenario, seed: int, *, progress: Callable[[int], None] | None = None
) -> Run:
    """Run ``scenario`` once with ``seed``; ``progress(day)`` after each day."""
    return _simulate(scenario, seed, progress)[0]


def simulate_agents(scenario: Scenario, seed: int) -> tuple[Run, AgentLog]:
    """A run and who was infected when and by whom (for the checks of the model)."""
    return _simulate(scenario, seed, None)


def _simulate(
    scenario: Scenario, seed: int, progress: Callable[[int], None] | None
) -> tuple[Run, AgentLog]:
    started = time.perf_counter()
    people = _people(scenario.population, seed)
    plan = Plan(scenario, people)
    d = disease_for(scenario)
    pop = _pop(people)
    n, days, wards = people.size, scenario.days, len(people.ward_codes)
    agents, lists = state.new_agents(n), state.new_lists(n)
    key = np.uint64(seed)
    _seed(scenario, people, key, pop, agents, lists, d)
    built = time.perf_counter() - started
    figures = np.zeros((days, len(FIGURES)), dtype=np.int64)
    community = np.ones((days, wards))
    locked = np.zeros((days, wards), dtype=np.uint8)
    seen = Seen()
    for t in range(days):
        today = plan.today(t, seen)
        community[t], locked[t] = today.community, today.locked
        doses, campaign = plan.doses_today(t, seen)
        if campaign is not None and doses:
            order = _order(plan, people, seed, campaign.min_age, campaign.oldest_first)
            k.vaccinate(t, doses, order, campaign.interval_days, campaign.doses_per_person,
                        campaign.uptake, key, agents, lists)  # fmt: skip
        ward_confirmed = np.zeros(wards, dtype=np.int64)
        k.day(t, key, pop, agents, lists, d.values, d.by_age, today, community, locked,
              figures[t], ward_confirmed)  # fmt: skip
        seen.ward_confirmed.append(ward_confirmed)
        seen.hospital.append(int(figures[t, state.HOSPITAL]))
        seen.icu.append(int(figures[t, state.ICU]))
        if progress is not None:
            progress(t)
    held = people.nbytes() + sum(a.nbytes for a in (*agents, *lists, community, locked))
    run = Run(
        seed=seed,
        daily={m: figures[:, i].copy() for m, i in FIGURES.items()},
        agents=n,
        scale=people.scale,
        seconds=time.perf_counter() - started - built,
        build_seconds=built,
        peak_bytes=int(held),
    )
    return run, AgentLog(
        agents.infected_on, agents.infector, agents.diagnosed_on, agents.infectious_on,
        agents.onset_on, agents.severe_on, agents.end_on, agents.spread,
    )  # fmt: skip


@lru_cache(maxsize=1)
def _people(population: Population, seed: int) -> People:
    """The city's people for ``seed``, kept for the next run of the same seed in this process
    (a calibration runs many candidates on one seed's people). The kernels only read them."""
    return build_people(districts_of(population), population.agents, seed)


def forget_people() -> None:
    """Let the kept people go (a long-lived process, such as the API's runner, between runs)."""
    _people.cache_clear()


def _pop(people: People) -> state.Pop:
    return state.Pop(
        np.minimum(people.age // 10, 8).astype(np.uint8), people.ward, people.household,
        people.group, people.hh_start, people.ward_start, people.ward_district,
        people.district_start, people.group_start, people.group_members, people.group_kind,
        people.group_ward, people.group_district,
    )  # fmt: skip


def _order(plan: Plan, people: People, seed: int, min_age: int, oldest_first: bool) -> np.ndarray:
    """Who is offered the vaccine first: eligible by age, oldest first (random among equals)."""
    if plan.order is None:
        eligible = np.flatnonzero(people.age >= min_age)
        tiebreak = np.random.default_rng([seed, rng.DOSES]).permutation(len(eligible))
        age = people.age[eligible].astype(np.int64)
        keys = (-age if oldest_first else np.zeros_like(age), tiebreak)
        plan.order = eligible[np.lexsort(keys[::-1])].astype(np.int32)
    return plan.order


def _seed(scenario: Scenario, people: People, key: np.uint64, pop: state.Pop, agents: state.Agents,
          lists: state.Lists, d: Disease) -> None:  # fmt: skip
    """The infections, cases in care and people in quarantine on day 0."""
    s = scenario.seeding
    districts = {code: i for i, code in enumerate(people.district_codes)}
    for field in ("districts", "confirmed_active", "in_quarantine", "in_home_quarantine"):
        unknown = [c for c in getattr(s, field) if c not in districts]
        if unknown:
            raise ScenarioError([(f"seeding.{field}", f"no district {unknown[0]!r}")])
    policy = Plan(scenario, people).today(0, Seen()).policy  # a plan of its own: no trigger moves

    def infect(who: npt.NDArray[np.int64], on: npt.NDArray[np.int64]) -> None:
        k.seed_infections(who, on, key, pop, agents, lists, d.values, d.by_age, policy)

    def picks(stream: int, district: int, count: float) -> npt.NDArray[np.int64]:
        low, high = people.district_start[district], people.district_start[district + 1]
        return _picks(key, stream, low, high, _scaled(count, people.scale))

    who = _picks(key, 0, 0, people.size, 0 if s.districts else _scaled(s.infected, people.scale))
    for code, count in s.districts.items():
        who = np.r_[who, picks(1 + districts[code], districts[code], count)]
    infect(who, np.zeros(len(who), np.int64))
    for code, count in s.confirmed_active.items():
        cases = picks(100 + districts[code], districts[code], count)
        infect(cases, np.full(len(cases), -7, np.int64))
        k.admit(cases, key, agents, lists)
        hidden = picks(200 + districts[code], districts[code], count * s.undetected_per_confirmed)
        infect(hidden, -(np.arange(len(hidden)) % 7).astype(np.int64))
    for field, kind in (("in_quarantine", state.FACILITY), ("in_home_quarantine", state.HOME)):
        for code, count in getattr(s, field).items():
            held = picks(300 + 2 * districts[code] + kind, districts[code], count)
            k.quarantine(held, kind, key, agents, lists)


def _scaled(count: float, scale: float) -> int:
    """The city's people as agents (at least one of a positive count)."""
    return max(1, round(count / scale)) if count > 0 else 0


def _picks(key: np.uint64, stream: int, low: int, high: int, count: int) -> npt.NDArray[np.int64]:
    """``count`` agents in ``low:high``, the k-th a keyed draw (one more adds one)."""
    if high <= low or count <= 0:
        return np.zeros(0, dtype=np.int64)
    chosen: npt.NDArray[np.int64] = k.picks(key, stream, int(low), int(high), int(count))
    return chosen
