"""Export the two line-list shapes as CSV or XLSX, in the import template's columns, streamed.

What is exported imports back unchanged into an empty registry (with the same wards and
clusters): a test keeps that promise.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from cordon.access.pseudonyms import COARSENED, IDENTIFYING, age_band, pseudonym
from cordon.cases import listing as case_listing
from cordon.cases.columns import DETAILS
from cordon.cases.enums import CaseStatus, SourceKind
from cordon.cases.investigation import visits_by_case
from cordon.cases.listing import CaseFilter
from cordon.cases.models import Case, CaseInvestigation, InfectionSource
from cordon.clusters.models import Cluster, ClusterCase
from cordon.core.scope import CITY, Scope
from cordon.core.text import safe_text
from cordon.exposures.models import Exposure
from cordon.geography.models import AdminUnit
from cordon.linelists.columns import PERSON_COLUMN_NAMES, Shape, column_names
from cordon.outreach import followup
from cordon.outreach.followup import ContactFilter
from cordon.people.columns import PERSON_FIELDS
from cordon.people.models import Person

BATCH = 5_000
# The fields of a case in its line list after its code and its person (see ``columns``).
CASE_CELLS = ("status", *DETAILS)


# After the template's columns, the case export carries the investigation (ADR 0016): an
# import of the file reads the template's columns and lists these as not used.
INVESTIGATION_COLUMNS = (
    "how_found",
    "occupation",
    "workplace",
    "symptoms",
    "underlying_conditions",
    "conditions_note",
    "hospital",
    "admitted_on",
    "travel",
    "places_visited",
)
# Free text of the investigation that can single a person out: left out when pseudonymised.
INVESTIGATION_IDENTIFYING = frozenset({"occupation", "workplace", "conditions_note", "hospital"})


def header(shape: Shape) -> list[str]:
    """The columns of an export of ``shape``."""
    extra = list(INVESTIGATION_COLUMNS) if shape is Shape.cases else []
    return column_names(shape) + extra


@dataclass(frozen=True)
class ExportFilter:
    """Cases: by status and confirmation date. Exposures: those overlapping the dates."""

    statuses: tuple[CaseStatus, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    scope: Scope = CITY  # only people seen there (exposures: both people)
    pseudonymised: bool = False  # names become pseudonyms; phones, IDs, addresses left out
    cases: CaseFilter | None = None  # the case list's filters (cases only)
    contacts: ContactFilter | None = None  # people to follow up: exposures they are contact in


def cell(value: Any, *, dates_as_text: bool = True) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date) and dates_as_text:
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return value


# A person's columns are picked from their fields, then from what the export makes: the
# ward's code; pseudonymised, the age band, the district and the pseudonym (in place of the
# name); the last slot is empty. Pseudonymised, what identifies or is coarsened is empty.
_FIELDS = attrgetter(*PERSON_FIELDS)
_SLOTS = (*PERSON_FIELDS, "ward_code", "age", "district_name", "pseudonym", "")
_WITHHELD = frozenset((*IDENTIFYING, *COARSENED))


def _picks(pseudonymised: bool) -> tuple[int, ...]:
    """Where each of ``PERSON_COLUMN_NAMES`` is among ``_SLOTS``."""

    def slot(name: str) -> str:
        if pseudonymised and name == "full_name":
            return "pseudonym"
        if pseudonymised and name in _WITHHELD:
            return ""
        return name if name in _SLOTS else ""

    return tuple(_SLOTS.index(slot(name)) for name in PERSON_COLUMN_NAMES)


_PICKS = {False: _picks(False), True: _picks(True)}


def person_cells(
    person: Any, ward_code: str | None, f: ExportFilter, districts: dict[int, str]
) -> list[Any]:
    """A person's columns (``PERSON_COLUMN_NAMES``): their fields and the ward's code (age,
    ward name and district left empty). Pseudonymised: the pseudonym, no identifying detail,
    and in place of birth year and ward the age band (in ``age``) and the district."""
    if f.pseudonymised:
        band, district = age_band(person.birth_year), districts.get(person.ward_id or 0)
        made: tuple[str | None, ...] = (None, band, district, pseudonym(person.id), None)
    else:
        made = (ward_code, None, None, None, None)
    values = (*_FIELDS(person), *made)
    return [values[i] for i in _PICKS[f.pseudonymised]]


def districts_of_wards(session: Session, f: ExportFilter) -> dict[int, str]:
    """Ward id → its district's name, for a pseudonymised export (empty otherwise)."""
    if not f.pseudonymised:
        return {}
    district = aliased(AdminUnit)
    query = select(AdminUnit.id, district.name).join(district, district.id == AdminUnit.parent_id)
    return {int(ward): str(name) for ward, name in session.execute(query)}


