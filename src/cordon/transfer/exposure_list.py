"""Validate an exposures list: each row a contact of an index person, checked against the file
and the database. Contacts may be new people, registered people, or both across rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cordon.core.errors import N_, BadValue, FieldProblem
from cordon.exposures.enums import Closeness, Setting
from cordon.people.bulk import PersonRow
from cordon.transfer import lookups
from cordon.transfer.rows import Cells, check_order, person_rows
from cordon.transfer.source import Source, fold_line_names, parsed_cells

# A person: >= 0 is a registered person's id; -(k + 1) is the k-th new person of this file.
Ref = int
INDEX_KEYS = ("index_case_code", "index_national_id", "index_phone")
EXPOSURE_FIELDS = ("first_on", "last_on", "setting", "closeness", "note")


@dataclass(slots=True)
class ExposureLine:
    line: int
    index: tuple[str | None, str | None, str | None]  # case code, national ID, phone
    contact: PersonRow
    index_ref: Ref = 0
    contact_ref: Ref = 0
    folded: str = ""  # the contact's name folded (``fold``)


@dataclass
class ExposurePlan:
    lines: list[ExposureLine] = field(default_factory=list)
    fields: dict[str, list[Any]] = field(default_factory=dict)  # EXPOSURE_FIELDS of each line
    new_people: list[PersonRow] = field(default_factory=list)
    new_folded: list[str] = field(default_factory=list)  # their names folded
    reused_people: int = 0
    problems: list[FieldProblem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # columns of the file not used


def exposure_lines(cells: Cells, src: Source) -> ExposurePlan:
    """Every row → an exposure line, with the rows' own rules (an index person, days in
    order, a contact), checked column by column; the lines' fields column by column too."""
    rows = cells.good()
    index = list(zip(*(cells.column(name) for name in INDEX_KEYS), strict=True))
    for i in rows:
        if not any(index[i]):
            message = N_("give the index person's case code, national ID or phone")
            cells.problem(i, "index_case_code", message)
    firsts = cells.columns["first_on"]
    lasts = cells.column("last_on")
    cells.columns["last_on"] = [last or first for first, last in zip(firsts, lasts, strict=True)]
    check_order(cells, rows, "first_on", "last_on", blame_later=True)
    contacts = person_rows(cells, rows, src.wards, firsts.__getitem__, prefix="contact_")
    kept = [i for i in rows if not cells.bad[i]]
    plan = ExposurePlan(problems=src.problems)
    plan.lines = [ExposureLine(cells.lines[i], index[i], contacts[i]) for i in kept]
    defaults = {"setting": Setting.other, "closeness": Closeness.close}
    for name in EXPOSURE_FIELDS:  # an empty cell is None; dates and enums are never falsy
        column, default = cells.column(name), defaults.get(name)
        plan.fields[name] = [column[i] or default for i in kept]
    return plan


def validate_exposures(session: Session, src: Source) -> ExposurePlan:
    plan = exposure_lines(parsed_cells(src), src)
    fold_line_names(src, plan.lines, [i.contact.full_name for i in plan.lines])
    people = _Registered.fetch(session, plan)
    _assign_contacts(plan, src, people)
    _resolve_index(session, plan, src, people)
    for item in plan.lines:
        if item.index_ref == item.contact_ref:
            column = "contact_national_id" if item.contact.national_id else "contact_full_name"
            src.problem(item.line, column, N_("the contact is the index person themself"))
    return plan


@dataclass
class _Registered:
    by_nid: dict[str, lookups.Known]
    by_phone: dict[str, list[lookups.Known]]

    @classmethod
    def fetch(cls, session: Session, plan: ExposurePlan) -> _Registered:
        nids = {i.contact.national_id for i in plan.lines} | {i.index[1] for i in plan.lines}
        phones = {i.contact.phone for i in plan.lines} | {i.index[2] for i in plan.lines}
        return cls(
            lookups.people_by_national_id(session, (n for n in nids if n)),
            lookups.people_by_phone(session, (p for p in phones if p)),
        )


