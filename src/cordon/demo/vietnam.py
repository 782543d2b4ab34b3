"""``cordon demo vietnam-2020``: load BN1–BN288, their links, sources, clusters and exposures.

One transaction (the caller's session), bulk inserts for people, cases, sources and exposures,
the ORM for the few clusters. Idempotent: when BN1–BN288 are already in the registry nothing
is written and the result says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.cases.bulk import CaseRow, SourceRow, insert_cases, insert_sources
from cordon.cases.enums import CaseStatus, SourceKind
from cordon.cases.models import Case
from cordon.clusters.models import Cluster, ClusterCase
from cordon.core.errors import Conflict
from cordon.core.events import publish
from cordon.demo import vietnam_data as vd
from cordon.demo.vietnam_data import ClusterSpec, Patient
from cordon.events import RegistryLoaded
from cordon.exposures.bulk import ExposureRow, insert_exposures
from cordon.exposures.enums import Closeness, Setting
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.geography.service import load_city, unit_by_code
from cordon.people.bulk import PersonRow, insert_people
from cordon.people.enums import Sex

CAUSE = "demo vietnam-2020"
REASON = "Ministry of Health announcement (vncovid19 data set, CC BY 4.0)"
CONTACT_DAYS = 14  # assumed length of contact before the infected patient's confirmation


@dataclass(frozen=True)
class VietnamLoad:
    skipped: bool  # already loaded: nothing written
    geography_loaded: bool
    people: int = 0
    cases: int = 0
    clusters: int = 0
    memberships: int = 0
    sources: int = 0
    case_links: int = 0
    exposures: int = 0


def _person_row(p: Patient) -> PersonRow:
    sex = {"male": Sex.male, "female": Sex.female}.get(p.gender, Sex.unknown)
    return PersonRow(
        full_name=f"Bệnh nhân {p.number}",
        sex=sex,
        birth_year=p.birth_year,
        nationality=p.nationality_code,
        residence=p.residence,  # ward unknown: ward_id stays NULL, even for Hanoi residents
    )


def _case_row(p: Patient, person_id: int, by_number: dict[int, Patient]) -> CaseRow:
    return CaseRow(
        code=p.code,
        person_id=person_id,
        status=CaseStatus.recovered if p.recovered else CaseStatus.confirmed,
        classification=vd.classify(p, by_number),
        confirmed_on=p.positive_on,
        isolated_on=p.positive_on,  # announced patients were in hospital by then
        discharged_on=p.discharged_on if p.recovered else None,
        province=p.treatment_province,
    )


def _ensure_city(session: Session) -> bool:
    wards = session.scalar(
        select(func.count()).select_from(AdminUnit).where(AdminUnit.level == UnitLevel.ward)
    )
    if wards:
        return False
    load_city(session)
    return True


def _already_loaded(session: Session, codes: list[str]) -> bool:
    found = session.scalar(select(func.count()).select_from(Case).where(Case.code.in_(codes)))
    if found and found != len(codes):
        raise Conflict(f"{found} of BN1–BN{len(codes)} already exist; load into a clean registry.")
    return bool(found)


def _clusters(
    session: Session, specs: list[ClusterSpec], case_ids: dict[int, int]
) -> tuple[dict[str, int], int]:
    """Create (or reuse, by code) each cluster and add its memberships."""
    existing = {c.code: c for c in session.scalars(select(Cluster))}
    ids: dict[str, int] = {}
    for spec in specs:
        cluster = existing.get(spec.code)
        if cluster is None:
            ward = unit_by_code(session, spec.ward_code) if spec.ward_code else None
            cluster = Cluster(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                ward_id=ward.id if ward else None,
                started_on=spec.started_on,
                description=spec.description,
            )
            session.add(cluster)
            session.flush()
        ids[spec.code] = cluster.id
    members = [
        ClusterCase(cluster_id=ids[s.code], case_id=case_ids[n]) for s in specs for n in s.members
    ]
    session.add_all(members)
    session.flush()
    return ids, len(members)


def _source_row(token: str, case_id: int, case_ids: dict[int, int], clusters: dict[str, int],
                labels: dict[str, str]) -> SourceRow:  # fmt: skip
    if token.isdigit():
        return SourceRow(case_id, SourceKind.case, source_case_id=case_ids[int(token)])
    if token in clusters:
        return SourceRow(case_id, SourceKind.cluster, cluster_id=clusters[token])
    if token == vd.COMMUNITY_CODE:
        return SourceRow(case_id, SourceKind.unknown, note=labels.get(token))
    country = None if token == vd.IMPORT_CODE else token
    return SourceRow(case_id, SourceKind.country, country_code=country, note=labels.get(token))


def _setting(src: Patient, dst: Patient, cluster_of: dict[int, set[str]]) -> Setting:
    """transport when both were on one flight; hospital when both carry a hospital code;
    venue when both are in the Buddha Bar cluster; other otherwise (no household data)."""
    if set(src.flights) & set(dst.flights) - vd.NOT_A_FLIGHT:
        return Setting.transport
    if set(src.sources) & set(dst.sources) & vd.CLUSTER_CODES:
        return Setting.hospital
    if {"BUDDHA-BAR"} <= cluster_of.get(src.number, set()) & cluster_of.get(dst.number, set()):
        return Setting.venue
    return Setting.other


def contact_dates(src: Patient, dst: Patient) -> tuple[dt.date, dt.date]:
    """Assumed contact: from 14 days before the infected patient's confirmation until the
    earlier of the two confirmations (both were isolated then); at least one day."""
    last = min(src.positive_on, dst.positive_on)
    first = min(dst.positive_on - dt.timedelta(days=CONTACT_DAYS), last)
    return first, last


def _exposure_rows(
    patients: list[Patient], person_ids: dict[int, int], specs: list[ClusterSpec]
) -> list[ExposureRow]:
    by_number = {p.number: p for p in patients}
    cluster_of: dict[int, set[str]] = {}
    for spec in specs:
        for n in spec.members:
            cluster_of.setdefault(n, set()).add(spec.code)
    rows = []
    for dst in patients:
        for n in dst.source_cases:
            src = by_number[n]
            first, last = contact_dates(src, dst)
            rows.append(
                ExposureRow(
                    person_id=person_ids[src.number],
                    contact_id=person_ids[dst.number],
                    first_on=first,
                    last_on=last,
                    setting=_setting(src, dst, cluster_of),
                    closeness=Closeness.close,
                    note=f"{src.code} → {dst.code} (demo: contact dates assumed)",
                )
            )
    return rows


def load_vietnam_2020(session: Session, directory: Path = vd.DATA) -> VietnamLoad:
    """Load the first wave into the registry; publishes ``RegistryLoaded`` when it wrote."""
    city_loaded = _ensure_city(session)
    patients = vd.read_patients(directory)
    if _already_loaded(session, [p.code for p in patients]):
        return VietnamLoad(skipped=True, geography_loaded=city_loaded)
    by_number = {p.number: p for p in patients}
    person_list = insert_people(session, [_person_row(p) for p in patients])
    person_ids = dict(zip(by_number, person_list, strict=True))
    case_list = insert_cases(
        session,
        [_case_row(p, person_ids[p.number], by_number) for p in patients],
        changed_by=CAUSE,
        reason=REASON,
    )
    case_ids = dict(zip(by_number, case_list, strict=True))
    specs = vd.named_clusters(patients) + vd.flight_clusters(patients, vd.read_flights(directory))
    clusters, memberships = _clusters(session, specs, case_ids)
    labels = vd.read_source_labels(directory)
    sources = [
        _source_row(token, case_ids[p.number], case_ids, clusters, labels)
        for p in patients
        for token in p.sources
    ]
    insert_sources(session, sources)
    exposure_ids = insert_exposures(session, _exposure_rows(patients, person_ids, specs))
    publish(
        session,
        RegistryLoaded(cause=CAUSE, case_ids=tuple(case_list), exposure_ids=tuple(exposure_ids)),
    )
    return VietnamLoad(
        skipped=False,
        geography_loaded=city_loaded,
        people=len(person_list),
        cases=len(case_list),
        clusters=len(specs),
        memberships=memberships,
        sources=len(sources),
        case_links=sum(1 for s in sources if s.kind is SourceKind.case),
        exposures=len(exposure_ids),
    )
