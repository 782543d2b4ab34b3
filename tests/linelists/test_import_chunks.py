"""An import goes through its file in chunks of rows (issue 17 §2): what a row says of
another row is found whichever chunk holds each — a repeated code or ID, a source named
before its row, an index person who is a later row's contact — and a row leaning on a row
left out is left out too. Chunks of one or two rows make every boundary a chunk's."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.models import Case, InfectionSource
from cordon.core.errors import InvalidInput
from cordon.events import RegistryLoaded
from cordon.exposures.models import Exposure
from cordon.linelists import service
from cordon.linelists.columns import Shape
from cordon.linelists.reports import Report
from cordon.linelists.service import ImportResult
from cordon.people.models import Person
from cordon.tracing.models import PersonTier
from eventkit import recording

from .linelists import CASE_ROWS, EXPOSURE_ROWS, counts, to_csv

Run = Callable[..., ImportResult]


@pytest.fixture(params=[1, 2])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    size: int = request.param
    monkeypatch.setattr(service, "CHUNK", size)
    return size


def problems(run_import: Run, shape: Shape, rows: list[dict[str, str]], **kw: Any) -> list[Any]:
    with pytest.raises(InvalidInput) as caught:
        run_import(shape, to_csv(shape, rows), **kw)
    return [(p.row, p.field, p.message) for p in caught.value.problems]


def sources_of(session: Session) -> set[tuple[str, str]]:
    code = {c.id: c.code for c in session.scalars(select(Case))}
    return {
        (code[s.case_id], code[s.source_case_id])
        for s in session.scalars(select(InfectionSource))
        if s.source_case_id is not None
    }


def test_a_source_named_before_its_row_is_linked(
    run_import: Run, hanoi: Session, chunk: int
) -> None:
    rows = [dict(CASE_ROWS[2], sources="BN2"), dict(CASE_ROWS[0]), dict(CASE_ROWS[1])]
    rows[1]["sources"] = "BN3"  # BN1 ← BN3 (earlier), BN3 ← BN2 (later), BN2 ← BN1
    result = run_import(Shape.cases, to_csv(Shape.cases, rows))
    assert (result.cases, result.sources) == (3, 3)
    assert sources_of(hanoi) == {("BN3", "BN2"), ("BN1", "BN3"), ("BN2", "BN1")}


def test_repeats_across_chunks_name_the_row_of_the_first(run_import: Run, chunk: int) -> None:
    rows = [dict(r, sources="") for r in CASE_ROWS]
    rows.append(dict(rows[0], full_name="Someone Else", phone=""))  # same code, same ID
    rows.append(dict(rows[1], case_code="BN5"))  # same phone, name and birth year as BN2
    found = problems(run_import, Shape.cases, rows)
    assert (5, "case_code", "BN1 is also on row 2") in found
    assert (5, "national_id", "same national ID as row 2") in found
    assert (6, "phone", "same person (phone, name, birth year) as row 3") in found
    assert len(found) == 3


def test_a_source_naming_no_row_is_told_once_the_file_is_read(
    run_import: Run, hanoi: Session, chunk: int
) -> None:
    rows = [dict(r) for r in CASE_ROWS]
    rows[0]["sources"] = "GB;BN404"
    report = Report()
    found = problems(run_import, Shape.cases, rows, report=report)
    assert found == [(2, "sources", "'BN404' is no known case, cluster or country code")]
    assert report.errors == [("2", "sources", "GB;BN404", found[0][2])]
    assert counts(hanoi)["cases"] == 0


def test_skip_invalid_leaves_out_the_rows_leaning_on_a_later_row_left_out(
    run_import: Run, hanoi: Session, chunk: int
) -> None:
    data = (
        b"case_code,confirmed_on,sources\nBN1,2020-03-01,BN3\nBN2,2020-03-01,\n"
        b"BN3,2020-02-30,\nBN4,2020-03-02,BN1\n"
    )
    report = Report()
    result = run_import(Shape.cases, data, skip_invalid=True, report=report)
    assert (result.cases, result.rejected_rows) == (1, 3)
    assert list(hanoi.scalars(select(Case.code))) == ["BN2"]
    assert counts(hanoi)["people"] == 1
    rejected = list(csv.reader(io.StringIO(report.rejected_csv().decode("utf-8-sig"))))
    assert [r[0] for r in rejected[1:]] == ["BN1", "BN3", "BN4"]
    assert "'BN3' is no known case" in rejected[1][-1]


def test_a_dry_run_over_many_chunks_writes_nothing(
    run_import: Run, hanoi: Session, chunk: int
) -> None:
    result = run_import(Shape.cases, to_csv(Shape.cases, CASE_ROWS), dry_run=True)
    assert (result.cases, result.sources, result.people_created) == (3, 4, 3)
    assert counts(hanoi)["people"] == 0


def test_an_index_person_who_is_a_later_rows_contact(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult, chunk: int
) -> None:
    rows = [EXPOSURE_ROWS[2], EXPOSURE_ROWS[1], EXPOSURE_ROWS[0]]  # the F2 first
    result = run_import(Shape.exposures, to_csv(Shape.exposures, rows))
    assert (result.exposures, result.people_created) == (3, 3)
    dung = hanoi.scalars(select(Person).where(Person.national_id == "001090000011")).one()
    giang = hanoi.scalars(select(Person).where(Person.full_name == "Đỗ Văn Giang")).one()
    f2 = hanoi.scalars(select(Exposure).where(Exposure.contact_id == giang.id)).one()
    assert f2.person_id == dung.id


def test_a_contact_on_rows_of_several_chunks_is_one_person(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult, chunk: int
) -> None:
    rows = [dict(r) for r in EXPOSURE_ROWS]
    rows.append(dict(EXPOSURE_ROWS[0], index_case_code="BN2"))
    rows.append(dict(EXPOSURE_ROWS[0], index_case_code="BN3", contact_full_name="Phạm Văn X"))
    found = problems(run_import, Shape.exposures, rows)
    assert found == [(6, "contact_national_id", "given another name on row 2")]
    result = run_import(Shape.exposures, to_csv(Shape.exposures, rows[:4]))
    assert (result.exposures, result.people_created) == (4, 3)


def test_an_index_person_named_nowhere_is_told_once_the_file_is_read(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult, chunk: int
) -> None:
    rows = [dict(r) for r in EXPOSURE_ROWS]
    rows[2]["index_national_id"] = "009999999999"
    found = problems(run_import, Shape.exposures, rows)
    assert found == [(4, "index_national_id", "no person has this national ID")]


def test_a_file_wrong_on_every_row_keeps_a_few_problems_and_reports_all(
    run_import: Run, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(service, "PROBLEMS_KEPT", 4)
    rows = [{"case_code": f"C{i}", "status": "nope"} for i in range(9)]
    report = Report()
    with pytest.raises(InvalidInput) as caught:
        run_import(Shape.cases, to_csv(Shape.cases, rows), report=report)
    assert len(caught.value.problems) == 4
    assert caught.value.problem_count == 9
    assert "9 problems in 9 rows" in caught.value.detail
    assert report.error_count == 9
    assert report.errors_csv().decode("utf-8-sig").count("\r\n") == 10


def test_a_long_list_is_announced_by_count_and_its_tiers_are_there(
    run_import: Run, hanoi: Session, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(service, "NAMED", 1)
    with recording(RegistryLoaded) as seen:
        result = run_import(Shape.cases, to_csv(Shape.cases, CASE_ROWS))
    (event,) = seen
    assert (event.case_ids, event.exposure_ids, event.case_count) == ((), (), 3)
    tiers = hanoi.scalars(select(PersonTier.tier))
    assert list(tiers) == [0, 0, 0]
    assert len(result.case_ids) == 3


@pytest.mark.parametrize("shape", list(Shape))
def test_a_header_without_rows_imports_nothing(
    run_import: Run, hanoi: Session, shape: Shape
) -> None:
    result = run_import(shape, to_csv(shape, []))
    assert (result.rows, result.cases, result.exposures, result.people_created) == (0, 0, 0, 0)
    assert counts(hanoi)["people"] == 0


def test_what_the_chunks_keep_answers_like_a_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    from cordon.linelists import state

    monkeypatch.setattr(state, "SEGMENT", 64)  # many segments, merged and not
    rng = random.Random(17)
    seen, expected = state.Seen(2), dict[str, int]()
    for _ in range(40):
        keys = [f"C{rng.randrange(500)}" for _ in range(rng.randrange(1, 30))]
        lines = [rng.randrange(1, 10**6) for _ in keys]
        seen.add(keys, lines, [7] * len(keys))
        expected.update(zip(keys, lines, strict=True))  # the latest wins
    asked = [f"C{i}" for i in range(600)]
    assert seen.lookup(asked) == [(expected[k], 7) if k in expected else None for k in asked]


def test_skip_invalid_leaves_out_an_index_phone_a_later_row_makes_ambiguous(
    run_import: Run, hanoi: Session, cases_loaded: ImportResult, chunk: int
) -> None:
    rows = [
        dict(EXPOSURE_ROWS[0], contact_national_id="", contact_phone="0988 000 000"),
        {"index_phone": "0988000000", "contact_full_name": "X Y", "first_on": "2020-03-02"},
        dict(EXPOSURE_ROWS[1], contact_phone="0988 000 000"),  # a second person, that phone
    ]
    result = run_import(Shape.exposures, to_csv(Shape.exposures, rows), skip_invalid=True)
    assert (result.exposures, result.rejected_rows) == (2, 1)
