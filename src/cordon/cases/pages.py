"""Cases in the web app: registering one (a new person or one already registered) and the
case page — its timeline, lab tests, the person's contacts, and the forms that move it along
the status machine and record a test. The same services and jurisdiction checks as the API;
every person shown is recorded in the audit log. A confirmed case's page says whether the
discharge rule is met and offers the discharge."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases import discharge, investigation, lab
from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus, Classification, TestMethod, TestResult
from cordon.cases.models import Case
from cordon.core.bounds import Id
from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.core.errors import Conflict, CordonError, FieldProblem
from cordon.exposures import service as exposures
from cordon.exposures.models import Exposure
from cordon.geography.service import wards_in
from cordon.people import forms as person_forms
from cordon.people import service as people
from cordon.people.enums import Sex
from cordon.people.models import Person
from cordon.people.schemas import PersonCreate
from cordon.tracing import service as tracing
from cordon.web.forms import PostedForm, Reader, value
from cordon.web.i18n import Texts
from cordon.web.labels import words
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
NEW = (CaseStatus.suspected, CaseStatus.confirmed)
CASE_FIELDS = ("status", "onset_on", "sample_on", "confirmed_on", "classification")
DATES = ("onset_on", "sample_on", "confirmed_on")
STATUS_FIELDS = ("to", "on", "reason", "version")
LAB_FIELDS = (
    "method",
    "sample_taken_on",
    "result",
    "result_on",
    "ct_value",
    "laboratory",
    "confirm",
)
CONTACTS_SHOWN = 200
SEXES = (Sex.unknown, Sex.female, Sex.male, Sex.other)  # not known until someone says


def _options(t: Texts, values: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    return [("", [(str(v), t.gettext(words(v))) for v in values])]


def _ward_groups(session: Session, who: Principal) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for ward, district in wards_in(session, who.scope):
        groups.setdefault(district, []).append((str(ward.id), ward.name))
    return list(groups.items())


# --- registering a case ----------------------------------------------------------------------


def _new_form(
    request: Request,
    session: Session,
    who: Principal,
    *,
    person: Person | None,
    form: dict[str, str],
    errors: dict[str, str],
    found: person_forms.Duplicates | None = None,
    status: int = 200,
) -> Response:
    t = texts_for(request, who)
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "person": person,
        "found": found,
        "today": today().isoformat(),
        "statuses": [(s.value, t.gettext(words(s))) for s in NEW],
        "classifications": _options(t, Classification),
        "sexes": _options(t, SEXES),
    }
    if person is None:
        context["wards"] = _ward_groups(session, who)
    else:
        recorder.read(session, "people", person.id, [person.id], view="case form")
        context["name"] = guard.names(session, who, [person.id])[person.id]
        context["open"] = cases.open_case(session, person.id)
    return render(request, "cases/new.html", context, who=who, status=status)


def _person(session: Session, who: Principal, typed: str) -> Person | None:
    if not typed:
        return None
    person_id = int(typed) if typed.isdigit() else 0
    guard.person(session, who, person_id)
    return people.get_person(session, person_id)


def _usable(session: Session, who: Principal, person_id: Id) -> bool:
    """A person chosen instead of the one typed: in sight and not merged away."""
    if person_id not in guard.visible(session, who, [person_id]):
        return False
    found = session.get(Person, person_id)
    return found is not None and found.merged_into_id is None


@router.get("/cases/new")
def new_case_page(
    request: Request, session: SessionDep, who: PageUser, person: int | None = None
) -> Response:
    """The form: a new person and their case, or (``?person=``) a case of someone
    registered already."""
    needs(who, Permission.cases_write)
    shown = _person(session, who, str(person) if person is not None else "")
    if shown is None:
        needs(who, Permission.people_write)
    wards = wards_in(session, who.scope)
    form = {"status": CaseStatus.suspected.value, "sex": Sex.unknown.value}
    if len(wards) == 1:
        form["ward_id"] = str(wards[0][0].id)
    return _new_form(request, session, who, person=shown, form=form, errors={})


def _case_values(reader: Reader, typed: dict[str, str]) -> tuple[CaseStatus | None, dict[str, Any]]:
    t = reader.t
    status = reader.choice("status", typed["status"], CaseStatus)
    if status is not None and status not in NEW:
        reader.fail("status", t.gettext("Choose one of the options."))
    fields: dict[str, Any] = {name: reader.date(name, typed[name]) for name in DATES}
    fields["classification"] = reader.choice(
        "classification", typed["classification"], Classification, required=False
    )
    if status is not None and reader.ok():
        try:
            cases.check_dates("new", fields, status)
        except CordonError as exc:
            reader.refused(exc)
    return status, fields


def _chosen_person(
    session: Session, who: Principal, reader: Reader, typed: dict[str, str]
) -> tuple[int | PersonCreate | None, person_forms.Duplicates | None]:
    """The person of a new case when none was given: one registered already (the id in
    ``use_person``) or the one typed; and the people registered already who look like the
    one typed (shown next to the fields, even when others are wrong)."""
    t = reader.t
    wards = {ward.id for ward, _ in wards_in(session, who.scope)}
    chosen = typed["use_person"]  # one registered already (an id), or "new": create anyway
    data = None
    if not chosen.isdigit():
        needs(who, Permission.people_write)
        data = person_forms.read_person(reader, typed, wards)
    elif not _usable(session, who, int(chosen)):
        reader.fail("use_person", t.gettext("Choose one of the options."))
    probe = data or person_forms.read_person(Reader(t), typed, wards)
    found = person_forms.find(session, who, probe) if probe else None
    if found is not None and data is not None and (chosen != "new" or found.same_id):
        reader.fail("national_id" if found.same_id else "full_name", _already(t, found))
    return (int(chosen) if data is None and chosen.isdigit() else data), found


@router.post("/cases/new")
def register_case(
    request: Request, session: SessionDep, who: PageUser, posted: PostedForm
) -> Response:
    """Create the person (unless one already registered is chosen) and the case, together
    or not at all; then the case page."""
    needs(who, Permission.cases_write)
    t = texts_for(request, who)
    names = ("person", "use_person", *CASE_FIELDS, *person_forms.FIELDS)
    typed = {name: value(posted, name) for name in names}
    shown = _person(session, who, typed["person"])
    reader = Reader(t)
    status, fields = _case_values(reader, typed)
    person: int | PersonCreate | None = shown.id if shown is not None else None
    found = None
    if shown is None:
        person, found = _chosen_person(session, who, reader, typed)

    def rejected(found: person_forms.Duplicates | None) -> Response:
        errors = reader.errors
        return _new_form(
            request, session, who, person=shown, form=typed, errors=errors, found=found, status=422
        )

    if not reader.ok() or status is None or person is None:
        return rejected(found)
    try:
        case = cases.register_with_person(
            session,
            person=person,
            allow_duplicate=typed["use_person"] == "new",
            scope=who.scope,
            status=status,
            created_by=who.username,
            **fields,
        )
    except people.DuplicatePerson as exc:  # registered meanwhile
        found = person_forms.from_conflict(session, who, exc)
        reader.fail("national_id" if found.same_id else "full_name", _already(t, found))
        return rejected(found)
    except cases.CaseUnderWay as exc:
        reader.fail("form", t.error(exc))
        return rejected(found)
    except CordonError as exc:  # nothing was written: the unit of work stands
        reader.refused(exc, lambda field: field if field in typed else "form")
        reader.fail("form", t.gettext("Nothing was saved: check the fields marked."))
        return rejected(None)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def _already(t: Texts, found: person_forms.Duplicates) -> str:
    if found.same_id:
        return t.gettext("A person with this ID number is already registered.")
    return t.gettext("A person with this name, phone and birth year is already registered.")


# --- the case page ---------------------------------------------------------------------------


def _case_page(
    request: Request,
    session: Session,
    who: Principal,
    case_id: Id,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    needs(who, Permission.cases_read)
    person_id = guard.case(session, who, case_id)
    case = cases.get_case(session, case_id)
    contacts: list[Exposure] = []
    if who.can(Permission.exposures_read):
        contacts, _ = exposures.list_exposures(session, person_id=person_id, limit=CONTACTS_SHOWN)
    others = {e.contact_id if e.person_id == person_id else e.person_id for e in contacts}
    seen = guard.visible(session, who, others | {person_id})
    recorder.read(session, "cases", case_id, [person_id, *sorted(seen)], view="page")
    t = texts_for(request, who)
    moves = [s for s in CaseStatus if s in cases.TRANSITIONS[case.status]]  # the story's order
    values = {"on": today().isoformat(), "sample_taken_on": today().isoformat()}
    values |= {"method": TestMethod.pcr.value}  # the result is chosen, never assumed
    context = {
        "case": case,
        "person_id": person_id,
        "names": guard.names(session, who, seen),
        "tiers": tracing.lowest_tiers(session, seen) if who.can(Permission.tracing_read) else {},
        "history": cases.history(session, case_id)[::-1],
        "tests": lab.lab_tests(session, case_id),
        "clusters": cases.cluster_codes(session, [case_id])[case_id],
        "warnings": [FieldProblem.from_record(w) for w in case.warnings or []],
        "contacts": contacts,
        "moves": [(s.value, t.gettext(words(s))) for s in moves],
        "methods": _options(t, TestMethod),
        "results": _options(t, TestResult),
        "form": values | (form or {}),
        "errors": errors or {},
        "today": today().isoformat(),
        "discharge": _discharge_context(session, t, case),
        "investigation": investigation.investigation_of(session, case.id),
    }
    return render(request, "cases/case.html", context, who=who, status=status)


def _discharge_context(session: Session, t: Texts, case: Case) -> dict[str, Any] | None:
    """The readiness of a confirmed case for discharge, said in the user's language."""
    if case.status is not CaseStatus.confirmed:
        return None
    try:
        ready = discharge.readiness(session, case)
    except CordonError as exc:  # the city's rules file cannot be read: the page still shows
        said = [f"{p.field}: {t.problem(p)}" for p in exc.problems] or [t.error(exc)]
        return {"unreadable": said[0]}
    return {
        "rule": ready.rule,
        "day": ready.day,
        "earliest": ready.earliest,
        "problems": [t.problem(p) for p in ready.problems],
        "monitoring": ready.monitoring,
    }


