"""What the scenario's measures make of each day: which are in force where, from their dates
and from their triggers on the figures the city has seen up to the day before.

A trigger is checked on yesterday's figures, as a health department decides on the numbers
it has: ``when`` must hold ``for_days`` days in a row to switch a measure on, ``until`` to
switch it off again (after which ``when`` may switch it on once more). With ``per =
"district"`` (or ``"ward"``) each district (ward) switches on its own figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from cordon.sim import state as k
from cordon.sim.population import People
from cordon.sim.scenario import (
    Distancing,
    EntryQuarantine,
    GatheringBan,
    Masks,
    Measure,
    Scenario,
    ScenarioError,
    SchoolClosure,
    TestTraceIsolate,
    Trigger,
    Vaccination,
    WorkplaceClosure,
    ZoneLockdown,
)

CITY_WIDE = (TestTraceIsolate, EntryQuarantine, Vaccination)  # not by zone
KIND = {"home": float(k.HOME), "facility": float(k.FACILITY)}


@dataclass
class Seen:
    """The figures the city has seen so far, day by day (of agents)."""

    ward_confirmed: list[npt.NDArray[np.int64]] = field(default_factory=list)
    hospital: list[int] = field(default_factory=list)
    icu: list[int] = field(default_factory=list)


@dataclass
class _Switch:
    """One measure's state in each of its units (the city, its districts or its wards)."""

    measure: Measure
    first: int
    last: int
    unit_of_ward: npt.NDArray[np.int64]  # ward → unit
    in_zones: npt.NDArray[np.bool_]  # by ward
    on: npt.NDArray[np.bool_]
    streak: npt.NDArray[np.int64]


