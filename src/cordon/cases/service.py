"""Cases: the only place that writes them, their status history and lab tests.

Infection sources (the links of the chains of transmission) are written in ``chains``.

Every function flushes and never commits: the API request or ``session_scope`` does. A change
that can move the F-tiers publishes ``CaseChanged`` after its rows are flushed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cordon.cases import listing
from cordon.cases.columns import CASE_DATES, DETAILS
from cordon.cases.enums import F0_STATUSES, CaseStatus, Classification
from cordon.cases.models import Case, CaseStatusChange
from cordon.clusters.models import Cluster, ClusterCase
from cordon.core.dates import today
from cordon.core.db import atomic, get_or_404, one_or_404
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput
from cordon.core.events import publish
from cordon.core.models import utcnow
from cordon.core.scope import CITY, Scope
from cordon.events import CaseChanged
from cordon.isolation.enums import OrderStatus
from cordon.isolation.models import IsolationOrder
from cordon.people import service as people
from cordon.people.models import Person
from cordon.people.schemas import PersonCreate

# The status machine: where each status may go next.
TRANSITIONS: Mapping[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.suspected: frozenset({CaseStatus.confirmed, CaseStatus.discarded}),
    # confirmed → discarded: a false positive withdrawn after re-testing; its tiers fall back.
    CaseStatus.confirmed: frozenset({CaseStatus.recovered, CaseStatus.died, CaseStatus.discarded}),
    CaseStatus.recovered: frozenset(),
    CaseStatus.died: frozenset(),
    CaseStatus.discarded: frozenset(),
}
# The date a status change sets.
STATUS_DATE = {
    CaseStatus.confirmed: "confirmed_on",
    CaseStatus.recovered: "discharged_on",
    CaseStatus.died: "died_on",
}
DATE_FIELDS = CASE_DATES
WINDOW_FIELDS = frozenset({"onset_on", "sample_on", "isolated_on", "asymptomatic"})
EDITABLE = frozenset({*DETAILS, "notes"})
OPEN = frozenset({CaseStatus.suspected, CaseStatus.confirmed})
CODE_PREFIX = "HN-"
_GENERATED = re.compile(r"^HN-(\d+)$")


# --- reading ---------------------------------------------------------------------------------


def get_case(session: Session, case_id: int) -> Case:
    return get_or_404(session, Case, case_id, what="case")


def case_by_code(session: Session, code: str) -> Case:
    return one_or_404(session, Case, Case.code == code, missing=f"No case with code {code}.")


def list_cases(
    session: Session,
    *,
    status: CaseStatus | None = None,
    confirmed_from: dt.date | None = None,
    limit: int = 50,
    scope: Scope = CITY,
) -> tuple[list[Case], int]:
    """The newest cases of a status (for *my work today* and the CLI); the case list's
    filters, sorts and pages are ``listing.list_cases``."""
    where = listing.CaseFilter(status=status, confirmed_from=confirmed_from)
    return listing.list_cases(session, where, limit=limit, scope=scope)


def cases_of(session: Session, person_id: int) -> list[Case]:
    """A person's cases, newest first (one open at a time; earlier ones closed)."""
    query = select(Case).where(Case.person_id == person_id).order_by(Case.id.desc())
    return list(session.scalars(query))


