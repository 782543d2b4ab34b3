"""The simulation's state, as the compiled kernels read it: the city's people (``Pop``),
each agent's course, tests and isolation (``Agents``), the lists of who is visited each day
(``Lists``) and what the measures make of the day (``Today``), with the index constants of
the day's policy vector and of its figures."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

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


@njit(inline="always", cache=True)
def push(array: Any, counters: Any, which: int, value: int) -> None:
    array[counters[which]] = value
    counters[which] += 1
