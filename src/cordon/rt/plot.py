"""The picture of ``cordon rt --plot``: daily cases (local and imported) above, Rt with its
95% credible interval below, each window drawn at its last day. Drawn off screen (Agg, no
pyplot state), as PNG or SVG by the file's suffix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from cordon.rt.estimate import Incidence, WindowEstimate


def draw(path: Path, incidence: Incidence, estimates: list[WindowEstimate], *, title: str) -> None:
    fig = Figure(figsize=(10, 6.5), layout="constrained")
    FigureCanvasAgg(fig)
    cases, rt = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1.4))
    days = _dates([incidence.day(i) for i in range(incidence.days)])
    cases.bar(days, incidence.local, width=1.0, color="#4c72b0", label="local")
    cases.bar(
        days,
        incidence.imported,
        width=1.0,
        bottom=incidence.local,
        color="#dd8452",
        label="imported",
    )
    cases.set_ylabel("cases a day")
    cases.legend(loc="upper left", frameon=False)
    cases.set_title(title, loc="left", fontsize=11)
    _rt(rt, estimates)
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    rt.xaxis.set_major_locator(locator)
    rt.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    fig.savefig(path, format=path.suffix.lower().lstrip("."), dpi=120)


def _dates(days: list[dt.date]) -> np.ndarray:
    return np.array(days, dtype="datetime64[D]")


def _rt(ax: Axes, estimates: list[WindowEstimate]) -> None:
    ends = _dates([e.end for e in estimates])
    ax.fill_between(
        ends,
        [e.lower for e in estimates],
        [e.upper for e in estimates],
        color="#55a868",
        alpha=0.25,
        linewidth=0,
        label="95% credible interval",
    )
    ax.plot(ends, [e.mean for e in estimates], color="#2d6a3e", linewidth=1.6, label="Rt (mean)")
    few = [e for e in estimates if not e.reliable]
    if few:
        ax.scatter(
            _dates([e.end for e in few]),
            [e.mean for e in few],
            s=12,
            color="#c44e52",
            zorder=3,
            label="few cases (posterior CV > threshold)",
        )
    ax.axhline(1.0, color="black", linestyle="--", linewidth=0.8)
    ax.set_ylabel("Rt (window ending that day)")
    # Scaled to the reliable windows: a window of few cases shows mostly the prior (mean 5).
    shown = [e.upper for e in estimates if e.reliable] or [e.upper for e in estimates] or [2.0]
    ax.set_ylim(0, max(max(shown), 1.5) * 1.1)
    ax.legend(loc="upper right", frameon=False)
