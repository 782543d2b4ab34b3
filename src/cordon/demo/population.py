"""The synthetic city's people: households over Hanoi's wards, ages, sexes, names, phones, IDs.

Everything is drawn with one ``numpy.random.Generator`` in a fixed order, so a seed gives the
same city; every step is vectorised (no per-person Python loop).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cordon.core.dates import day_number
from cordon.demo import names

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

REFERENCE_DAY = dt.date(2021, 5, 1)  # ages are ages on this day
# Household sizes 1–8 (Hanoi, 2019 census: mean ≈ 3.3 people).
HOUSEHOLD_SIZES = np.array([0.11, 0.21, 0.22, 0.27, 0.11, 0.05, 0.02, 0.01])
# Vietnam's 2019 age pyramid, share per 5-year band 0–4 … 75–79, then 80–94.
AGE_BANDS = np.array(
    [8.1, 8.4, 7.6, 6.8, 6.9, 8.4, 8.8, 8.0, 7.4, 6.9, 6.3, 5.5, 4.4, 3.0, 1.9, 1.3, 1.3]
)
ADULT_BAND = 4  # heads of household are 20 or older
# Mobile prefixes after +84 that libphonenumber accepts (Viettel 3x, VinaPhone/MobiFone 9x).
MOBILE_PREFIXES = np.array([90, 91, 93, 94, 96, 97, 98, 32, 33, 34, 35, 36, 37, 38, 39])
PHONE_SHARE = 0.93  # adults with a mobile phone
NATIONAL_ID_SHARE = 0.6  # adults whose CCCD is on record
HANOI_ID_PREFIX = 1  # CCCD province code 001 = Hà Nội


@dataclass
class Population:
    ward_ids: Ints  # the city's ward ids
    household_ward: Ints  # per household: index into ward_ids
    household_start: Ints  # per household: its first person (people are grouped by household)
    household_size: Ints
    household_of: Ints  # per person
    age: Ints
    female: Bools
    birth_day: Ints  # day number of the date of birth
    full_name: npt.NDArray[np.object_]
    phone: Ints  # national number (e.g. 912345678), 0 = none
    national_id: Ints  # 12-digit CCCD as an integer, -1 = none

    @property
    def size(self) -> int:
        return len(self.age)

    @property
    def ward_of(self) -> Ints:
        idx: Ints = self.household_ward[self.household_of]
        return idx


def _household_sizes(rng: np.random.Generator, people: int) -> Ints:
    draws = rng.choice(8, size=people // 3 + 16, p=HOUSEHOLD_SIZES) + 1
    while int(draws.sum()) < people:
        draws = np.concatenate([draws, rng.choice(8, size=people // 3 + 16, p=HOUSEHOLD_SIZES) + 1])
    ends = np.cumsum(draws)
    count = int(np.searchsorted(ends, people)) + 1
    sizes = draws[:count].astype(np.int64)
    sizes[-1] -= int(ends[count - 1]) - people
    return sizes


def _ages(rng: np.random.Generator, n: int, adults_only: bool = False) -> Ints:
    shares = AGE_BANDS.copy()
    if adults_only:
        shares[:ADULT_BAND] = 0.0
    band = rng.choice(len(shares), size=n, p=shares / shares.sum())
    width = np.where(band == len(shares) - 1, 15, 5)
    return (band * 5 + (rng.random(n) * width).astype(np.int64)).astype(np.int64)


def _family_names(rng: np.random.Generator, household_of: Ints, households: int) -> Ints:
    """Most members share the household's family name; a spouse or lodger may not."""
    shared = names.draw_family(rng, households)[household_of]
    own = names.draw_family(rng, len(household_of))
    keep: Ints = np.where(rng.random(len(household_of)) < 0.75, shared, own)
    return keep


def _phones(rng: np.random.Generator, adult: Bools) -> Ints:
    has = adult & (rng.random(len(adult)) < PHONE_SHARE)
    space = len(MOBILE_PREFIXES) * 10**7
    picks = rng.choice(space, size=int(has.sum()), replace=False)
    phone = np.zeros(len(adult), dtype=np.int64)
    phone[has] = MOBILE_PREFIXES[picks // 10**7] * 10**7 + picks % 10**7
    return phone


def _national_ids(rng: np.random.Generator, adult: Bools, female: Bools, birth_year: Ints) -> Ints:
    """12-digit CCCD: province 001, sex-and-century digit, two-digit birth year, six digits —
    unique (duplicates are redrawn)."""
    has = adult & (rng.random(len(adult)) < NATIONAL_ID_SHARE)
    century = np.where(birth_year >= 2000, 2, 0) + female.astype(np.int64)
    head = HANOI_ID_PREFIX * 10**9 + century * 10**8 + (birth_year % 100) * 10**6
    ids = np.where(has, head + rng.integers(0, 10**6, len(adult)), -1)
    while True:
        taken = ids[has]
        _, first, counts = np.unique(taken, return_index=True, return_counts=True)
        if (counts == 1).all():
            return ids
        dup = np.ones(len(taken), dtype=bool)
        dup[first] = False
        where = np.flatnonzero(has)[dup]
        ids[where] = head[where] + rng.integers(0, 10**6, len(where))


def generate_population(
    rng: np.random.Generator, people: int, ward_ids: Ints, ward_population: Ints
) -> Population:
    """``people`` persons in households spread over the wards in proportion to population."""
    sizes = _household_sizes(rng, people)
    households = len(sizes)
    weights = ward_population / ward_population.sum()
    household_ward = rng.choice(len(ward_ids), size=households, p=weights).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    household_of = np.repeat(np.arange(households, dtype=np.int64), sizes)
    age = _ages(rng, people)
    age[starts] = _ages(rng, households, adults_only=True)  # the head is an adult
    female = rng.random(people) < 0.505
    birth_day = day_number(REFERENCE_DAY) - (age * 365.25).astype(np.int64)
    birth_day = birth_day - rng.integers(0, 365, people)
    birth_year = birth_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    adult = age >= 18
    family = _family_names(rng, household_of, households)
    return Population(
        ward_ids=ward_ids,
        household_ward=household_ward,
        household_start=starts,
        household_size=sizes,
        household_of=household_of,
        age=age,
        female=female,
        birth_day=birth_day,
        full_name=names.full_names(rng, family, female),
        phone=_phones(rng, adult),
        national_id=_national_ids(rng, adult, female, birth_year),
    )
