"""HTTP: cases, their status history, lab tests, sources and chains of transmission."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, status

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.who import CasesReader, CasesWriter, LabWriter
from cordon.audit import recorder
from cordon.cases import chains, discharge, investigation, lab, listing, service
from cordon.cases.enums import CaseStatus, Classification
from cordon.cases.lab import LabReport
from cordon.cases.listing import CaseFilter, CaseSort, in_unit
from cordon.cases.models import Case
from cordon.cases.schemas import (
    CaseIn,
    CaseOut,
    CasePatch,
    ChainEdge,
    ChainOut,
    DischargeIn,
    DischargeOut,
    DischargeProblem,
    DischargeReadinessOut,
    InvestigationIn,
    InvestigationOut,
    LabTestIn,
    LabTestOut,
    SourceIn,
    SourceOut,
    StatusChangeIn,
    StatusChangeOut,
)
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep

router = APIRouter(prefix="/cases", tags=["cases"])
CREATED = status.HTTP_201_CREATED


def _out(session: SessionDep, case: Case) -> CaseOut:
    recorder.read(session, "cases", case.id, [case.person_id])
    out = CaseOut.model_validate(case)
    out.clusters = service.cluster_codes(session, [case.id])[case.id]
    return out


def _masked(session: SessionDep, who: Principal, chain: ChainOut) -> ChainOut:
    """The chain with every case outside the jurisdiction reduced to an anonymous node."""
    ids = [n.case_id for n in chain.nodes if n.case_id is not None]
    shown = guard.visible_cases(session, who, ids)
    recorder.read(session, "cases", chain.case_id, shown.values(), view="chain")
    hidden = [c for c in ids if c not in shown]
    alias = {f"case:{c}": f"hidden:{k}" for k, c in enumerate(hidden, 1)}
    blank = {"label": guard.HIDDEN, "case_id": None, "status": None, "confirmed_on": None}
    nodes = [
        n.model_copy(update={"id": alias[n.id], **blank}) if n.id in alias else n
        for n in chain.nodes
    ]
    edges = [
        ChainEdge(source=alias.get(e.source, e.source), target=alias.get(e.target, e.target))
        for e in chain.edges
    ]
    return chain.model_copy(update={"nodes": nodes, "edges": edges})


@router.post("", response_model=CaseOut, status_code=CREATED)
def create_case(session: SessionDep, who: CasesWriter, body: CaseIn) -> CaseOut:
    """Report a suspected or confirmed case; a code like HN-000123 is given when none is."""
    guard.person_field(session, who, body.person_id, "person_id")
    case = service.create_case(session, **body.model_dump())
    return _out(session, case)


@router.get("", response_model=Page[CaseOut])
def list_cases(
    session: SessionDep,
    who: CasesReader,
    page: PageDep,
    status: CaseStatus | None = None,
    classification: Classification | None = None,
    confirmed_from: dt.date | None = None,
    confirmed_to: dt.date | None = None,
    onset_from: dt.date | None = None,
    onset_to: dt.date | None = None,
    cluster_id: Id | None = None,
    province: Annotated[str | None, Query(max_length=80)] = None,
    unit_id: Annotated[
        Id | None, Query(description="A ward or a district: cases of people living there.")
    ] = None,
    tier: Annotated[int | None, Query(ge=0, le=10, description="The person's tier now.")] = None,
    sort: Annotated[
        CaseSort, Query(description="A column, `-` before it for the reverse order.")
    ] = CaseSort.newest,
    before_id: Annotated[
        Id | None, Query(description="Keyset paging: only cases with a smaller id.")
    ] = None,
) -> Page[CaseOut]:
    """Cases, newest first unless ``sort`` says otherwise: the web app's case list reads
    the same function (docs/cases.md)."""
    where = CaseFilter(
        status=status,
        classification=classification,
        confirmed_from=confirmed_from,
        confirmed_to=confirmed_to,
        onset_from=onset_from,
        onset_to=onset_to,
        cluster_id=cluster_id,
        province=province,
        wards=in_unit(session, unit_id),
        tier=tier,
    )
    rows, total = listing.list_cases(
        session,
        where,
        sort=sort,
        before_id=before_id,
        limit=page.limit,
        offset=page.offset,
        scope=who.scope,
    )
    recorder.read(session, "cases", None, [r.person_id for r in rows], view="list")
    codes = service.cluster_codes(session, [r.id for r in rows])
    items = [CaseOut.model_validate(r).model_copy(update={"clusters": codes[r.id]}) for r in rows]
    return page.answer(items, total)


@router.get("/by-code/{code}", response_model=CaseOut)
def get_case_by_code(session: SessionDep, who: CasesReader, code: str) -> CaseOut:
    return _out(session, service.get_case(session, guard.case_code(session, who, code)))


@router.get("/{case_id}", response_model=CaseOut)
def get_case(session: SessionDep, who: CasesReader, case_id: Id) -> CaseOut:
    guard.case(session, who, case_id)
    return _out(session, service.get_case(session, case_id))


@router.patch("/{case_id}", response_model=CaseOut)
def update_case(session: SessionDep, who: CasesWriter, case_id: Id, body: CasePatch) -> CaseOut:
    """Change dates and details; send the ``version`` you read (409 if it moved since)."""
    guard.case(session, who, case_id)
    changes = body.model_dump(include=body.model_fields_set - {"version"})
    case = service.update_case(session, case_id, version=body.version, changes=changes)
    return _out(session, case)


@router.post("/{case_id}/status", response_model=CaseOut)
def change_status(
    session: SessionDep, who: CasesWriter, case_id: Id, body: StatusChangeIn
) -> CaseOut:
    """suspected → confirmed | discarded; confirmed → recovered | died. Anything else is 409."""
    guard.case(session, who, case_id)
    case = service.change_status(
        session,
        case_id,
        body.to,
        changed_by=body.changed_by,
        reason=body.reason,
        on_date=body.on,
        version=body.version,
    )
    return _out(session, case)


@router.get("/{case_id}/history", response_model=list[StatusChangeOut])
def history(session: SessionDep, who: CasesReader, case_id: Id) -> list[StatusChangeOut]:
    recorder.read(session, "cases", case_id, [guard.case(session, who, case_id)], view="history")
    return [StatusChangeOut.model_validate(h) for h in service.history(session, case_id)]


@router.get("/{case_id}/investigation", response_model=InvestigationOut)
def get_investigation(session: SessionDep, who: CasesReader, case_id: Id) -> InvestigationOut:
    """What the tracer's interview found (version null while nothing is recorded). A
    pseudonymised role is not shown the workplace, the hospital or the addresses visited."""
    person = guard.case(session, who, case_id)
    recorder.read(session, "case_investigations", case_id, [person])
    found = investigation.investigation_of(session, case_id)
    if who.pseudonymised:
        visits = [v.model_copy(update={"address": None}) for v in found.visits]
        found = found.model_copy(update={"workplace": None, "hospital": None, "visits": visits})
    return found


@router.put("/{case_id}/investigation", response_model=InvestigationOut)
def put_investigation(
    session: SessionDep, who: CasesWriter, case_id: Id, body: InvestigationIn
) -> InvestigationOut:
    """The whole investigation, as the form holds it; ``version`` as last read (stale: 409)."""
    guard.case(session, who, case_id)
    investigation.record_investigation(session, case_id, body, expected_version=body.version)
    return investigation.investigation_of(session, case_id)


@router.post("/{case_id}/lab-tests", response_model=LabTestOut, status_code=CREATED)
def add_lab_test(session: SessionDep, who: LabWriter, case_id: Id, body: LabTestIn) -> LabTestOut:
    """Record a test; ``confirm: true`` with a positive PCR confirms a suspected case."""
    guard.case(session, who, case_id)
    test = lab.add_lab_test(session, case_id, LabReport(**body.model_dump()))
    return LabTestOut.model_validate(test)


@router.post("/by-code/{code}/lab-tests", response_model=LabTestOut, status_code=CREATED)
def add_lab_test_by_code(
    session: SessionDep, who: LabWriter, code: str, body: LabTestIn
) -> LabTestOut:
    """The same, by the case code written on the sample (what a laboratory has)."""
    test = lab.add_lab_test(
        session, guard.case_code(session, who, code), LabReport(**body.model_dump())
    )
    return LabTestOut.model_validate(test)


@router.get("/{case_id}/lab-tests", response_model=list[LabTestOut])
def lab_tests(session: SessionDep, who: CasesReader, case_id: Id) -> list[LabTestOut]:
    recorder.read(session, "lab_tests", case_id, [guard.case(session, who, case_id)])
    return [LabTestOut.model_validate(t) for t in lab.lab_tests(session, case_id)]


@router.post("/{case_id}/sources", response_model=SourceOut, status_code=CREATED)
def add_source(session: SessionDep, who: CasesWriter, case_id: Id, body: SourceIn) -> SourceOut:
    """What infected the case: another case (no loops), a country, a cluster or unknown."""
    guard.case(session, who, case_id)
    link = chains.add_source(session, case_id, **body.model_dump())
    return SourceOut.model_validate(link)


@router.get("/{case_id}/sources", response_model=list[SourceOut])
def sources(session: SessionDep, who: CasesReader, case_id: Id) -> list[SourceOut]:
    guard.case(session, who, case_id)
    return [SourceOut.model_validate(s) for s in chains.sources(session, case_id)]


@router.get("/{case_id}/chain", response_model=ChainOut)
def chain(session: SessionDep, who: CasesReader, case_id: Id) -> ChainOut:
    """Ancestors (generation < 0) and descendants (> 0) with the countries and clusters at
    the roots, as nodes and edges; cases outside the jurisdiction appear only as
    anonymous nodes (``hidden:N``)."""
    guard.case(session, who, case_id)
    return _masked(session, who, chains.chain(session, service.get_case(session, case_id)))


def _readiness_out(ready: discharge.Readiness) -> DischargeReadinessOut:
    case, rule, period = ready.case, ready.rule, ready.monitoring
    return DischargeReadinessOut(
        case_id=case.id,
        code=case.code,
        status=case.status,
        version=case.version,
        rule_id=rule.id,
        rule_title=rule.title,
        legal_basis=rule.legal_basis,
        on=ready.on,
        counted_from=ready.day0,
        day=ready.day,
        earliest_on=ready.earliest,
        symptom_free_required=rule.symptom_free,
        ready=ready.ready,
        problems=[DischargeProblem(field=p.field, message=p.message) for p in ready.problems],
        monitoring_from=period[0] if period else None,
        monitoring_until=period[1] if period else None,
    )


@router.get("/{case_id}/discharge", response_model=DischargeReadinessOut)
def discharge_readiness(
    session: SessionDep, who: CasesReader, case_id: Id
) -> DischargeReadinessOut:
    """May the case be discharged today? The rule in force, what still stands in the way,
    and the home monitoring that would follow."""
    person_id = guard.case(session, who, case_id)
    recorder.read(session, "lab_tests", case_id, [person_id], view="discharge")
    return _readiness_out(discharge.readiness(session, service.get_case(session, case_id)))


@router.post("/{case_id}/discharge", response_model=DischargeOut)
def discharge_case(
    session: SessionDep, who: CasesWriter, case_id: Id, body: DischargeIn
) -> DischargeOut:
    """Discharge today by the rule in force: the case recovered and its home monitoring in
    force. Refused, naming each problem, when the rule is not met (409), the version is stale
    (409) or ``symptom_free`` is not confirmed (422)."""
    guard.case(session, who, case_id)
    done = discharge.discharge(
        session, case_id, by=who.username, by_user_id=who.user_id, **body.model_dump()
    )
    order = done.monitoring
    return DischargeOut(
        case=_out(session, done.case),
        monitoring_order_id=order.id if order else None,
        monitoring_from=order.starts_on if order else None,
        monitoring_until=order.ends_on if order else None,
    )
