"""Factories for case tests: people through the bulk path, cases through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cordon.cases import service
from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case
from cordon.people.bulk import PersonRow, insert_people

MakePerson = Callable[..., int]
MakeCase = Callable[..., Case]


@pytest.fixture
def make_person(session: Session) -> MakePerson:
    def make(name: str = "Nguyễn Văn An", ward_id: int | None = None) -> int:
        (pid,) = insert_people(session, [PersonRow(full_name=name, ward_id=ward_id)])
        session.commit()
        return pid

    return make


@pytest.fixture
def make_case(session: Session, make_person: MakePerson) -> MakeCase:
    """A committed case: confirmed on 2020-03-06 unless told otherwise."""

    def make(code: str, status: CaseStatus = CaseStatus.confirmed, **fields: Any) -> Case:
        if status == CaseStatus.confirmed:
            fields.setdefault("confirmed_on", dt.date(2020, 3, 6))
        person_id = fields.pop("person_id", None) or make_person()
        case = service.create_case(
            session, person_id=person_id, status=status, code=code, created_by="test", **fields
        )
        session.commit()
        return case

    return make
