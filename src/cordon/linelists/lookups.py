"""What an import needs to know from the database, fetched in a few batched queries."""

from __future__ import annotations

import json
from collections.abc import Collection, Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, String, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case
from cordon.clusters.models import Cluster
from cordon.core.config import get_settings
from cordon.core.errors import N_, BadValue
from cordon.core.sql import member_of
from cordon.core.text import fold
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.people.models import Person

CHUNK = 100_000
T = TypeVar("T")


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    listed = list(values)
    for start in range(0, len(listed), size):
        yield listed[start : start + size]


def among(session: Session, column: Any, values: Collection[str]) -> ColumnElement[bool]:
    """``column IN values`` with the values as ONE bound parameter (an array on PostgreSQL,
    a JSON array read by ``json_each`` on SQLite): compiling thousands of parameters costs
    more than the query."""
    listed = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return cast(ColumnElement[bool], column == any_(bindparam("v", listed, ARRAY(String))))
    members: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam("v", json.dumps(listed)))
    )
    return cast(ColumnElement[bool], column.in_(members.scalar_subquery()))


@dataclass(frozen=True)
class Known:
    """A person already registered: enough to tell whether a row is the same person."""

    id: int
    name_folded: str
    birth_year: int | None


# People merged into another are left out here, not in the query: with the condition in SQL,
# SQLite reads every unmerged person (its index on merged_into_id) instead of probing the
# national ID or phone asked — once per chunk of an import.
_PEOPLE = (Person.id, Person.name_folded, Person.birth_year, Person.merged_into_id)


def people_by_national_id(session: Session, ids: Iterable[str]) -> dict[str, Known]:
    found: dict[str, Known] = {}
    for batch in chunks(set(ids)):
        query = select(Person.national_id, *_PEOPLE)
        for nid, pid, name, year, merged in session.execute(
            query.where(among(session, Person.national_id, batch))
        ):
            if nid is not None and merged is None:
                found[nid] = Known(pid, name, year)
    return found


def people_by_phone(session: Session, phones: Iterable[str]) -> dict[str, list[Known]]:
    found: dict[str, list[Known]] = {}
    for batch in chunks(set(phones)):
        query = select(Person.phone, *_PEOPLE)
        for phone, pid, name, year, merged in session.execute(
            query.where(among(session, Person.phone, batch))
        ):
            if phone is not None and merged is None:
                found.setdefault(phone, []).append(Known(pid, name, year))
    return found


def cases_by_code(session: Session, codes: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Case code → (case id, person id) for the codes already registered."""
    found: dict[str, tuple[int, int]] = {}
    for batch in chunks(set(codes)):
        query = select(Case.code, Case.id, Case.person_id).where(among(session, Case.code, batch))
        for code, cid, pid in session.execute(query):
            found[code] = (cid, pid)
    return found


def open_cases_of(
    session: Session, person_ids: Iterable[int], *, skip: Container[int] = ()
) -> dict[int, str]:
    """Person id → code of a case of theirs that was not discarded (nor among ``skip``)."""
    found: dict[int, str] = {}
    for batch in chunks(set(person_ids)):
        query = select(Case.person_id, Case.code, Case.id).where(
            member_of(session.get_bind().dialect.name, Case.person_id, batch),
            Case.status != CaseStatus.discarded,
        )
        for pid, code, cid in session.execute(query):
            if cid not in skip:
                found[pid] = code
    return found


def clusters_by_code(session: Session, codes: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in chunks(set(codes)):
        for code, cid in session.execute(
            select(Cluster.code, Cluster.id).where(among(session, Cluster.code, batch))
        ):
            found[code] = cid
    return found


def province_key(name: str) -> str:
    """A province's name as compared: folded, without "thành phố", "TP." or "tỉnh"."""
    folded = fold(name).replace(".", " ")
    for word in ("thanh pho ", "tp ", "tinh "):
        folded = folded.removeprefix(word)
    return " ".join(folded.split())


@dataclass(frozen=True)
class KnownCluster:
    id: int
    code: str
    name: str


def all_clusters(session: Session) -> list[KnownCluster]:
    """Every cluster: few enough (one per outbreak site) to match names in memory."""
    rows = session.execute(select(Cluster.id, Cluster.code, Cluster.name))
    return [KnownCluster(i, c, n) for i, c, n in rows]


@dataclass
class Wards:
    """The city's wards by code and by folded name (with their district's folded name)."""

    by_code: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    city: str = ""  # the city's name, folded, without "thanh pho" / "tinh"

    @classmethod
    def load(cls, session: Session) -> Wards:
        units = session.execute(
            select(
                AdminUnit.id, AdminUnit.code, AdminUnit.name, AdminUnit.level, AdminUnit.parent_id
            )
        ).all()
        district_names = {u.id: fold(u.name) for u in units if u.level == UnitLevel.district}
        wards = cls()
        city_code = get_settings().city_code
        wards.city = next((province_key(u.name) for u in units if u.code == city_code), "")
        for u in units:
            if u.level == UnitLevel.ward:
                wards.by_code[u.code] = u.id
                entry = (u.id, district_names.get(u.parent_id or 0, ""))
                wards.by_name.setdefault(fold(u.name), []).append(entry)
        return wards

    def find(self, code: str | None, name: str | None, district: str | None) -> int | None:
        """The ward's id; ``BadValue`` when it is unknown or ambiguous."""
        if code:
            try:
                return self.by_code[code]
            except KeyError:
                raise BadValue(N_("no ward has the code '%(code)s'"), code=code[:16]) from None
        if not name:
            return None
        matches = self.by_name.get(fold(name), [])
        if district:
            want = fold(district)
            matches = [m for m in matches if m[1] == want]
        if len(matches) == 1:
            return matches[0][0]
        if not matches:
            if district:
                raise BadValue(
                    N_("no ward is named '%(name)s' in district '%(district)s'"),
                    name=name[:60],
                    district=district[:40],
                )
            raise BadValue(N_("no ward is named '%(name)s'"), name=name[:60])
        raise BadValue(
            N_("several wards are named '%(name)s': add the district name"), name=name[:60]
        )
