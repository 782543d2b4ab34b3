"""Bulk insert of people (imports, generated cities): ids reserved up front, name tokens too.

Rows must be validated already (names normalised, phones in E.164): see ``people.service``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from cordon.core.bulk import insert_columns, next_ids
from cordon.core.models import utcnow
from cordon.core.text import fold
from cordon.people.columns import PERSON_FIELDS
from cordon.people.enums import Sex
from cordon.people.models import Person, PersonNameToken

# The table's columns as the bulk insert writes them (and the demo's fast load, in this
# order): the person's fields, the folded name beside the name, and the bookkeeping.
PERSON_COLUMNS = (
    "id",
    "full_name",
    "name_folded",
    *PERSON_FIELDS[1:],
    "version",
    "created_at",
    "updated_at",
)


class PersonRow(NamedTuple):
    """A person to insert: its fields are ``PERSON_FIELDS``, in that order. A tuple, so that
    thousands are made and turned into columns (``zip(*rows)``) quickly."""

    full_name: str
    sex: Sex = Sex.unknown
    date_of_birth: dt.date | None = None
    birth_year: int | None = None
    phone: str | None = None
    national_id: str | None = None
    nationality: str | None = None
    address: str | None = None
    residence: str | None = None
    ward_id: int | None = None
    household_id: int | None = None


TOKEN_LENGTH = 60
TOKENS_PER_NAME = 12


def name_tokens(folded_name: str) -> list[str]:
    return [t[:TOKEN_LENGTH] for t in folded_name.split()][:TOKENS_PER_NAME]


def insert_people(session: Session, rows: Sequence[PersonRow]) -> list[int]:
    """Insert ``rows``; returns their ids in the same order."""
    columns: dict[str, Sequence[Any]] = {
        name: [getattr(r, name) for r in rows] for name in PERSON_FIELDS
    }
    columns["sex"] = [r.sex.value for r in rows]
    columns["birth_year"] = [
        r.birth_year if r.birth_year is not None else (b.year if b else None)
        for r, b in zip(rows, columns["date_of_birth"], strict=True)
    ]
    return list(insert_people_columns(session, columns, fold_names(columns["full_name"])))


def insert_people_columns(
    session: Session, columns: Mapping[str, Sequence[Any]], folded: Sequence[str]
) -> range:
    """Insert people given column by column (``PERSON_COLUMNS`` names; absent ones are NULL),
    with their names already folded (``fold_names``); returns their ids in order."""
    n = len(folded)
    ids = next_ids(session, Person, n)
    now = utcnow()
    nulls = [None] * n
    given = {**columns, "id": ids, "name_folded": folded, "version": [1] * n}
    given["created_at"] = given["updated_at"] = [now] * n
    insert_columns(session, Person, PERSON_COLUMNS, [given.get(c, nulls) for c in PERSON_COLUMNS])
    _insert_name_tokens(session, ids, folded)
    return ids


# The same words as ``name_tokens`` (a folded name has single spaces and no edge spaces).
_TOKENS_OF_PEOPLE = text(
    f"""
    INSERT INTO {PersonNameToken.__tablename__} (person_id, position, token)
    SELECT p.id, w.position - 1, left(w.token, {TOKEN_LENGTH})
    FROM {Person.__tablename__} p,
         unnest(string_to_array(p.name_folded, ' ')) WITH ORDINALITY AS w(token, position)
    WHERE p.id BETWEEN :first AND :last AND w.position <= {TOKENS_PER_NAME}
    """
)


def _insert_name_tokens(session: Session, ids: range, folded: Sequence[str]) -> None:
    """The name tokens of the people ``ids`` just inserted. On PostgreSQL the server splits
    the names it has just stored (one INSERT … SELECT instead of copying three rows a
    person); on SQLite they are split here."""
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_TOKENS_OF_PEOPLE, {"first": ids[0], "last": ids[-1]})
        return
    owners: list[int] = []
    positions: list[int] = []
    tokens: list[str] = []
    for pid, name in zip(ids, folded, strict=True):
        words = name_tokens(name)
        owners += [pid] * len(words)
        positions += range(len(words))
        tokens += words
    insert_columns(
        session, PersonNameToken, ("person_id", "position", "token"), (owners, positions, tokens)
    )


_SPACES = re.compile(r"[^\S\n]+")
_EDGES = re.compile(r" ?\n ?")


def fold_names(names: Sequence[str]) -> list[str]:
    """``[fold(n) for n in names]``, done on all the names at once (one normalisation of one
    long text instead of a Python loop over every character of every name)."""
    joined = "\n".join(names)
    if joined.count("\n") != max(len(names) - 1, 0):  # a name holds a newline
        return [fold(n) for n in names]
    decomposed = unicodedata.normalize("NFD", joined.replace("đ", "d").replace("Đ", "D"))
    marks = [ch for ch in set(decomposed) if unicodedata.category(ch) == "Mn"]
    if marks:
        decomposed = decomposed.translate(dict.fromkeys(map(ord, marks)))
    spaced = _EDGES.sub("\n", _SPACES.sub(" ", decomposed)).strip(" ")
    folded = spaced.lower().split("\n")
    if len(folded) != len(names):  # lower-casing cannot add newlines; stay safe anyway
        return [fold(n) for n in names]
    return folded
