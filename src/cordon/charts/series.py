"""Daily series: the epidemic curve (stacked bars) and Rt (a line in its credible band).

Both share one frame: a title, an optional legend, a y axis with a few round ticks and
grid lines, and one slot per day along x, labelled at a step (1, 2, 7, 14 … days) wide
enough for the labels to fit, counted back from the last day so that it is always labelled.
Sizes are in viewBox units: at the default width of 440 the 14-unit tick labels are
11.5 px on a phone 360 px wide and the title 14.7 px.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from cordon.charts.layout import DayFormat, Layout
from cordon.charts.svg import (
    GRID,
    INK,
    MUTED,
    NumberFormat,
    lines_of_text,
    num,
    root,
    text,
    text_width,
    wrap,
)

TITLE, LABEL, TICK = 18.0, 14.0, 14.0
DAY_STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 364)
RT_COLOUR = "#1c5a9e"


def nice_ticks(top: float, *, count: int = 4, integer: bool = False) -> list[float]:
    """Round ticks from 0 to at least ``top``: steps of 1, 2, 2.5 or 5 times a power of 10
    (whole steps only when ``integer``)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(f * power for f in factors if f * power >= raw * (1 - 1e-9))
    if integer:
        step = max(1.0, round(step))
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def day_step(labels: Sequence[str], room: float) -> int:
    """How many days apart the x labels must be for all of them to fit in ``room``."""
    widest = max((text_width(s, TICK) for s in labels), default=0) + 10
    fits = max(1, int(room // widest))
    return next((s for s in DAY_STEPS if math.ceil(len(labels) / s) <= fits), DAY_STEPS[-1])


@dataclass(frozen=True)
class Frame:
    """Where the plot is: its left and top edges, its size, and each day's slot width."""

    left: float
    top: float
    width: float
    height: float
    slot: float
    y_top: float

    def x(self, i: int) -> float:
        return self.left + (i + 0.5) * self.slot

    def y(self, value: float) -> float:
        return self.top + self.height * (1 - min(value, self.y_top) / self.y_top)


def _frame(
    y: float,
    layout: Layout,
    *,
    days: Sequence[dt.date],
    ticks: Sequence[float],
    y_label: str,
) -> tuple[str, Frame, float]:
    """The axes, grid and tick labels under a first free line ``y``; also the plot's frame
    and the height used."""
    width, plot_height = layout.width, layout.plot_height
    tick_text = [layout.number(t) for t in ticks]
    day_text = [layout.day_label(d) for d in days]
    left = 8 + max(text_width(s, TICK) for s in tick_text) + 6
    right = max(8.0, text_width(day_text[-1], TICK) / 2 + 4) if days else 8.0
    parts = [text(8, y + LABEL, y_label, size=LABEL, fill=MUTED)]
    top = y + LABEL + 14
    plot_width = width - left - right
    frame = Frame(left, top, plot_width, plot_height, plot_width / max(1, len(days)), ticks[-1])
    for t, label in zip(ticks, tick_text, strict=True):
        ty = frame.y(t)
        colour = INK if t == 0 else GRID
        parts.append(
            f'<line x1="{num(left)}" x2="{num(left + frame.width)}" y1="{num(ty)}"'
            f' y2="{num(ty)}" stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(text(left - 6, ty + TICK * 0.35, label, size=TICK, fill=MUTED, anchor="end"))
    bottom = top + plot_height
    step = day_step(day_text, frame.width)
    for i in range(len(days) - 1, -1, -step):
        x = frame.x(i)
        parts.append(
            f'<line x1="{num(x)}" x2="{num(x)}" y1="{num(bottom)}" y2="{num(bottom + 4)}"'
            f' stroke="{INK}" stroke-width="1"/>'
        )
        parts.append(text(x, bottom + 4 + TICK, day_text[i], size=TICK, anchor="middle"))
    return "".join(parts), frame, bottom + 8 + TICK


def _legend(y: float, width: float, items: Sequence[tuple[str, str, str]]) -> tuple[str, float]:
    """Swatches (``rect``, a paler ``band``) or lines (``line``, ``dash``), each with its
    label, row after row."""
    parts = ['<g data-role="legend">']
    x, row = 8.0, y
    for kind, colour, label in items:
        w = 18 + 6 + text_width(label, LABEL) + 14
        if x > 8 and x + w > width - 8:
            x, row = 8.0, row + LABEL + 8
        if kind in ("rect", "band"):
            opacity = ' fill-opacity="0.25"' if kind == "band" else ""
            parts.append(
                f'<rect x="{num(x)}" y="{num(row)}" width="14" height="14" fill="{colour}"'
                f"{opacity}/>"
            )
        else:
            dash = ' stroke-dasharray="5 3"' if kind == "dash" else ""
            parts.append(
                f'<line x1="{num(x)}" x2="{num(x + 18)}" y1="{num(row + 7)}" y2="{num(row + 7)}"'
                f' stroke="{colour}" stroke-width="{3 if kind == "line" else 1.5}"{dash}/>'
            )
        parts.append(text(x + 24, row + 12, label, size=LABEL))
        x += w
    parts.append("</g>")
    return "".join(parts), row + LABEL + 10


def _title(title: str, width: float) -> tuple[str, float]:
    return lines_of_text(8, 8 + TITLE, wrap(title, width - 16, TITLE), size=TITLE, weight="600")


def epidemic_curve(
    days: Sequence[dt.date],
    stacks: Mapping[str, Sequence[int]],
    *,
    colours: Mapping[str, str],
    labels: Mapping[str, str],
    title: str,
    y_label: str,
    desc: str | None = None,
    layout: Layout = Layout(),
) -> str:
    """Cases per day as stacked bars, the first stack at the bottom (e.g. ``community``,
    ``imported``, ``quarantine``: the keys of ``stacks``, ``colours`` and ``labels``, the
    last giving each stack's name in the legend). A zero draws no bar. Each bar's
    ``<title>`` names its day, stack and count; ``desc`` (default: the dates covered and
    the last day's counts) describes the chart to screen readers."""
    _check_lengths(days, {labels.get(k, k): v for k, v in stacks.items()})
    if any(n < 0 for counts in stacks.values() for n in counts):
        raise ValueError("counts cannot be negative")
    totals = [sum(col) for col in zip(*stacks.values(), strict=True)] or [0] * len(days)
    head, y = _title(title, layout.width)
    legend, y = _legend(y + 6, layout.width, [("rect", colours[k], labels[k]) for k in stacks])
    ticks = nice_ticks(max(totals, default=0), integer=True)
    axes, frame, height = _frame(y, layout, days=days, ticks=ticks, y_label=y_label)
    gap = frame.slot * 0.15 if frame.slot >= 3 else 0.0
    day_label, number = layout.day_label, layout.number
    bars = ['<g data-role="bars">']
    base = [0] * len(days)
    for key, counts in stacks.items():
        for i, n in enumerate(counts):
            if n == 0:
                continue
            y0, y1 = frame.y(base[i]), frame.y(base[i] + n)
            base[i] += n
            bars.append(
                f'<rect data-stack="{escape(key)}" x="{num(frame.left + i * frame.slot + gap / 2)}"'
                f' y="{num(y1)}" width="{num(frame.slot - gap)}" height="{num(y0 - y1)}"'
                f' fill="{colours[key]}"><title>{escape(day_label(days[i]))}: '
                f"{escape(labels[key])} {escape(number(n))}</title></rect>"
            )
    bars.append("</g>")
    if desc is None:
        desc = _curve_desc(days, stacks, labels, day_label, number)
    body = head + legend + axes + "".join(bars)
    return root(layout.width, height + 4, body, title=title, desc=desc, svg_id=layout.svg_id)


def _curve_desc(
    days: Sequence[dt.date],
    stacks: Mapping[str, Sequence[int]],
    labels: Mapping[str, str],
    day_label: DayFormat,
    number: NumberFormat,
) -> str:
    if not days:
        return ""
    counts = ", ".join(f"{labels[k]} {number(v[-1])}" for k, v in stacks.items())
    return f"{day_label(days[0])}–{day_label(days[-1])}. {day_label(days[-1])}: {counts}."


def _check_lengths(days: Sequence[dt.date], series: Mapping[str, Sequence[object]]) -> None:
    for name, values in series.items():
        if len(values) != len(days):
            raise ValueError(f"{name}: {len(values)} values for {len(days)} days")


def rt_chart(
    days: Sequence[dt.date],
    mean: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    *,
    title: str,
    y_label: str = "Rt",
    threshold: float = 1.0,
    desc: str | None = None,
    mean_label: str | None = None,
    band_label: str | None = None,
    colour: str = RT_COLOUR,
    y_max: float | None = None,
    layout: Layout = Layout(),
) -> str:
    """Rt's posterior mean as a line in its credible band (shaded), with a dashed line at
    ``threshold``. A day without an estimate (any of the three is None) breaks the line and
    the band. Values above ``y_max`` (default: the largest upper bound) are drawn at the top.
    With ``mean_label`` and ``band_label`` a legend names the line and the band. ``desc``
    defaults to the last estimate: ``12/5: 1.12 (0.9–1.4)``."""
    _check_lengths(days, {"mean": mean, "lower": lower, "upper": upper})
    runs = _runs(days, mean, lower, upper)
    highest = max((u for run in runs for _, _, _, u in run), default=threshold)
    ticks = nice_ticks(y_max if y_max is not None else max(highest, threshold * 1.25))
    head, y = _title(title, layout.width)
    if mean_label and band_label:
        items = [("line", colour, mean_label), ("band", colour, band_label)]
        items.append(("dash", INK, f"{y_label} = {layout.number(threshold)}"))
        legend, y = _legend(y + 6, layout.width, items)
        head += legend
    axes, frame, height = _frame(y, layout, days=days, ticks=ticks, y_label=y_label)
    parts = [head, axes, _threshold_line(frame, threshold)]
    for run in runs:
        parts.append(band_and_line(frame, run, colour))
    if desc is None:
        desc = _rt_desc(days, runs[-1][-1], layout.day_label, layout.number) if runs else ""
    body = "".join(parts)
    return root(layout.width, height + 4, body, title=title, desc=desc, svg_id=layout.svg_id)


Estimate = tuple[int, float, float, float]  # day's index, lower, mean, upper


def _runs(
    days: Sequence[dt.date],
    mean: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
) -> list[list[Estimate]]:
    """The stretches of consecutive days that have an estimate."""
    runs: list[list[Estimate]] = []
    previous = -2
    for i, (m, lo, hi) in enumerate(zip(mean, lower, upper, strict=True)):
        if m is None or lo is None or hi is None:
            continue
        if not lo <= m <= hi:
            raise ValueError(f"{days[i]}: the band {lo}–{hi} must hold the mean {m}")
        if i != previous + 1:
            runs.append([])
        runs[-1].append((i, lo, m, hi))
        previous = i
    return runs


def _threshold_line(frame: Frame, threshold: float) -> str:
    ty = num(frame.y(threshold))
    return (
        f'<line data-role="threshold" x1="{num(frame.left)}" x2="{num(frame.left + frame.width)}"'
        f' y1="{ty}" y2="{ty}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )


def band_and_line(
    frame: Frame,
    run: Sequence[Estimate],
    colour: str,
    *,
    line: str = "mean",
    opacity: float = 0.25,
    dash: str = "",
) -> str:
    """The band as one closed shape (upper bounds left to right, lower bounds back) and the
    central value as a line over it (``data-role`` ``line``); a lone day is a dot on a bar."""
    xs = [frame.x(i) for i, _, _, _ in run]
    top = [f"{num(x)},{num(frame.y(hi))}" for x, (_, _, _, hi) in zip(xs, run, strict=True)]
    low = [f"{num(x)},{num(frame.y(lo))}" for x, (_, lo, _, _) in zip(xs, run, strict=True)]
    mid = [f"{num(x)},{num(frame.y(m))}" for x, (_, _, m, _) in zip(xs, run, strict=True)]
    if len(run) == 1:
        x, y = mid[0].split(",")
        return (
            f'<path data-role="band" d="M{top[0]}L{low[0]}" stroke="{colour}"'
            f' stroke-opacity="0.35" stroke-width="6"/>'
            f'<circle data-role="{line}" cx="{x}" cy="{y}" r="3" fill="{colour}"/>'
        )
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path data-role="band" d="M{" L".join(top)} L{" L".join(reversed(low))}Z"'
        f' fill="{colour}" fill-opacity="{opacity}" stroke="none"/>'
        f'<path data-role="{line}" d="M{" L".join(mid)}" fill="none" stroke="{colour}"'
        f' stroke-width="2.5" stroke-linejoin="round"{dashed}/>'
    )


def _rt_desc(
    days: Sequence[dt.date], last: Estimate, day_label: DayFormat, number: NumberFormat
) -> str:
    i, lo, m, hi = last
    return f"{day_label(days[i])}: {number(m)} ({number(lo)}–{number(hi)})"
