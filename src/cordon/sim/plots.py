"""Scenarios side by side: for one metric, each scenario's median over its runs as a line and
its 90% interval (5th to 95th percentile) shaded, in the city's people, over the dates.
Drawn off screen (Agg, no pyplot state), as PNG and SVG."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cordon.sim.results import METRICS, Ensemble

if TYPE_CHECKING:
    from cordon.sim.calibrate import Fit

FORMATS = ("png", "svg")
MARGINS = {"left": 0.085, "right": 0.98, "bottom": 0.09, "top": 0.92}
COLOURS = (  # colour-blind safe (Okabe and Ito)
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#000000",
    "#f0e442",
)


def compare(ensembles: Sequence[Ensemble], metric: str, path: Path) -> list[Path]:
    """One figure of ``metric`` for every scenario; written as ``path`` + ``.png`` and
    ``.svg`` (``path`` without a suffix). Returns the files written."""
    if metric not in METRICS:
        raise ValueError(f"no metric {metric!r}; one of {', '.join(METRICS)}")
    fig = Figure(figsize=(10, 5.5))
    FigureCanvasAgg(fig)
    ax = fig.subplots(gridspec_kw=MARGINS)  # fixed: a layout engine would double the time
    top = 1.0
    for k, ensemble in enumerate(ensembles):
        top = max(top, _draw(ax, ensemble, metric, COLOURS[k % len(COLOURS)]))
    _label(ax, _title(metric), top)
    return _save(fig, path)


def _draw(ax: Axes, ensemble: Ensemble, metric: str, colour: str) -> float:
    """The median as a line, the 90% interval as a band; returns the band's top."""
    low, mid, high = ensemble.quantiles(metric)
    days = _dates(ensemble.dates())
    ax.fill_between(days, low, high, color=colour, alpha=0.18, linewidth=0)
    ax.plot(
        days, mid, color=colour, linewidth=1.8, label=f"{ensemble.name} ({len(ensemble.runs)} runs)"
    )
    return float(high.max(initial=0.0))


def _label(ax: Axes, title: str, top: float) -> None:
    ax.set_title(title, loc="left", fontsize=12)
    ax.set_ylabel("people")
    ax.set_ylim(0, top * 1.05)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # people, not fractions
    ax.yaxis.set_major_formatter(FuncFormatter(_people))
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="best", frameon=False, title="median (line) and 90% interval (band)")


def fitted(fit: Fit, path: Path) -> list[Path]:
    """A calibration: the observed bins as points, the best candidate's runs as their median
    and 90% interval; written as ``path`` + ``.png`` and ``.svg``."""
    fig = Figure(figsize=(10, 5.5))
    FigureCanvasAgg(fig)
    ax = fig.subplots(gridspec_kw=MARGINS)
    days = _dates(fit.bins)
    low, mid, high = fit.fitted
    ax.fill_between(days, low, high, color=COLOURS[0], alpha=0.18, linewidth=0, step="mid")
    ax.plot(days, mid, color=COLOURS[0], linewidth=1.8, drawstyle="steps-mid",
            label=f"fitted: beta {fit.best.beta:.4g} ({len(fit.ensemble.runs)} runs)")  # fmt: skip
    ax.plot(days, fit.observed_bins, "o", color=COLOURS[1], label=f"observed: {fit.observed.name}")
    top = float(max(high.max(initial=0.0), fit.observed_bins.max(initial=0.0), 1.0))
    _label(ax, f"{fit.search.metric}, per {fit.search.bin_days} days", top)
    return _save(fig, path)


def _save(fig: Figure, path: Path) -> list[Path]:
    """``path`` + ``.png`` and ``.svg``."""
    written = [path.with_name(f"{path.name}.{suffix}") for suffix in FORMATS]
    for file in written:
        fig.savefig(file, format=file.suffix.lstrip("."), dpi=120)
    return written


def compare_all(ensembles: Sequence[Ensemble], folder: Path) -> list[Path]:
    """``compare`` for every metric, named by the metric (``folder/infections.png``, …)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [file for metric in METRICS for file in compare(ensembles, metric, folder / metric)]


def _title(metric: str) -> str:
    name = "ICU" if metric == "icu" else metric.replace("_", " ").capitalize()
    return f"{name}: {METRICS[metric]}"


def _dates(days: list[dt.date]) -> npt.NDArray[np.datetime64]:
    return np.array(days, dtype="datetime64[D]")


def _people(value: float, _position: int) -> str:
    """Short, so that the margin fits any city: 9,500, 12.5k, 350k, 1.25M."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.3g}k"
    return f"{value:,.0f}"
