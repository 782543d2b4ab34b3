"""The synthetic people of a city: households, ages, classes and work teams, by ward.

Agents are numbered so that each district, each ward and each household is one run of
numbers (district ⊃ ward ⊃ household): a household is ``hh_start[h]:hh_start[h + 1]``, and
picking someone in a ward or a district is one draw in a range. Classes and work teams are
lists of members (``group_start``/``group_members``). The shapes below (ages, household
sizes, school and work) are documented with their sources in docs/simulation.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cordon.sim.scenario import DistrictSpec

AGE_SHARES = np.array([0.164, 0.142, 0.156, 0.167, 0.143, 0.116, 0.073, 0.026, 0.013])
HOUSEHOLD_SIZES = np.arange(1, 8)
HOUSEHOLD_SHARES = np.array([0.11, 0.21, 0.23, 0.26, 0.11, 0.05, 0.03])
# school stages: (first age, last age, share enrolled, class size)
STAGES = ((3, 5, 0.85, 25), (6, 10, 0.98, 35), (11, 14, 0.92, 40), (15, 17, 0.75, 40),
          (18, 22, 0.30, 40))  # fmt: skip
# work: (first age, last age, share employed) of those not in school
EMPLOYED = ((18, 22, 0.5), (23, 59, 0.8), (60, 64, 0.4))
TEAM_MEAN, TEAM_SD, TEAM_MAX = 10.0, 10.0, 50
WORK_IN_OWN_DISTRICT = 0.6
SCHOOL, WORK = 0, 1

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class People:
    age: npt.NDArray[np.uint8]
    ward: I32  # per agent
    household: I32  # per agent
    group: I32  # per agent: class or work team, -1 none
    hh_start: I64
    ward_start: I64
    ward_district: I32
    district_start: I64
    group_start: I64
    group_members: I32
    group_kind: npt.NDArray[np.uint8]
    group_ward: I32  # a class's ward; -1 for a work team
    group_district: I32  # where the class or team meets
    ward_codes: tuple[str, ...]
    district_codes: tuple[str, ...]
    scale: float  # the city's people per agent

    @property
    def size(self) -> int:
        return len(self.age)

    def nbytes(self) -> int:
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))


def build_people(districts: tuple[DistrictSpec, ...], agents: int | None, seed: int) -> People:
    """The city's people as ``agents`` agents (all of them when None), reproducible by seed."""
    rng = np.random.default_rng([seed, 7])
    people = np.array([d.population for d in districts], dtype=np.float64)
    total = int(people.sum())
    agents = agents or total
    per_district = _apportion(people, agents)
    sizes, ward_of_hh, ward_codes, ward_district = _households(districts, per_district, rng)
    hh_start = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=hh_start[1:])
    n = int(hh_start[-1])
    household = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    ward = ward_of_hh[household]
    ward_start = np.searchsorted(ward, np.arange(len(ward_codes) + 1)).astype(np.int64)
    district_start = ward_start[np.searchsorted(ward_district, np.arange(len(districts) + 1))]
    age = _ages(n, hh_start, rng)
    group, kinds, group_ward, group_district = _groups(age, ward, ward_district, people, rng)
    order = np.argsort(group, kind="stable")
    members = order[group[order] >= 0].astype(np.int32)
    counts = np.bincount(group[group >= 0], minlength=len(kinds))
    group_start = np.zeros(len(kinds) + 1, dtype=np.int64)
    np.cumsum(counts, out=group_start[1:])
    return People(
        age=age,
        ward=ward.astype(np.int32),
        household=household,
        group=group,
        hh_start=hh_start,
        ward_start=ward_start,
        ward_district=ward_district,
        district_start=district_start.astype(np.int64),
        group_start=group_start,
        group_members=members,
        group_kind=kinds,
        group_ward=group_ward,
        group_district=group_district,
        ward_codes=ward_codes,
        district_codes=tuple(d.code for d in districts),
        scale=total / n if n else 1.0,
    )


def _apportion(weights: npt.NDArray[np.float64], total: int) -> I64:
    """Whole numbers in proportion to the weights, summing to ``total`` (largest remainder)."""
    exact = weights / weights.sum() * total
    whole = np.floor(exact).astype(np.int64)
    short = total - int(whole.sum())
    whole[np.argsort(-(exact - whole), kind="stable")[:short]] += 1
    result: I64 = whole
    return result


