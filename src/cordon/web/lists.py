"""What every filtered list page does alike (the cases, the contacts to follow up): the
links that sort its columns, and the page of rows its form asks for (``filters.ListPage``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query

from cordon.web.filters import MAX_PAGE, Filters, ListPage

# The page of a paged list that a page's address asks for (``?page=``), from 1.
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def sort_links(
    form: Filters, sort: StrEnum, path: str, columns: Iterable[str]
) -> dict[str, dict[str, str]]:
    """Each sortable column: the link that sorts by it (again: the other way) and its
    ``aria-sort``. ``sort`` is the order in force; its kind names each order ``column``
    (ascending) and ``-column`` (descending)."""
    kind = type(sort)
    out = {}
    for column in columns:
        up, down = kind(column), kind(f"-{column}")
        state = "ascending" if sort is up else "descending" if sort is down else "none"
        target = down if sort is up else up
        out[column] = {"href": f"{path}?" + form.query(sort=target.value), "state": state}
    return out


def page_of(
    form: Filters,
    page: ListPage,
    lister: Callable[..., tuple[list[Any], int]],
    *args: Any,
    **kwargs: Any,
) -> dict[str, Any]:
    """The template's context for the page of rows ``lister(*args, **kwargs)`` finds, read
    in the window ``page`` asks for; no rows while the form has errors."""
    rows: list[Any] = []
    total = 0
    if not form.errors:
        rows, total = lister(*args, limit=page.limit, offset=page.offset, cap=page.cap, **kwargs)
    return page.context(rows, total)
