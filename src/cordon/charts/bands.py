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

from cordon.charts.series import (
    DayFormat,
    Estimate,
    Frame,
    _check_lengths,
    _frame,
    _legend,
    _runs,
    _title,
    nice_ticks,
    short_day,
)
from cordon.charts.svg import INK, NumberFormat, num, plain, root

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
    interval_label: str,
    desc: str | None = None,
    day_label: DayFormat = short_day,
    number: NumberFormat = plain,
    width: float = 440,
    plot_height: float = 200,
    svg_id: str | None = None,
) -> str:
    """Each band's median as a line over its interval (shaded), all on one y axis from 0.
    The legend names each line, then the shading (``interval_label``, e.g. "90% of runs").
    ``desc`` defaults to each series' last day: ``Name: 12 (8–19)``."""
    if len(bands) > len(BAND_COLOURS):
        raise ValueError(f"at most {len(BAND_COLOURS)} series can be told apart")
    for band in bands:
        _check_lengths(days, {band.label: band.median, "low": band.low, "high": band.high})
    runs = [_runs(days, b.median, b.low, b.high) for b in bands]
    highest = max((hi for r in runs for part in r for _, _, _, hi in part), default=0.0)
    ticks = nice_ticks(highest if highest >= TINY else 0.0)
    head, y = _title(title, width)
    items = [("line", BAND_COLOURS[i], b.label) for i, b in enumerate(bands)]
    legend, y = _legend(y + 6, width, [*items, ("band", INK, interval_label)])
    axes, frame, height = _frame(
        y, width=width, plot_height=plot_height, days=days, ticks=ticks,
        y_label=y_label, day_label=day_label, number=number,
    )  # fmt: skip
    parts = [head, legend, axes]
    for i, (band, parts_of_band) in enumerate(zip(bands, runs, strict=True)):
        parts.append(f'<g data-series="{i}"><title>{escape(band.label)}</title>')
        for part in parts_of_band:
            parts.append(_shape(frame, part, BAND_COLOURS[i], DASHES[i]))
        parts.append("</g>")
    if desc is None:
        desc = _desc(days, bands, runs, day_label, number)
    return root(width, height + 4, "".join(parts), title=title, desc=desc, svg_id=svg_id)


def _shape(frame: Frame, run: Sequence[Estimate], colour: str, dash: str) -> str:
    """The interval as one closed shape, the median as a line over it (a dot alone)."""
    xs = [frame.x(i) for i, _, _, _ in run]
    top = [f"{num(x)},{num(frame.y(hi))}" for x, (_, _, _, hi) in zip(xs, run, strict=True)]
    low = [f"{num(x)},{num(frame.y(lo))}" for x, (_, lo, _, _) in zip(xs, run, strict=True)]
    mid = [f"{num(x)},{num(frame.y(m))}" for x, (_, _, m, _) in zip(xs, run, strict=True)]
    if len(run) == 1:
        x, y = mid[0].split(",")
        return (
            f'<path data-role="band" d="M{top[0]}L{low[0]}" stroke="{colour}"'
            f' stroke-opacity="0.35" stroke-width="6"/>'
            f'<circle data-role="median" cx="{x}" cy="{y}" r="3" fill="{colour}"/>'
        )
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path data-role="band" d="M{" L".join(top)} L{" L".join(reversed(low))}Z"'
        f' fill="{colour}" fill-opacity="0.18" stroke="none"/>'
        f'<path data-role="median" d="M{" L".join(mid)}" fill="none" stroke="{colour}"'
        f' stroke-width="2.5" stroke-linejoin="round"{dashed}/>'
    )


def _desc(
    days: Sequence[dt.date],
    bands: Sequence[Band],
    runs: Sequence[Sequence[Sequence[Estimate]]],
    day_label: DayFormat,
    number: NumberFormat,
) -> str:
    said = []
    for band, parts in zip(bands, runs, strict=True):
        if parts:
            i, lo, m, hi = parts[-1][-1]
            day, interval = day_label(days[i]), f"{number(lo)}–{number(hi)}"
            said.append(f"{band.label}, {day}: {number(m)} ({interval})")
    return "; ".join(said) + ("." if said else "")
