"""Discharging a confirmed case by the rule in force on the day (``discharge_rules``): what
still stands in the way, and the discharge itself — the case recovered, with its history, and
the home monitoring that follows put in force.

A discharge is refused, naming each problem and writing nothing, when the case is not
confirmed, the version read is stale, the rule is not met or the officer has not confirmed
that the patient has no symptoms (Cordon keeps no symptom record of a case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cases import service
from cordon.cases.discharge_rules import (
    CountFrom,
    DischargeRule,
    PcrResult,
    get_rules,
    pcr_problems,
)
from cordon.cases.enums import CaseStatus, TestMethod
from cordon.cases.models import Case, LabTest
from cordon.core.dates import today
from cordon.core.db import atomic
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput
from cordon.isolation import after_discharge
from cordon.isolation.models import IsolationOrder

NOT_SYMPTOM_FREE = N_("confirm that the patient has no symptoms: the discharge rule asks it")


@dataclass(frozen=True)
class Readiness:
    """Whether ``case`` may be discharged ``on`` a day by ``rule``, and if not, why."""

    case: Case
    rule: DischargeRule
    on: dt.date
    day0: dt.date | None  # the day the rule counts from (None: the case is not confirmed)
    problems: tuple[FieldProblem, ...]

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def day(self) -> int | None:
        return None if self.day0 is None else (self.on - self.day0).days

    @property
    def earliest(self) -> dt.date | None:
        return None if self.day0 is None else self.day0 + dt.timedelta(days=self.rule.from_day)

    @property
    def monitoring(self) -> tuple[dt.date, dt.date] | None:
        """The home monitoring a discharge on the day starts: first and last day."""
        days = self.rule.monitoring_days
        return (self.on, self.on + dt.timedelta(days=days - 1)) if days else None


@dataclass(frozen=True)
class Discharged:
    case: Case
    monitoring: IsolationOrder | None


def counted_from(rule: DischargeRule, case: Case) -> dt.date | None:
    """The case's day 0 under ``rule``: the date it names, else the positive sample's, else
    the confirmation's."""
    named = {
        CountFrom.sample: case.sample_on,
        CountFrom.confirmation: case.confirmed_on,
        CountFrom.onset: case.onset_on,
    }[rule.count_from]
    return named or case.sample_on or case.confirmed_on


def pcr_results(session: Session, case_id: int) -> list[PcrResult]:
    query = select(LabTest.sample_taken_on, LabTest.result, LabTest.ct_value).where(
        LabTest.case_id == case_id, LabTest.method == TestMethod.pcr
    )
    return [PcrResult(day, result, ct) for day, result, ct in session.execute(query)]


def readiness(session: Session, case: Case, on: dt.date | None = None) -> Readiness:
    """The rule in force on ``on`` (today) applied to the case: what still stands in the way
    of its discharge that day (N_ messages with their values)."""
    day = on or today()
    rule = get_rules().in_force(day)
    if case.status is not CaseStatus.confirmed:
        status = FieldProblem.of(
            "status", N_("the case is %(status)s, not confirmed"), status=case.status
        )
        return Readiness(case, rule, day, None, (status,))
    day0 = counted_from(rule, case)
    if day0 is None:  # a confirmed case has its confirmation date: not reached
        raise InvalidInput.on(
            "confirmed_on", N_("is required for a %(status)s case"), status=case.status
        )
    problems = []
    earliest = day0 + dt.timedelta(days=rule.from_day)
    if day < earliest:
        problems.append(
            FieldProblem.of(
                "discharged_on",
                N_(
                    "day %(day)s since %(start)s; the rule allows discharge from day "
                    "%(first)s (%(earliest)s)"
                ),
                day=(day - day0).days,
                start=day0,
                first=rule.from_day,
                earliest=earliest,
            )
        )
    problems += pcr_problems(rule, pcr_results(session, case.id), day0, day)
    return Readiness(case, rule, day, day0, tuple(problems))


def _refuse(ready: Readiness, symptom_free: bool) -> None:
    """Raise what stands in the way, every problem named; return when nothing does."""
    case = ready.case
    if case.status is not CaseStatus.confirmed:
        raise Conflict.of(
            N_("Case %(code)s is %(status)s: only a confirmed case is discharged."),
            list(ready.problems),
            code=case.code,
            status=case.status,
        )
    attested = symptom_free or not ready.rule.symptom_free
    if ready.problems:
        unsaid = [] if attested else [FieldProblem.of("symptom_free", NOT_SYMPTOM_FREE)]
        raise Conflict.of(
            N_("Case %(code)s does not meet discharge rule %(rule)s yet."),
            [*ready.problems, *unsaid],
            code=case.code,
            rule=ready.rule.id,
        )
    if not attested:
        raise InvalidInput.on("symptom_free", NOT_SYMPTOM_FREE)


@atomic
def discharge(
    session: Session,
    case_id: int,
    *,
    version: int,
    symptom_free: bool,
    by: str,
    by_user_id: int | None = None,
    on: dt.date | None = None,
) -> Discharged:
    """Discharge the case ``on`` (today) by the rule in force that day: recovered with
    ``discharged_on``, the change kept in its history by ``by``, and the rule's home
    monitoring in force from that day."""
    case = service.get_case(session, case_id)
    service.check_version(case, version)
    ready = readiness(session, case, on)
    _refuse(ready, symptom_free)
    rule = ready.rule
    service.change_status(
        session,
        case.id,
        CaseStatus.recovered,
        changed_by=by,
        reason=f"discharged by rule {rule.id}",
        on_date=ready.on,
        version=version,
    )
    order = None
    if rule.monitoring_days:
        order = after_discharge.start_monitoring(
            session,
            person_id=case.person_id,
            rule_id=rule.id,
            first_day=ready.on,
            days=rule.monitoring_days,
            by_user_id=by_user_id,
        )
    return Discharged(case, order)
