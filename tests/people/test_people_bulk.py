"""Bulk-inserted people get the same name tokens on every database (PostgreSQL splits the
names itself), and as many ids as rows, in order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.text import fold
from cordon.people.bulk import PersonRow, insert_people, name_tokens
from cordon.people.models import Person, PersonNameToken

NAMES = (
    "Nguyễn Văn An",
    "  Đặng   Thị\tÁnh  ",
    "A B C D E F G H I J K L M N",  # more words than are kept
    "Lê " + "x" * 70,  # a word longer than a token
    "Ông",
)


def test_name_tokens_are_the_words_of_the_folded_name(session: Session) -> None:
    ids = insert_people(session, [PersonRow(full_name=n) for n in NAMES])
    assert ids == list(range(ids[0], ids[0] + len(NAMES)))
    stored = session.execute(
        select(PersonNameToken.person_id, PersonNameToken.position, PersonNameToken.token)
    ).all()
    expected = [
        (pid, position, token)
        for pid, name in zip(ids, NAMES, strict=True)
        for position, token in enumerate(name_tokens(fold(name)))
    ]
    assert sorted(stored) == expected
    folded = session.scalars(select(Person.name_folded).order_by(Person.id)).all()
    assert folded == [fold(n) for n in NAMES]


def test_no_people_no_tokens(session: Session) -> None:
    assert insert_people(session, []) == []
    assert session.scalars(select(PersonNameToken)).all() == []
