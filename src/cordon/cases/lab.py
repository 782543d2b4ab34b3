"""Lab tests of a case's person; a positive PCR can confirm a suspected case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, TestMethod, TestResult
from cordon.cases.models import Case, LabTest
from cordon.cases.service import case_values, check_dates, create_case, get_case, move_status
from cordon.core.dates import today
from cordon.core.db import atomic
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound
from cordon.core.events import publish
from cordon.core.pagination import paged
from cordon.core.scope import CITY, Scope
from cordon.events import LabTested
from cordon.people.models import Person


@dataclass(frozen=True)
class LabReport:
    """A lab test as reported: the sample, its result (``pending`` while the laboratory
    works), whether a positive PCR is to confirm the case, and who recorded it."""

    method: TestMethod
    sample_taken_on: dt.date
    result: TestResult
    result_on: dt.date | None = None
    ct_value: float | None = None
    laboratory: str | None = None
    confirm: bool = False
    changed_by: str = "laboratory"

    def test_of(self, person_id: int, case_id: int | None = None) -> LabTest:
        """The row of this test of ``person_id`` (on ``case_id``'s record)."""
        return LabTest(
            person_id=person_id,
            case_id=case_id,
            method=self.method,
            sample_taken_on=self.sample_taken_on,
            result=self.result,
            result_on=self.result_on,
            ct_value=self.ct_value,
            laboratory=self.laboratory,
        )


def lab_tests(session: Session, case_id: int) -> list[LabTest]:
    get_case(session, case_id)
    query = select(LabTest).where(LabTest.case_id == case_id)
    return list(session.scalars(query.order_by(LabTest.sample_taken_on, LabTest.id)).all())


def _check_lab_test(
    whose: str, sample_taken_on: dt.date, result_on: dt.date | None, *, confirms: bool
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
        raise InvalidInput(detail=f"Lab test of {whose}: {said}.", problems=problems)


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


@atomic
def add_lab_test(session: Session, case_id: int, report: LabReport) -> LabTest:
    """Record a test of the case's person; with ``confirm``, a positive PCR confirms a
    suspected case on the result date (its positive sample date filled in if missing)."""
    case = get_case(session, case_id)
    confirm = report.confirm
    if confirm and (report.method != TestMethod.pcr or report.result != TestResult.positive):
        raise InvalidInput.on("confirm", N_("only a positive PCR test confirms a case"))
    if confirm and case.status != CaseStatus.suspected:
        raise Conflict.of(
            N_("Case %(code)s is %(status)s, not suspected: nothing to confirm."),
            code=case.code,
            status=case.status,
        )
    taken, result_on = report.sample_taken_on, report.result_on
    _check_lab_test(f"case {case.code}", taken, result_on, confirms=confirm)
    if confirm and result_on is not None:
        _confirm_by_test(session, case, taken, result_on, report.changed_by)
    return _stored(session, report.test_of(case.person_id, case.id))


def _stored(session: Session, test: LabTest) -> LabTest:
    """A new test written, and announced (``LabTested``: tasks met, flags raised)."""
    session.add(test)
    session.flush()
    _announce(session, test)
    return test


def _announce(session: Session, test: LabTest) -> None:
    publish(
        session,
        LabTested(
            cause=f"lab test {test.id}",
            person_id=test.person_id,
            lab_test_id=test.id,
            sample_taken_on=test.sample_taken_on,
            positive=test.result is TestResult.positive,
        ),
    )


def add_person_test(session: Session, person_id: int, report: LabReport) -> LabTest:
    """Record a test of a person who may not be a case (a contact in isolation, sampled on
    a test day of the regime). A person with a case under way has it recorded on that case;
    a positive result of anyone else makes them a suspected case first — with ``confirm``,
    a positive PCR then confirms it."""
    if session.get(Person, person_id) is None:
        raise InvalidInput.on("person_id", N_("no person with id %(id)s"), id=person_id)
    case_id = _case_under_way(session, person_id)
    if case_id is None and report.result is TestResult.positive:
        taken, by = report.sample_taken_on, report.changed_by
        case_id = _suspect(session, person_id, report.method, taken, by)
    if case_id is not None:
        return add_lab_test(session, case_id, report)
    if report.confirm:
        raise InvalidInput.on("confirm", N_("only a positive PCR test confirms a case"))
    whose = f"person {person_id}"
    _check_lab_test(whose, report.sample_taken_on, report.result_on, confirms=False)
    return _stored(session, report.test_of(person_id))


def _case_under_way(session: Session, person_id: int) -> int | None:
    return session.scalar(
        select(Case.id)
        .where(
            Case.person_id == person_id,
            Case.status.in_([CaseStatus.suspected, CaseStatus.confirmed]),
        )
        .order_by(Case.id.desc())
        .limit(1)
    )


def _suspect(
    session: Session, person_id: int, method: TestMethod, sample_taken_on: dt.date, by: str
) -> int:
    reason = f"positive {method.value} test, sample taken {sample_taken_on}"
    case = create_case(
        session, person_id=person_id, status=CaseStatus.suspected, created_by=by, reason=reason
    )
    return case.id


def awaiting_results(
    session: Session, *, scope: Scope = CITY, limit: int = 50, offset: int = 0
) -> tuple[list[LabTest], int]:
    """Samples taken whose result is still ``pending``, oldest first: the laboratory's list of
    results to enter, of the people ``scope`` sees."""
    query = select(LabTest).where(
        LabTest.result == TestResult.pending,
        scope.holds(LabTest.person_id, Person.id, Person.ward_id),
    )
    return paged(session, query, LabTest.sample_taken_on, LabTest.id, limit=limit, offset=offset)


def person_of_test(session: Session, test_id: int) -> int:
    person_id = session.scalar(select(LabTest.person_id).where(LabTest.id == test_id))
    if person_id is None:
        raise NotFound.of(N_("No lab test with id %(id)s."), id=test_id)
    return int(person_id)


@atomic
def record_result(
    session: Session,
    test_id: int,
    *,
    result: TestResult,
    result_on: dt.date,
    ct_value: float | None = None,
    confirm: bool = False,
    changed_by: str = "laboratory",
) -> LabTest:
    """The result of a sample recorded while it was awaited (``pending``). A positive one of
    a person with no case under way makes them a suspected case; with ``confirm``, a
    positive PCR confirms the case."""
    test = session.get(LabTest, test_id)
    if test is None:
        raise NotFound.of(N_("No lab test with id %(id)s."), id=test_id)
    if test.result is not TestResult.pending:
        raise Conflict.of(
            N_("This test has its result already (%(result)s)."), result=test.result.value
        )
    if result is TestResult.pending:
        raise InvalidInput.on("result", N_("give the result: positive, negative or inconclusive"))
    whose = f"person {test.person_id}"
    _check_lab_test(whose, test.sample_taken_on, result_on, confirms=confirm)
    if confirm and (test.method != TestMethod.pcr or result != TestResult.positive):
        raise InvalidInput.on("confirm", N_("only a positive PCR test confirms a case"))
    if test.case_id is None and result is TestResult.positive:
        test.case_id = _suspect(
            session, test.person_id, test.method, test.sample_taken_on, changed_by
        )
    test.result, test.result_on, test.ct_value = result, result_on, ct_value
    if confirm:
        case = get_case(session, test.case_id or 0)
        if case.status is CaseStatus.suspected:
            _confirm_by_test(session, case, test.sample_taken_on, result_on, changed_by)
    session.flush()
    _announce(session, test)
    return test
