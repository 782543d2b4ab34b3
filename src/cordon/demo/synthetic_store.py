"""Writing a generated city: bulk inserts in chunks (COPY on PostgreSQL, the driver's
executemany on SQLite — see ``fastload``), ids kept as arrays.

Rows are built from numpy slices chunk by chunk, so memory stays flat at any size. People are
written with the columns and name tokens of ``people.bulk`` (the same rows ``insert_people``
writes), in text form; the few cases, sources and clusters go through ``cases.bulk`` and the ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy.orm import Session

from cordon.cases.bulk import CaseRow, SourceRow, insert_cases, insert_sources
from cordon.cases.enums import SourceKind
from cordon.clusters.enums import ClusterKind
from cordon.clusters.models import Cluster, ClusterCase
from cordon.core.bulk import next_ids
from cordon.core.text import fold
from cordon.demo import fastload
from cordon.demo import outbreak as ob
from cordon.demo.contacts import PERIOD_START, SETTINGS, Contacts
from cordon.demo.population import Ints, Population
from cordon.exposures.bulk import COLUMNS as EXPOSURE_COLUMNS
from cordon.exposures.enums import Closeness
from cordon.exposures.models import Exposure
from cordon.people.bulk import PERSON_COLUMNS, name_tokens
from cordon.people.models import Household, Person, PersonNameToken

if TYPE_CHECKING:
    from cordon.demo.synthetic import City

MARKER = "(synthetic)"  # ends every generated household address
CHUNK = 500_000
PEOPLE_CHUNK = 100_000
BIG_LOAD = 1_000_000  # rows above which a table's indexes are rebuilt after the load
CAUSE = "demo synthetic"
DAYS = [PERIOD_START + dt.timedelta(days=i) for i in range(400)]
DAY_TEXT = fastload.day_texts(PERIOD_START, 400)


def _chunks(n: int, size: int) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def insert_households(session: Session, pop: Population, ward_names: list[str]) -> Ints:
    n = len(pop.household_size)
    ids = next_ids(session, Household, n)
    now = fastload.stamp(session)
    house = (1 + (np.arange(n) * 7919) % 199).tolist()
    lane = (1 + (np.arange(n) * 104_729) % 149).tolist()
    wards = pop.household_ward.tolist()
    ward_ids = pop.ward_ids.tolist()
    fastload.write(
        session,
        Household,
        ("id", "ward_id", "address", "created_at", "updated_at"),
        (
            (hid, ward_ids[w], f"Số {h}, ngõ {ln}, {ward_names[w]} {MARKER}", now, now)
            for hid, w, h, ln in zip(ids, wards, house, lane, strict=True)
        ),
    )
    return np.arange(ids.start, ids.stop, dtype=np.int64)


@lru_cache(maxsize=200_000)
def _fold(name: str) -> str:
    return fold(name)


def _person_tuples(
    pop: Population, household_ids: Ints, ids: range, part: slice, now: str
) -> Iterator[tuple[Any, ...]]:
    births = fastload.dates_text(pop.birth_day[part])
    return (
        (
            pid,
            name,
            _fold(name),
            "female" if female else "male",
            birth,
            int(birth[:4]),
            f"+84{phone}" if phone else None,
            f"{nid:012d}" if nid >= 0 else None,
            "VN",
            None,
            None,
            ward,
            hh,
            1,
            now,
            now,
        )
        for pid, name, female, birth, phone, nid, ward, hh in zip(
            ids,
            pop.full_name[part].tolist(),
            pop.female[part].tolist(),
            births,
            pop.phone[part].tolist(),
            pop.national_id[part].tolist(),
            pop.ward_ids[pop.household_ward[pop.household_of[part]]].tolist(),
            household_ids[pop.household_of[part]].tolist(),
            strict=True,
        )
    )


def insert_population(session: Session, pop: Population, household_ids: Ints) -> Ints:
    """People and their name tokens, chunk by chunk; returns the person ids in order."""
    now = fastload.stamp(session)
    out = np.empty(pop.size, np.int64)
    for part in _chunks(pop.size, PEOPLE_CHUNK):
        ids = next_ids(session, Person, part.stop - part.start)
        rows = _person_tuples(pop, household_ids, ids, part, now)
        fastload.write(session, Person, PERSON_COLUMNS, rows)
        tokens = (
            (pid, pos, tok)
            for pid, name in zip(ids, pop.full_name[part].tolist(), strict=True)
            for pos, tok in enumerate(name_tokens(_fold(name)))
        )
        fastload.write(session, PersonNameToken, ("person_id", "position", "token"), tokens)
        out[part] = np.arange(ids.start, ids.stop, dtype=np.int64)
    return out


def _exposure_tuples(
    c: Contacts, person_ids: Ints, ids: range, part: slice, now: str
) -> Iterator[tuple[Any, ...]]:
    settings = [s.value for s in SETTINGS]
    closeness = (Closeness.casual.value, Closeness.close.value)
    return (
        (eid, a, b, DAY_TEXT[f], DAY_TEXT[la], settings[s], closeness[cl], None, now, now)
        for eid, a, b, f, la, s, cl in zip(
            ids,
            person_ids[c.person[part]].tolist(),
            person_ids[c.contact[part]].tolist(),
            c.first[part].tolist(),
            c.last[part].tolist(),
            c.setting[part].tolist(),
            c.close[part].astype(np.int64).tolist(),
            strict=True,
        )
    )


def insert_contacts(session: Session, contacts: Contacts, person_ids: Ints) -> int:
    """All exposures, in chunks; returns how many."""
    now = fastload.stamp(session)
    with fastload.indexes_dropped(session, Exposure, when=contacts.size >= BIG_LOAD):
        for part in _chunks(contacts.size, CHUNK):
            ids = next_ids(session, Exposure, part.stop - part.start)
            rows = _exposure_tuples(contacts, person_ids, ids, part, now)
            fastload.write(session, Exposure, EXPOSURE_COLUMNS, rows)
    return contacts.size


def _day(offset: int) -> Any:
    return DAYS[offset] if offset >= 0 else None


def _case_rows(o: ob.Outbreak, person_ids: Ints, seed: int) -> list[CaseRow]:
    cols = [
        getattr(o, name).tolist()
        for name in ("onset", "sample", "confirmed", "isolated", "discharged", "died")
    ]
    return [
        CaseRow(
            code=f"SYN{seed}-{i + 1:06d}",
            person_id=pid,
            status=ob.STATUSES[st],
            classification=ob.CLASSES[cl] if cl >= 0 else None,
            asymptomatic=bool(asym) if asym >= 0 else None,
            onset_on=_day(on),
            sample_on=_day(sa),
            confirmed_on=_day(co),
            isolated_on=_day(iso),
            discharged_on=_day(dis),
            died_on=_day(di),
            province="Hà Nội",
        )
        for i, (pid, st, cl, asym, on, sa, co, iso, dis, di) in enumerate(
            zip(
                person_ids[o.person].tolist(),
                o.status.tolist(),
                o.classification.tolist(),
                o.asymptomatic.tolist(),
                *cols,
                strict=True,
            )
        )
    ]


def _source_rows(o: ob.Outbreak, case_ids: Ints) -> list[SourceRow]:
    rows = []
    for row, infector, country, status in zip(
        case_ids.tolist(), o.infector.tolist(), o.country.tolist(), o.status.tolist(), strict=True
    ):
        if infector >= 0:
            rows.append(SourceRow(row, SourceKind.case, source_case_id=int(case_ids[infector])))
        elif country >= 0:
            code = ob.SEED_COUNTRIES[country]
            rows.append(SourceRow(row, SourceKind.country, country_code=code))
        elif status != ob.DISCARDED:
            rows.append(SourceRow(row, SourceKind.unknown, note="seed of a community chain"))
    return rows


def insert_outbreak(session: Session, o: ob.Outbreak, person_ids: Ints, seed: int) -> Ints:
    if not o.size:
        return np.zeros(0, np.int64)
    ids = insert_cases(
        session, _case_rows(o, person_ids, seed), changed_by=CAUSE, reason="generated outbreak"
    )
    case_ids = np.array(ids, np.int64)
    insert_sources(session, _source_rows(o, case_ids))
    return case_ids


_CLUSTER_NAMES = {
    "workplace": (ClusterKind.place, "Công ty TNHH giả lập số {n}"),
    "school": (ClusterKind.place, "Lớp học giả lập số {n}"),
    "household": (ClusterKind.household, "Hộ gia đình giả lập số {n}"),
}


def insert_clusters(session: Session, city: City, case_ids: Ints, seed: int) -> int:
    """The outbreak's biggest workplace, school class and household as clusters (ORM)."""
    o = city.outbreak
    picks = ob.pick_clusters(o, city.population, city.contacts)
    for pick in picks:
        kind, name = _CLUSTER_NAMES[pick.kind]
        first = int(o.person[pick.members[0]])
        home_ward = city.population.ward_ids[
            city.population.household_ward[city.population.household_of[first]]
        ]
        started = int(o.confirmed[pick.members].min())
        cluster = Cluster(
            code=f"SYN{seed}-{pick.kind.upper()}",
            name=name.format(n=first + 1),
            kind=kind,
            ward_id=int(home_ward) if pick.kind != "workplace" else None,
            started_on=DAYS[started] if started >= 0 else None,
            description=f"Synthetic {pick.kind} cluster (seed {seed}).",
        )
        session.add(cluster)
        session.flush()
        session.add_all(
            ClusterCase(cluster_id=cluster.id, case_id=int(case_ids[m])) for m in pick.members
        )
    session.flush()
    return len(picks)
