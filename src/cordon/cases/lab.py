"""Lab tests of a case's person; a positive PCR can confirm a suspected case."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, TestMethod, TestResult
from cordon.cases.models import Case, LabTest
from cordon.cases.service import case_values, check_dates, get_case, move_status
from cordon.core.dates import today
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput


def lab_tests(session: Session, case_id: int) -> list[LabTest]:
    get_case(session, case_id)
    query = select(LabTest).where(LabTest.case_id == case_id)
    return list(session.scalars(query.order_by(LabTest.sample_taken_on, LabTest.id)).all())


def _check_lab_test(
    code: str, sample_taken_on: dt.date, result_on: dt.date | None, *, confirms: bool
) -> None:
    problems = []
    future = N_("is in the future (%(day)s)")
    if sample_taken_on > today():
        problems.append(FieldProblem.of("sample_taken_on", future, day=sample_taken_on))
    if result_on is not None and result_on > today():
        problems.append(FieldProblem.of("result_on", future, day=result_on))
    if result_on is not None and result_on < sample_taken_on:
        before = N_("is before sample_taken_on (%(day)s)")
        problems.append(FieldProblem.of("result_on", before, day=sample_taken_on))
    if confirms and result_on is None:
        problems.append(FieldProblem.of("result_on", N_("is required to confirm the case")))
    if problems:
        said = "; ".join(f"{p.field} {p.message}" for p in problems)
        raise InvalidInput(detail=f"Lab test of case {code}: {said}.", problems=problems)


def _confirm_by_test(
    session: Session, case: Case, sample_on: dt.date, result_on: dt.date, by: str
) -> None:
    values = {**case_values(case), "confirmed_on": result_on}
    values["sample_on"] = values["sample_on"] or sample_on
    check_dates(case.code, values, CaseStatus.confirmed)
    window = case.sample_on != values["sample_on"]
    case.sample_on = values["sample_on"]
    reason = f"positive PCR, sample taken {sample_on}"
    move_status(
        session,
        case,
        CaseStatus.confirmed,
        changed_by=by,
        reason=reason,
        on_date=result_on,
        window=window,
    )


def add_lab_test(
    session: Session,
    case_id: int,
    *,
    method: TestMethod,
    sample_taken_on: dt.date,
    result: TestResult,
    result_on: dt.date | None = None,
    ct_value: float | None = None,
    laboratory: str | None = None,
    confirm: bool = False,
    changed_by: str = "laboratory",
) -> LabTest:
    """Record a test of the case's person; with ``confirm``, a positive PCR confirms a
    suspected case on the result date (its positive sample date filled in if missing)."""
    case = get_case(session, case_id)
    if confirm and (method != TestMethod.pcr or result != TestResult.positive):
        raise InvalidInput.on("confirm", N_("only a positive PCR test confirms a case"))
    if confirm and case.status != CaseStatus.suspected:
        raise Conflict.of(
            N_("Case %(code)s is %(status)s, not suspected: nothing to confirm."),
            code=case.code,
            status=case.status,
        )
    _check_lab_test(case.code, sample_taken_on, result_on, confirms=confirm)
    if confirm and result_on is not None:
        _confirm_by_test(session, case, sample_taken_on, result_on, changed_by)
    test = LabTest(
        person_id=case.person_id,
        case_id=case.id,
        method=method,
        sample_taken_on=sample_taken_on,
        result=result,
        result_on=result_on,
        ct_value=ct_value,
        laboratory=laboratory,
    )
    session.add(test)
    session.flush()
    return test
