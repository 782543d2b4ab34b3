"""Runs side by side, in the reader's language: per metric a chart of each run's median in
its 90% interval (``cordon.charts.band_chart``), on the dates the runs cover, and a table of
the figures that decide — totals over the horizon, the busiest day's beds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cordon.charts import BAND_COLOURS, Band, Layout, band_chart
from cordon.core.errors import N_
from cordon.scenarios.models import ScenarioRun
from cordon.sim.results import METRICS
from cordon.web.i18n import Texts

MOST = len(BAND_COLOURS)  # runs one chart can tell apart

# The simulator's metrics in the reader's words (``cordon.sim.results.METRICS``).
METRIC_NAMES: dict[str, str] = {
    "infections": N_("New infections a day"),
    "confirmed": N_("New confirmed cases a day"),
    "confirmed_community": N_("New cases found in the community a day"),
    "confirmed_in_quarantine": N_("New cases found in quarantine a day"),
    "confirmed_imported": N_("New imported cases a day"),
    "cases_in_care": N_("Confirmed cases in care"),
    "quarantine_facility": N_("People in quarantine facilities"),
    "quarantine_home": N_("People quarantined at home"),
    "hospital": N_("People needing a hospital bed"),
    "icu": N_("People needing intensive care"),
    "deaths": N_("Deaths a day"),
    "infectious": N_("People infectious"),
    "vaccinated": N_("People with at least one dose"),
}
OPEN = ("confirmed", "cases_in_care", "hospital", "quarantine_facility")  # shown unfolded
# (metric, "total" or "peak", what the row says)
SUMMARY = (
    ("infections", "total", N_("Infections in all")),
    ("confirmed", "total", N_("Confirmed cases in all")),
    ("deaths", "total", N_("Deaths in all")),
    ("hospital", "peak", N_("Most in hospital on one day")),
    ("icu", "peak", N_("Most in intensive care on one day")),
    ("quarantine_facility", "peak", N_("Most in quarantine facilities on one day")),
)


@dataclass(frozen=True)
class Chart:
    metric: str
    title: str
    svg: str
    open: bool


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[str]  # per run: "median (p05–p95)", or "" when it has no such figure


def label_of(run: ScenarioRun) -> str:
    return f"#{run.id} {run.name}"


def _span(runs: Sequence[ScenarioRun]) -> list[dt.date]:
    """Every day any of the runs covers."""
    starts = [dt.date.fromisoformat(r.result["start"]) for r in runs if r.result]
    ends = [
        s + dt.timedelta(days=int(r.result["days"]))
        for s, r in zip(starts, runs, strict=True)
        if r.result
    ]
    first, last = min(starts), max(ends)
    return [first + dt.timedelta(days=i) for i in range((last - first).days)]


def _aligned(result: dict[str, Any], metric: str, days: list[dt.date]) -> Band | None:
    figures = result["metrics"].get(metric)
    if figures is None:
        return None
    offset = (dt.date.fromisoformat(result["start"]) - days[0]).days
    out: dict[str, list[float | None]] = {}
    for key in ("median", "p05", "p95"):
        values: list[float | None] = [None] * len(days)
        for i, v in enumerate(figures[key]):
            values[offset + i] = float(v)
        out[key] = values
    return Band("", out["median"], out["p05"], out["p95"])


def charts(runs: Sequence[ScenarioRun], t: Texts) -> list[Chart]:
    """A chart per metric of the runs that are done (at most ``MOST``)."""
    done = [r for r in runs if r.result][:MOST]
    if not done:
        return []
    days = _span(done)
    found: list[Chart] = []
    for metric in METRICS:
        bands = []
        for run in done:
            band = _aligned(run.result or {}, metric, days)
            if band is not None:
                bands.append(Band(label_of(run), band.median, band.low, band.high))
        if not bands:
            continue
        title = t.gettext(METRIC_NAMES.get(metric, metric))
        svg = band_chart(
            days,
            bands,
            title=title,
            y_label=t.gettext("people"),
            interval_label=t.gettext("90% of runs"),
            layout=Layout(
                day_label=lambda d: t.date(d, "short"), number=t.number, svg_id=f"chart-{metric}"
            ),
        )
        found.append(Chart(metric, title, svg, metric in OPEN))
    return found


def summary(runs: Sequence[ScenarioRun], t: Texts) -> list[Row]:
    """The figures that decide, per run that is done: median (90% interval)."""
    done = [r for r in runs if r.result][:MOST]
    rows = []
    for metric, kind, said in SUMMARY:
        cells = []
        for run in done:
            spread = (run.result or {}).get("summary", {}).get(metric)
            if spread is None:
                cells.append("")
                continue
            low, mid, high = (t.number(round(v)) for v in spread[kind])
            cells.append(f"{mid} ({low}–{high})")
        if any(cells):
            rows.append(Row(t.gettext(said), cells))
    return rows
