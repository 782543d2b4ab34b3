"""Validate an exposures list, one chunk of rows at a time: each row a contact of an index
person, checked against the rows before it (``ExposureState``: compact, across chunks) and
the database as it was before the import. Contacts may be new people, registered people, or
both across rows; an index person may be a contact of a later row (the row then waits for
the end of the file: ``index_ref`` None)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cordon.core.errors import N_, BadValue, FieldProblem
from cordon.exposures.enums import Closeness, Setting
from cordon.linelists import lookups
from cordon.linelists.rows import Cells, check_order, person_rows
from cordon.linelists.source import Source, fold_line_names, parsed_cells
from cordon.linelists.state import Ids, Seen
from cordon.people.bulk import PersonRow

# A person: >= 0 is a registered person's id; -(k + 1) is the k-th new person of this file.
Ref = int
INDEX_KEYS = ("index_case_code", "index_national_id", "index_phone")
EXPOSURE_FIELDS = ("first_on", "last_on", "setting", "closeness", "note")


NO_NID = N_("no person has this national ID")
NO_PHONE = N_("no person has this phone number")
SEVERAL = N_("several people have this phone number: give the case code or national ID")
Found = list[tuple[str, "Ref | BadValue | None"]]  # None: a person of a later row, maybe


@dataclass(slots=True)
class ExposureLine:
    line: int
    index: tuple[str | None, str | None, str | None]  # case code, national ID, phone
    contact: PersonRow
    index_ref: Ref | None = 0  # None: not settled before the end of the file
    contact_ref: Ref = 0
    folded: str = ""  # the contact's name folded (``fold``)
    leans: bool = False  # on a row of an earlier chunk that was not written
    found: Found = field(default_factory=list)  # the index person by each column given
    index_column: str = ""  # the column that names the index person


@dataclass
class ExposureState:
    """What the chunks of one exposures list know of the chunks before them. A person id
    of 0 is a contact of a row that was not written."""

    skip_invalid: bool = False
    contacts: Seen = field(default_factory=lambda: Seen(3))  # who → (id, first line, name)
    contact_ids: Seen = field(default_factory=Seen)  # a contact's national ID → id
    contact_phones: Seen = field(default_factory=lambda: Seen(2))  # phone → (id, several)
    people: Ids = field(default_factory=Ids)  # people written by the import


@dataclass
class ExposurePlan:
    lines: list[ExposureLine] = field(default_factory=list)
    fields: dict[str, list[Any]] = field(default_factory=dict)  # EXPOSURE_FIELDS of each line
    new_people: list[PersonRow] = field(default_factory=list)
    new_folded: list[str] = field(default_factory=list)  # their names folded
    reused_people: int = 0
    problems: list[FieldProblem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # columns of the file not used
    first_contacts: dict[object, tuple[Ref, int, str]] = field(default_factory=dict)
    phone_checks: list[tuple[int, str]] = field(default_factory=list)  # (line, index phone)


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


def validate_exposures(session: Session, src: Source, state: ExposureState) -> ExposurePlan:
    """The plan of one chunk of rows (``src.table.rows``)."""
    plan = exposure_lines(parsed_cells(src), src)
    fold_line_names(src, plan.lines, [i.contact.full_name for i in plan.lines])
    people = _Registered.fetch(session, plan, state.people)
    _assign_contacts(plan, src, people, state)
    _resolve_index(session, plan, src, people, state)
    for item in plan.lines:
        if item.index_ref is not None:
            settle_index(item, item.found, src)
    return plan


def no_self_contact(item: ExposureLine, src: Source) -> None:
    if item.index_ref == item.contact_ref:
        column = "contact_national_id" if item.contact.national_id else "contact_full_name"
        src.problem(item.line, column, N_("the contact is the index person themself"))


@dataclass
class _Registered:
    """People registered before the import, by national ID and by phone."""

    by_nid: dict[str, lookups.Known]
    by_phone: dict[str, list[lookups.Known]]

    @classmethod
    def fetch(cls, session: Session, plan: ExposurePlan, written: Ids) -> _Registered:
        nids = {i.contact.national_id for i in plan.lines} | {i.index[1] for i in plan.lines}
        phones = {i.contact.phone for i in plan.lines} | {i.index[2] for i in plan.lines}
        by_nid = lookups.people_by_national_id(session, (n for n in nids if n))
        by_phone = lookups.people_by_phone(session, (p for p in phones if p))
        return cls(
            {n: k for n, k in by_nid.items() if k.id not in written},
            {
                p: found
                for p, ks in by_phone.items()
                if (found := [k for k in ks if k.id not in written])
            },
        )


def _identity(person: PersonRow, name: str) -> object:
    return person.national_id or ((person.phone, name, person.birth_year) if person.phone else None)


def _assign_contacts(
    plan: ExposurePlan, src: Source, people: _Registered, state: ExposureState
) -> None:
    """Give each contact a person: registered, met on an earlier row, or new."""
    keys = [_identity(item.contact, item.folded) for item in plan.lines]
    known = [k for k in keys if k is not None]
    earlier = dict(zip(known, state.contacts.lookup(known), strict=True))
    seen = plan.first_contacts  # identity → (ref, first row, folded name)
    reused: set[Ref] = set()
    for item, key in zip(plan.lines, keys, strict=True):
        name = item.folded
        before = earlier.get(key) if key is not None else None
        if before is not None:
            ref, first, name_hash = before
            if name_hash != hash(name):
                message = N_("given another name on row %(line)s")
                src.problem(item.line, "contact_national_id", message, line=first)
            if ref or not state.skip_invalid:  # else its row was left out: this is the first
                item.contact_ref, item.leans = ref, not ref
                continue
        if key is not None and key in seen:
            ref, first, first_name = seen[key]
            if first_name != name:
                message = N_("given another name on row %(line)s")
                src.problem(item.line, "contact_national_id", message, line=first)
            item.contact_ref = ref
            continue
        item.contact_ref = _registered_contact(item, name, src, people)
        if item.contact_ref < 0:
            plan.new_people.append(item.contact)
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


def _resolve_index(
    session: Session, plan: ExposurePlan, src: Source, people: _Registered, state: ExposureState
) -> None:
    """The index person of each row by each column given: registered, a contact of an
    earlier chunk or of this one — else None (maybe a later row's contact: the row waits)."""
    cases = lookups.cases_by_code(session, {i.index[0] for i in plan.lines if i.index[0]})
    file_nid: dict[str, Ref] = {}
    file_phone: dict[str, set[Ref]] = {}
    for item in plan.lines:
        if item.contact.national_id:
            file_nid.setdefault(item.contact.national_id, item.contact_ref)
        if item.contact.phone:
            file_phone.setdefault(item.contact.phone, set()).add(item.contact_ref)
    nids = sorted({i.index[1] for i in plan.lines if i.index[1]})
    phones = sorted({i.index[2] for i in plan.lines if i.index[2]})
    earlier_nid = dict(zip(nids, state.contact_ids.lookup(nids), strict=True))
    earlier_phone = dict(zip(phones, state.contact_phones.lookup(phones), strict=True))
    for item in plan.lines:
        code, nid, phone = item.index
        found = item.found
        if code:
            no_case = BadValue(N_("no case has the code %(code)s"), code=code)
            found.append(("index_case_code", cases[code][1] if code in cases else no_case))
        if nid:
            found.append(("index_national_id", _by_nid(nid, people, earlier_nid, file_nid)))
        if phone:
            ref = _by_phone(phone, people, earlier_phone.get(phone), file_phone.get(phone))
            found.append(("index_phone", ref))
            if phone not in people.by_phone and isinstance(ref, int):
                plan.phone_checks.append((item.line, phone))  # a later row may share it
        if any(ref is None for _, ref in found):
            item.index_ref = None


def _by_nid(
    nid: str,
    people: _Registered,
    earlier: dict[str, tuple[int, ...] | None],
    file_nid: dict[str, Ref],
) -> Ref | BadValue | None:
    if nid in people.by_nid:
        return people.by_nid[nid].id
    before = earlier.get(nid)
    if before is not None:
        return before[0]  # 0: its row was not written
    return file_nid.get(nid)


def _by_phone(
    phone: str,
    people: _Registered,
    earlier: tuple[int, ...] | None,
    in_chunk: set[Ref] | None,
) -> Ref | BadValue | None:
    refs = {k.id for k in people.by_phone.get(phone, [])}
    if not refs:
        refs = set(in_chunk or ())
        if earlier is not None:
            if earlier[1]:
                return BadValue(SEVERAL)
            refs.add(earlier[0])
    if len(refs) == 1:
        return next(iter(refs))
    if not refs:
        return None
    return BadValue(SEVERAL)


def settle_index(item: ExposureLine, found: Found, src: Source) -> None:
    """The index person of the row, from what each column found (None: no one)."""
    refs: list[tuple[str, Ref]] = []
    for column, result in found:
        if result is None:
            message = NO_NID if column == "index_national_id" else NO_PHONE
            src.problem(item.line, column, message)
        elif isinstance(result, BadValue):
            src.problem(item.line, column, result.template, **result.params)
        else:
            refs.append((column, result))
    for column, ref in refs[1:]:
        if ref != refs[0][1]:
            message = N_("is another person than the one of %(column)s")
            src.problem(item.line, column, message, column=refs[0][0])
    if refs:
        item.index_column, item.index_ref = refs[0]
    no_self_contact(item, src)
