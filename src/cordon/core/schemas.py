"""What the API answers, read from a row: ``Out`` schemas take their fields from the
attributes of the same names (pydantic's ``from_attributes``), instead of a hand-written
mapper per schema (issue 18 §5)."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    """An answer of the API, filled from a row (or any object) by ``model_validate``."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, source: object, /, **given: Any) -> Self:
        """This schema from ``source``'s attributes of the same names; ``given`` names the
        fields that ``source`` does not hold as such (a count, a masked value, a title)."""
        values = {
            name: given[name] if name in given else getattr(source, name)
            for name in cls.model_fields
            if name in given or hasattr(source, name)
        }
        return cls.model_validate(values)


REMARKS = 2000  # characters of a remark on a step (a handover, a reach attempt, a decision)

# The name of a person a list shows: a pseudonym for pseudonymised roles.
PersonName = Annotated[
    str, Field(description="The person's name (a pseudonym for pseudonymised roles).")
]


def remark(description: str) -> Any:
    """An optional remark of at most ``REMARKS`` characters, described for the API."""
    return Field(default=None, max_length=REMARKS, description=description)
