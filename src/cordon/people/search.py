"""Finding people by name (with or without diacritics), phone or national ID, fast at millions.

A name query is folded ('Nguyễn Văn An' → 'nguyen van an') and split into words; a person
matches when every word is the start of one of the words of their name, in any order. Each
word is a range on the ``person_name_tokens (token, person_id)`` index — ``token >= w AND
token < w || U+FFFF`` — never ``LIKE '%w%'``. The rarest word (its matches counted up to
``CANDIDATE_BOUND``) drives the query; the other words are checked per candidate.

- **Narrow query** (the rarest word has fewer than ``CANDIDATE_BOUND`` people): all
  matches are ranked — exact full-name matches first, then by name — and counted exactly.
- **Broad query** (every word is common: 'nguyen van an', 'hoa'): ranking every match would
  touch tens of thousands of rows, so it lists first the names that *start with the query as
  typed* (a range of the ``name_folded`` index: exact name first, then by name), then other
  matches found among the first ``SCAN_BOUND`` index entries of the rarest word (by id).
  ``total_exact`` is False: the total is a lower bound, and the user should add a word.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, case, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from cordon.core.errors import InvalidInput
from cordon.core.pagination import count_of, page_size
from cordon.core.phones import normalize_phone
from cordon.core.scope import CITY, Scope
from cordon.core.text import fold
from cordon.people.bulk import name_tokens
from cordon.people.models import Person, PersonNameToken

CANDIDATE_BOUND = 1_500  # a word matching fewer people than this makes a narrow query
TOTAL_BOUND = 1_000  # a broad query counts the names typed in order up to this
SCAN_BOUND = 500  # and looks for other matches among this many entries of its rarest word
TOP = "\uffff"  # sorts after every character a folded name holds
# Family and middle names shared by millions: the worst words to start a search from.
_COMMON = (
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh trinh dao "
    "van thi duc minh ngoc thanh huu quang cong xuan thu kim hong phuong mai"
)
COMMON_WORDS = frozenset(_COMMON.split())
_OTHER = aliased(PersonNameToken, name="other_word")
_DRIVER = aliased(PersonNameToken, name="driver_word")


class SearchResult(NamedTuple):
    rows: list[Person]
    total: int
    total_exact: bool  # False: there are at least ``total`` matches


def _word_range(token: Any, word: str) -> ColumnElement[bool]:
    return (token >= word) & (token < word + TOP)  # type: ignore[no-any-return]


def _has_word(word: str) -> ColumnElement[bool]:
    return exists().where(_OTHER.person_id == Person.id, _word_range(_OTHER.token, word))


def _bounded_counts(session: Session, words: list[str]) -> dict[str, int]:
    """How many people have each word, counted up to CANDIDATE_BOUND, in one round trip."""
    counts = [
        select(func.count())
        .select_from(
            select(literal(1))
            .where(_word_range(PersonNameToken.token, w))
            .order_by(PersonNameToken.token)  # an index scan that stops at the bound
            .limit(CANDIDATE_BOUND)
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


def _page(session: Session, ordered: Select[Person], limit: int, offset: int) -> list[Person]:
    return list(session.scalars(ordered.limit(limit).offset(offset)))


def _page_and_total(
    session: Session, ordered: Select[Person], limit: int, offset: int
) -> tuple[list[Person], int]:
    """One pass for the page and the number of rows of the whole query (a window count)."""
    counted = ordered.add_columns(func.count().over()).limit(limit).offset(offset)
    found = session.execute(counted).all()
    if not found:
        return [], _count(session, ordered.order_by(None), None)
    return [row[0] for row in found], int(found[0][1])


def _count(session: Session, query: Select[Person], bound: int | None) -> int:
    return count_of(session, query.with_only_columns(Person.id), cap=bound)


def _driver(words: list[str], counts: dict[str, int]) -> str:
    """The rarest word; among words too common to count, the last that is not a common
    family or middle name (the given name, in Vietnamese order)."""
    rarest = min(words, key=lambda w: counts[w])
    if counts[rarest] < CANDIDATE_BOUND:
        return rarest
    uncommon = [w for w in words if w not in COMMON_WORDS]
    return (uncommon or words)[-1]


def search_people(
    session: Session,
    *,
    q: str | None = None,
    phone: str | None = None,
    national_id: str | None = None,
    ward_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    scope: Scope = CITY,
) -> SearchResult:
    """People matching all the criteria given (not merged away), exact name matches first,
    among those ``scope`` sees; at most ``page_size_max`` of them."""
    limit = page_size(limit)
    where = _filters(phone, national_id, ward_id)
    if not scope.whole_city:
        # The name finds the candidates; the jurisdiction only filters them. ``+ 0`` keeps
        # the planner off the ward index, which SQLite otherwise walks whole (1,700 people
        # of a ward read for a two-word name: 5 ms instead of 0.3).
        where.append(scope.where(Person.ward_id + 0, Person.id))
    words = list(dict.fromkeys(name_tokens(fold(q)))) if q else []
    if not words:
        query = select(Person).where(*where)
        rows = _page(session, query.order_by(Person.name_folded, Person.id), limit, offset)
        return SearchResult(rows, _count(session, query, None), True)
    counts = _bounded_counts(session, words)
    driver = _driver(words, counts)
    others = [_has_word(w) for w in words if w != driver]
    exact_name = " ".join(name_tokens(fold(q or "")))
    if counts[driver] < CANDIDATE_BOUND:
        return _narrow(session, driver, [*where, *others], exact_name, limit, offset)
    return _broad(session, driver, where, others, exact_name, limit, offset)


def _narrow(
    session: Session,
    driver: str,
    where: list[ColumnElement[bool]],
    exact_name: str,
    limit: int,
    offset: int,
) -> SearchResult:
    """Few candidates: rank them all (exact full name first, then by name), count exactly."""
    ids = select(PersonNameToken.person_id).where(_word_range(PersonNameToken.token, driver))
    query = select(Person).where(Person.id.in_(ids), *where)
    first = case((Person.name_folded == exact_name, 0), else_=1)
    ordered = query.order_by(first, Person.name_folded, Person.id)
    return SearchResult(*_page_and_total(session, ordered, limit, offset), True)


def _broad(
    session: Session,
    driver: str,
    where: list[ColumnElement[bool]],
    others: list[ColumnElement[bool]],
    exact_name: str,
    limit: int,
    offset: int,
) -> SearchResult:
    """Many candidates: first the names that start with the query as typed (name index, in
    name order, exact first), then others found among the driver word's first SCAN_BOUND
    index entries. Only a lower bound of the total is known."""
    in_order = Person.name_folded.between(exact_name, exact_name + TOP)
    typed = select(Person).where(in_order, *where)
    entries = (
        select(_DRIVER.person_id)
        .where(_word_range(_DRIVER.token, driver))
        .order_by(_DRIVER.token, _DRIVER.person_id)
        .limit(SCAN_BOUND)
        .subquery()
    )
    scanned = select(entries.c.person_id).distinct().subquery()
    found = (
        select(Person)
        .join(scanned, scanned.c.person_id == Person.id)
        .where(~in_order, *where, *others)
    )
    n_typed = _count(session, typed, TOTAL_BOUND)
    rows = _page(session, typed.order_by(Person.name_folded, Person.id), limit, offset)
    more, n_others = _page_and_total(
        session, found.order_by(Person.id), limit - len(rows), max(0, offset - n_typed)
    )
    return SearchResult(rows + more, n_typed + n_others, False)
