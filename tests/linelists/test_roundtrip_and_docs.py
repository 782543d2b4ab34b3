"""Export → import into an empty registry → the same records; and docs, templates and parser
list the same columns."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case, InfectionSource
from cordon.exposures.models import Exposure
from cordon.linelists.columns import Shape, column_names
from cordon.linelists.export import INVESTIGATION_COLUMNS, ExportFilter, export_file
from cordon.linelists.service import ImportResult, import_file
from cordon.people.models import Person

from .linelists import EXPOSURE_ROWS, counts, to_csv

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src/cordon/linelists/templates"


def snapshot(session: Session) -> dict[str, Any]:
    people = {
        p.id: (
            p.full_name,
            p.sex,
            p.date_of_birth,
            p.birth_year,
            p.phone,
            p.national_id,
            p.nationality,
            p.address,
            p.residence,
            p.ward_id,
        )
        for p in session.scalars(select(Person))
    }
    cases = {c.id: c for c in session.scalars(select(Case))}
    return {
        "cases": sorted(
            (
                c.code,
                people[c.person_id],
                c.status,
                c.classification,
                c.asymptomatic,
                c.onset_on,
                c.sample_on,
                c.confirmed_on,
                c.isolated_on,
                c.discharged_on,
                c.died_on,
                c.province,
                c.treated_at,
            )
            for c in cases.values()
        ),
        "sources": sorted(
            (
                cases[s.case_id].code,
                s.kind,
                cases[s.source_case_id].code if s.source_case_id else None,
                s.country_code,
            )
            for s in session.scalars(select(InfectionSource))
        ),
        "exposures": sorted(
            (
                people[e.person_id],
                people[e.contact_id],
                e.first_on,
                e.last_on,
                e.setting,
                e.closeness,
                e.note,
            )
            for e in session.scalars(select(Exposure))
        ),
    }


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_imports_back_into_an_empty_registry_unchanged(
    run_import: Callable[..., ImportResult],
    hanoi: Session,
    cases_loaded: ImportResult,
    tmp_path: Path,
    suffix: str,
) -> None:
    run_import(Shape.exposures, to_csv(Shape.exposures, EXPOSURE_ROWS))
    before = snapshot(hanoi)
    cases_file, exposures_file = tmp_path / f"c{suffix}", tmp_path / f"e{suffix}"
    assert export_file(hanoi, Shape.cases, cases_file) == 3
    assert export_file(hanoi, Shape.exposures, exposures_file) == 3
    hanoi.commit()
    for table in (
        "exposures",
        "infection_sources",
        "case_status_changes",
        "cases",
        "person_name_tokens",
        "people",
    ):
        hanoi.connection().exec_driver_sql(f"DELETE FROM {table}")
    hanoi.commit()
    assert sum(counts(hanoi).values()) == 0
    for shape, path in ((Shape.cases, cases_file), (Shape.exposures, exposures_file)):
        import_file(hanoi, shape, path, name=path.name)
        hanoi.commit()
    assert snapshot(hanoi) == before


def test_export_filters_by_status_and_date(
    hanoi: Session, cases_loaded: ImportResult, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    assert export_file(hanoi, Shape.cases, path, ExportFilter((CaseStatus.recovered,))) == 1
    later = ExportFilter(date_from=dt.date(2020, 3, 5))
    assert export_file(hanoi, Shape.cases, path, later) == 2
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert rows[0] == [*column_names(Shape.cases), *INVESTIGATION_COLUMNS]
    assert [r[0] for r in rows[1:]] == ["BN2", "BN3"]


def _documented(shape_heading: str) -> list[str]:
    text = (ROOT / "docs/import.md").read_text(encoding="utf-8")
    section = text.split(f"## {shape_heading}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)


@pytest.mark.parametrize(
    ("shape", "heading", "template"),
    [
        (Shape.cases, "Cases line list", "cases.csv"),
        (Shape.exposures, "Exposures list", "exposures.csv"),
    ],
)
def test_docs_template_and_parser_list_the_same_columns(
    shape: Shape, heading: str, template: str
) -> None:
    header = next(csv.reader((TEMPLATES / template).open(encoding="utf-8")))
    assert _documented(heading) == column_names(shape)
    assert header == column_names(shape)


def test_the_templates_import_as_they_are(run_import: Callable[..., ImportResult]) -> None:
    cases = run_import(Shape.cases, (TEMPLATES / "cases.csv").read_bytes(), name="cases.csv")
    exposures = run_import(
        Shape.exposures, (TEMPLATES / "exposures.csv").read_bytes(), name="exposures.csv"
    )
    assert (cases.cases, exposures.exposures) == (4, 3)