def cluster_codes(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    """The codes of the clusters each case belongs to."""
    out: dict[int, list[str]] = {c: [] for c in case_ids}
    if not case_ids:
        return out
    rows = session.execute(
        select(ClusterCase.case_id, Cluster.code)
        .join(Cluster, Cluster.id == ClusterCase.cluster_id)
        .where(ClusterCase.case_id.in_(case_ids))
        .order_by(Cluster.code)
    )
    for case_id, code in rows:
        out[int(case_id)].append(code)
    return out


def under_way(case: Case) -> bool:
    """Is the case still under way: suspected or confirmed (not recovered, died, discarded)?"""
    return case.status in OPEN


def open_case(session: Session, person_id: int) -> Case | None:
    """The person's case still under way (suspected or confirmed), if any."""
    return next((c for c in cases_of(session, person_id) if under_way(c)), None)


def history(session: Session, case_id: int) -> list[CaseStatusChange]:
    get_case(session, case_id)
    query = select(CaseStatusChange).where(CaseStatusChange.case_id == case_id)
    return list(session.scalars(query.order_by(CaseStatusChange.id)).all())


# --- rules -----------------------------------------------------------------------------------


def _date_problems(values: Mapping[str, Any], status: CaseStatus) -> list[FieldProblem]:
    problems = [
        FieldProblem.of(name, N_("is in the future (%(day)s)"), day=values[name])
        for name in DATE_FIELDS
        if values.get(name) is not None and values[name] > today()
    ]
    confirmed = values.get("confirmed_on")
    if confirmed is None:
        if status in F0_STATUSES:
            problems.append(
                FieldProblem.of(
                    "confirmed_on", N_("is required for a %(status)s case"), status=status
                )
            )
        return problems
    if values.get("sample_on") is not None and values["sample_on"] > confirmed:
        problems.append(
            FieldProblem.of("sample_on", N_("is after confirmed_on (%(day)s)"), day=confirmed)
        )
    if values.get("discharged_on") is not None and values["discharged_on"] < confirmed:
        problems.append(
            FieldProblem.of("discharged_on", N_("is before confirmed_on (%(day)s)"), day=confirmed)
        )
    return problems


def date_warnings(values: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """Dates in an order real cases have and an epidemiologist should review: an onset
    after confirmation (found in quarantine before symptoms), a death before it (diagnosed
    after death). Kept with the case as problem records; None when there are none."""
    confirmed, onset, died = (values.get(n) for n in ("confirmed_on", "onset_on", "died_on"))
    found = []
    if confirmed is not None and onset is not None and onset > confirmed:
        message = N_("%(day)s is after confirmed_on (%(other)s): to be reviewed")
        found.append(FieldProblem.of("onset_on", message, day=onset, other=confirmed))
    if confirmed is not None and died is not None and died < confirmed:
        message = N_("%(day)s is before confirmed_on (%(other)s): to be reviewed")
        found.append(FieldProblem.of("died_on", message, day=died, other=confirmed))
    return [p.to_record() for p in found] or None


def check_dates(code: str, values: Mapping[str, Any], status: CaseStatus) -> None:
    """Raise ``InvalidInput`` naming the case and every date field that breaks a rule."""
    problems = _date_problems(values, status)
    if problems:
        said = "; ".join(f"{p.field} {p.message}" for p in problems)
        raise InvalidInput(detail=f"Case {code}: {said}.", problems=problems)


def case_values(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in EDITABLE}


def _announce(session: Session, case: Case, cause: str, *, was_f0: bool, window: bool) -> None:
    is_f0 = case.status in F0_STATUSES
    publish(
        session,
        CaseChanged(
            cause=cause,
            case_id=case.id,
            person_id=case.person_id,
            was_f0=was_f0,
            is_f0=is_f0,
            window_changed=window,
        ),
    )


def _flush(session: Session, case: Case) -> None:
    code = case.code
    try:
        session.flush()
    except StaleDataError:
        raise Conflict.of(
            N_("Case %(code)s was changed by someone else meanwhile; reload it and retry."),
            code=code,
        ) from None


# --- writing ---------------------------------------------------------------------------------


def _next_code(session: Session) -> str:
    top = session.scalar(select(func.max(Case.id))) or 0
    number = top + 1
    while session.scalar(select(Case.id).where(Case.code == f"{CODE_PREFIX}{number:06d}")):
        number += 1
    return f"{CODE_PREFIX}{number:06d}"


def create_case(
    session: Session,
    *,
    person_id: int,
    status: CaseStatus = CaseStatus.suspected,
    code: str | None = None,
    created_by: str,
    reason: str = "case reported",
    **fields: Any,
) -> Case:
    """A new suspected or confirmed case of ``person_id`` (``fields``: dates and the rest)."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], N_("is not a field of a case"))
    if status not in (CaseStatus.suspected, CaseStatus.confirmed):
        raise InvalidInput.on("status", N_("a new case is suspected or confirmed"))
    person = session.get(Person, person_id)
    if person is None:
        raise InvalidInput.on("person_id", N_("no person with id %(id)s"), id=person_id)
    code = code or _next_code(session)
    if session.scalar(select(Case.id).where(Case.code == code)) is not None:
        raise Conflict.of(N_("Case code %(code)s is already used."), code=code)
    fields = {**fields, **_found_in_isolation(session, person_id, fields)}
    check_dates(code, fields, status)
    case = Case(code=code, person_id=person_id, status=status, ward_id=person.ward_id, **fields)
    case.warnings = date_warnings(fields)
    session.add(case)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict.of(N_("Case code %(code)s is already used."), code=code) from None
    _record(session, case, None, created_by, reason)
    _announce(session, case, f"case {code} {status}", was_f0=False, window=True)
    return case


class CaseUnderWay(Conflict):
    """The person has a case under way already: one at a time."""


@atomic
def register_with_person(
    session: Session,
    /,
    *,
    person: int | PersonCreate,
    allow_duplicate: bool = False,
    scope: Scope = CITY,
    status: CaseStatus,
    created_by: str,
    **fields: Any,
) -> Case:
    """A case of ``person``: one registered already (an id), or one created with it (in
    ``scope``, refused as a ``DuplicatePerson`` unless ``allow_duplicate``) — together or
    not at all. Refused as ``CaseUnderWay`` when the person has a case under way."""
    if isinstance(person, PersonCreate):
        made = people.create_person(session, person, allow_duplicate=allow_duplicate, scope=scope)
        person_id = made.id
    else:
        person_id = person
    already = open_case(session, person_id)
    if already is not None:
        raise CaseUnderWay.of(
            N_("This person already has a case under way: %(code)s."), code=already.code
        )
    return create_case(session, person_id=person_id, status=status, created_by=created_by, **fields)


def _found_in_isolation(
    session: Session, person_id: int, given: Mapping[str, Any]
) -> dict[str, Any]:
    """A contact under an isolation order in force who becomes a case was isolated already:
    the case's isolation date is the order's start (their transmission window closes there)
    and, unless said otherwise, the case was found in quarantine (docs/domain.md §2, §4)."""
    started = session.scalar(
        select(func.min(IsolationOrder.starts_on)).where(
            IsolationOrder.person_id == person_id,
            IsolationOrder.status == OrderStatus.confirmed,
            IsolationOrder.tier > 0,
            IsolationOrder.starts_on <= today(),
        )
    )
    if started is None or given.get("isolated_on") is not None:
        return {}
    confirmed_on = given.get("confirmed_on")
    if confirmed_on is not None and confirmed_on < started:
        return {}
    found: dict[str, Any] = {"isolated_on": started}
    if given.get("classification") is None:
        found["classification"] = Classification.in_quarantine
    return found


def _record(
    session: Session, case: Case, from_status: CaseStatus | None, by: str, reason: str
) -> None:
    session.add(
        CaseStatusChange(
            case_id=case.id,
            from_status=from_status,
            to_status=case.status,
            changed_at=utcnow(),
            changed_by=by,
            reason=reason,
        )
    )
    session.flush()


def check_version(case: Case, version: int | None) -> None:
    """409 when ``case`` is no longer at the ``version`` its editor read (None: unchecked)."""
    if version is not None and version != case.version:
        raise Conflict.of(
            N_(
                "Case %(code)s is at version %(version)s, not %(sent)s: someone else "
                "changed it meanwhile; reload it and retry."
            ),
            code=case.code,
            version=case.version,
            sent=version,
        )


def update_case(
    session: Session, case_id: int, *, version: int, changes: Mapping[str, Any]
) -> Case:
    """Change dates and other fields; ``version`` must be the one the editor read."""
    case = get_case(session, case_id)
    check_version(case, version)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], N_("cannot be changed here"))
    values = {**case_values(case), **changes}
    check_dates(case.code, values, case.status)
    moved = {k for k, v in changes.items() if getattr(case, k) != v}
    for name in moved:
        setattr(case, name, changes[name])
    if moved:
        case.warnings = date_warnings(values)
    _flush(session, case)
    if moved & WINDOW_FIELDS:
        is_f0 = case.status in F0_STATUSES
        _announce(session, case, f"case {case.code} dates changed", was_f0=is_f0, window=True)
    return case


@atomic
def change_status(
    session: Session,
    case_id: int,
    to: CaseStatus,
    *,
    changed_by: str,
    reason: str,
    on_date: dt.date,
    version: int | None = None,
) -> Case:
    """Move a case along the status machine, set the matching date and keep the history."""
    case = get_case(session, case_id)
    check_version(case, version)
    if to not in TRANSITIONS[case.status]:
        allowed = ", ".join(sorted(TRANSITIONS[case.status])) or "nothing (final)"
        raise Conflict(
            f"Case {case.code} cannot go from {case.status} to {to}; from {case.status} "
            f"it may go to {allowed}."
        )
    values = case_values(case)
    date_field = STATUS_DATE.get(to)
    if date_field is not None:
        values[date_field] = on_date
    check_dates(case.code, values, to)
    case.warnings = date_warnings(values)
    move_status(session, case, to, changed_by=changed_by, reason=reason, on_date=on_date)
    return case


def move_status(
    session: Session,
    case: Case,
    to: CaseStatus,
    *,
    changed_by: str,
    reason: str,
    on_date: dt.date,
    window: bool = False,
) -> None:
    was_f0, from_status = case.status in F0_STATUSES, case.status
    case.status = to
    date_field = STATUS_DATE.get(to)
    if date_field is not None:
        setattr(case, date_field, on_date)
    _flush(session, case)
    _record(session, case, from_status, changed_by, reason)
    _announce(session, case, f"case {case.code} {to}", was_f0=was_f0, window=window)
