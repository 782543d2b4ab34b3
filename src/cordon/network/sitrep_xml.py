"""A situation report as XML in the shape of OASIS EDXL-SitRep 1.0 (docs/network.md,
"Situation reports"): the standard's element names for the report's header (message id,
prepared and authorised by, number, version, period, next contact) and its three kinds of
report — the situation information (summary, measures in force), the casualty-and-illness
summary and the response resources (beds) — and Cordon's own namespace for the figures the
standard has no word for (Rt, people in isolation, clusters).

The XML is written, not read: partners exchange the JSON payload; the XML is for a partner's
or an agency's tools that read EDXL-SitRep."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from cordon.core.config import get_settings
from cordon.network.sitrep_schemas import SitRep

SITREP = "urn:oasis:names:tc:emergency:EDXL:SitRep:1.0"
CORDON = "urn:cordon:network:sitrep:1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("cordon", CORDON)  # the prefix of the figures SitRep has no word for

CASUALTIES = (  # figure → its element in the casualty-and-illness summary
    ("confirmed", "TotalConfirmedCases"),
    ("community", "CommunityCases"),
    ("imported", "ImportedCases"),
    ("in_quarantine", "CasesFoundInQuarantine"),
    ("new_last_7", "NewCasesLast7Days"),
    ("new_last_14", "NewCasesLast14Days"),
    ("recovered", "Recovered"),
    ("deaths", "Deaths"),
    ("active", "UnderTreatment"),
)
CORDON_FIGURES = (
    "isolated_facility",
    "isolated_home",
    "days_since_community_case",
    "rt_mean",
    "rt_lower",
    "rt_upper",
    "rt_reliable",
    "clusters_active",
)


def _sub(parent: ET.Element, tag: str, text: Any = None, ns: str = SITREP) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = str(text).lower() if isinstance(text, bool) else str(text)
    return element


def _moment(day: dt.date, end: bool) -> str:
    at = dt.time(23, 59, 59) if end else dt.time(0, 0)
    return dt.datetime.combine(day, at, tzinfo=ZoneInfo(get_settings().timezone)).isoformat()


def sitrep_xml(report: SitRep, *, sender: str, city: str, message_id: str | None) -> str:
    """The report as EDXL-SitRep XML (UTF-8, with its declaration)."""
    root = ET.Element(f"{{{SITREP}}}SitRep")
    _sub(root, "MessageID", message_id or f"{sender}-sitrep-{report.number}")
    _sub(root, "PreparedBy", report.prepared_by)
    if report.approved_by:
        _sub(root, "AuthorizedBy", report.approved_by)
    _sub(root, "ReportPurpose", f"Situation report of {city} to its partner cities")
    _sub(root, "ReportNumber", report.number)
    _sub(root, "ReportVersion", report.report_version.value.capitalize())
    period = _sub(root, "ForTimePeriod")
    _sub(period, "FromDateTime", _moment(report.period_from, end=False))
    _sub(period, "ToDateTime", _moment(report.period_to, end=True))
    _sub(root, "ReportTitle", f"{city}: situation on {report.as_of.isoformat()}")
    _sub(root, "IncidentID", f"{sender}-covid-19")
    _sub(root, "IncidentLifecyclePhase", "Response")
    if report.next_report_due:
        _sub(root, "NextContact", report.next_report_due.isoformat())
    _situation(root, report)
    _casualties(root, report, sender)
    _resources(root, report)
    body = ET.tostring(root, encoding="unicode", default_namespace=SITREP)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _report(root: ET.Element, kind: str) -> ET.Element:
    element = _sub(root, "Report")
    element.set(f"{{{XSI}}}type", kind)
    return element


def _situation(root: ET.Element, report: SitRep) -> None:
    situation = _report(root, "SituationInformation")
    _sub(situation, "SituationSummary", report.summary or "")
    for measure in report.measures:
        action = _sub(situation, "CurrentActions")
        _sub(action, "Description", measure.name)
        if measure.details:
            _sub(action, "Details", measure.details, CORDON)
        if measure.since:
            _sub(action, "Since", measure.since.isoformat(), CORDON)
        if measure.until:
            _sub(action, "Until", measure.until.isoformat(), CORDON)


def _casualties(root: ET.Element, report: SitRep, sender: str) -> None:
    summary = _report(root, "CasualtyAndIllnessSummary")
    by_period = _sub(summary, "CasualtyAndIllnessSummaryByPeriod")
    _sub(by_period, "DateTimeReported", _moment(report.as_of, end=True))
    _sub(by_period, "Jurisdiction", sender)
    figures = report.figures
    for name, tag in CASUALTIES:
        _sub(by_period, tag, getattr(figures, name))
    if report.population:
        _sub(by_period, "Population", report.population, CORDON)
    for name in CORDON_FIGURES:
        value = getattr(figures, name)
        if value is not None:
            _sub(by_period, "".join(w.capitalize() for w in name.split("_")), value, CORDON)


def _resources(root: ET.Element, report: SitRep) -> None:
    figures = report.figures
    if figures.beds_capacity is None and figures.beds_free is None:
        return
    totals = _report(root, "ResponseResourcesTotals")
    beds = _sub(totals, "ResourceTotals")
    _sub(beds, "ResourceType", "Isolation and treatment beds")
    if figures.beds_capacity is not None:
        _sub(beds, "Capacity", figures.beds_capacity, CORDON)
    if figures.beds_free is not None:
        _sub(beds, "Available", figures.beds_free, CORDON)