def _households(
    districts: tuple[DistrictSpec, ...], per_district: I64, rng: np.random.Generator
) -> tuple[I64, I32, tuple[str, ...], I32]:
    """Household sizes city-wide, each household's ward, the wards' codes and districts."""
    sizes: list[I64] = []
    wards: list[I32] = []
    codes: list[str] = []
    ward_district: list[int] = []
    for d, (spec, n) in enumerate(zip(districts, per_district, strict=True)):
        drawn = rng.choice(HOUSEHOLD_SIZES, size=int(n // 2) + 8, p=HOUSEHOLD_SHARES)
        ends = np.cumsum(drawn)
        last = int(np.searchsorted(ends, n))  # the household that reaches n
        kept = drawn[: last + 1].copy()
        kept[-1] -= int(ends[last] - n)
        kept = kept[kept > 0]
        names = spec.wards or (spec.code,)
        first = len(codes)
        codes.extend(names)
        ward_district.extend([d] * len(names))
        local = (np.arange(len(kept)) * len(names)) // max(len(kept), 1)
        sizes.append(kept)
        wards.append((first + local).astype(np.int32))
    return (
        np.concatenate(sizes).astype(np.int64),
        np.concatenate(wards).astype(np.int32),
        tuple(codes),
        np.array(ward_district, dtype=np.int32),
    )


def _ages(n: int, hh_start: I64, rng: np.random.Generator) -> npt.NDArray[np.uint8]:
    """Ages from the pyramid; a household of only children gets an adult as its first member."""
    band = rng.choice(len(AGE_SHARES), size=n, p=AGE_SHARES)
    age = band * 10 + rng.integers(0, 10, size=n)
    age[band == 8] = 80 + rng.integers(0, 15, size=int((band == 8).sum()))
    oldest = np.maximum.reduceat(age, hh_start[:-1]) if n else age
    lone = hh_start[:-1][oldest < 18]
    age[lone] = rng.integers(20, 60, size=len(lone))
    return age.astype(np.uint8)


def _groups(
    age: npt.NDArray[np.uint8],
    ward: I32,
    ward_district: I32,
    people: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> tuple[I32, npt.NDArray[np.uint8], I32, I32]:
    """Each agent's class (by ward and stage) or work team (by the district of work); each
    group's kind, ward (-1 for a team) and district."""
    group = np.full(len(age), -1, dtype=np.int32)
    class_ward = _classes(age, ward, group, rng)
    team_district = _teams(age, ward_district[ward], people, group, len(class_ward), rng)
    kinds = np.r_[np.full(len(class_ward), SCHOOL), np.full(len(team_district), WORK)]
    return (
        group,
        kinds.astype(np.uint8),
        np.r_[class_ward, np.full(len(team_district), -1)].astype(np.int32),
        np.r_[ward_district[class_ward], team_district].astype(np.int32),
    )


def _classes(age: npt.NDArray[np.uint8], ward: I32, group: I32, rng: np.random.Generator) -> I32:
    """Pupils into classes of their ward and stage (numbered from 0 in ``group``); returns
    each class's ward."""
    n = len(age)
    class_wards: list[I32] = []
    count = 0
    for low, high, enrolled, size in STAGES:
        pupils = np.flatnonzero((age >= low) & (age <= high) & (rng.random(n) < enrolled))
        key = ward[pupils].astype(np.int64) * n + rng.permutation(len(pupils))
        pupils = pupils[np.argsort(key, kind="stable")]
        wards = ward[pupils]
        first = np.r_[0, np.flatnonzero(np.diff(wards)) + 1]  # each ward's first pupil
        per_ward = np.diff(np.r_[first, len(pupils)])
        rank = np.arange(len(pupils)) - np.repeat(first, per_ward)
        classes_before = np.cumsum(np.r_[0, -(-per_ward // size)])
        local = np.repeat(classes_before[:-1], per_ward) + rank // size
        group[pupils] = count + local
        made = int(classes_before[-1])
        class_ward = np.zeros(made, dtype=np.int32)
        class_ward[local] = wards
        class_wards.append(class_ward)
        count += made
    return np.concatenate(class_wards).astype(np.int32)


def _teams(
    age: npt.NDArray[np.uint8],
    district: I32,
    people: npt.NDArray[np.float64],
    group: I32,
    first: int,
    rng: np.random.Generator,
) -> I32:
    """Workers not in a class into teams of their district of work (numbered from ``first``
    in ``group``); returns each team's district."""
    employed = np.zeros(len(age), dtype=bool)
    for low, high, share in EMPLOYED:
        employed |= (age >= low) & (age <= high) & (rng.random(len(age)) < share)
    workers = np.flatnonzero(employed & (group < 0))
    home = district[workers]
    elsewhere = rng.choice(len(people), size=len(workers), p=people / people.sum())
    work_district = np.where(rng.random(len(workers)) < WORK_IN_OWN_DISTRICT, home, elsewhere)
    workers = workers[np.lexsort((rng.permutation(len(workers)), work_district))]
    work_district = np.sort(work_district, kind="stable")
    sigma2 = np.log(1 + (TEAM_SD / TEAM_MEAN) ** 2)
    sizes = np.clip(
        np.rint(rng.lognormal(np.log(TEAM_MEAN) - sigma2 / 2, np.sqrt(sigma2), len(workers))),
        2,
        TEAM_MAX,
    ).astype(np.int64)
    ends = np.cumsum(sizes)
    teams = int(np.searchsorted(ends, len(workers))) + 1 if len(workers) else 0
    team = np.searchsorted(ends, np.arange(len(workers)), side="right").astype(np.int32)
    group[workers] = first + team
    team_district = np.zeros(teams, dtype=np.int32)
    team_district[team] = work_district
    return team_district
