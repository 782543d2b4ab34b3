"""The filters of a list page, read from its GET form: an empty field filters nothing (a
browser sends every field of the form, filled or not), a value that cannot be read is a
message on its field in the user's language, never an error page. The values read go back
into the form, the sort links, the pager and the export links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import Query
from starlette.datastructures import QueryParams

from cordon.core.bounds import MAX_INT
from cordon.web.i18n import Texts

E = TypeVar("E", bound=Enum)
LONGEST = 40  # no filter's value is longer: a longer one is refused, not read
PER_PAGE = 50
COUNTED = 10_000  # counted up to this many ("10,000+"): the count of a city stays quick
MAX_PAGE = 100_000


class Filters:
    """``choice``, ``date`` and ``number`` each read one field; ``errors`` holds what could
    not be read, by field; ``query`` writes the filled fields back as a query string."""

    def __init__(self, params: QueryParams, t: Texts) -> None:
        self.params = params
        self.t = t
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}

    def _text(self, name: str) -> str:
        value = self.params.get(name, "").strip()
        if len(value) > LONGEST:
            self.errors[name] = self.t.gettext("This value is too long.")
            return ""
        return value

    def choice(self, name: str, kind: type[E]) -> E | None:
        value = self._text(name)
        if not value:
            return None
        try:
            chosen = kind(value)
        except ValueError:
            self.errors[name] = self.t.gettext("Choose one of the values offered.")
            return None
        self.values[name] = value
        return chosen

    def date(self, name: str) -> dt.date | None:
        value = self._text(name)
        if not value:
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.errors[name] = self.t.gettext("Enter a date as YYYY-MM-DD.")
            return None
        self.values[name] = value
        return day

    def number(self, name: str, low: int = 1, high: int = MAX_INT) -> int | None:
        value = self._text(name)
        if not value:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            self.errors[name] = self.t.gettext("Choose one of the values offered.")
            return None
        self.values[name] = value
        return int(value)

    def dates_in_order(self, first: str, last: str) -> None:
        if first in self.values and last in self.values and self.values[first] > self.values[last]:
            self.errors[last] = self.t.gettext("The end is before the start.")

    def query(self, **changes: str | int | None) -> str:
        """The filled fields and ``changes`` (None removes one) as a query string."""
        merged: dict[str, str | int | None] = {**self.values, **changes}
        return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


@dataclass(frozen=True)
class ListPage:
    """The page of a list the form asks for (``page``, 50 rows a page): one row more is read
    to tell whether a next page exists; the count stops at ``COUNTED``."""

    number: int

    @classmethod
    def of(cls, form: Filters) -> ListPage:
        number = form.number("page", high=MAX_PAGE) or 1
        form.values.pop("page", None)
        return cls(number)

    @property
    def offset(self) -> int:
        return (self.number - 1) * PER_PAGE

    @property
    def limit(self) -> int:
        return PER_PAGE + 1

    cap = COUNTED

    def context(self, rows: list[Any], total: int) -> dict[str, Any]:
        """The page's rows and what the template's pager and count need."""
        return {
            "rows": rows[:PER_PAGE],
            "more": len(rows) > PER_PAGE,
            "total": total,
            "counted": COUNTED,
            "page": self.number,
            "pages": max(1, -(-total // PER_PAGE)),
            "first": self.offset + 1,
        }


# What every filtered list page does alike (the cases, the contacts to follow up): the links
# that sort its columns, and the page of rows its form asks for.

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