def _cases_query(f: ExportFilter) -> Select[Case, Person, str, CaseInvestigation]:
    query = (
        select(Case, Person, AdminUnit.code, CaseInvestigation)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(AdminUnit, AdminUnit.id == Person.ward_id)
        .outerjoin(CaseInvestigation, CaseInvestigation.case_id == Case.id)
        .order_by(Case.id)
    )
    if not f.scope.whole_city:
        query = query.where(f.scope.where(Person.ward_id, Person.id))
    if f.statuses:
        query = query.where(Case.status.in_(f.statuses))
    if f.date_from:
        query = query.where(Case.confirmed_on >= f.date_from)
    if f.date_to:
        query = query.where(Case.confirmed_on <= f.date_to)
    if f.cases is not None:
        query = query.where(Case.id.in_(case_listing.matching(f.cases, f.scope)))
    return query


def _source_tokens(session: Session) -> dict[int, list[str]]:
    """Case id → its sources as the line list writes them (case code, country, cluster)."""
    source_case = aliased(Case)
    query = (
        select(InfectionSource, source_case.code, Cluster.code)
        .outerjoin(source_case, source_case.id == InfectionSource.source_case_id)
        .outerjoin(Cluster, Cluster.id == InfectionSource.cluster_id)
        .order_by(InfectionSource.id)
    )
    tokens: dict[int, list[str]] = {}
    for src, case_code, cluster_code in session.execute(query):
        token = {
            SourceKind.case: case_code,
            SourceKind.country: src.country_code,
            SourceKind.cluster: cluster_code,
        }.get(src.kind) or "unknown"
        tokens.setdefault(src.case_id, []).append(token)
    return tokens


def _country(code: str | None) -> str:
    return f" ({code})" if code else ""


def _span(first: Any, last: Any) -> str:
    return str(first) if last in (None, first) else f"{first}/{last}"


def _investigation(
    found: CaseInvestigation | None, visits: list[Any], f: ExportFilter
) -> list[Any]:
    """The investigation's cells: lists as ``;``-separated entries, days as ISO dates (a
    span ``from/to``)."""
    if found is None:
        return [None] * (len(INVESTIGATION_COLUMNS) - 1) + [_places(visits, f)]
    symptoms = "; ".join(
        f"{s['symptom']} {_span(s['from_on'], s.get('to_on'))}" for s in found.symptoms
    )
    travel = "; ".join(
        f"{t['place']}{_country(t.get('country'))} {_span(t['from_on'], t.get('to_on'))}"
        for t in found.travel
    )
    cells = {
        "how_found": found.how_found,
        "occupation": found.occupation,
        "workplace": found.workplace,
        "symptoms": symptoms,
        "underlying_conditions": "; ".join(found.conditions),
        "conditions_note": found.conditions_note,
        "hospital": found.hospital,
        "admitted_on": found.admitted_on,
        "travel": travel,
        "places_visited": _places(visits, f),
    }
    if f.pseudonymised:
        cells |= dict.fromkeys(INVESTIGATION_IDENTIFYING)
    return [cells[name] for name in INVESTIGATION_COLUMNS]


def _places(visits: list[Any], f: ExportFilter) -> str:
    def named(v: Any) -> str:
        return v.place if f.pseudonymised or not v.address else f"{v.place}, {v.address}"

    return "; ".join(f"{named(v)} {_span(v.first_on, v.last_on)}" for v in visits)


def _cluster_codes(session: Session) -> dict[int, list[str]]:
    """Case id → the codes of the clusters it is a member of."""
    query = (
        select(ClusterCase.case_id, Cluster.code)
        .join(Cluster, Cluster.id == ClusterCase.cluster_id)
        .order_by(ClusterCase.case_id, Cluster.code)
    )
    codes: dict[int, list[str]] = {}
    for case_id, code in session.execute(query):
        codes.setdefault(case_id, []).append(code)
    return codes


