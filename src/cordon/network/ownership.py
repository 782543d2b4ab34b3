"""What this city may change of a record the network carries (a situation report, a
warning): its own, at the version the officer saw, in the state the step starts from. A
partner's is read, not changed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from cordon.core.errors import Conflict


class Owned(Protocol):
    @property
    def peer_id(self) -> int | None: ...
    @property
    def version(self) -> int: ...
    @property
    def status(self) -> Enum: ...


@dataclass(frozen=True)
class Refusals:
    """The record's own words for each refusal (each marked for translation)."""

    theirs: str
    changed: str  # with %(now)s and %(sent)s
    state: str  # with %(status)s and %(wanted)s


def check_ours(row: Owned, *, version: int, status: Enum, refusals: Refusals) -> None:
    """409, in the record's words, unless ``row`` is this city's, at ``version``, in
    ``status``."""
    if row.peer_id is not None:
        raise Conflict.of(refusals.theirs)
    if row.version != version:
        raise Conflict.of(refusals.changed, now=row.version, sent=version)
    if row.status is not status:
        raise Conflict.of(refusals.state, status=row.status.value, wanted=status.value)
