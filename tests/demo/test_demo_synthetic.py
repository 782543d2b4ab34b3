"""Synthetic Hanoi: reproducible by seed, the asked sizes, valid dates, phones and IDs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case
from cordon.clusters.models import Cluster
from cordon.core.errors import Conflict
from cordon.core.phones import normalize_phone
from cordon.demo.synthetic import City, SyntheticOptions, _wards, generate, load_synthetic
from cordon.exposures.models import Exposure
from cordon.people.models import Household, Person

PEOPLE = 2_000
WARDS = np.arange(1, 580, dtype=np.int64)
WARD_POP = np.full(579, 13_900, dtype=np.int64)


def _city(seed: int, people: int = PEOPLE, **kw: float) -> City:
    options = SyntheticOptions(people=people, seed=seed, cases=people // 100, **kw)
    return generate(options, WARDS, WARD_POP)


def _arrays(city: City) -> list[NDArray[Any]]:
    p, c, o = city.population, city.contacts, city.outbreak
    return [p.household_of, p.age, p.female, p.full_name, p.phone, p.national_id,
            c.person, c.contact, c.first, c.last, c.setting, c.close,
            o.person, o.status, o.onset, o.confirmed]  # fmt: skip


def test_same_seed_same_city_other_seed_other_city() -> None:
    one, again, other = _city(7), _city(7), _city(8)
    assert all(np.array_equal(a, b) for a, b in zip(_arrays(one), _arrays(again), strict=True))
    assert not np.array_equal(one.population.full_name, other.population.full_name)
    assert not np.array_equal(one.contacts.contact, other.contacts.contact)


def test_sizes_and_ratios() -> None:
    city = _city(3, people=20_000)
    pop, contacts = city.population, city.contacts
    assert pop.size == 20_000
    assert 3.1 <= pop.size / len(pop.household_size) <= 3.5
    assert contacts.size == 10 * pop.size
    assert len(city.outbreak.person) == 200
    assert np.unique(city.outbreak.person).size == 200
    assert 0.05 <= (pop.age < 15).mean() <= 0.35
    assert len(np.unique(pop.ward_of)) > 500
    names = Counter(str(n).split()[0] for n in pop.full_name)
    assert 0.30 <= names["Nguyễn"] / pop.size <= 0.46
    assert (pop.age[pop.household_start] >= 20).all()


def test_exposures_are_never_self_and_in_order() -> None:
    c = _city(5).contacts
    assert (c.person != c.contact).all()
    assert (c.first <= c.last).all()
    assert set(np.unique(c.setting).tolist()) == {0, 1, 2, 3}


def test_exposure_budget_can_be_smaller() -> None:
    city = _city(5, exposures_per_person=2.0)
    assert city.contacts.size == 2 * PEOPLE


def test_phones_valid_and_unique_national_ids_unique() -> None:
    pop = _city(11).population
    phones = [f"+84{p}" for p in pop.phone[pop.phone > 0].tolist()]
    assert len(set(phones)) == len(phones)
    assert all(normalize_phone(p) == p for p in phones)
    assert (pop.phone[pop.age < 18] == 0).all()
    ids = pop.national_id[pop.national_id >= 0]
    assert len(np.unique(ids)) == len(ids)
    assert all(len(f"{i:012d}") == 12 for i in ids.tolist())


def _load(session: Session, seed: int = 7) -> None:
    load_synthetic(session, SyntheticOptions(people=PEOPLE, seed=seed, cases=PEOPLE // 100))
    session.commit()


def test_loads_into_the_registry_with_case_dates_in_order(session: Session) -> None:
    _load(session)
    assert session.scalar(select(func.count()).select_from(Person)) == PEOPLE
    assert session.scalar(select(func.count()).select_from(Exposure)) == 10 * PEOPLE
    households = session.scalar(select(func.count()).select_from(Household)) or 0
    assert 3.1 <= PEOPLE / households <= 3.5
    cases = session.scalars(select(Case)).all()
    assert len(cases) == PEOPLE // 100
    statuses = Counter(c.status for c in cases)
    assert statuses[CaseStatus.confirmed] + statuses[CaseStatus.recovered] >= len(cases) * 0.8
    for c in cases:
        _check_dates(c)
    selfies = session.scalar(
        select(func.count()).select_from(Exposure).where(Exposure.person_id == Exposure.contact_id)
    )
    assert selfies == 0
    assert (session.scalar(select(func.count()).select_from(Cluster)) or 0) >= 1


def _check_dates(c: Case) -> None:
    def ordered(*days: dt.date | None) -> bool:
        known = [d for d in days if d is not None]
        return known == sorted(known)

    assert ordered(c.onset_on, c.sample_on, c.confirmed_on)
    assert ordered(c.isolated_on, c.confirmed_on)
    assert ordered(c.confirmed_on, c.discharged_on)
    assert ordered(c.confirmed_on, c.died_on)
    if c.status in (CaseStatus.confirmed, CaseStatus.recovered, CaseStatus.died):
        assert c.confirmed_on is not None
    if c.status is CaseStatus.recovered:
        assert c.discharged_on is not None


def test_loaded_rows_are_the_generated_city_and_a_second_load_is_refused(
    session: Session,
) -> None:
    _load(session)
    ward_ids, ward_population, _ = _wards(session)
    options = SyntheticOptions(people=PEOPLE, seed=7, cases=PEOPLE // 100)
    city = generate(options, ward_ids, ward_population)
    rows = session.execute(select(Person.full_name, Person.ward_id).order_by(Person.id)).all()
    assert [r[0] for r in rows] == city.population.full_name.tolist()
    assert [r[1] for r in rows] == ward_ids[city.population.ward_of].tolist()
    with pytest.raises(Conflict):
        _load(session, seed=8)
