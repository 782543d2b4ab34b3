"""Fast contact entry in the web app: a whole household or contact list of one person in one
form, a row per contact (more rows with htmx, or by reloading the form without it).

Every row is checked before anything is written; the new people are created and every
exposure recorded in one transaction — all or nothing — and the tiers follow at once (the
services publish the events). A new person who seems registered already is shown on their
row: the one in the jurisdiction to use instead, or "create anyway"."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases import service as cases
from cordon.core.bounds import Id
from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError
from cordon.core.scope import CITY
from cordon.exposures import contact_list
from cordon.exposures.contact_list import NewContact
from cordon.exposures.enums import Closeness, Setting
from cordon.geography.service import wards_in
from cordon.people import forms as person_forms
from cordon.people import service as people
from cordon.people.models import Person
from cordon.people.schemas import PersonCreate
from cordon.tracing.policy import get_policy
from cordon.web.forms import PostedForm, Reader, value
from cordon.web.i18n import Texts
from cordon.web.labels import words
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
FIELDS = (
    "full_name",
    "phone",
    "birth_year",
    "ward_id",
    "setting",
    "closeness",
    "first_on",
    "last_on",
    "use",
)
FILLED = ("full_name", "phone", "birth_year", "use")  # a row with none of these is left out
START_ROWS = 4
MAX_ROWS = 60


def field_name(row: int, field: str) -> str:
    return f"c-{row}-{field}"


def _check(session: Session, who: Principal, person_id: Id) -> Person:
    needs(who, Permission.exposures_write)
    needs(who, Permission.people_write)
    guard.person(session, who, person_id)
    return people.get_person(session, person_id)


def _first_day(session: Session, person: Person) -> dt.date:
    """The first day that counts: the start of the transmission window of the person's case
    under way (at most the policy's days before onset, sample or confirmation), else today."""
    for case in cases.cases_of(session, person.id):
        if cases.under_way(case):
            rules = get_policy().in_force(case.confirmed_on or today())
            start = rules.window_start(
                onset_on=case.onset_on, sample_on=case.sample_on, confirmed_on=case.confirmed_on
            )
            return min(start, today()) if start else today()
    return today()


def _defaults(session: Session, person: Person, row: int) -> dict[str, str]:
    return {
        field_name(row, "ward_id"): str(person.ward_id or ""),
        field_name(row, "setting"): Setting.household.value,
        field_name(row, "closeness"): Closeness.close.value,
        field_name(row, "first_on"): _first_day(session, person).isoformat(),
        field_name(row, "last_on"): today().isoformat(),
    }


def _choices(session: Session, who: Principal, t: Texts) -> dict[str, Any]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for ward, district in wards_in(session, CITY):  # a contact may live anywhere in the city
        groups.setdefault(district, []).append((str(ward.id), ward.name))
    return {
        "wards": list(groups.items()),
        "settings": [("", [(s.value, t.gettext(words(s))) for s in Setting])],
        "closeness": [("", [(c.value, t.gettext(words(c))) for c in Closeness])],
        "today": today().isoformat(),
    }


def _page(
    request: Request,
    session: Session,
    who: Principal,
    person: Person,
    *,
    rows: int,
    form: dict[str, str],
    errors: dict[str, str],
    found: dict[int, person_forms.Duplicates] | None = None,
    focus: int | None = None,
    status: int = 200,
) -> Response:
    t = texts_for(request, who)
    recorder.read(session, "people", person.id, [person.id], view="contact entry")
    context = {
        "person": person,
        "name": guard.names(session, who, [person.id])[person.id],
        "rows": rows,
        "form": form,
        "errors": errors,
        "found": found or {},
        "focus": focus,
        **_choices(session, who, t),
    }
    return render(request, "exposures/contacts.html", context, who=who, status=status)


@router.get("/people/{person_id}/contacts")
def contacts_page(request: Request, session: SessionDep, who: PageUser, person_id: Id) -> Response:
    """An empty contact list of ``START_ROWS`` rows, household and close by default."""
    person = _check(session, who, person_id)
    form: dict[str, str] = {}
    for row in range(START_ROWS):
        form |= _defaults(session, person, row)
    return _page(request, session, who, person, rows=START_ROWS, form=form, errors={})


@router.get("/people/{person_id}/contacts/row")
def one_more_row(
    request: Request,
    session: SessionDep,
    who: PageUser,
    person_id: Id,
    rows: Annotated[int, Query(ge=0)] = START_ROWS,
) -> Response:
    """htmx: the next row (number ``rows``) and the new count of rows."""
    person = _check(session, who, person_id)
    if rows >= MAX_ROWS:
        return Response(status_code=204)
    t = texts_for(request, who)
    context = {
        "person": person,
        "row": rows,
        "form": _defaults(session, person, rows),
        "errors": {},
        "found": {},
        **_choices(session, who, t),
    }
    return render(request, "exposures/_more.html", context, who=who)


def _rows_of(posted: PostedForm) -> int:
    typed = value(posted, "rows")
    return min(int(typed), MAX_ROWS) if typed.isdigit() else START_ROWS


def _already(t: Texts) -> str:
    return t.gettext("A person with this name, phone and birth year is already registered.")


def _same_row_error(t: Texts, row: int) -> str:
    return t.gettext("The same person as in row %(row)s.", row=row + 1)


class _Row:
    """One filled row as read: the person to create or use, and the contact."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.data: PersonCreate | None = None
        self.use: int | None = None
        self.probe: PersonCreate | None = None  # what the row says of a person chosen
        self.anyway = False
        self.elsewhere = False  # the one registered out of sight: handed over
        self.contact: dict[str, Any] = {}

    def handed_over(self, who: Principal) -> PersonCreate | None:
        """What the row says of a contact living outside the jurisdiction, to hand over."""
        if self.elsewhere:
            return self.probe
        if self.data is not None and not who.scope.whole_city:
            return None if who.scope.sees(self.data.ward_id) else self.data
        return None


def _read_row(reader: Reader, typed: dict[str, str], wards: set[int], i: int) -> _Row:
    """Row ``i`` as read: the person (to create, or chosen) and the contact's fields."""
    t = reader.t
    row = _Row(i)
    use = typed[field_name(i, "use")]
    if use.isdigit() or use == "elsewhere":
        row.use = int(use) if use.isdigit() else None
        row.elsewhere = use == "elsewhere"
        row.probe = person_forms.read_person(Reader(t), typed, wards, prefix=f"c-{i}-")
    else:
        row.anyway = use == "new"
        row.data = person_forms.read_person(reader, typed, wards, prefix=f"c-{i}-")

    def typed_at(name: str) -> str:
        return typed[field_name(i, name)]

    setting = reader.choice(field_name(i, "setting"), typed_at("setting"), Setting)
    closeness = reader.choice(field_name(i, "closeness"), typed_at("closeness"), Closeness)
    first = reader.date(field_name(i, "first_on"), typed_at("first_on"), required=True)
    last = reader.date(field_name(i, "last_on"), typed_at("last_on"), required=True)
    if first and last and last < first:
        reader.fail(field_name(i, "last_on"), t.gettext("The last day is before the first day."))
    row.contact = {"setting": setting, "closeness": closeness, "first_on": first, "last_on": last}
    return row


def _read_rows(
    session: Session,
    who: Principal,
    person: Person,
    typed: dict[str, str],
    rows: int,
    reader: Reader,
) -> list[_Row]:
    t = reader.t
    # A contact may live in another ward: recorded and handed over to that ward at once,
    # never shown to the user (docs/access.md).
    wards = {ward.id for ward, _ in wards_in(session, CITY)}
    read: list[_Row] = []
    seen_people: dict[object, int] = {}
    for i in range(rows):
        if not any(typed[field_name(i, f)] for f in FILLED):
            continue
        row = _read_row(reader, typed, wards, i)
        typed_person = row.data or (row.probe if row.elsewhere else None)
        key: object = (
            row.use
            if row.use is not None
            else (person_forms.same_row(typed_person) if typed_person else None)
        )
        if row.use == person.id:
            reader.fail(
                field_name(i, "full_name"),
                t.gettext("This is the person whose contacts these are."),
            )
        elif key is not None and key in seen_people:
            reader.fail(field_name(i, "full_name"), _same_row_error(t, seen_people[key]))
        elif key is not None:
            seen_people[key] = i
        read.append(row)
    if not read and reader.ok():
        reader.fail(field_name(0, "full_name"), t.gettext("Enter at least one contact."))
    return read


def _registered_already(
    session: Session, who: Principal, read: list[_Row], reader: Reader
) -> dict[int, person_forms.Duplicates]:
    """People registered already who look like a row's: shown on their row, the choice kept;
    a new person who looks registered refused unless "create anyway"."""
    t = reader.t
    found: dict[int, person_forms.Duplicates] = {}
    for row in read:
        typed_person = row.data or row.probe
        dups = person_forms.find(session, who, typed_person) if typed_person else None
        if dups is not None:
            found[row.index] = dups
        if dups is not None and row.data is not None and not row.anyway:
            reader.fail(field_name(row.index, "full_name"), _already(t))
        elif (row.use is not None or row.elsewhere) and not _may_use(session, who, row):
            reader.fail(field_name(row.index, "use"), t.gettext("Choose one of the options."))
    return found


def _new_contact(who: Principal, row: _Row) -> NewContact:
    if (elsewhere := row.handed_over(who)) is not None:
        return NewContact(elsewhere, row.contact, hand_over=True)
    person = row.use if row.use is not None else row.data
    assert person is not None
    return NewContact(person, row.contact, allow_duplicate=row.anyway)


@router.post("/people/{person_id}/contacts")
def record_contacts(
    request: Request, session: SessionDep, who: PageUser, person_id: Id, posted: PostedForm
) -> Response:
    """Check every row; then create the new people and record every contact, all or
    nothing; then the person's page, where the contacts show their tiers."""
    person = _check(session, who, person_id)
    t = texts_for(request, who)
    rows = _rows_of(posted)
    typed = {field_name(i, f): value(posted, field_name(i, f)) for i in range(rows) for f in FIELDS}
    if value(posted, "add_row") and rows < MAX_ROWS:  # without JavaScript: one more row
        typed |= _defaults(session, person, rows)
        return _page(
            request, session, who, person, rows=rows + 1, form=typed, errors={}, focus=rows
        )
    reader = Reader(t)
    read = _read_rows(session, who, person, typed, rows, reader)

    def rejected(found: dict[int, person_forms.Duplicates] | None = None) -> Response:
        return _page(
            request,
            session,
            who,
            person,
            rows=rows,
            form=typed,
            errors=reader.errors,
            found=found,
            status=422,
        )

    found = _registered_already(session, who, read, reader)
    if not reader.ok():
        return rejected(found)
    contacts = [_new_contact(who, row) for row in read]
    try:
        contact_list.record_contact_list(session, who, person_id=person_id, contacts=contacts)
    except contact_list.DuplicateContact as exc:  # registered meanwhile
        row = read[exc.position]
        reader.fail(field_name(row.index, "full_name"), _already(t))
        return rejected({row.index: person_forms.from_conflict(session, who, exc.duplicate)})
    except CordonError as exc:  # nothing was written: the list is all or nothing
        reader.refused(exc, lambda field: _field_of(field, read))
        reader.fail("form", t.gettext("Nothing was saved: check the fields marked."))
        return rejected()
    return RedirectResponse(f"/people/{person_id}#h-contacts", status_code=303)


def _may_use(session: Session, who: Principal, row: _Row) -> bool:
    """A person chosen on a row: seen by the user; or "the one registered elsewhere" when
    what the row says matches someone out of sight (a contact to hand over)."""
    if row.elsewhere:
        found = (
            [c.person.id for c in people.find_duplicates(session, row.probe)] if row.probe else []
        )
        return bool(found) and not guard.visible(session, who, found)
    assert row.use is not None
    target = session.get(Person, row.use)
    if target is None or target.merged_into_id is not None:
        return False
    return row.use in guard.visible(session, who, [row.use])


def _field_of(problem_field: str, read: list[_Row]) -> str:
    """The page's field of a service problem ``contacts[i].last_on`` (i among the rows
    read), else the form."""
    if problem_field.startswith("contacts[") and "]." in problem_field:
        number, name = problem_field[len("contacts[") :].split("].", 1)
        if number.isdigit() and int(number) < len(read) and name in FIELDS:
            return field_name(read[int(number)].index, name)
    if len(read) == 1 and problem_field in FIELDS:
        return field_name(read[0].index, problem_field)
    return "form"
