"""The dashboard's map and charts: the figures (``figures``) drawn by ``cordon.charts`` in
the reader's language. Each is also a file to download (``/public/charts/<name>.svg``)."""

from __future__ import annotations

import datetime as dt

from cordon.charts import (
    HANOI_2020_ATTRIBUTION,
    OKABE_ITO,
    Layout,
    district_map,
    epidemic_curve,
    load_shapes,
    rt_chart,
)
from cordon.public.figures import Dashboard
from cordon.rt.estimate import WindowEstimate
from cordon.web.i18n import Texts

CURVE_DAYS = 120  # the page's curve: the last four months (the file: every day)
NAMES = ("map-7", "map-14", "cases", "rt")


def district_rates(board: Dashboard, days: int) -> dict[str, float | None]:
    return {
        d.code: d.per_100k(d.last_7 if days == 7 else d.last_14)
        for d in board.districts
        if d.code is not None
    }


def map_of(board: Dashboard, t: Texts, days: int) -> str:
    values = district_rates(board, days)
    names = {d.code: d.name for d in board.districts if d.code}
    return district_map(
        load_shapes(),
        values,
        title=t.gettext("Cases per 100,000 people, last %(n)s days", n=days),
        legend_title=t.gettext("per 100,000"),
        attribution=HANOI_2020_ATTRIBUTION,
        no_data_label=t.gettext("no data"),
        labels={
            code: f"{names.get(code, code)}: {t.number(v) if v is not None else '—'}"
            for code, v in values.items()
        },
        number=t.number,
        svg_id=f"map-{days}",
    )


def curve_of(board: Dashboard, t: Texts, *, every_day: bool = False) -> str:
    keep = len(board.days) if every_day else CURVE_DAYS
    days = board.days[-keep:]
    local_unknown = [
        q + u
        for q, u in zip(board.series["in_quarantine"], board.series["unclassified"], strict=True)
    ]
    stacks = {
        "community": board.series["community"][-keep:],
        "imported": board.series["imported"][-keep:],
        "quarantine": local_unknown[-keep:],
    }
    return epidemic_curve(
        days,
        stacks,
        colours={"community": OKABE_ITO[0], "imported": OKABE_ITO[1], "quarantine": OKABE_ITO[3]},
        labels={
            "community": t.gettext("Community"),
            "imported": t.gettext("Imported"),
            "quarantine": t.gettext("Found in quarantine or not classified"),
        },
        title=t.gettext("New cases per day"),
        y_label=t.gettext("cases"),
        layout=_layout(t, "cases"),
    )


def rt_of(windows: list[WindowEstimate], t: Texts) -> str:
    shown = [w for w in windows if w.end >= windows[-1].end - dt.timedelta(days=CURVE_DAYS)]
    return rt_chart(
        [w.end for w in shown],
        [w.mean if w.reliable else None for w in shown],
        [w.lower if w.reliable else None for w in shown],
        [w.upper if w.reliable else None for w in shown],
        title=t.gettext("Reproduction number Rt"),
        mean_label=t.gettext("estimate"),
        band_label=t.gettext("95% credible interval"),
        layout=_layout(t, "rt"),
    )


def _layout(t: Texts, svg_id: str) -> Layout:
    """Days and numbers written in the reader's language."""
    return Layout(day_label=lambda d: t.date(d, "short"), number=t.number, svg_id=svg_id)