def _posted_on_case(
    request: Request,
    session: Session,
    who: Principal,
    case_id: int,
    posted: FormData,
    may: Permission,
    fields: Iterable[str],
) -> tuple[Texts, dict[str, str]]:
    """A form posted about a case, once the user may (``may``) and sees the case: the texts
    to answer in and its ``fields`` as typed."""
    needs(who, may)
    guard.case(session, who, case_id)
    return texts_for(request, who), {name: value(posted, name) for name in fields}


@router.get("/cases/{case_id}")
def case_page(request: Request, session: SessionDep, who: PageUser, case_id: Id) -> Response:
    """Code, person, status and dates, the timeline of the status, lab tests, contacts."""
    return _case_page(request, session, who, case_id)


@router.post("/cases/{case_id}/status")
def change_status(
    request: Request, session: SessionDep, who: PageUser, case_id: Id, posted: PostedForm
) -> Response:
    """One step along the status machine, with the day it happened and why."""
    t, typed = _posted_on_case(
        request, session, who, case_id, posted, Permission.cases_write, STATUS_FIELDS
    )
    reader = Reader(t)
    to = reader.choice("to", typed["to"], CaseStatus)
    on = reader.date("on", typed["on"], required=True)
    if not typed["reason"]:
        reader.fail("reason", t.gettext("Say why."))
    elif len(typed["reason"]) > 500:
        reader.fail("reason", t.gettext("This is too long."))
    version = int(typed["version"]) if typed["version"].isdigit() else None
    if reader.ok() and to is not None and on is not None:
        try:
            cases.change_status(
                session,
                case_id,
                to,
                changed_by=who.username,
                reason=typed["reason"],
                on_date=on,
                version=version,
            )
        except Conflict:
            reader.fail(
                "to", t.gettext("The case changed meanwhile: check it below and try again.")
            )
            return _case_page(
                request, session, who, case_id, form=typed, errors=reader.errors, status=409
            )
        except CordonError as exc:
            reader.refused(exc, lambda _field: "on")
            reader.fail("on", t.gettext("Check this value."))
        else:
            return RedirectResponse(f"/cases/{case_id}", status_code=303)
    return _case_page(request, session, who, case_id, form=typed, errors=reader.errors, status=422)


