"""``cordon demo synthetic``: a reproducible synthetic Hanoi for demos, load tests and benchmarks.

``generate`` draws the whole city from one seeded ``numpy.random.Generator`` — people
(``population``), exposures (``contacts``), the outbreak (``outbreak``) — with no database;
``load_synthetic`` writes it with the bulk inserts (``synthetic_store``) in the caller's
transaction and publishes ``RegistryLoaded``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.cases.models import Case
from cordon.core.db import refresh_statistics
from cordon.core.errors import Conflict, InvalidInput
from cordon.core.events import publish
from cordon.demo import synthetic_store as store
from cordon.demo.contacts import Contacts, generate_contacts
from cordon.demo.outbreak import Outbreak, generate_outbreak
from cordon.demo.population import Ints, Population, generate_population
from cordon.events import RegistryLoaded
from cordon.exposures.models import Exposure
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.geography.service import load_city
from cordon.people.models import Household, Person, PersonNameToken


@dataclass(frozen=True)
class SyntheticOptions:
    people: int
    seed: int
    cases: int
    exposures_per_person: float = 10.0

    def check(self) -> None:
        if self.people < 1:
            raise InvalidInput.on("people", "must be at least 1")
        if not 0 <= self.cases <= self.people // 2:
            raise InvalidInput.on("cases", "must be between 0 and half the people")
        if self.exposures_per_person < 0:
            raise InvalidInput.on("exposures_per_person", "must not be negative")


@dataclass
class City:
    population: Population
    contacts: Contacts
    outbreak: Outbreak


@dataclass(frozen=True)
class SyntheticLoad:
    people: int
    households: int
    exposures: int
    cases: int
    clusters: int


def generate(options: SyntheticOptions, ward_ids: Ints, ward_population: Ints) -> City:
    """The whole city from ``options.seed``: same options and wards → the same arrays."""
    options.check()
    rng = np.random.default_rng(options.seed)
    pop = generate_population(rng, options.people, ward_ids, ward_population)
    contacts = generate_contacts(rng, pop, options.exposures_per_person)
    outbreak = generate_outbreak(rng, pop, contacts, options.cases)
    return City(pop, contacts, outbreak)


def _wards(session: Session) -> tuple[Ints, Ints, list[str]]:
    rows = session.execute(
        select(AdminUnit.id, AdminUnit.population, AdminUnit.name)
        .where(AdminUnit.level == UnitLevel.ward)
        .order_by(AdminUnit.code)
    ).all()
    if not rows:
        load_city(session)
        return _wards(session)
    ids = np.array([r[0] for r in rows], np.int64)
    population = np.array([max(int(r[1]), 1) for r in rows], np.int64)
    return ids, population, [str(r[2]) for r in rows]


def _refuse_second_load(session: Session) -> None:
    marker = Household.address.like(f"%{store.MARKER}")
    found = session.scalar(select(func.count()).select_from(Household).where(marker))
    if found:
        raise Conflict(
            f"A synthetic city is already loaded ({found:,} households): use a fresh database."
        )


def load_synthetic(session: Session, options: SyntheticOptions) -> SyntheticLoad:
    """Generate and insert the city; one transaction (the caller commits)."""
    options.check()
    ward_ids, ward_population, ward_names = _wards(session)
    _refuse_second_load(session)
    city = generate(options, ward_ids, ward_population)
    household_ids = store.insert_households(session, city.population, ward_names)
    person_ids = store.insert_population(session, city.population, household_ids)
    exposures = store.insert_contacts(session, city.contacts, person_ids)
    case_ids = store.insert_outbreak(session, city.outbreak, person_ids, options.seed)
    clusters = store.insert_clusters(session, city, case_ids, options.seed)
    refresh_statistics(session, Household, Person, PersonNameToken, Exposure, Case)
    publish(
        session,
        RegistryLoaded(
            cause=f"demo synthetic (seed {options.seed})",
            case_ids=tuple(case_ids.tolist()),
        ),
    )
    return SyntheticLoad(
        people=city.population.size,
        households=len(household_ids),
        exposures=exposures,
        cases=len(case_ids),
        clusters=clusters,
    )
