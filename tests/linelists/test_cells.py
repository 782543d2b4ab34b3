"""The cell parsers: dates, enums, numbers, phones — properties over many inputs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordon.cases.enums import CaseStatus
from cordon.core.phones import normalize_phone
from cordon.core.text import fold
from cordon.linelists.cells import FastPhone, build_parser, parse_bool, parse_date, parse_int
from cordon.linelists.columns import CASE_COLUMNS
from cordon.linelists.mapping import Mapping
from cordon.people.bulk import fold_names

TODAY = dt.date(2025, 1, 1)
STATUS = next(c for c in CASE_COLUMNS if c.name == "status")


@given(st.dates(min_value=dt.date(1880, 1, 1), max_value=TODAY))
def test_every_real_date_reads_back_in_iso_and_in_a_mapped_format(day: dt.date) -> None:
    assert parse_date(day.isoformat(), (), TODAY) == day
    assert parse_date(day.strftime("%d/%m/%Y"), ("%d/%m/%Y",), TODAY) == day


@given(st.integers(1900, 2024), st.integers(1, 12), st.integers(29, 35))
def test_impossible_days_are_refused(year: int, month: int, day: int) -> None:
    try:
        dt.date(year, month, day)
    except ValueError:
        with pytest.raises(ValueError, match="not a valid date"):
            parse_date(f"{year}-{month:02d}-{day:02d}", (), TODAY)


@given(st.dates(min_value=TODAY + dt.timedelta(days=1)))
def test_future_dates_are_refused(day: dt.date) -> None:
    with pytest.raises(ValueError, match="future"):
        parse_date(day.isoformat(), (), TODAY)


@given(st.sampled_from(list(CaseStatus)), st.booleans())
def test_enum_values_read_in_any_case(status: CaseStatus, upper: bool) -> None:
    parse = build_parser(STATUS, Mapping(), "VN", TODAY)
    assert parse(status.value.upper() if upper else status.value) is status


@given(st.text(min_size=1).filter(lambda s: s.casefold() not in {c.value for c in CaseStatus}))
def test_anything_else_is_not_a_status(raw: str) -> None:
    with pytest.raises(ValueError, match="not one of"):
        build_parser(STATUS, Mapping(), "VN", TODAY)(raw)


def test_a_value_map_comes_first_and_may_empty_a_cell() -> None:
    mapping = Mapping(values={"status": {"positive": "confirmed", "?": ""}})
    parse = build_parser(STATUS, mapping, "VN", TODAY)
    assert parse("POSITIVE") is CaseStatus.confirmed
    assert parse("?") is None


@given(st.integers(0, 10**9))
def test_the_fast_phone_path_agrees_with_libphonenumber(n: int) -> None:
    raw = f"0{n:09d}"
    try:
        expected: str | None = normalize_phone(raw, "VN")
    except ValueError:
        expected = None
    try:
        got: str | None = FastPhone("VN")(raw)
    except ValueError:
        got = None
    assert got == expected


@pytest.mark.parametrize(("raw", "value"), [("yes", True), ("0", False), ("Có", True)])
def test_booleans(raw: str, value: bool) -> None:
    assert parse_bool(raw) is value


def test_numbers_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="between"):
        parse_int("131", 0, 130)
    assert parse_int("42.0") == 42


@given(st.lists(st.text()))
def test_names_folded_all_at_once_fold_like_one_by_one(names: list[str]) -> None:
    assert fold_names(names) == [fold(n) for n in names]
