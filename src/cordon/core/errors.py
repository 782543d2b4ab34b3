"""Domain errors. Each names the record and field at fault; routes turn them into problem+json."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldProblem:
    """One problem with one field of the input: where it is and what is wrong with it."""

    field: str
    message: str
    row: int | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.row is not None:
            out["row"] = self.row
        return out


@dataclass
class CordonError(Exception):
    """Base of every error a user may see. ``title`` is short; ``detail`` says what to do."""

    detail: str
    problems: list[FieldProblem] = field(default_factory=list)
    status = 400
    title = "Bad request"

    def headers(self) -> dict[str, str]:
        return {}

    def __str__(self) -> str:
        if not self.problems:
            return self.detail
        lines = [self.detail]
        for p in self.problems[:50]:
            where = f"row {p.row}, " if p.row is not None else ""
            lines.append(f"  {where}{p.field}: {p.message}")
        if len(self.problems) > 50:
            lines.append(f"  … and {len(self.problems) - 50} more problems")
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


class Conflict(CordonError):
    """The request clashes with the current state (duplicate, stale version, wrong status)."""

    status = 409
    title = "Conflict"


class InvalidInput(CordonError):
    status = 422
    title = "Invalid input"

    @classmethod
    def on(cls, field_name: str, message: str, *, row: int | None = None) -> InvalidInput:
        return cls(
            detail=f"{field_name}: {message}", problems=[FieldProblem(field_name, message, row)]
        )
