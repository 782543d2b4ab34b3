"""Pages of a list: every list endpoint takes ``limit``/``offset`` and answers a ``Page``;
every list query is counted and paged by ``paged``. No page is longer than the setting
``page_size_max``."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cordon.core.bounds import Offset
from cordon.core.config import get_settings
from cordon.core.errors import FieldProblem, InvalidInput

T = TypeVar("T")


def page_size_max() -> int:
    return get_settings().page_size_max


def checked_limit(limit: int, field: str = "limit") -> int:
    """``limit`` when it is a page size this installation serves, else a 422 naming ``field``
    (the API's words: no page of the web app asks for more than it serves)."""
    largest = page_size_max()
    if not 1 <= limit <= largest:
        problem = FieldProblem(field, f"must be from 1 to {largest} rows a page")
        raise InvalidInput(detail=f"{field}: {problem.message}", problems=[problem])
    return limit


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0

    def answer(self, items: list[T], total: int) -> Page[T]:
        """The page asked for: ``items``, of ``total`` rows in all."""
        return Page(items=items, total=total, limit=self.limit, offset=self.offset)


def page_params(
    limit: Annotated[
        int, Query(ge=1, description="Rows per page (at most the setting page_size_max).")
    ] = 50,
    offset: Annotated[Offset, Query(description="Rows to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=checked_limit(limit), offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def page_size(limit: int) -> int:
    """``limit``, held to ``page_size_max``: for a list query that ``paged`` does not fit."""
    return min(limit, page_size_max())


def count_of(session: Session, query: Select[Any], *, cap: int | None = None) -> int:
    """How many rows ``query`` has (counted up to ``cap`` when given: a long list says
    "10,000 or more" rather than counting every row on every visit)."""
    counted = query.limit(cap) if cap is not None else query
    return int(session.scalar(select(func.count()).select_from(counted.subquery())) or 0)


def paged(
    session: Session,
    query: Select[T],
    *order: Any,
    limit: int,
    offset: int = 0,
    cap: int | None = None,
) -> tuple[list[T], int]:
    """One page of ``query`` in ``order`` — at most ``page_size_max`` rows, whatever the
    caller asks — and how many rows the query has in all (``count_of``)."""
    total = count_of(session, query, cap=cap)
    page = query.order_by(*order).limit(page_size(limit)).offset(offset)
    return list(session.scalars(page)), total
