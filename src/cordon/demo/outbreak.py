"""The synthetic outbreak: cases spread along close household / work / school links.

Step order: (1) a few seeds (the first imported) are infected in the first week; (2) each
generation, every close contact of the newest infections is infected with probability
``P_TRANSMIT`` after a serial interval of 1 + Poisson(3) days, until enough people are
infected (a new seed starts when a chain dies out); (3) each infection gets its dates —
onset = infection + incubation (30% asymptomatic: no onset), sample = onset (or the end of
incubation) + 0–2 days, confirmed = sample + 1–2 days, isolated = the sample day, or the
infector's confirmation for an F1 already in quarantine; (4) the latest infections are still
``suspected``; cases discharged by the end of the period are ``recovered``, a few older ones
``died``; (5) some uninfected contacts were tested and ``discarded``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cordon.cases.enums import CaseStatus, Classification
from cordon.demo.contacts import PERIOD_DAYS, SCHOOL, Contacts
from cordon.demo.population import Population

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

P_TRANSMIT = 0.3
LAST_INFECTION = PERIOD_DAYS - 25  # leaves time for incubation and a test in the period
STATUSES = (CaseStatus.confirmed, CaseStatus.recovered, CaseStatus.died, CaseStatus.suspected,
            CaseStatus.discarded)  # fmt: skip
CONFIRMED, RECOVERED, DIED, SUSPECTED, DISCARDED = range(5)
CLASSES = (Classification.imported, Classification.community, Classification.in_quarantine)
IMPORTED, COMMUNITY, IN_QUARANTINE = range(3)
SEED_COUNTRIES = ("RU", "GB", "US", "JP", "KR", "FR")
NONE = -1


@dataclass
class Outbreak:
    person: Ints  # one case row per element: the person's index
    status: Ints  # index into STATUSES
    classification: Ints  # index into CLASSES, -1 none (discarded)
    asymptomatic: Ints  # 1 / 0, -1 unknown
    onset: Ints  # day offsets from PERIOD_START, -1 none
    sample: Ints
    confirmed: Ints
    isolated: Ints
    discharged: Ints
    died: Ints
    infector: Ints  # case row of the infector, -1 none
    country: Ints  # index into SEED_COUNTRIES for imported seeds, -1 otherwise

    @property
    def size(self) -> int:
        return len(self.person)


@dataclass(frozen=True)
class ClusterPick:
    kind: str  # "workplace", "school", "household"
    members: Ints  # case rows


def close_graph(contacts: Contacts, people: int) -> tuple[Ints, Ints]:
    """CSR (indptr, neighbours) of close exposures, both directions."""
    keep = contacts.close & (contacts.setting <= SCHOOL)
    src = np.concatenate([contacts.person[keep], contacts.contact[keep]])
    dst = np.concatenate([contacts.contact[keep], contacts.person[keep]])
    order = np.argsort(src, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=people))])
    return indptr.astype(np.int64), dst[order].astype(np.int64)


def _expand(indptr: Ints, nbrs: Ints, frontier: Ints) -> tuple[Ints, Ints]:
    counts = indptr[frontier + 1] - indptr[frontier]
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(frontier, counts), nbrs[np.repeat(indptr[frontier], counts) + offsets]


def spread(
    rng: np.random.Generator, graph: tuple[Ints, Ints], people: int, need: int
) -> tuple[Ints, Ints, Ints]:
    """Infect ``need`` people: (persons in infection order, infection day, infector or -1)."""
    indptr, nbrs = graph
    day = np.full(people, NONE, np.int64)
    infector = np.full(people, NONE, np.int64)
    seeds = rng.choice(people, size=min(need, max(1, min(5, need // 100 + 1))), replace=False)
    day[seeds] = rng.integers(0, 7, len(seeds))
    order, frontier, count = [seeds], seeds, len(seeds)
    while count < need:
        if not len(frontier):
            free = np.flatnonzero(day < 0)
            frontier = free[rng.integers(0, len(free), 1)]
            day[frontier] = rng.integers(0, LAST_INFECTION)
            order.append(frontier)
            count += 1
            continue
        parents, kids = _expand(indptr, nbrs, frontier)
        hit = (rng.random(len(kids)) < P_TRANSMIT) & (day[kids] < 0)
        kids, first = np.unique(kids[hit], return_index=True)
        parents = parents[hit][first]
        shuffle = rng.permutation(len(kids))[: need - count]
        kids, parents = kids[shuffle], parents[shuffle]
        serial = 1 + rng.poisson(3, len(kids))
        day[kids] = np.minimum(day[parents] + serial, LAST_INFECTION)
        infector[kids] = parents
        order.append(kids)
        frontier, count = kids, count + len(kids)
    persons = np.concatenate(order)
    return persons, day[persons], infector[persons]


def _dates(rng: np.random.Generator, day: Ints) -> dict[str, Ints]:
    n = len(day)
    asymptomatic = rng.random(n) < 0.3
    incubation = np.clip(np.rint(rng.lognormal(np.log(5), 0.45, n)), 2, 14).astype(np.int64)
    sample = day + incubation + rng.integers(0, 3, n)
    return {
        "asymptomatic": asymptomatic.astype(np.int64),
        "onset": np.where(asymptomatic, NONE, day + incubation),
        "sample": sample,
        "confirmed": sample + rng.integers(1, 3, n),
    }


def _outcomes(rng: np.random.Generator, f0: dict[str, Ints], age: Ints) -> dict[str, Ints]:
    n = len(age)
    end = PERIOD_DAYS - 1
    discharged = f0["confirmed"] + rng.integers(14, 29, n)
    died_on = f0["confirmed"] + rng.integers(5, 21, n)
    dies = (age >= 60) & (rng.random(n) < 0.05) & (died_on <= end)
    recovers = ~dies & (discharged <= end)
    status = np.where(dies, DIED, np.where(recovers, RECOVERED, CONFIRMED))
    return {
        "status": status,
        "discharged": np.where(recovers, discharged, NONE),
        "died": np.where(dies, died_on, NONE),
    }


def _discarded(rng: np.random.Generator, graph: tuple[Ints, Ints], infected: Ints, n: int) -> Ints:
    """Contacts of cases who tested negative (random people when contacts run short)."""
    people = len(graph[0]) - 1
    taken = np.zeros(people, bool)
    taken[infected] = True
    _, near = _expand(*graph, infected)
    pool = np.unique(near[~taken[near]])
    if len(pool) < n:
        pool = np.flatnonzero(~taken)
    return rng.choice(pool, size=min(n, len(pool)), replace=False).astype(np.int64)


def generate_outbreak(
    rng: np.random.Generator, pop: Population, contacts: Contacts, cases: int
) -> Outbreak:
    """``cases`` case rows: ~90% confirmed / recovered / died, ~5% suspected, ~5% discarded."""
    if cases <= 0:
        empty = np.zeros(0, np.int64)
        return Outbreak(*(empty for _ in range(12)))
    n_disc = cases // 20
    graph = close_graph(contacts, pop.size)
    persons, day, infector_person = spread(rng, graph, pop.size, cases - n_disc)
    n = len(persons)
    row_of = np.full(pop.size, NONE, np.int64)
    row_of[persons] = np.arange(n)
    infector = np.where(infector_person >= 0, row_of[np.maximum(infector_person, 0)], NONE)
    d = _dates(rng, day)
    out = _outcomes(rng, d, pop.age[persons])
    suspected = np.zeros(n, bool)
    suspected[np.argsort(d["sample"], kind="stable")[n - n // 19 :] if n // 19 else []] = True
    status = np.where(suspected, SUSPECTED, out["status"])
    confirmed = np.where(suspected, NONE, d["confirmed"])
    src_confirmed = np.where(infector >= 0, confirmed[np.maximum(infector, 0)], NONE)
    quarantined = (infector >= 0) & (src_confirmed >= 0) & (src_confirmed <= d["sample"])
    classification = np.where(quarantined, IN_QUARANTINE, COMMUNITY)
    classification[:1] = IMPORTED  # the first seed came from abroad
    isolated = np.where(quarantined, np.maximum(src_confirmed, day), d["sample"])
    discarded = _discarded(rng, graph, persons, n_disc)
    k = len(discarded)
    country = rng.integers(0, len(SEED_COUNTRIES), 1)
    sample_disc = rng.integers(7, PERIOD_DAYS - 1, k)
    none = np.full(k, NONE, np.int64)
    return Outbreak(
        person=np.concatenate([persons, discarded]),
        status=np.concatenate([status, np.full(k, DISCARDED)]),
        classification=np.concatenate([classification, none]),
        asymptomatic=np.concatenate([d["asymptomatic"], none]),
        onset=np.concatenate([d["onset"], none]),
        sample=np.concatenate([d["sample"], sample_disc]),
        confirmed=np.concatenate([confirmed, none]),
        isolated=np.concatenate([isolated, none]),
        discharged=np.concatenate([np.where(suspected, NONE, out["discharged"]), none]),
        died=np.concatenate([np.where(suspected, NONE, out["died"]), none]),
        infector=np.concatenate([infector, none]),
        country=np.concatenate([country, np.full(n - 1 + k, NONE)]),
    )


def pick_clusters(outbreak: Outbreak, pop: Population, contacts: Contacts) -> list[ClusterPick]:
    """The workplace, school class and household with the most F0 cases (at least 3 / 3 / 2)."""
    f0 = np.flatnonzero(outbreak.status <= DIED)
    picks = []
    groups = (
        ("workplace", contacts.workplace_of, 3),
        ("school", contacts.class_of, 3),
        ("household", pop.household_of, 2),
    )
    for kind, group_of, minimum in groups:
        g = group_of[outbreak.person[f0]]
        if not (g >= 0).any():
            continue
        top = int(np.argmax(np.bincount(g[g >= 0])))
        members = f0[g == top]
        if len(members) >= minimum:
            picks.append(ClusterPick(kind, members.astype(np.int64)))
    return picks
