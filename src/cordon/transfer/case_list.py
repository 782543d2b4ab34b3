"""Validate a cases line list: each row a case and its person, checked against the file and
the database, ready for the bulk inserts. Problems from every row are collected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, SourceKind
from cordon.core.errors import N_, FieldProblem
from cordon.people.bulk import PersonRow
from cordon.transfer import lookups
from cordon.transfer.cells import COUNTRY
from cordon.transfer.rows import Cells, check_order, person_rows
from cordon.transfer.source import Source, fold_line_names, parsed_cells

CASE_DATES = ("onset_on", "sample_on", "confirmed_on", "isolated_on", "discharged_on", "died_on")
CASE_TEXT = ("province", "treated_at")
CASE_FIELDS = (*CASE_DATES, *CASE_TEXT, "status", "classification", "asymptomatic")


@dataclass(slots=True)
class CaseLine:
    line: int
    code: str
    person: PersonRow
    sources: tuple[str, ...] = ()
    named: bool = True  # False when the file gave no name (the case code stands in)
    person_id: int | None = None  # an existing person, reused
    folded: str = ""  # the person's name folded (``fold``), once for matching and writing


@dataclass
class Resolved:
    """A source of a case: ``case_line`` (a case of this file) or ``case_id`` (registered)."""

    kind: SourceKind
    case_line: int | None = None
    case_id: int | None = None
    country_code: str | None = None
    cluster_id: int | None = None


@dataclass
class CasePlan:
    lines: list[CaseLine] = field(default_factory=list)
    fields: dict[str, list[Any]] = field(default_factory=dict)  # CASE_FIELDS of each line
    sources: list[tuple[int, Resolved]] = field(default_factory=list)  # (line index, source)
    problems: list[FieldProblem] = field(default_factory=list)


def case_lines(cells: Cells, src: Source) -> CasePlan:
    """Every row → a case line, with the rows' own rules (dates in order, a person), checked
    column by column; the lines' case fields column by column too."""
    rows = cells.good()
    codes = cells.columns["case_code"]
    given = cells.column("full_name")
    named = [bool(name) for name in given]
    cells.columns["full_name"] = [name or code for name, code in zip(given, codes, strict=True)]
    check_order(cells, rows, "onset_on", "confirmed_on")
    check_order(cells, rows, "sample_on", "confirmed_on")
    check_order(cells, rows, "confirmed_on", "discharged_on", blame_later=True)
    check_order(cells, rows, "confirmed_on", "died_on", blame_later=True)
    people = person_rows(cells, rows, src.wards, _reference_day(cells, src.today))
    kept = [i for i in rows if not cells.bad[i]]
    sources = cells.column("sources")
    plan = CasePlan(problems=src.problems)
    plan.lines = [
        CaseLine(cells.lines[i], codes[i], people[i], sources[i] or (), named[i]) for i in kept
    ]
    for name in CASE_FIELDS:
        column = cells.column(name)
        plan.fields[name] = [column[i] for i in kept]
    plan.fields["status"] = [status or CaseStatus.confirmed for status in plan.fields["status"]]
    return plan


def _reference_day(cells: Cells, today: dt.date) -> Callable[[int], dt.date]:
    """The day a row's age refers to: confirmation, else onset, else sample, else today."""
    days = [cells.column(name) for name in ("confirmed_on", "onset_on", "sample_on")]

    def reference(row: int) -> dt.date:
        for column in days:
            if column[row] is not None:
                return column[row]  # type: ignore[no-any-return]
        return today

    return reference


def validate_cases(session: Session, src: Source) -> CasePlan:
    plan = case_lines(parsed_cells(src), src)
    fold_line_names(src, plan.lines, [i.person.full_name for i in plan.lines])
    _check_codes(session, plan, src)
    _match_people(session, plan, src)
    _resolve_sources(session, plan, src)
    return plan


