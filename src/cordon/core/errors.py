"""Domain errors. Each names the record and field at fault; routes turn them into problem+json.

A message a person may read is written as an English template marked ``N_("…")`` with its
values apart (``FieldProblem.of("last_on", N_("is before %(first)s"), first=day)``): the
English is filled in at once (the API, the CLI and the logs show it), and the web app
translates the template and writes the values for the user's language (docs/web.md). Values
are ids, codes, dates and counts, never a name, phone or ID number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from pydantic import ValidationError


def N_(message: str) -> str:  # noqa: N802 — the gettext convention for "mark, don't translate"
    """Marks an English message for the catalogue (``make messages`` finds it); returns it."""
    return message


def fill(template: str, params: Mapping[str, object]) -> str:
    """The English message: the template with its values (dates as ISO text)."""
    return template % params if params else template


@dataclass
class FieldProblem:
    """One problem with one field of the input: where it is and what is wrong with it.

    ``message`` is the English; ``template`` (when the service marked it) and ``params``
    let the web app say it in the user's language."""

    field: str
    message: str
    row: int | None = None
    template: str = ""
    params: dict[str, object] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(
        cls, field_name: str, template: str, /, *, row: int | None = None, **params: object
    ) -> FieldProblem:
        return cls(field_name, fill(template, params), row, template, params)

    @classmethod
    def from_error(cls, field_name: str, error: ValueError, row: int | None = None) -> FieldProblem:
        """The problem a parser's ``ValueError`` names (translatable when a ``BadValue``)."""
        if isinstance(error, BadValue):
            return cls(field_name, str(error), row, error.template, error.params)
        return cls(field_name, str(error), row)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.row is not None:
            out["row"] = self.row
        return out

    def to_record(self) -> dict[str, object]:
        """``as_dict`` with what translates it, as JSON (a date as ``{"date": "…"}``)."""
        out = self.as_dict()
        if self.template:
            out["template"] = self.template
            out["params"] = {k: _to_json(v) for k, v in self.params.items()}
        return out

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> FieldProblem:
        """Back from ``to_record`` (records of before it hold only field, message, row)."""
        params = {k: _from_json(v) for k, v in (record.get("params") or {}).items()}
        return cls(
            str(record.get("field", "")),
            str(record.get("message", "")),
            record.get("row"),
            str(record.get("template") or ""),
            params,
        )


def _to_json(value: object) -> object:
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value if isinstance(value, int | float | str) else str(value)


def _from_json(value: object) -> object:
    if isinstance(value, dict) and isinstance(value.get("date"), str):
        return dt.date.fromisoformat(value["date"])
    return value


class BadValue(ValueError):
    """A value that cannot be read (a cell of a line list, a phone number): the English
    message, with its template (marked ``N_``) and values to translate it."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(fill(template, params))
        self.template = template
        self.params = params


@dataclass
class CordonError(Exception):
    """Base of every error a user may see. ``title`` is short; ``detail`` says what to do
    (in English; ``template`` and ``params`` translate it, as for ``FieldProblem``)."""

    detail: str
    problems: list[FieldProblem] = field(default_factory=list)
    template: str = ""
    params: dict[str, object] = field(default_factory=dict)
    total: int | None = None  # problems found, when only the first are in ``problems``
    status = 400
    title = "Bad request"

    @property
    def problem_count(self) -> int:
        return len(self.problems) if self.total is None else self.total

    @classmethod
    def of(
        cls, template: str, problems: list[FieldProblem] | None = None, /, **params: object
    ) -> Self:
        """The error saying ``template`` (marked ``N_``) with ``params``."""
        return cls(fill(template, params), problems or [], template, params)

    def headers(self) -> dict[str, str]:
        return {}

    def __str__(self) -> str:
        if not self.problems:
            return self.detail
        lines = [self.detail]
        for p in self.problems[:50]:
            where = f"row {p.row}, " if p.row is not None else ""
            lines.append(f"  {where}{p.field}: {p.message}")
        if self.problem_count > 50:
            lines.append(f"  … and {self.problem_count - 50} more problems")
        return "\n".join(lines)


class Unauthorized(CordonError):
    """No valid credentials: sign in, or send an API token."""

    status = 401
    title = "Sign-in required"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="cordon"'}


class Forbidden(CordonError):
    """Signed in, but the role does not allow this action (records are never the reason:
    a record outside the jurisdiction answers 404)."""

    status = 403
    title = "Not allowed"


@dataclass
class TooManyAttempts(CordonError):
    retry_after: int = 60
    status = 429
    title = "Too many attempts"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class NotFound(CordonError):
    status = 404
    title = "Not found"


class TooLarge(CordonError):
    status = 413
    title = "Request too large"


class Conflict(CordonError):
    """The request clashes with the current state (duplicate, stale version, wrong status)."""

    status = 409
    title = "Conflict"


class InvalidInput(CordonError):
    status = 422
    title = "Invalid input"

    @classmethod
    def on(
        cls, field_name: str, message: str, /, *, row: int | None = None, **params: object
    ) -> InvalidInput:
        """A problem with one field: ``message`` marked ``N_``, with its ``params``."""
        problem = FieldProblem.of(field_name, message, row=row, **params)
        return cls(detail=f"{field_name}: {problem.message}", problems=[problem])

    @classmethod
    def of_model(cls, detail: str, exc: ValidationError, *, most: int = 20) -> InvalidInput:
        """A document that a pydantic model refused (a peer card, an envelope): each problem
        at its path, never echoing the input."""
        problems = [
            FieldProblem(".".join(str(p) for p in e["loc"]) or "document", e["msg"][:200])
            for e in exc.errors(include_url=False, include_input=False)[:most]
        ]
        return cls(detail, problems)
