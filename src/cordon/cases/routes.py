"""HTTP: cases, their status history, lab tests, sources and chains of transmission."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, status

from cordon.cases import chains, lab, service
from cordon.cases.enums import CaseStatus, Classification
from cordon.cases.models import Case
from cordon.cases.schemas import (
    CaseIn,
    CaseOut,
    CasePatch,
    ChainOut,
    LabTestIn,
    LabTestOut,
    SourceIn,
    SourceOut,
    StatusChangeIn,
    StatusChangeOut,
)
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep

router = APIRouter(prefix="/cases", tags=["cases"])
CREATED = status.HTTP_201_CREATED


def _out(session: SessionDep, case: Case) -> CaseOut:
    out = CaseOut.model_validate(case)
    out.clusters = service.cluster_codes(session, [case.id])[case.id]
    return out


@router.post("", response_model=CaseOut, status_code=CREATED)
def create_case(session: SessionDep, body: CaseIn) -> CaseOut:
    """Report a suspected or confirmed case; a code like HN-000123 is given when none is."""
    fields = body.model_dump(exclude={"person_id", "code", "status", "created_by", "reason"})
    case = service.create_case(
        session,
        person_id=body.person_id,
        status=body.status,
        code=body.code,
        created_by=body.created_by,
        reason=body.reason,
        **fields,
    )
    return _out(session, case)


@router.get("", response_model=Page[CaseOut])
def list_cases(
    session: SessionDep,
    page: PageDep,
    status: CaseStatus | None = None,
    classification: Classification | None = None,
    confirmed_from: dt.date | None = None,
    confirmed_to: dt.date | None = None,
    cluster_id: int | None = None,
    province: Annotated[str | None, Query(max_length=80)] = None,
    unit_id: Annotated[
        int | None, Query(description="A ward or a district: cases of people living there.")
    ] = None,
    before_id: Annotated[
        int | None, Query(description="Keyset paging: only cases with a smaller id.")
    ] = None,
) -> Page[CaseOut]:
    """Cases, newest first."""
    rows, total = service.list_cases(
        session,
        status=status,
        classification=classification,
        confirmed_from=confirmed_from,
        confirmed_to=confirmed_to,
        cluster_id=cluster_id,
        province=province,
        unit_id=unit_id,
        before_id=before_id,
        limit=page.limit,
        offset=page.offset,
    )
    codes = service.cluster_codes(session, [r.id for r in rows])
    items = [CaseOut.model_validate(r).model_copy(update={"clusters": codes[r.id]}) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/by-code/{code}", response_model=CaseOut)
def get_case_by_code(session: SessionDep, code: str) -> CaseOut:
    return _out(session, service.case_by_code(session, code))


@router.get("/{case_id}", response_model=CaseOut)
def get_case(session: SessionDep, case_id: int) -> CaseOut:
    return _out(session, service.get_case(session, case_id))


@router.patch("/{case_id}", response_model=CaseOut)
def update_case(session: SessionDep, case_id: int, body: CasePatch) -> CaseOut:
    """Change dates and details; send the ``version`` you read (409 if it moved since)."""
    changes = body.model_dump(include=body.model_fields_set - {"version"})
    case = service.update_case(session, case_id, version=body.version, changes=changes)
    return _out(session, case)


@router.post("/{case_id}/status", response_model=CaseOut)
def change_status(session: SessionDep, case_id: int, body: StatusChangeIn) -> CaseOut:
    """suspected → confirmed | discarded; confirmed → recovered | died. Anything else is 409."""
    case = service.change_status(
        session,
        case_id,
        body.to,
        changed_by=body.changed_by,
        reason=body.reason,
        on_date=body.on,
        version=body.version,
    )
    return _out(session, case)


@router.get("/{case_id}/history", response_model=list[StatusChangeOut])
def history(session: SessionDep, case_id: int) -> list[StatusChangeOut]:
    return [StatusChangeOut.model_validate(h) for h in service.history(session, case_id)]


@router.post("/{case_id}/lab-tests", response_model=LabTestOut, status_code=CREATED)
def add_lab_test(session: SessionDep, case_id: int, body: LabTestIn) -> LabTestOut:
    """Record a test; ``confirm: true`` with a positive PCR confirms a suspected case."""
    test = lab.add_lab_test(session, case_id, **body.model_dump())
    return LabTestOut.model_validate(test)


@router.get("/{case_id}/lab-tests", response_model=list[LabTestOut])
def lab_tests(session: SessionDep, case_id: int) -> list[LabTestOut]:
    return [LabTestOut.model_validate(t) for t in lab.lab_tests(session, case_id)]


@router.post("/{case_id}/sources", response_model=SourceOut, status_code=CREATED)
def add_source(session: SessionDep, case_id: int, body: SourceIn) -> SourceOut:
    """What infected the case: another case (no loops), a country, a cluster or unknown."""
    link = chains.add_source(session, case_id, **body.model_dump())
    return SourceOut.model_validate(link)


@router.get("/{case_id}/sources", response_model=list[SourceOut])
def sources(session: SessionDep, case_id: int) -> list[SourceOut]:
    return [SourceOut.model_validate(s) for s in chains.sources(session, case_id)]


@router.get("/{case_id}/chain", response_model=ChainOut)
def chain(session: SessionDep, case_id: int) -> ChainOut:
    """Ancestors (generation < 0) and descendants (> 0) with the countries and clusters at
    the roots, as nodes and edges."""
    return chains.chain(session, service.get_case(session, case_id))