def _check_codes(session: Session, plan: CasePlan, src: Source) -> None:
    first: dict[str, int] = {}
    for item in plan.lines:
        if item.code in first:
            message = N_("%(code)s is also on row %(line)s")
            src.problem(item.line, "case_code", message, code=item.code, line=first[item.code])
        else:
            first[item.code] = item.line
    registered = lookups.cases_by_code(session, first)
    for item in plan.lines:
        if item.code in registered and first[item.code] == item.line:
            src.problem(
                item.line, "case_code", N_("%(code)s is already registered"), code=item.code
            )


def _match_people(session: Session, plan: CasePlan, src: Source) -> None:
    """Reuse registered people (national ID, then phone + name + birth year); a person may
    not appear twice in the file, nor get a second open case."""
    by_nid: dict[str, int] = {}
    for item in plan.lines:
        nid = item.person.national_id
        if nid is None:
            continue
        if nid in by_nid:
            message = N_("same national ID as row %(line)s")
            src.problem(item.line, "national_id", message, line=by_nid[nid])
        else:
            by_nid[nid] = item.line
    known = lookups.people_by_national_id(session, by_nid)
    for item in plan.lines:
        nid = item.person.national_id
        if nid in known:
            person = known[nid]
            if item.named and item.folded != person.name_folded:
                message = N_("registered to a person with another name")
                src.problem(item.line, "national_id", message)
            else:
                item.person_id = person.id
    _match_by_phone(session, plan, src)
    _refuse_second_case(session, plan, src)


def _match_by_phone(session: Session, plan: CasePlan, src: Source) -> None:
    candidates = [i for i in plan.lines if i.person_id is None and i.person.phone and i.named]
    seen: dict[tuple[str, str, int | None], int] = {}
    registered = lookups.people_by_phone(session, (i.person.phone or "" for i in candidates))
    shared_phones = {p for p, n in _count(i.person.phone for i in candidates).items() if n > 1}
    for item in candidates:
        phone = item.person.phone or ""
        if phone not in registered and phone not in shared_phones:
            continue
        key = (phone, item.folded, item.person.birth_year)
        if key in seen:
            message = N_("same person (phone, name, birth year) as row %(line)s")
            src.problem(item.line, "phone", message, line=seen[key])
            continue
        seen[key] = item.line
        for person in registered.get(phone, []):
            if (person.name_folded, person.birth_year) == key[1:]:
                item.person_id = person.id


def _count(values: Any) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def _refuse_second_case(session: Session, plan: CasePlan, src: Source) -> None:
    reused = {i.person_id for i in plan.lines if i.person_id is not None}
    open_cases = lookups.open_cases_of(session, reused)
    for item in plan.lines:
        if item.person_id in open_cases and open_cases[item.person_id] != item.code:
            column = "national_id" if item.person.national_id else "phone"
            message = N_("this person already has case %(code)s")
            src.problem(item.line, column, message, code=open_cases[item.person_id])


def _resolve_sources(session: Session, plan: CasePlan, src: Source) -> None:
    in_file = {item.code: index for index, item in enumerate(plan.lines)}
    tokens = {t for item in plan.lines for t in item.sources if t not in in_file}
    registered = lookups.cases_by_code(session, tokens)
    clusters = lookups.clusters_by_code(session, tokens - registered.keys())
    for index, item in enumerate(plan.lines):
        for token in dict.fromkeys(item.sources):
            if token == item.code:
                message = N_("case %(code)s cannot be its own source")
                src.problem(item.line, "sources", message, code=token)
            elif token in in_file:
                plan.sources.append((index, Resolved(SourceKind.case, case_line=in_file[token])))
            elif token in registered:
                plan.sources.append(
                    (index, Resolved(SourceKind.case, case_id=registered[token][0]))
                )
            elif token in clusters:
                plan.sources.append(
                    (index, Resolved(SourceKind.cluster, cluster_id=clusters[token]))
                )
            elif token.casefold() == "unknown":
                plan.sources.append((index, Resolved(SourceKind.unknown)))
            elif COUNTRY.fullmatch(token):
                plan.sources.append((index, Resolved(SourceKind.country, country_code=token)))
            else:
                message = N_("'%(code)s' is no known case, cluster or country code")
                src.problem(item.line, "sources", message, code=token[:32])
