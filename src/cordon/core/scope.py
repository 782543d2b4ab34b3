"""A jurisdiction as the queries see it: the set of wards whose people a user may see.

Records follow the person's ward. ``Scope.city()`` sees everyone (city-level users, the CLI,
the system); a district's scope is its wards; a facility manager's scope is the set of people
placed in the facility. People with no ward of this city (residents of other provinces,
arrivals from abroad) are seen at city level only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, false, select, true


@dataclass(frozen=True)
class Scope:
    wards: frozenset[int] | None  # None: the whole city
    people: frozenset[int] | None = None  # a facility's residents, when not by ward

    @classmethod
    def city(cls) -> Scope:
        return cls(wards=None)

    @property
    def whole_city(self) -> bool:
        return self.wards is None and self.people is None

    def sees(self, ward_id: int | None, person_id: int | None = None) -> bool:
        if self.people is not None:
            return person_id in self.people
        return self.wards is None or ward_id in self.wards

    def visible(self, ward_of: dict[int, int | None]) -> set[int]:
        """Of people → ward, those this scope sees."""
        return {p for p, w in ward_of.items() if self.sees(w, p)}

    def where(self, ward_column: Any, person_column: Any) -> ColumnElement[bool]:
        """SQL condition on a person's ward (and id) for every scoped query. A ward set is
        small (a district has ≤ 40 wards; a city ≈ 600), so a plain ``IN`` serves."""
        if self.people is not None:
            return person_column.in_(sorted(self.people)) if self.people else false()
        if self.wards is None:
            return true()
        return ward_column.in_(sorted(self.wards)) if self.wards else false()

    def holds(self, person_fk: Any, people_id: Any, people_ward: Any) -> ColumnElement[bool]:
        """SQL condition on a record's ``person_fk`` (``cases.person_id`` …): its person is in
        sight. A few wards hold few people, so their ids are listed (``IN``, by the people's
        ward index); a district holds tens of thousands, so each record's person is looked
        up by key instead (``EXISTS``) — 40 ms against 2 ms for a district's case list at
        1 M people on SQLite (bench/README.md)."""
        if self.whole_city:
            return true()
        if self.people is not None:
            return person_fk.in_(sorted(self.people)) if self.people else false()
        condition = self.where(people_ward, people_id)
        if len(self.wards or ()) <= FEW_WARDS:
            listed: ColumnElement[bool] = person_fk.in_(select(people_id).where(condition))
            return listed
        return exists().where(people_id == person_fk, condition)


FEW_WARDS = 3
CITY = Scope.city()
