"""The dashboard's figures as of a day: the real first wave (Hanoi, 2 June 2020: 48 days
without a new case), and a small registry whose every figure is counted by hand."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.cases.enums import Classification
from cordon.demo.vietnam import load_vietnam_2020
from cordon.geography.models import AdminUnit
from cordon.public.figures import dashboard


def test_hanoi_on_2_june_2020_has_had_48_days_without_a_new_case(session: Session) -> None:
    load_vietnam_2020(session)
    session.commit()
    board = dashboard(session, on=dt.date(2020, 6, 2))
    assert board.city.last_case_on == dt.date(2020, 4, 15)
    assert board.city.days_since(board.city.last_case_on, board.on) == 48
    assert board.city.population == 8_053_663
    # the cases of the Ministry's line list carry a province, not a ward
    assert board.unknown.total.confirmed == board.city.total.confirmed > 100
    assert board.city.last_7 == board.city.last_14 == 0
    assert sum(sum(s) for s in board.series.values()) == board.city.total.confirmed
    by_name = {c.name: c for c in board.clusters}
    assert all(c.cases >= 5 and c.kind != "household" for c in board.clusters)
    assert any("Bạch Mai" in name for name in by_name), sorted(by_name)
    earlier = dashboard(session, on=dt.date(2020, 4, 15))
    assert earlier.city.days_since(earlier.city.last_case_on, earlier.on) == 0
    assert earlier.city.total.confirmed < board.city.total.confirmed or earlier.series


def test_a_small_registry_counted_by_hand(
    hanoi: Session, make_case: MakeCase, make_person: MakePerson
) -> None:
    def ward(code: str) -> int:
        found = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
        assert found is not None
        return int(found)

    on = dt.date(2021, 5, 20)
    phuc_xa, trung_hoa = ward("00001"), ward("00166")  # Ba Đình; Cầu Giấy
    cases = [
        (phuc_xa, on, Classification.community),
        (phuc_xa, on - dt.timedelta(days=6), Classification.in_quarantine),
        (phuc_xa, on - dt.timedelta(days=7), Classification.community),
        (trung_hoa, on - dt.timedelta(days=13), Classification.imported),
        (trung_hoa, on + dt.timedelta(days=1), Classification.community),  # after the day
    ]
    for n, (where, day, source) in enumerate(cases):
        make_case(
            f"H{n}",
            person_id=make_person(ward_id=where),
            confirmed_on=day,
            classification=source,
        )
    board = dashboard(hanoi, on=on)
    districts = {d.code: d for d in board.districts}
    ba_dinh, cau_giay = districts["001"], districts["005"]
    assert (ba_dinh.last_7, ba_dinh.last_14, ba_dinh.total.confirmed) == (2, 3, 3)
    assert (cau_giay.last_7, cau_giay.last_14, cau_giay.total.confirmed) == (0, 1, 1)
    assert ba_dinh.per_100k(ba_dinh.last_7) == round(2 * 100_000 / ba_dinh.population, 1)
    assert ba_dinh.last_community_on == on
    assert cau_giay.last_community_on is None
    assert cau_giay.days_since(cau_giay.last_case_on, on) == 13
    assert board.city.total.confirmed == 4
    assert board.days[0] == on - dt.timedelta(days=13)
    assert board.days[-1] == on
    assert board.series["community"][-1] == 1
    assert board.series["imported"][0] == 1
    assert board.version >= 1
