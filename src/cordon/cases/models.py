from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cordon.cases.enums import (
    CaseStatus,
    Classification,
    HowFound,
    SourceKind,
    TestMethod,
    TestResult,
)
from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped, UtcDateTime, utcnow


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=24)


class Case(Base, Timestamped):
    """An F0 (or a suspected one): a person with a positive — or awaited — test."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. BN17
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), index=True)
    classification: Mapped[Classification | None] = mapped_column(_enum(Classification))
    asymptomatic: Mapped[bool | None]
    onset_on: Mapped[dt.date | None] = mapped_column(Date, index=True)  # the list's sort
    sample_on: Mapped[dt.date | None] = mapped_column(Date)
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    isolated_on: Mapped[dt.date | None] = mapped_column(Date)
    discharged_on: Mapped[dt.date | None] = mapped_column(Date)
    died_on: Mapped[dt.date | None] = mapped_column(Date)
    province: Mapped[str | None] = mapped_column(String(80), index=True)  # that reported it
    treated_at: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # Facts to review that real cases have (onset after confirmation, death before it):
    # FieldProblem records (field, message, template, params), or None.
    warnings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The person's ward, copied so that a ward's or district's case list is read from one
    # index (records follow the person's ward: the people service moves it with a transfer
    # or merge). No foreign key: a copy, kept by the services, never typed in.
    ward_id: Mapped[int | None] = mapped_column(BigId)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_cases_ward_id_id", "ward_id", "id"),)


class CaseStatusChange(Base):
    """One step of a case's status history: who moved it, when and why."""

    __tablename__ = "case_status_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[CaseStatus | None] = mapped_column(_enum(CaseStatus))
    to_status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus))
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(500), default="")


class LabTest(Base, Timestamped):
    __tablename__ = "lab_tests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    method: Mapped[TestMethod] = mapped_column(_enum(TestMethod))
    sample_taken_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[TestResult] = mapped_column(_enum(TestResult))
    result_on: Mapped[dt.date | None] = mapped_column(Date)
    ct_value: Mapped[float | None] = mapped_column(Float)
    laboratory: Mapped[str | None] = mapped_column(String(200))


class InfectionSource(Base):
    """A link of the chain of transmission: what infected this case."""

    __tablename__ = "infection_sources"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind))
    source_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    country_code: Mapped[str | None] = mapped_column(String(8))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(300))


class CaseInvestigation(Base, Timestamped):
    """What a tracer's interview of a case found (ADR 0016): one row per case, its lists —
    symptoms with their days, conditions, travel — kept as JSON checked by
    ``cases.schemas.InvestigationIn``; the places visited are rows of ``case_visits``."""

    __tablename__ = "case_investigations"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    how_found: Mapped[HowFound | None] = mapped_column(_enum(HowFound))
    occupation: Mapped[str | None] = mapped_column(String(120))
    workplace: Mapped[str | None] = mapped_column(String(200))
    # [{"symptom": "fever", "from_on": "2020-03-02", "to_on": null}, …]
    symptoms: Mapped[list[dict[str, str | None]]] = mapped_column(JSON, default=list)
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    conditions_note: Mapped[str | None] = mapped_column(String(300))
    hospital: Mapped[str | None] = mapped_column(String(200))
    admitted_on: Mapped[dt.date | None] = mapped_column(Date)
    # [{"place": "Daegu", "country": "KR", "from_on": …, "to_on": …}, …] in the 14 days
    # before onset
    travel: Mapped[list[dict[str, str | None]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CaseVisit(Base):
    """A place a case visited in their transmission window, with the days: rows, so that the
    venue contacts to come can find every case at a place on a day by the index."""

    __tablename__ = "case_visits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    first_on: Mapped[dt.date] = mapped_column(Date)
    last_on: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (Index("ix_case_visits_days", "first_on", "last_on"),)
