"""The registry's cases as an incidence series: by onset (else sample, else confirmation) or
by confirmation, local apart from imported, for the city, a district or a ward."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus, Classification
from cordon.core.errors import InvalidInput
from cordon.geography.models import AdminUnit
from cordon.rt import service
from cordon.rt.enums import DateBasis

D = dt.date(2020, 3, 1)
BA_DINH_WARD, HOAN_KIEM_WARD = "00001", "00037"  # districts 001 and 002


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


@pytest.fixture
def registry(hanoi: Session, make_case: MakeCase, make_person: MakePerson) -> Session:
    """Six confirmed cases, five of them in two districts and one with no ward, and a
    suspected one, not counted."""
    ward = {
        code: hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
        for code in (BA_DINH_WARD, HOAN_KIEM_WARD)
    }

    def case(code: str, ward_code: str | None, **fields: Any) -> None:
        person = make_person(ward_id=ward[ward_code] if ward_code else None)
        make_case(code, person_id=person, **fields)

    imported, community = Classification.imported, Classification.community
    case("A1", BA_DINH_WARD, onset_on=day(0), confirmed_on=day(3), classification=imported)
    case("A2", BA_DINH_WARD, onset_on=day(2), sample_on=day(3), confirmed_on=day(4))
    case("A3", BA_DINH_WARD, sample_on=day(2), confirmed_on=day(4), classification=community)
    case("B1", HOAN_KIEM_WARD, confirmed_on=day(4), classification=Classification.in_quarantine)
    case("B2", HOAN_KIEM_WARD, onset_on=day(1), confirmed_on=day(5), classification=imported)
    case("C1", None, onset_on=day(5), confirmed_on=day(6), classification=community)
    case("S1", BA_DINH_WARD, status=CaseStatus.suspected, onset_on=day(1))
    recovered = cases.case_by_code(hanoi, "A2")
    cases.change_status(
        hanoi, recovered.id, CaseStatus.recovered, changed_by="t", reason="", on_date=day(20)
    )
    hanoi.commit()
    return hanoi


def test_by_onset_else_sample_else_confirmation(registry: Session) -> None:
    found = service.incidence(registry)
    assert found.start == D
    assert list(zip(found.local, found.imported, strict=True)) == [
        (0, 1),  # A1 imported, onset
        (0, 1),  # B2 imported, onset
        (2, 0),  # A2 onset (recovered since), A3 sample
        (0, 0),
        (1, 0),  # B1 confirmation (found in quarantine: local)
        (1, 0),  # C1 onset, no ward: the city counts it
    ]


def test_by_confirmation(registry: Session) -> None:
    found = service.incidence(registry, basis=DateBasis.confirmed)
    assert found.start == day(3)
    assert found.local == (0, 3, 0, 1)
    assert found.imported == (1, 0, 1, 0)


def test_a_district_or_a_ward(registry: Session) -> None:
    ba_dinh = service.incidence(registry, area="001")
    assert (ba_dinh.start, ba_dinh.local, ba_dinh.imported) == (D, (0, 0, 2), (1, 0, 0))
    hoan_kiem = service.incidence(registry, area=HOAN_KIEM_WARD, basis=DateBasis.confirmed)
    assert (hoan_kiem.start, hoan_kiem.local, hoan_kiem.imported) == (day(4), (1, 0), (0, 1))
    city = service.incidence(registry, area="01")
    assert sum(city.local) + sum(city.imported) == 6


def test_dates_chosen(registry: Session) -> None:
    found = service.incidence(registry, since=day(-2), until=day(8))
    assert (found.start, found.days) == (day(-2), 11)
    assert sum(found.local) + sum(found.imported) == 6
    later = service.incidence(registry, since=day(2))
    assert (later.start, later.local, later.imported) == (day(2), (2, 0, 1, 1), (0, 0, 0, 0))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"area": "999"}, "area"),
        ({"area": "002", "until": D}, "area"),
        ({"since": day(9)}, "area"),
        ({"since": day(3), "until": day(1)}, "until"),
    ],
)
def test_bad_choices_name_the_field(registry: Session, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.incidence(registry, **kwargs)
    assert caught.value.problems[0].field == field


def test_an_empty_registry(hanoi: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.incidence(hanoi)
    assert caught.value.problems[0].field == "area"
