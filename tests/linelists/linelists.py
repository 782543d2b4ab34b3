"""Line lists for the import/export tests, and a count of what was written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.cases.models import Case, CaseStatusChange, InfectionSource
from cordon.exposures.models import Exposure
from cordon.linelists.columns import Shape, column_names
from cordon.people.models import Person, PersonNameToken

DATA = Path(__file__).parent / "data"
TABLES = (Person, PersonNameToken, Case, CaseStatusChange, InfectionSource, Exposure)

CASE_ROWS = [
    {
        "case_code": "BN1",
        "full_name": "Nguyễn Văn An",
        "sex": "male",
        "birth_year": "1980",
        "phone": "0912 000 001",
        "national_id": "001080000001",
        "nationality": "VN",
        "ward_code": "00004",
        "status": "confirmed",
        "onset_on": "2020-03-01",
        "sample_on": "2020-03-02",
        "confirmed_on": "2020-03-03",
        "sources": "GB",
    },
    {
        "case_code": "BN2",
        "full_name": "Trần Thị Bình",
        "sex": "female",
        "age": "30",
        "phone": "0912 000 002",
        "ward_name": "Phúc Xá",
        "district_name": "Ba Đình",
        "status": "recovered",
        "confirmed_on": "2020-03-05",
        "discharged_on": "2020-03-20",
        "sources": "BN1",
    },
    {
        "case_code": "BN3",
        "full_name": "Lê Văn Cường",
        "date_of_birth": "1975-06-30",
        "status": "confirmed",
        "confirmed_on": "2020-03-06",
        "asymptomatic": "yes",
        "classification": "community",
        "sources": "BN1;BN2",
    },
]

EXPOSURE_ROWS = [
    {
        "index_case_code": "BN1",
        "contact_full_name": "Phạm Văn Dũng",
        "contact_birth_year": "1990",
        "contact_phone": "0912 000 011",
        "contact_national_id": "001090000011",
        "first_on": "2020-02-28",
        "last_on": "2020-03-01",
        "setting": "household",
    },
    {
        "index_case_code": "BN1",
        "contact_full_name": "Hoàng Thị Em",
        "contact_age": "40",
        "contact_phone": "0912 000 012",
        "first_on": "2020-03-01",
        "setting": "workplace",
        "closeness": "casual",
    },
    {
        "index_national_id": "001090000011",
        "contact_full_name": "Đỗ Văn Giang",
        "contact_phone": "0912 000 013",
        "first_on": "2020-03-02",
    },
]


def to_csv(shape: Shape, rows: list[dict[str, str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, column_names(shape), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def counts(session: Session) -> dict[str, int]:
    return {
        t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES
    }
