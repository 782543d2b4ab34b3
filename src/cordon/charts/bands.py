"""Several series compared, each a median line in its shaded interval: the scenario
planner's runs of one metric side by side (docs/charts.md). The same frame as the epidemic
curve and Rt (``series``); each series has its colour and its own dash, so the lines are
told apart in grey print and by every kind of colour vision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from cordon.charts.layout import Layout
from cordon.charts.series import (
    Estimate,
    _check_lengths,
    _frame,
    _legend,
    _runs,
    _title,
    band_and_line,
    nice_ticks,
)
from cordon.charts.svg import INK, root

# Okabe and Ito's colours with at least 3:1 against white first (lines are graphics).
BAND_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
DASHES = ("", "7 4", "2 3", "10 3 2 3", "4 4", "1 2")
TINY = 1e-6  # a highest value below this draws the axis of an all-zero chart


@dataclass(frozen=True)
class Band:
    """One series: its name, a median (or mean) per day and the interval around it; a day
    without a value (any of the three None) breaks the line and the band."""

    label: str
    median: Sequence[float | None]
    low: Sequence[float | None]
    high: Sequence[float | None]


def band_chart(
    days: Sequence[dt.date],
    bands: Sequence[Band],
    *,
    title: str,
    y_label: str,
    interval_label: str | None,
    desc: str | None = None,
    layout: Layout = Layout(),
) -> str:
    """Each band's median as a line over its interval (shaded), all on one y axis from 0.
    The legend names each line, then the shading (``interval_label``, e.g. "90% of runs";
    None for lines without an interval, each band then as wide as its line).
    ``desc`` defaults to each series' last day: ``Name: 12 (8–19)``."""
    if len(bands) > len(BAND_COLOURS):
        raise ValueError(f"at most {len(BAND_COLOURS)} series can be told apart")
    for band in bands:
        _check_lengths(days, {band.label: band.median, "low": band.low, "high": band.high})
    runs = [_runs(days, b.median, b.low, b.high) for b in bands]
    highest = max((hi for r in runs for part in r for _, _, _, hi in part), default=0.0)
    ticks = nice_ticks(highest if highest >= TINY else 0.0)
    head, y = _title(title, layout.width)
    items = [("line", BAND_COLOURS[i], b.label) for i, b in enumerate(bands)]
    if interval_label is not None:
        items.append(("band", INK, interval_label))
    legend, y = _legend(y + 6, layout.width, items)
    axes, frame, height = _frame(y, layout, days=days, ticks=ticks, y_label=y_label)
    parts = [head, legend, axes]
    for i, (band, parts_of_band) in enumerate(zip(bands, runs, strict=True)):
        parts.append(f'<g data-series="{i}"><title>{escape(band.label)}</title>')
        for part in parts_of_band:
            parts.append(
                band_and_line(
                    frame, part, BAND_COLOURS[i], line="median", opacity=0.18, dash=DASHES[i]
                )
            )
        parts.append("</g>")
    if desc is None:
        desc = _desc(days, bands, runs, layout)
    body = "".join(parts)
    return root(layout.width, height + 4, body, title=title, desc=desc, svg_id=layout.svg_id)


def _desc(
    days: Sequence[dt.date],
    bands: Sequence[Band],
    runs: Sequence[Sequence[Sequence[Estimate]]],
    layout: Layout,
) -> str:
    day_label, number = layout.day_label, layout.number
    said = []
    for band, parts in zip(bands, runs, strict=True):
        if parts:
            i, lo, m, hi = parts[-1][-1]
            day, interval = day_label(days[i]), f"{number(lo)}–{number(hi)}"
            said.append(f"{band.label}, {day}: {number(m)} ({interval})")
    return "; ".join(said) + ("." if said else "")
