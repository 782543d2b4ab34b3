"""SQL helpers that work the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger

T = TypeVar("T")


def member_of(dialect: str, column: Any, ids: Collection[int]) -> ColumnElement[bool]:
    """``column IN ids`` with the whole set as ONE bound parameter, so the statement is
    compiled once and cached however many ids there are (a JSON array read by
    ``json_each`` on SQLite, an array with ``= ANY`` on PostgreSQL)."""
    values = [int(i) for i in ids]
    if dialect == "postgresql":
        array = bindparam("ids", values, type_=ARRAY(BigInteger), unique=True)
        return cast(ColumnElement[bool], column == any_(array))
    members: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam("ids", json.dumps(values), unique=True))
    )
    return cast(ColumnElement[bool], column.in_(members.scalar_subquery()))


def where_given(query: Select[T], *equal: tuple[Any, object]) -> Select[T]:
    """``query`` kept to the rows whose ``column == value``, for each (column, value) pair
    whose value is given (not None): the optional filters of a list."""
    for column, value in equal:
        if value is not None:
            query = query.where(column == value)
    return query