@router.post("/cases/{case_id}/lab-tests")
def add_lab_test(
    request: Request, session: SessionDep, who: PageUser, case_id: Id, posted: PostedForm
) -> Response:
    """A test of the case's person; a positive PCR may confirm a suspected case."""
    t, typed = _posted_on_case(
        request, session, who, case_id, posted, Permission.lab_write, LAB_FIELDS
    )
    reader = Reader(t)
    method = reader.choice("method", typed["method"], TestMethod)
    result = reader.choice("result", typed["result"], TestResult)
    sample_on = reader.date("sample_taken_on", typed["sample_taken_on"], required=True)
    result_on = reader.date("result_on", typed["result_on"])
    ct_value = reader.number("ct_value", typed["ct_value"], 0, 50)
    if len(typed["laboratory"]) > 200:
        reader.fail("laboratory", t.gettext("This is too long."))
    confirm = typed["confirm"] == "1"
    if confirm and (method != TestMethod.pcr or result != TestResult.positive):
        reader.fail("confirm", t.gettext("Only a positive PCR test confirms a case."))
    if reader.ok() and method is not None and result is not None and sample_on is not None:
        try:
            lab.add_lab_test(
                session,
                case_id,
                lab.LabReport(
                    method=method,
                    sample_taken_on=sample_on,
                    result=result,
                    result_on=result_on,
                    ct_value=ct_value,
                    laboratory=typed["laboratory"] or None,
                    confirm=confirm,
                    changed_by=who.username,
                ),
            )
        except CordonError as exc:
            reader.refused(exc, lambda field: field if field in LAB_FIELDS else "result_on")
            if not exc.problems:
                reader.fail("confirm", t.gettext("Only a suspected case can be confirmed."))
        else:
            return RedirectResponse(f"/cases/{case_id}#h-tests", status_code=303)
    return _case_page(request, session, who, case_id, form=typed, errors=reader.errors, status=422)


@router.post("/cases/{case_id}/discharge")
def discharge_case(
    request: Request, session: SessionDep, who: PageUser, case_id: Id, posted: PostedForm
) -> Response:
    """Discharge by the rule in force today, the officer confirming that the patient has no
    symptoms; refused, saying why, when the rule is not met."""
    t, typed = _posted_on_case(
        request, session, who, case_id, posted, Permission.cases_write, ("symptom_free", "version")
    )
    version = int(typed["version"]) if typed["version"].isdigit() else 0
    try:
        discharge.discharge(
            session,
            case_id,
            version=version,
            symptom_free=typed["symptom_free"] == "1",
            by=who.username,
            by_user_id=who.user_id,
        )
    except CordonError as exc:
        reader = Reader(t)
        reader.refused(exc, lambda field: field if field == "symptom_free" else "discharge")
        if not exc.problems:  # a stale version
            reader.fail("discharge", t.error(exc))
        elif "discharge" in reader.errors:  # the list on the page says every problem
            reader.errors["discharge"] = t.error(exc)
        status = 409 if isinstance(exc, Conflict) else 422
        return _case_page(
            request, session, who, case_id, form=typed, errors=reader.errors, status=status
        )
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
