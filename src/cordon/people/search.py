"""Finding people by name (with or without diacritics), phone or national ID, fast at millions.

A name query is folded ('Nguyễn Văn An' → 'nguyen van an') and split into words; a person
matches when every word is the start of one of the words of their name. Each word is a range
on the ``person_name_tokens (token, person_id)`` index — ``token >= w AND token < w || U+FFFF``
— never ``LIKE '%w%'``. The rarest word (counted up to a bound) drives the query; the others
are checked per candidate. When every word is very common ('nguyen', 'van') the people are
walked in name order instead and the total is counted up to a bound.

Results: exact full-name matches first, then by folded name, then id.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, case, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from cordon.core.errors import InvalidInput
from cordon.core.text import fold
from cordon.people.bulk import name_tokens
from cordon.people.models import Person, PersonNameToken
from cordon.people.phones import normalize_phone

DRIVER_BOUND = 20_000  # a word matching fewer people than this drives the query
TOTAL_BOUND = 1_000  # when none does, the total is counted up to this
TOP = "\uffff"  # sorts after every character a folded name holds
_OTHER = aliased(PersonNameToken, name="other_word")


class SearchResult(NamedTuple):
    rows: list[Person]
    total: int
    total_exact: bool  # False: there are at least ``total`` matches


def _word_range(token: Any, word: str) -> ColumnElement[bool]:
    return (token >= word) & (token < word + TOP)  # type: ignore[no-any-return]


def _has_word(word: str) -> ColumnElement[bool]:
    return exists().where(_OTHER.person_id == Person.id, _word_range(_OTHER.token, word))


def _bounded_counts(session: Session, words: list[str]) -> dict[str, int]:
    """How many people have each word, counted up to DRIVER_BOUND, in one round trip."""
    counts = [
        select(func.count())
        .select_from(
            select(literal(1))
            .where(_word_range(PersonNameToken.token, w))
            .limit(DRIVER_BOUND)
            .subquery()
        )
        .scalar_subquery()
        for w in words
    ]
    row = session.execute(select(*counts)).one()
    return dict(zip(words, (int(c) for c in row), strict=True))


def _filters(
    phone: str | None, national_id: str | None, ward_id: int | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Person.merged_into_id.is_(None)]
    if phone:
        try:
            where.append(Person.phone == normalize_phone(phone))
        except ValueError as exc:
            raise InvalidInput.on("phone", str(exc)) from None
    if national_id:
        where.append(Person.national_id == national_id.replace(" ", "").upper())
    if ward_id is not None:
        where.append(Person.ward_id == ward_id)
    return where


def _page(session: Session, query: Select[Person], limit: int, offset: int) -> list[Person]:
    ordered = query.order_by(Person.name_folded, Person.id).limit(limit).offset(offset)
    return list(session.scalars(ordered))


def _count(session: Session, query: Select[Person], bound: int | None) -> int:
    inner = query.with_only_columns(Person.id)
    if bound is not None:
        inner = inner.limit(bound)
    return session.scalar(select(func.count()).select_from(inner.subquery())) or 0


def _name_query(
    session: Session, words: list[str], where: list[ColumnElement[bool]]
) -> tuple[Select[Person], bool]:
    """People whose name has every word (as a prefix); True when driven by a rare word."""
    counts = _bounded_counts(session, list(dict.fromkeys(words)))
    driver = min(reversed(words), key=lambda w: (counts[w], -len(w)))
    if counts[driver] >= DRIVER_BOUND:
        return select(Person).where(*where, *(_has_word(w) for w in words)), False
    ids = select(PersonNameToken.person_id).where(_word_range(PersonNameToken.token, driver))
    others = [_has_word(w) for w in dict.fromkeys(words) if w != driver]
    return select(Person).where(Person.id.in_(ids), *where, *others), True


def search_people(
    session: Session,
    *,
    q: str | None = None,
    phone: str | None = None,
    national_id: str | None = None,
    ward_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> SearchResult:
    """People matching all the criteria given (not merged away), exact name matches first."""
    where = _filters(phone, national_id, ward_id)
    words = name_tokens(fold(q)) if q else []
    if not words:
        query = select(Person).where(*where)
        return SearchResult(
            _page(session, query, limit, offset), _count(session, query, None), True
        )
    query, selective = _name_query(session, words, where)
    exact_name = " ".join(words)
    if selective:  # few candidates: one sort, exact full-name matches first
        first = case((Person.name_folded == exact_name, 0), else_=1)
        ordered = query.order_by(first, Person.name_folded, Person.id)
        rows = list(session.scalars(ordered.limit(limit).offset(offset)))
        return SearchResult(rows, _count(session, query, None), True)
    return _walk_names(session, query, exact_name, limit, offset)


def _walk_names(
    session: Session, query: Select[Person], exact_name: str, limit: int, offset: int
) -> SearchResult:
    """Every word is common: exact matches first, then walk the name index in order."""
    exact = query.where(Person.name_folded == exact_name)
    rest = query.where(Person.name_folded != exact_name)
    n_exact = _count(session, exact, None)
    rows = _page(session, exact, limit, offset) if offset < n_exact else []
    if len(rows) < limit:
        rows += _page(session, rest, limit - len(rows), max(0, offset - n_exact))
    total = _count(session, query, TOTAL_BOUND)
    return SearchResult(rows, total, total < TOTAL_BOUND)
