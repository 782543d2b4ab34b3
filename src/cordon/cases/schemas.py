"""What the cases API accepts and returns: never an ORM row, never a name or a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cordon.cases.enums import (
    CaseStatus,
    Classification,
    Condition,
    HowFound,
    SourceKind,
    Symptom,
    TestMethod,
    TestResult,
)
from cordon.core.bounds import NOTES, Day, Id
from cordon.core.dates import today
from cordon.core.schemas import Out


class CaseDates(BaseModel):
    """The dates that matter for a case, and what it is known for."""

    classification: Classification | None = None
    asymptomatic: bool | None = None
    onset_on: Day | None = Field(default=None, description="Symptom onset.")
    sample_on: Day | None = Field(default=None, description="Positive sample taken.")
    confirmed_on: Day | None = Field(default=None, description="Confirmed (announced).")
    isolated_on: Day | None = None
    discharged_on: Day | None = None
    died_on: Day | None = None
    province: str | None = Field(default=None, max_length=80)
    treated_at: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=NOTES)


class CaseIn(CaseDates):
    person_id: Id
    code: str | None = Field(
        default=None, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="e.g. BN17"
    )
    status: Literal[CaseStatus.suspected, CaseStatus.confirmed] = CaseStatus.suspected
    created_by: str = Field(default="system", min_length=1, max_length=120)
    reason: str = Field(default="case reported", max_length=500)


class CasePatch(CaseDates):
    """Only the fields sent are changed; ``version`` is the one the editor read."""

    version: int = Field(ge=1)


class CaseWarning(BaseModel):
    field: str
    message: str


class CaseOut(CaseDates):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    person_id: int
    status: CaseStatus
    version: int
    onset_on: dt.date | None = Field(default=None, description="Symptom onset.")
    sample_on: dt.date | None = Field(default=None, description="Positive sample taken.")
    confirmed_on: dt.date | None = Field(default=None, description="Confirmed (announced).")
    isolated_on: dt.date | None = None
    discharged_on: dt.date | None = None
    died_on: dt.date | None = None
    notes: str | None = None
    clusters: list[str] = Field(default_factory=list, description="Codes of its clusters.")
    warnings: list[CaseWarning] = Field(
        default_factory=list,
        description="Dates to review: an onset after confirmation, a death before it.",
    )

    @field_validator("warnings", mode="before")
    @classmethod
    def _records(cls, value: Any) -> Any:
        return value or []


class StatusChangeIn(BaseModel):
    to: CaseStatus
    changed_by: str = Field(min_length=1, max_length=120)
    reason: str = Field(min_length=1, max_length=500)
    on: Day = Field(description="The date of the change: confirmed, discharged or died on.")
    version: int | None = Field(default=None, ge=1, description="Checked when given.")


class StatusChangeOut(Out):
    id: int
    from_status: CaseStatus | None
    to_status: CaseStatus
    changed_at: dt.datetime
    changed_by: str
    reason: str


class LabTestIn(BaseModel):
    method: TestMethod
    sample_taken_on: Day
    result: TestResult
    result_on: Day | None = None
    ct_value: float | None = Field(default=None, ge=0, le=50)
    laboratory: str | None = Field(default=None, max_length=200)
    confirm: bool = Field(default=False, description="A positive PCR confirms a suspected case.")
    changed_by: str = Field(default="laboratory", min_length=1, max_length=120)


class ResultIn(BaseModel):
    """The result of a sample recorded as awaited."""

    result: TestResult
    result_on: Day
    ct_value: float | None = Field(default=None, ge=0, le=50)
    confirm: bool = Field(default=False, description="A positive PCR confirms the case.")
    changed_by: str = Field(default="laboratory", min_length=1, max_length=120)


class LabTestOut(Out):
    id: int
    case_id: int | None
    method: TestMethod
    sample_taken_on: dt.date
    result: TestResult
    result_on: dt.date | None
    ct_value: float | None
    laboratory: str | None


class SourceIn(BaseModel):
    """What infected the case: another case, a country, a cluster, or unknown."""

    kind: SourceKind
    source_case_id: Id | None = None
    country_code: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    cluster_id: Id | None = None
    note: str | None = Field(default=None, max_length=300)


class SourceOut(Out):
    id: int
    case_id: int
    kind: SourceKind
    source_case_id: int | None
    country_code: str | None
    cluster_id: int | None
    note: str | None


class ChainNode(BaseModel):
    """A case (``case:17``), a country (``country:GB``) or a cluster (``cluster:4``)."""

    id: str
    kind: SourceKind
    label: str
    generation: int = Field(description="0 = the case asked about; ancestors < 0 < descendants.")
    case_id: int | None = None
    status: CaseStatus | None = None
    confirmed_on: dt.date | None = None


class ChainEdge(BaseModel):
    """``source`` infected ``target``."""

    source: str
    target: str


class ChainOut(BaseModel):
    case_id: int
    code: str
    nodes: list[ChainNode]
    edges: list[ChainEdge]


class DischargeProblem(BaseModel):
    field: str = Field(description="What the problem is with: discharged_on, lab_tests, status …")
    message: str


class DischargeReadinessOut(BaseModel):
    """Whether the case may be discharged today by the rule in force, and if not, why."""

    case_id: int
    code: str
    status: CaseStatus
    version: int = Field(description="Send it back with the discharge.")
    rule_id: str
    rule_title: str
    legal_basis: str
    on: dt.date = Field(description="The day of discharge asked about (today).")
    counted_from: dt.date | None = Field(description="The day 0 of the rule's count.")
    day: int | None = Field(description="The day of the count the discharge would fall on.")
    earliest_on: dt.date | None = Field(description="The first day the rule allows discharge.")
    symptom_free_required: bool = Field(
        description="The officer must confirm at discharge that the patient has no symptoms."
    )
    ready: bool
    problems: list[DischargeProblem] = Field(description="What still stands in the way.")
    monitoring_from: dt.date | None = Field(
        description="Home monitoring that follows the discharge: first day (None: none)."
    )
    monitoring_until: dt.date | None = Field(description="… and last day.")


class DischargeIn(BaseModel):
    version: int = Field(ge=1, description="The case's version as read (stale: 409).")
    symptom_free: bool = Field(
        description="The officer confirms that the patient has no symptoms (the rule asks it)."
    )


class DischargeOut(BaseModel):
    case: CaseOut
    monitoring_order_id: int | None = Field(description="The home monitoring put in force.")
    monitoring_from: dt.date | None
    monitoring_until: dt.date | None


# --- the investigation (ADR 0016) ------------------------------------------------------------

EARLIEST = dt.date(2000, 1, 1)


def _day(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= today():
        raise ValueError("must be a day between 2000 and today")
    return value


class _Span(BaseModel):
    """From a day (to a day): the second not before the first, neither in the future."""

    model_config = ConfigDict(extra="forbid")

    from_on: dt.date
    to_on: dt.date | None = None

    _days = field_validator("from_on", "to_on")(_day)

    @model_validator(mode="after")
    def _in_order(self) -> _Span:
        if self.to_on is not None and self.to_on < self.from_on:
            raise ValueError("to_on is before from_on")
        return self


class SymptomSpan(_Span):
    symptom: Symptom
    to_on: dt.date | None = Field(default=None, description="Still there: null.")


class Trip(_Span):
    place: str = Field(min_length=1, max_length=200, description="City, province or country.")
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO alpha-2.")
    to_on: dt.date | None = None


class Visit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    place: str = Field(min_length=1, max_length=200, description="Shop, market, office, bus …")
    address: str | None = Field(default=None, max_length=300)
    first_on: dt.date
    last_on: dt.date

    _days = field_validator("first_on", "last_on")(_day)

    @model_validator(mode="after")
    def _in_order(self) -> Visit:
        if self.last_on < self.first_on:
            raise ValueError("last_on is before first_on")
        return self


class InvestigationFields(BaseModel):
    """What the tracer found: every list bounded, every text limited."""

    model_config = ConfigDict(extra="forbid")

    how_found: HowFound | None = None
    occupation: str | None = Field(default=None, max_length=120)
    workplace: str | None = Field(default=None, max_length=200)
    symptoms: list[SymptomSpan] = Field(default_factory=list, max_length=len(Symptom))
    conditions: list[Condition] = Field(default_factory=list, max_length=len(Condition))
    conditions_note: str | None = Field(default=None, max_length=300)
    hospital: str | None = Field(default=None, max_length=200)
    admitted_on: dt.date | None = None
    travel: list[Trip] = Field(
        default_factory=list, max_length=20, description="In the 14 days before onset."
    )
    visits: list[Visit] = Field(
        default_factory=list, max_length=50, description="Places visited, with the days."
    )

    _admitted = field_validator("admitted_on")(_day)

    @model_validator(mode="after")
    def _once_each(self) -> InvestigationFields:
        named = [s.symptom for s in self.symptoms]
        if len(set(named)) != len(named):
            raise ValueError("a symptom is listed twice")
        self.conditions = sorted(set(self.conditions))
        return self


class InvestigationIn(InvestigationFields):
    """PUT body: the whole investigation, and the ``version`` last read (null: none yet)."""

    version: int | None = Field(ge=1, description="As last read; null for the first one.")


class InvestigationOut(InvestigationFields):
    case_id: int
    version: int | None = Field(description="Null while nothing is recorded.")
    updated_at: dt.datetime | None = None
