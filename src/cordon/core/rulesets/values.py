"""The kinds of value a rule file holds, each refusing a wrong one with a message to translate.

A rule's model declares its fields with these (``days: Days``, ``place: Choice[Place]`` is
spelt ``Annotated[Place, choice(Place)]``); a feature that needs another kind writes one the
same way: a function that returns the value or raises ``BadValue`` with a template marked
``N_``. TOML already gives dates, integers and booleans their own types, so nothing here
converts: ``"7"`` is not a number of days and ``1`` is not ``true``.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import PlainValidator

from cordon.core.errors import N_, BadValue

E = TypeVar("E", bound=Enum)

CODE_MOST = 40  # an id is kept on records that follow the rule (isolation orders: 40)
TEXT_MOST = 1000
MOST_DAYS = 365


def _code(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > CODE_MOST:
        raise BadValue(N_("must be a text of 1 to %(most)s characters"), most=CODE_MOST)
    return raw


def _text(raw: object) -> str:
    if not isinstance(raw, str) or len(raw) > TEXT_MOST:
        raise BadValue(N_("must be a text of at most %(most)s characters"), most=TEXT_MOST)
    return raw


def _day(raw: object) -> dt.date:
    if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
        raise BadValue(N_("must be a date (YYYY-MM-DD)"))
    return raw


def _flag(raw: object) -> bool:
    if not isinstance(raw, bool):
        raise BadValue(N_("must be true or false"))
    return raw


def whole(low: int, high: int) -> PlainValidator:
    """A whole number from ``low`` to ``high`` (both allowed)."""

    def check(raw: object) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            raise BadValue(
                N_("must be a whole number from %(low)s to %(high)s"), low=low, high=high
            )
        return raw

    return PlainValidator(check)


def choice(kind: type[E]) -> PlainValidator:
    """One of the values of the enumeration ``kind``, as the file writes it."""
    values: dict[Any, E] = {member.value: member for member in kind}

    def check(raw: object) -> E:
        if isinstance(raw, kind):
            return raw
        if isinstance(raw, str) and raw in values:
            return values[raw]
        choices = ", ".join(str(v) for v in values)
        raise BadValue(N_("must be one of: %(choices)s"), choices=choices)

    return PlainValidator(check)


Code = Annotated[str, PlainValidator(_code)]
Text = Annotated[str, PlainValidator(_text)]
Day = Annotated[dt.date, PlainValidator(_day)]
Flag = Annotated[bool, PlainValidator(_flag)]
Days = Annotated[int, whole(0, MOST_DAYS)]
