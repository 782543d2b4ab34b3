"""How a daily chart is laid out and written, the same for the epidemic curve, Rt and the
series compared: the size of its viewBox, how it writes days and numbers, and its id.

One ``Layout`` can serve every chart of a page (``dataclasses.replace`` gives each its own
``svg_id``). The words a chart says (title, axis label, ``desc``) stay with each chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cordon.charts.svg import NumberFormat, plain

DayFormat = Callable[[dt.date], str]


def short_day(day: dt.date) -> str:
    """``12/5`` for 12 May: day first, as written in Viet Nam."""
    return f"{day.day}/{day.month}"


@dataclass(frozen=True)
class Layout:
    """``width``: the viewBox's width (the chart scales to its container; at 440 the
    smallest text is 11.5 px on a phone 360 px wide). ``plot_height``: the plot's height,
    axes and labels excluded. ``day_label`` and ``number`` write the days and the numbers
    (in the reader's language). ``svg_id`` (optional) adds ids and ``aria-labelledby`` for
    screen readers that need them; give each chart on a page its own."""

    width: float = 440
    plot_height: float = 200
    day_label: DayFormat = short_day
    number: NumberFormat = plain
    svg_id: str | None = None
