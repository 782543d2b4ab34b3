"""The public counts equal what the registry says, counted directly, on random registries:
after a whole recount, and after changes made through the cases service one by one."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus, Classification
from cordon.cases.models import Case, CaseStatusChange
from cordon.geography.models import AdminUnit
from cordon.people.bulk import PersonRow, insert_people
from cordon.public import counts
from cordon.public.models import NO_WARD, DailyCount

START = dt.date(2020, 3, 1)
CASE = st.fixed_dictionaries(
    {
        "ward": st.sampled_from([0, 1, 2, None]),
        "province": st.sampled_from(["Hà Nội", "Hồ Chí Minh", None]),
        "classification": st.sampled_from([None, *Classification]),
        "status": st.sampled_from(list(CaseStatus)),
        "confirmed": st.integers(0, 20),
        "ended": st.integers(0, 20),
    }
)


def _wards(session: Session) -> list[int]:
    return list(
        session.scalars(select(AdminUnit.id).where(AdminUnit.code.in_(["00001", "00004", "00037"])))
    )


def _stored(session: Session) -> Counter[tuple[int, dt.date, str]]:
    found: Counter[tuple[int, dt.date, str]] = Counter()
    for row in session.scalars(select(DailyCount)):
        for column in counts.COLUMNS:
            if getattr(row, column):
                found[(row.ward_id, row.day, column)] += getattr(row, column)
    return found


def _expected(session: Session) -> Counter[tuple[int, dt.date, str]]:
    """Counted case by case, in Python: the rule of docs/public.md."""
    found: Counter[tuple[int, dt.date, str]] = Counter()
    for case in session.scalars(select(Case)):
        if case.status not in counts.COUNTED or case.confirmed_on is None:
            continue
        if case.ward_id is None and case.province != "Hà Nội":
            continue
        ward = NO_WARD if case.ward_id is None else case.ward_id
        source = case.classification.value if case.classification else "unclassified"
        found[(ward, case.confirmed_on, source)] += 1
        if case.status is CaseStatus.recovered and case.discharged_on:
            found[(ward, case.discharged_on, "recovered")] += 1
        if case.status is CaseStatus.died and case.died_on:
            found[(ward, case.died_on, "deaths")] += 1
    return found


def _registry(session: Session, wards: list[int], specs: list[dict[str, Any]]) -> list[Case]:
    people = insert_people(
        session,
        [
            PersonRow(
                full_name="Người Thử", ward_id=None if s["ward"] is None else wards[s["ward"]]
            )
            for s in specs
        ],
    )
    made = []
    for n, (spec, person) in enumerate(zip(specs, people, strict=True)):
        confirmed_on = START + dt.timedelta(days=spec["confirmed"])
        ended = confirmed_on + dt.timedelta(days=spec["ended"])
        status = spec["status"]
        case = Case(
            code=f"T{n}",
            person_id=person,
            status=status,
            classification=spec["classification"],
            province=spec["province"],
            ward_id=None if spec["ward"] is None else wards[spec["ward"]],
            confirmed_on=None if status is CaseStatus.suspected else confirmed_on,
            discharged_on=ended if status is CaseStatus.recovered else None,
            died_on=ended if status is CaseStatus.died else None,
        )
        session.add(case)
        made.append(case)
    session.flush()
    return made


def _clean(session: Session) -> None:
    session.rollback()
    for model in (DailyCount, CaseStatusChange, Case):
        session.execute(delete(model))
    session.commit()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=st.lists(CASE, max_size=25))
def test_a_whole_recount_equals_the_registry(hanoi: Session, specs: list[dict[str, Any]]) -> None:
    try:
        _registry(hanoi, _wards(hanoi), specs)
        counts.recount(hanoi)
        assert _stored(hanoi) == _expected(hanoi)
    finally:
        _clean(hanoi)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(CASE, min_size=1, max_size=12),
    moves=st.lists(
        st.tuples(st.integers(0, 11), st.sampled_from([CaseStatus.recovered, CaseStatus.died])),
        max_size=6,
    ),
    homes=st.lists(st.tuples(st.integers(0, 11), st.sampled_from([0, 1, 2, None])), max_size=4),
)
def test_changes_through_the_service_keep_the_counts(
    hanoi: Session,
    specs: list[dict[str, Any]],
    moves: list[tuple[int, CaseStatus]],
    homes: list[tuple[int, int | None]],
) -> None:
    from cordon.people import service as people
    from cordon.people.schemas import PersonPatch

    try:
        wards = _wards(hanoi)
        made = _registry(hanoi, wards, specs)
        counts.recount(hanoi)
        for index, home in homes:  # people move: their cases' ward follows
            person = people.get_person(hanoi, made[index % len(made)].person_id)
            change = PersonPatch(ward_id=None if home is None else wards[home])
            people.update_person(hanoi, person.id, change, expected_version=person.version)
        for index, to in moves:
            case = made[index % len(made)]
            if case.status is not CaseStatus.confirmed:
                continue
            assert case.confirmed_on is not None
            day = case.confirmed_on + dt.timedelta(days=index)
            cases.change_status(hanoi, case.id, to, changed_by="t", reason="t", on_date=day)
        assert _stored(hanoi) == _expected(hanoi)
    finally:
        _clean(hanoi)
