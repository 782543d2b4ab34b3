"""Small counts at ward level are never published and never worked out again: every count
from 1 to 4 is hidden, and no hidden count follows from the district's total and the counts
shown beside it (each hidden one may be 0 to 4)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.geography.models import AdminUnit
from cordon.public import opendata
from cordon.public.suppression import SMALL, suppress


def _possible(total_hidden: int, marks: list[str]) -> list[set[int]]:
    """For hidden cells summing to ``total_hidden``, each as its mark says ("<5": 0–4,
    ">=5": 5 or more, "x": anything): each cell's possible values, by brute force."""
    options: list[set[int]] = [set() for _ in marks]

    def walk(i: int, left: int, chosen: list[int]) -> None:
        if i == len(marks):
            if left == 0:
                for k, v in enumerate(chosen):
                    options[k].add(v)
            return
        low, high = {"<5": (0, SMALL - 1), ">=5": (SMALL, left)}.get(marks[i], (0, left))
        values = range(low, min(high, left) + 1)
        for v in values:
            walk(i + 1, left - v, [*chosen, v])

    walk(0, total_hidden, [])
    return options


@given(st.dictionaries(st.integers(0, 30), st.integers(0, 12), min_size=1, max_size=7))
def test_no_small_count_is_shown_or_worked_out(cells: dict[int, int]) -> None:
    hidden = suppress(cells)
    assert {k for k, v in cells.items() if 0 < v < SMALL} <= set(hidden)
    if len(hidden) == len(cells) == 1:
        return  # a district of one ward: its total is the ward's (nothing to hide it with)
    order = sorted(hidden)
    total_hidden = sum(cells[k] for k in order)  # the district's total minus those shown
    marks = [hidden[k] for k in order]
    for values in _possible(total_hidden, marks):
        assert len(values) >= 2, (cells, hidden)


def test_ward_files_hide_what_district_files_would_give_away(
    hanoi: Session, make_case: MakeCase, make_person: MakePerson
) -> None:
    def ward(code: str) -> int:
        found = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
        assert found is not None
        return int(found)

    day = dt.date(2021, 5, 3)
    phuc_xa, truc_bach = ward("00001"), ward("00004")  # both of Ba Đình
    for n in range(3):
        make_case(f"S{n}", person_id=make_person(ward_id=phuc_xa), confirmed_on=day)
    for n in range(7):
        make_case(f"B{n}", person_id=make_person(ward_id=truc_bach), confirmed_on=day)
    districts = opendata.area_rows(hanoi, "district")
    (ba_dinh,) = [r for r in districts if r["code"] == "001"]
    assert ba_dinh["confirmed"] == 10  # districts are published whole
    wards = {r["code"]: r for r in opendata.ward_rows(hanoi)}
    assert wards["00001"]["confirmed"] == "<5"
    assert wards["00004"]["confirmed"] == 7
    hidden = [r for r in wards.values() if r["confirmed"] == "<5"]
    assert len(hidden) >= 2  # a zero ward of Ba Đình hidden beside Phúc Xá
    csv_text = opendata.as_csv(opendata.WARD_COLUMNS, list(wards.values())).decode()
    assert csv_text.splitlines()[0] == "date,code,name,district_code,confirmed,recovered,deaths"
    assert ",3," not in csv_text