def case_records(session: Session, f: ExportFilter = ExportFilter()) -> Iterator[list[Any]]:
    sources = _source_tokens(session)
    visits = visits_by_case(session)
    districts = districts_of_wards(session, f)
    clusters = _cluster_codes(session)
    rows = session.execute(_cases_query(f).execution_options(yield_per=BATCH))
    for case, person, ward_code, found in rows:
        yield [
            case.code,
            *person_cells(person, ward_code, f, districts),
            *(getattr(case, name) for name in CASE_CELLS),
            ";".join(sources.get(case.id, ())),
            ";".join(clusters.get(case.id, ())),
            *_investigation(found, visits.get(case.id, []), f),
        ]


def _exposures_query(f: ExportFilter) -> Select[Exposure, Person, Person, str]:
    index, contact = aliased(Person), aliased(Person)
    query = (
        select(Exposure, index, contact, AdminUnit.code)
        .join(index, index.id == Exposure.person_id)
        .join(contact, contact.id == Exposure.contact_id)
        .outerjoin(AdminUnit, AdminUnit.id == contact.ward_id)
        .order_by(Exposure.id)
    )
    if not f.scope.whole_city:
        query = query.where(
            f.scope.where(index.ward_id, index.id), f.scope.where(contact.ward_id, contact.id)
        )
    if f.date_from:
        query = query.where(Exposure.last_on >= f.date_from)
    if f.date_to:
        query = query.where(Exposure.first_on <= f.date_to)
    if f.contacts is not None:
        query = query.where(Exposure.contact_id.in_(followup.matching(f.contacts, f.scope)))
    return query


def _case_code_of(session: Session) -> dict[int, str]:
    """Person id → the code of their case (an open one rather than a discarded one)."""
    codes: dict[int, str] = {}
    query = select(Case.person_id, Case.code).order_by(
        (Case.status == CaseStatus.discarded).desc(), Case.id
    )
    for person_id, code in session.execute(query):
        codes[person_id] = code
    return codes


def _index_columns(person: Any, codes: dict[int, str], pseudonymised: bool) -> list[Any]:
    """One way to find the index person again: case code, else national ID, else phone
    (pseudonymised: the case code, else the pseudonym in the national ID column)."""
    code = codes.get(person.id)
    if code:
        return [code, None, None]
    if pseudonymised:
        return [None, pseudonym(person.id), None]
    if person.national_id:
        return [None, person.national_id, None]
    return [None, None, person.phone]


def exposure_records(session: Session, f: ExportFilter = ExportFilter()) -> Iterator[list[Any]]:
    codes = _case_code_of(session)
    districts = districts_of_wards(session, f)
    rows = session.execute(_exposures_query(f).execution_options(yield_per=BATCH))
    for exposure, index, contact, ward_code in rows:
        yield [
            *_index_columns(index, codes, f.pseudonymised),
            *person_cells(contact, ward_code, f, districts),
            exposure.first_on,
            exposure.last_on,
            exposure.setting,
            exposure.closeness,
            exposure.note,
        ]


def people_in(session: Session, shape: Shape, f: ExportFilter) -> set[int]:
    """Whose records an export holds (for the audit log)."""
    if shape is Shape.cases:
        return set(session.scalars(_cases_query(f).with_only_columns(Case.person_id)))
    pairs = session.execute(
        _exposures_query(f).with_only_columns(Exposure.person_id, Exposure.contact_id)
    )
    return {p for pair in pairs for p in pair}


def records(session: Session, shape: Shape, f: ExportFilter) -> Iterator[list[Any]]:
    return case_records(session, f) if shape is Shape.cases else exposure_records(session, f)


def csv_chunks(shape: Shape, rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel shows Vietnamese right), a chunk per ``BATCH`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header(shape))
    yield ("\ufeff" + buffer.getvalue()).encode()
    buffer.seek(0)
    buffer.truncate()
    for i, row in enumerate(rows, start=1):
        writer.writerow([cell(v) for v in row])
        if i % BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(shape: Shape, rows: Iterable[list[Any]], target: IO[bytes] | Path) -> None:
    """A write-only workbook (constant memory); ID numbers and phones stay text."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(shape.value)
    sheet.append(header(shape))
    for row in rows:
        sheet.append([cell(v, dates_as_text=False) for v in row])
    book.save(target)


def export_file(
    session: Session, shape: Shape, path: Path, f: ExportFilter = ExportFilter()
) -> int:
    """Write ``shape`` to ``path`` (.csv or .xlsx); returns the number of rows."""
    count = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        for row in records(session, shape, f):
            count += 1
            yield row

    if path.suffix.lower() == ".xlsx":
        write_xlsx(shape, counted(), path)
    else:
        with path.open("wb") as fh:
            for chunk in csv_chunks(shape, counted()):
                fh.write(chunk)
    return count
