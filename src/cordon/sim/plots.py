"""Scenarios side by side: for one metric, each scenario's median over its runs as a line and
its 90% interval (5th to 95th percentile) shaded, in the city's people, over the dates.
Drawn off screen (Agg, no pyplot state), as PNG and SVG."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cordon.sim.results import METRICS, Ensemble

FORMATS = ("png", "svg")
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
    fig = Figure(figsize=(10, 5.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for k, ensemble in enumerate(ensembles):
        colour = COLOURS[k % len(COLOURS)]
        low, mid, high = ensemble.quantiles(metric)
        days = _dates(ensemble.dates())
        ax.fill_between(days, low, high, color=colour, alpha=0.18, linewidth=0)
        label = f"{ensemble.name} ({len(ensemble.runs)} runs)"
        ax.plot(days, mid, color=colour, linewidth=1.8, label=label)
    ax.set_title(_title(metric), loc="left", fontsize=12)
    ax.set_ylabel("people")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", frameon=False, title="median (line) and 90% interval (band)")
    written = [path.with_name(f"{path.name}.{suffix}") for suffix in FORMATS]
    for file in written:
        fig.savefig(file, format=file.suffix.lstrip("."), dpi=120)
    return written


def compare_all(ensembles: Sequence[Ensemble], folder: Path) -> list[Path]:
    """``compare`` for every metric, named by the metric (``folder/infections.png``, …)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [file for metric in METRICS for file in compare(ensembles, metric, folder / metric)]


def _title(metric: str) -> str:
    name = metric.replace("_", " ")
    return f"{name[0].upper()}{name[1:]}: {METRICS[metric]}"


def _dates(days: list[dt.date]) -> npt.NDArray[np.datetime64]:
    return np.array(days, dtype="datetime64[D]")


def _thousands(value: float, _position: int) -> str:
    return f"{value:,.0f}"