class Plan:
    """The scenario's measures over the run, day by day (``today``)."""

    def __init__(self, scenario: Scenario, people: People) -> None:
        self.scenario = scenario
        self.people = people
        wards = len(people.ward_codes)
        self.ward_agents = np.diff(people.ward_start).astype(np.float64)
        self.district_agents = np.diff(people.district_start).astype(np.float64)
        self.switches = [self._switch(i, m, wards) for i, m in enumerate(scenario.measures)]
        self.vaccine_carry = 0.0
        self.order: npt.NDArray[np.int32] | None = None
        self.arrivals = np.full(scenario.days, scenario.seeding.imported_per_day)
        for arrival in scenario.seeding.arrivals:  # before the start or after the end: none
            t = scenario.day_of(arrival.on, 0)
            if 0 <= t < scenario.days:
                self.arrivals[t] += arrival.count

    def _switch(self, index: int, measure: Measure, wards: int) -> _Switch:
        people, where = self.people, f"measures[{index}]"
        if isinstance(measure, CITY_WIDE) and (measure.per != "city" or measure.zones):
            raise ScenarioError([(f"{where}.per", f"{measure.kind} applies to the whole city")])
        for trigger in (measure.when, measure.until):
            if trigger and trigger.metric in ("hospital", "icu") and measure.per != "city":
                raise ScenarioError([(f"{where}.per", f"{trigger.metric} is known city-wide")])
        units = {
            "city": np.zeros(wards, dtype=np.int64),
            "district": people.ward_district.astype(np.int64),
            "ward": np.arange(wards, dtype=np.int64),
        }[measure.per]
        in_zones = np.ones(wards, dtype=bool)
        if measure.zones:
            in_zones[:] = False
            districts = {c: i for i, c in enumerate(people.district_codes)}
            ward_index = {c: i for i, c in enumerate(people.ward_codes)}
            for code in measure.zones:
                if code in districts:
                    in_zones |= people.ward_district == districts[code]
                elif code in ward_index:
                    in_zones[ward_index[code]] = True
                else:
                    raise ScenarioError([(f"{where}.zones", f"no district or ward {code!r}")])
        count = int(units.max()) + 1
        starts_on = measure.when is None
        return _Switch(
            measure,
            self.scenario.day_of(measure.start, 0),
            self.scenario.day_of(measure.end, self.scenario.days),
            units,
            in_zones,
            np.full(count, starts_on),
            np.zeros(count, dtype=np.int64),
        )

    def today(self, t: int, seen: Seen) -> k.Today:
        wards = len(self.people.ward_codes)
        districts = len(self.people.district_codes)
        policy = np.zeros(k.POLICY_SIZE)
        policy[k.CAPACITY] = -1.0
        community = np.ones(wards)
        masks = np.ones(wards)
        locked = np.zeros(wards, dtype=np.uint8)
        school_closed = np.zeros(wards, dtype=np.uint8)
        work_closed = np.zeros(districts)
        quarantine_tests = np.zeros(0, dtype=np.int64)
        entry_tests = np.zeros(0, dtype=np.int64)
        for switch in self.switches:
            m = switch.measure
            if isinstance(m, Vaccination):  # the vaccine protects after the campaign too
                policy[k.VE_INFECTION], policy[k.VE_SEVERE] = (
                    m.efficacy_infection,
                    m.efficacy_severe,
                )
                policy[k.VE_FIRST_SHARE] = m.first_dose_share
                policy[k.DOSES_PER_PERSON] = m.doses_per_person
            here = self._in_force(switch, t, seen)
            if not here.any():
                continue
            if isinstance(m, TestTraceIsolate):
                quarantine_tests = np.array(sorted(m.test_on_days), dtype=np.int64)
                policy[[k.TTI, k.DEPTH, k.SEEK, k.RESULT_DAYS, k.TRACING_DAYS]] = (
                    1.0, m.depth, m.symptomatic_testing, m.result_days, m.tracing_days
                )  # fmt: skip
                policy[[k.COVER_HOUSEHOLD, k.COVER_GROUP, k.COVER_COMMUNITY]] = (
                    m.household_coverage, m.group_coverage, m.community_coverage
                )  # fmt: skip
                if m.capacity_per_day is not None:
                    policy[k.CAPACITY] = m.capacity_per_day / self.people.scale
                policy[k.F1_KIND], policy[k.F2_KIND] = KIND[m.f1_isolation], KIND[m.f2_isolation]
                policy[k.QUARANTINE_DAYS] = m.quarantine_days
            elif isinstance(m, EntryQuarantine):
                policy[k.ENTRY], policy[k.ENTRY_DAYS] = 1.0, m.days
                entry_tests = np.array(sorted(m.test_on_days), dtype=np.int64)
            elif isinstance(m, Masks):
                masks[here] *= 1.0 - m.efficacy * m.adherence
            elif isinstance(m, Distancing | GatheringBan):
                community[here] *= 1.0 - m.reduction
            elif isinstance(m, ZoneLockdown):
                community[here] *= 1.0 - m.reduction
                locked[here] = 1
            elif isinstance(m, SchoolClosure):
                school_closed[here] = 1
            elif isinstance(m, WorkplaceClosure):
                hit = np.unique(self.people.ward_district[here])
                work_closed[hit] = np.maximum(work_closed[hit], m.closed_share)
        policy[k.ARRIVALS] = self.arrivals[t] / self.people.scale
        return k.Today(
            policy, community, masks, locked, school_closed, work_closed,
            quarantine_tests, entry_tests,
        )  # fmt: skip

    def doses_today(self, t: int, seen: Seen) -> tuple[int, Vaccination | None]:
        """Doses for the agents today (the city's doses scaled, remainders carried over)."""
        for switch in self.switches:
            m = switch.measure
            if isinstance(m, Vaccination) and self._in_force(switch, t, seen, update=False).any():
                self.vaccine_carry += m.doses_per_day / self.people.scale
                whole = int(self.vaccine_carry)
                self.vaccine_carry -= whole
                return whole, m
        return 0, None

    def _in_force(self, switch: _Switch, t: int, seen: Seen, update: bool = True) -> np.ndarray:
        """By ward: whether the measure is in force on day ``t``."""
        m = switch.measure
        if update and (m.when is not None or m.until is not None):
            self._check(switch, seen)
        if not switch.first <= t < switch.last:
            return np.zeros(len(switch.in_zones), dtype=bool)
        result: np.ndarray = switch.on[switch.unit_of_ward] & switch.in_zones
        return result

    def _check(self, switch: _Switch, seen: Seen) -> None:
        m = switch.measure
        units = len(switch.on)
        if switch.on.all() and m.until is None:
            return
        trigger_on = self._holds(m.when, switch, seen) if m.when else np.zeros(units, bool)
        trigger_off = self._holds(m.until, switch, seen) if m.until else np.zeros(units, bool)
        condition = np.where(switch.on, trigger_off, trigger_on)
        switch.streak = np.where(condition, switch.streak + 1, 0)
        needed = np.where(switch.on, m.until.for_days if m.until else 1,
                          m.when.for_days if m.when else 1)  # fmt: skip
        flip = switch.streak >= needed
        switch.on = np.where(flip, ~switch.on, switch.on)
        switch.streak[flip] = 0

    def _holds(self, trigger: Trigger, switch: _Switch, seen: Seen) -> npt.NDArray[np.bool_]:
        units = len(switch.on)
        if trigger.metric in ("hospital", "icu"):
            series = seen.hospital if trigger.metric == "hospital" else seen.icu
            value = np.full(units, (series[-1] if series else 0) * self.people.scale)
        else:
            recent = seen.ward_confirmed[-7:]
            by_ward = np.sum(recent, axis=0) if recent else np.zeros(len(switch.unit_of_ward))
            value = np.bincount(switch.unit_of_ward, weights=by_ward, minlength=units)
            if trigger.metric == "confirmed_7d_per_100k":
                agents = np.bincount(switch.unit_of_ward, weights=self.ward_agents, minlength=units)
                value = value / np.maximum(agents, 1.0) * 1e5
            else:
                value = value * self.people.scale
        if trigger.above is not None:
            return value > trigger.above
        return value < (trigger.below or 0.0)
