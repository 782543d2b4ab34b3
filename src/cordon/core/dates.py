"""Day numbers: the tier engine works in whole days since 1970-01-01."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

EPOCH = dt.date(1970, 1, 1)
NEVER = 2**31 - 1  # a window that has not closed (no isolation yet)

# The moment the app believes it is, when something replays past days through the real
# services (``cordon demo live-outbreak``); None: the real clock.
_played_at: ContextVar[dt.datetime | None] = ContextVar("played_at", default=None)


@contextmanager
def playing_at(moment: dt.datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (timezone-aware): ``today`` and ``now`` read it."""
    if moment.tzinfo is None:
        raise ValueError("a played moment needs its time zone")
    token = _played_at.set(moment.astimezone(dt.UTC))
    try:
        yield
    finally:
        _played_at.reset(token)


def now() -> dt.datetime:
    """This moment in UTC (the played moment while a replay runs)."""
    return _played_at.get() or dt.datetime.now(dt.UTC)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def today() -> dt.date:
    """Today in the city's time zone (setting ``timezone``), not the server's: a case
    confirmed at 06:00 in Hanoi is confirmed that day wherever the server runs."""
    from cordon.core.config import get_settings

    return now().astimezone(ZoneInfo(get_settings().timezone)).date()


def start_of_today() -> dt.datetime:
    """The moment today began in the city's time zone (for "changed today")."""
    from cordon.core.config import get_settings

    zone = ZoneInfo(get_settings().timezone)
    return dt.datetime.combine(today(), dt.time(), tzinfo=zone).astimezone(dt.UTC)