def _assign_contacts(plan: ExposurePlan, src: Source, people: _Registered) -> None:
    """Give each contact a person: registered, met on an earlier row, or new."""
    seen: dict[object, tuple[Ref, int, str]] = {}  # identity → (ref, first row, folded name)
    reused: set[Ref] = set()
    for item in plan.lines:
        person = item.contact
        name = item.folded
        key: object = person.national_id or (
            (person.phone, name, person.birth_year) if person.phone else None
        )
        if key is not None and key in seen:
            ref, first, first_name = seen[key]
            if first_name != name:
                message = N_("given another name on row %(line)s")
                src.problem(item.line, "contact_national_id", message, line=first)
            item.contact_ref = ref
            continue
        item.contact_ref = _registered_contact(item, name, src, people)
        if item.contact_ref < 0:
            plan.new_people.append(person)
            plan.new_folded.append(name)
            item.contact_ref = -len(plan.new_people)
        else:
            reused.add(item.contact_ref)
        if key is not None:
            seen[key] = (item.contact_ref, item.line, name)
    plan.reused_people = len(reused)


def _registered_contact(item: ExposureLine, name: str, src: Source, people: _Registered) -> Ref:
    person = item.contact
    if person.national_id and person.national_id in people.by_nid:
        known = people.by_nid[person.national_id]
        if known.name_folded != name:
            message = N_("registered to a person with another name")
            src.problem(item.line, "contact_national_id", message)
        return known.id
    for known in people.by_phone.get(person.phone or "", []):
        if (known.name_folded, known.birth_year) == (name, person.birth_year):
            return known.id
    return -1


def _resolve_index(session: Session, plan: ExposurePlan, src: Source, people: _Registered) -> None:
    cases = lookups.cases_by_code(session, {i.index[0] for i in plan.lines if i.index[0]})
    file_nid: dict[str, Ref] = {}
    file_phone: dict[str, set[Ref]] = {}
    for item in plan.lines:
        if item.contact.national_id:
            file_nid.setdefault(item.contact.national_id, item.contact_ref)
        if item.contact.phone:
            file_phone.setdefault(item.contact.phone, set()).add(item.contact_ref)
    for item in plan.lines:
        code, nid, phone = item.index
        found: list[tuple[str, Ref | BadValue]] = []
        if code:
            no_case = BadValue(N_("no case has the code %(code)s"), code=code)
            found.append(("index_case_code", cases[code][1] if code in cases else no_case))
        if nid:
            ref = people.by_nid[nid].id if nid in people.by_nid else file_nid.get(nid)
            no_person = BadValue(N_("no person has this national ID"))
            found.append(("index_national_id", no_person if ref is None else ref))
        if phone:
            found.append(("index_phone", _by_phone(phone, people, file_phone)))
        _settle_index(item, found, src)


def _by_phone(phone: str, people: _Registered, file_phone: dict[str, set[Ref]]) -> Ref | BadValue:
    registered = people.by_phone.get(phone, [])
    refs = {k.id for k in registered} or file_phone.get(phone, set())
    if len(refs) == 1:
        return next(iter(refs))
    if not refs:
        return BadValue(N_("no person has this phone number"))
    return BadValue(N_("several people have this phone number: give the case code or national ID"))


def _settle_index(item: ExposureLine, found: list[tuple[str, Ref | BadValue]], src: Source) -> None:
    refs: list[tuple[str, Ref]] = []
    for column, result in found:
        if isinstance(result, BadValue):
            src.problem(item.line, column, result.template, **result.params)
        else:
            refs.append((column, result))
    for column, ref in refs[1:]:
        if ref != refs[0][1]:
            message = N_("is another person than the one of %(column)s")
            src.problem(item.line, column, message, column=refs[0][0])
    if refs:
        item.index_ref = refs[0][1]
