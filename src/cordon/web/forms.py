"""Reading a posted form the way a person fills it in: every value kept as typed (to show
it again when the form is rejected), blanks meaning "not given", and each problem written
in the user's language next to its field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from starlette.datastructures import FormData

from cordon.core.bounds import FIRST_DAY
from cordon.core.dates import today
from cordon.core.errors import CordonError
from cordon.web.i18n import Texts

E = TypeVar("E", bound=StrEnum)


async def _form_of(request: Request) -> FormData:
    return await request.form()  # parsed once per request (Starlette keeps it)


# A form whose field names are not known in advance (rows of a contact list).
PostedForm = Annotated[FormData, Depends(_form_of)]


def value(form: FormData, name: str) -> str:
    """A field as typed, without surrounding blanks ("" when absent)."""
    got = form.get(name)
    return got.strip() if isinstance(got, str) else ""


class Reader:
    """Reads typed values into Python ones, collecting a message per field at fault."""

    def __init__(self, t: Texts) -> None:
        self.t = t
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def refused(
        self,
        error: CordonError,
        where: Callable[[str], str] = lambda f: f,
        *,
        otherwise: str | None = None,
    ) -> None:
        """A service's problems, each in the user's language next to its field (``where``:
        the form's field of a service's field); a refusal naming no field is said on
        ``otherwise`` when given."""
        for problem in error.problems:
            self.fail(where(problem.field), self.t.problem(problem))
        if otherwise is not None and not error.problems:
            self.fail(otherwise, self.t.error(error))

    def date(self, field: str, typed: str, *, required: bool = False) -> dt.date | None:
        if not typed:
            if required:
                self.fail(field, self.t.gettext("Enter a date."))
            return None
        try:
            day = dt.date.fromisoformat(typed)
        except ValueError:
            self.fail(field, self.t.gettext("Enter a date."))
            return None
        if day > today():
            self.fail(field, self.t.gettext("This date is in the future."))
        elif day < FIRST_DAY:
            self.fail(
                field, self.t.gettext("Enter a date from %(day)s.", day=self.t.date(FIRST_DAY))
            )
        return day

    def year(self, field: str, typed: str) -> int | None:
        if not typed:
            return None
        if not typed.isdigit() or not 1900 <= int(typed) <= today().year:
            self.fail(field, self.t.gettext("Enter a year between 1900 and this year."))
            return None
        return int(typed)

    def number(self, field: str, typed: str, low: float, high: float) -> float | None:
        if not typed:
            return None
        try:
            number = float(typed.replace(",", "."))
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            self.fail(
                field,
                self.t.gettext(
                    "Enter a number from %(low)s to %(high)s.",
                    low=self.t.number(low),
                    high=self.t.number(high),
                ),
            )
            return None
        return number

    def choice(self, field: str, typed: str, enum: type[E], *, required: bool = True) -> E | None:
        if not typed and not required:
            return None
        try:
            return enum(typed)
        except ValueError:
            self.fail(field, self.t.gettext("Choose one of the options."))
            return None

    def ok(self) -> bool:
        return not self.errors
