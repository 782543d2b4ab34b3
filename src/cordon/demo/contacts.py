"""The synthetic city's contacts: households, workplaces, school classes and the community.

- household: every pair, close, the whole outbreak period;
- workplace: every pair in groups of up to 8 (close); in larger ones each worker meets 3
  co-workers (1 close, 2 casual), for 1–21 days;
- school: children of one ward and age in classes of up to 35; each child meets 3 classmates
  (the deskmate close, 2 casual), for 1–21 days;
- community: the rest of the budget (``exposures_per_person`` × people): random pairs, 60% in
  the same ward, 15% close, for 1–3 days.

Exposures are drawn as arrays of person indices and day offsets into the outbreak period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cordon.demo.population import Population
from cordon.exposures.enums import Setting

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

PERIOD_START = dt.date(2021, 5, 1)
PERIOD_DAYS = 92  # 1 May – 31 July 2021
SETTINGS = (Setting.household, Setting.workplace, Setting.school, Setting.other)
HOUSEHOLD, WORKPLACE, SCHOOL, COMMUNITY = range(4)
SMALL_GROUP = 8
PARTNERS = 3
CLASS_SIZE = 35
EMPLOYED = 0.72


@dataclass
class Contacts:
    person: Ints  # person indices
    contact: Ints
    first: Ints  # day offsets from PERIOD_START
    last: Ints
    setting: Ints  # index into SETTINGS
    close: Bools
    workplace_of: Ints  # per person: workplace index, -1 = none
    class_of: Ints  # per person: school class index, -1 = none

    @property
    def size(self) -> int:
        return len(self.person)


@dataclass
class _Part:
    a: Ints
    b: Ints
    close: Bools
    setting: int


def all_pairs(starts: Ints, sizes: Ints) -> tuple[Ints, Ints]:
    """Every unordered pair of positions inside each group (groups of ≤ 8 or so)."""
    out_a, out_b = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for s in np.unique(sizes[sizes >= 2]).tolist():
        i, j = np.triu_indices(s, k=1)
        base = starts[sizes == s][:, None]
        out_a.append((base + i).ravel())
        out_b.append((base + j).ravel())
    return np.concatenate(out_a), np.concatenate(out_b)


def random_partners(
    rng: np.random.Generator, starts: Ints, sizes: Ints, k: int
) -> tuple[Ints, Ints, Ints]:
    """For each position of each group (size ≥ 2), ``k`` other positions of its group.
    Returns (position, partner, draw number 0..k-1); a partner is never the position itself."""
    keep = sizes >= 2
    starts, sizes = starts[keep], sizes[keep]
    pos = _positions(starts, sizes)
    g_start = np.repeat(starts, sizes)
    g_size = np.repeat(sizes, sizes)
    pos, g_start, g_size = (np.repeat(x, k) for x in (pos, g_start, g_size))
    draw = np.tile(np.arange(k, dtype=np.int64), len(pos) // k if k else 0)
    offset = 1 + (rng.random(len(pos)) * (g_size - 1)).astype(np.int64)
    partner = g_start + (pos - g_start + offset) % g_size
    return pos, partner, draw


def _positions(starts: Ints, sizes: Ints) -> Ints:
    total = int(sizes.sum())
    group_base = np.repeat(starts - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    out: Ints = np.arange(total, dtype=np.int64) + group_base
    return out


def _cut(sizes_drawn: Ints, total: int) -> Ints:
    ends = np.cumsum(sizes_drawn)
    count = int(np.searchsorted(ends, total)) + 1
    sizes = sizes_drawn[:count].copy()
    sizes[-1] -= int(ends[count - 1]) - total
    return sizes[sizes > 0]


def _starts(sizes: Ints) -> Ints:
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)


def _group_part(
    rng: np.random.Generator, members: Ints, sizes: Ints, setting: int, close_draws: int
) -> _Part:
    """Pairs inside groups of ``members`` (in group order): all pairs when small, else
    ``PARTNERS`` partners each, the first ``close_draws`` of them close."""
    starts = _starts(sizes)
    small = sizes <= SMALL_GROUP
    a, b = all_pairs(starts[small], sizes[small])
    pos, partner, draw = random_partners(rng, starts[~small], sizes[~small], PARTNERS)
    return _Part(
        a=members[np.concatenate([a, pos])],
        b=members[np.concatenate([b, partner])],
        close=np.concatenate([np.ones(len(a), bool), draw < close_draws]),
        setting=setting,
    )


def _workplaces(rng: np.random.Generator, pop: Population) -> tuple[_Part, Ints]:
    working = (pop.age >= 18) & (pop.age <= 60) & (rng.random(pop.size) < EMPLOYED)
    workers = rng.permutation(np.flatnonzero(working))
    drawn = np.clip(np.rint(rng.lognormal(np.log(8), 1.0, len(workers) // 4 + 8)), 1, 2000)
    sizes = _cut(drawn.astype(np.int64), len(workers))
    workplace_of = np.full(pop.size, -1, np.int64)
    workplace_of[workers] = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    return _group_part(rng, workers, sizes, WORKPLACE, close_draws=1), workplace_of


def _classes(pop: Population) -> tuple[Ints, Ints]:
    """Children 6–17 grouped by ward and age, cut into classes of ≤ 35: (members, sizes)."""
    children = np.flatnonzero((pop.age >= 6) & (pop.age <= 17))
    key = pop.ward_of[children] * 100 + pop.age[children]
    order = np.argsort(key, kind="stable")
    children, key = children[order], key[order]
    _, run_start, inverse = np.unique(key, return_index=True, return_inverse=True)
    rank = np.arange(len(key)) - run_start[inverse]
    class_key = key * 100_000 + rank // CLASS_SIZE
    bounds = np.flatnonzero(np.diff(class_key)) + 1
    sizes = np.diff(np.concatenate([[0], bounds, [len(key)]])).astype(np.int64)
    return children.astype(np.int64), sizes


def _schools(pop: Population, rng: np.random.Generator) -> tuple[_Part, Ints]:
    children, sizes = _classes(pop)
    class_of = np.full(pop.size, -1, np.int64)
    class_of[children] = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    starts = _starts(sizes)
    pos, partner, draw = random_partners(rng, starts, sizes, PARTNERS)
    return _Part(children[pos], children[partner], draw == 0, SCHOOL), class_of


def _community(rng: np.random.Generator, pop: Population, count: int) -> _Part:
    ward = pop.ward_of
    by_ward = np.argsort(ward, kind="stable")
    ward_count = np.bincount(ward, minlength=len(pop.ward_ids))
    ward_start = _starts(ward_count)
    a = rng.integers(0, pop.size, count)
    same = rng.random(count) < 0.6
    local = by_ward[
        ward_start[ward[a]] + (rng.random(count) * ward_count[ward[a]]).astype(np.int64)
    ]
    b = np.where(same, local, rng.integers(0, pop.size, count))
    b = np.where(a == b, (b + 1) % pop.size, b)
    return _Part(a, b, rng.random(count) < 0.15, COMMUNITY)


def _dates(rng: np.random.Generator, setting: Ints) -> tuple[Ints, Ints]:
    n = len(setting)
    first = rng.integers(0, PERIOD_DAYS, n)
    span = np.where(setting == COMMUNITY, rng.integers(0, 3, n), rng.integers(0, 21, n))
    last = np.minimum(first + span, PERIOD_DAYS - 1)
    household = setting == HOUSEHOLD
    first[household] = 0
    last[household] = PERIOD_DAYS - 1
    return first, last


def generate_contacts(rng: np.random.Generator, pop: Population, per_person: float) -> Contacts:
    """About ``per_person`` × people exposures (exactly that many when the people allow it)."""
    target = round(per_person * pop.size) if pop.size > 1 else 0
    ha, hb = all_pairs(pop.household_start, pop.household_size)
    parts = [_Part(ha, hb, np.ones(len(ha), bool), HOUSEHOLD)]
    work, workplace_of = _workplaces(rng, pop)
    school, class_of = _schools(pop, rng)
    parts += [work, school]
    fixed = sum(len(p.a) for p in parts)
    if fixed < target:
        parts.append(_community(rng, pop, target - fixed))
    a, b = np.concatenate([p.a for p in parts]), np.concatenate([p.b for p in parts])
    close = np.concatenate([p.close for p in parts])
    setting = np.concatenate([np.full(len(p.a), p.setting, np.int64) for p in parts])
    if len(a) > target:  # a small budget: keep a random subset, in order
        keep = np.sort(rng.choice(len(a), size=target, replace=False))
        a, b, close, setting = a[keep], b[keep], close[keep], setting[keep]
    first, last = _dates(rng, setting)
    return Contacts(a, b, first, last, setting, close, workplace_of, class_of)
