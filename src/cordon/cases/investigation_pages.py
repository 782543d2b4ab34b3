"""The case investigation as one phone-friendly form: how the case was found, occupation,
symptoms with their first day, conditions, hospital, travel in the 14 days before onset,
and the places visited with their days. The same service and checks as the API (ADR 0016);
a rejected form keeps what was typed and says what is wrong beside each field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases import investigation
from cordon.cases import service as cases
from cordon.cases.enums import Condition, HowFound, Symptom
from cordon.cases.schemas import InvestigationIn, InvestigationOut
from cordon.core.bounds import Id
from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError
from cordon.web.forms import PostedForm, Reader, value
from cordon.web.labels import words
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
TEXTS = ("occupation", "workplace", "conditions_note", "hospital")
SPARE_ROWS = 2  # empty rows of travel and places offered beyond those recorded
ROWS = {
    "travel": ("place", "country", "from_on", "to_on"),
    "visits": ("place", "address", "first_on", "last_on"),
}
MAX_ROWS = {"travel": 20, "visits": 50}


def _as_form(found: InvestigationOut) -> dict[str, str]:
    """The recorded investigation as the form's fields."""
    form = {name: getattr(found, name) or "" for name in TEXTS}
    form["how_found"] = found.how_found.value if found.how_found else ""
    form["admitted_on"] = str(found.admitted_on or "")
    form["version"] = str(found.version or "")
    for s in found.symptoms:
        form[f"symptom_{s.symptom.value}"] = "1"
        form[f"symptom_{s.symptom.value}_from"] = str(s.from_on)
    for c in found.conditions:
        form[f"condition_{c.value}"] = "1"
    for kind, columns in ROWS.items():
        for i, row in enumerate(getattr(found, kind)):
            for column in columns:
                form[f"{kind}_{i}_{column}"] = str(getattr(row, column) or "")
    return form


def _typed(form: FormData) -> dict[str, str]:
    return {k: value(form, k) for k in form if k != "csrf_token"}


def _rows(typed: dict[str, str], kind: str) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled rows of a repeated group, and the form row of each."""
    rows, at = [], []
    for i in range(MAX_ROWS[kind] + SPARE_ROWS):
        cells = {c: typed.get(f"{kind}_{i}_{c}", "") for c in ROWS[kind]}
        if any(cells.values()):
            rows.append({c: v or None for c, v in cells.items()})
            at.append(i)
    return rows, at


def _body(typed: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The API body of the typed form, and for each list the form field of each entry."""
    symptoms = [s for s in Symptom if typed.get(f"symptom_{s.value}")]
    body: dict[str, Any] = {
        name: typed.get(name) or None for name in (*TEXTS, "how_found", "admitted_on")
    }
    body["symptoms"] = [
        {"symptom": s.value, "from_on": typed.get(f"symptom_{s.value}_from") or None}
        for s in symptoms
    ]
    body["conditions"] = [c.value for c in Condition if typed.get(f"condition_{c.value}")]
    where = {"symptoms": [f"symptom_{s.value}_from" for s in symptoms]}
    for kind in ROWS:
        body[kind], at = _rows(typed, kind)
        where[kind] = [f"{kind}_{i}" for i in at]
    version = typed.get("version", "")
    body["version"] = int(version) if version.isdigit() else None
    return body, where


def _field_of(loc: tuple[int | str, ...], where: dict[str, list[str]]) -> str:
    """The form field of a validation error's location."""
    if not loc:
        return "form"
    head = str(loc[0])
    if head in where and len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(where[head]):
        row = where[head][loc[1]]
        column = str(loc[2]) if len(loc) > 2 and head != "symptoms" else ""
        return f"{row}_{column}" if column else row
    return head


def _options(t: Any, values: Any) -> list[tuple[str, str]]:
    return [(v.value, t.gettext(words(v))) for v in values]


def _page(
    request: Request,
    session: Session,
    who: Principal,
    case_id: Id,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    t = texts_for(request, who)
    case = cases.get_case(session, case_id)
    rows = {
        kind: max([int(k.split("_")[1]) + 1 for k in form if k.startswith(f"{kind}_")] or [0])
        + SPARE_ROWS
        for kind in ROWS
    }
    context = {
        "case": case,
        "form": form,
        "errors": errors,
        "today": today().isoformat(),
        "how_found": [("", _options(t, HowFound))],
        "symptoms": _options(t, Symptom),
        "conditions": _options(t, Condition),
        "rows": {k: range(min(n, MAX_ROWS[k])) for k, n in rows.items()},
    }
    return render(request, "cases/investigation.html", context, who=who, status=status)


@router.get("/cases/{case_id}/investigation")
def investigation_page(
    request: Request, session: SessionDep, who: PageUser, case_id: Id
) -> Response:
    needs(who, Permission.cases_write)
    person = guard.case(session, who, case_id)
    recorder.read(session, "case_investigations", case_id, [person], view="form")
    found = investigation.investigation_of(session, case_id)
    return _page(request, session, who, case_id, _as_form(found), {})


@router.post("/cases/{case_id}/investigation")
def save_investigation(
    request: Request, session: SessionDep, who: PageUser, case_id: Id, form: PostedForm
) -> Response:
    needs(who, Permission.cases_write)
    guard.case(session, who, case_id)
    reader = Reader(texts_for(request, who))
    typed = _typed(form)
    body, where = _body(typed)
    try:
        data = InvestigationIn.model_validate(body)
        investigation.record_investigation(session, case_id, data, expected_version=data.version)
    except ValidationError as exc:
        for error in exc.errors():
            if "too_long" in error["type"]:
                said = reader.t.gettext("This is too long.")
            else:
                said = reader.t.gettext("Check this value.")
            reader.fail(_field_of(tuple(error["loc"]), where), said)
    except CordonError as exc:
        reader.fail("form", reader.t.error(exc))
    if not reader.ok():
        return _page(request, session, who, case_id, typed, reader.errors, status=422)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
