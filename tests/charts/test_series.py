from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordon.charts.layout import Layout, short_day
from cordon.charts.series import day_step, epidemic_curve, nice_ticks, rt_chart
from cordon.charts.svg import OKABE_ITO, text_width

from .helpers import NS, parse, points, role, texts

START = dt.date(2021, 4, 27)
KEYS = ("community", "imported", "quarantine")
COLOURS = dict(zip(KEYS, OKABE_ITO, strict=False))
LABELS = {"community": "Cộng đồng", "imported": "Nhập cảnh", "quarantine": "Trong khu cách ly"}


def _days(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(n)]


def _curve(stacks: dict[str, list[int]], **kw: Any) -> str:
    n = len(next(iter(stacks.values())))
    words: dict[str, Any] = {"title": "Ca mắc mới theo ngày", "y_label": "Ca mỗi ngày"}
    return epidemic_curve(
        _days(n),
        stacks,
        colours=COLOURS,
        labels=LABELS,
        **{**words, **kw},
    )


counts = st.integers(min_value=0, max_value=400)


@given(st.integers(min_value=1, max_value=120).flatmap(
    lambda n: st.tuples(*(st.lists(counts, min_size=n, max_size=n) for _ in KEYS))
))  # fmt: skip
def test_one_bar_per_non_zero_count_stacked_in_order(columns: tuple[list[int], ...]) -> None:
    stacks = dict(zip(KEYS, columns, strict=True))
    root = parse(_curve(stacks))
    (group,) = role(root, "bars")
    bars = group.findall(f"{NS}rect")
    assert len(bars) == sum(1 for c in columns for n in c if n)
    # each day's bars sit on one another, the first stack at the bottom
    by_x: dict[str, list[tuple[float, float]]] = {}
    for bar in bars:
        y, h = float(bar.get("y", "")), float(bar.get("height", ""))
        assert h > 0
        by_x.setdefault(bar.get("x", ""), []).append((y, y + h))
    for spans in by_x.values():
        for (top_below, _), (_, bottom_above) in itertools.pairwise(spans):
            assert bottom_above == pytest.approx(top_below, abs=0.02)


def test_bars_are_scaled_to_the_axis_and_named() -> None:
    root = parse(_curve({"community": [0, 10, 20], "imported": [0, 0, 5], "quarantine": [1, 0, 0]}))
    bars = role(root, "bars")[0].findall(f"{NS}rect")
    heights = [float(b.get("height", "")) for b in bars]
    # 20 and 10 community cases: twice as tall; 5 imported: a quarter
    assert heights[1] == pytest.approx(2 * heights[0], rel=0.01)
    assert heights[2] == pytest.approx(heights[1] / 4, rel=0.01)
    assert [b.findtext(f"{NS}title") for b in bars] == [
        "28/4: Cộng đồng 10",
        "29/4: Cộng đồng 20",
        "29/4: Nhập cảnh 5",
        "27/4: Trong khu cách ly 1",
    ]
    assert [b.get("fill") for b in bars] == [OKABE_ITO[0], OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2]]
    assert texts(role(root, "legend")[0]) == list(LABELS.values())
    assert (
        root.findtext(f"{NS}desc")
        == "27/4–29/4. 29/4: Cộng đồng 20, Nhập cảnh 5, Trong khu cách ly 0."
    )


def test_the_caller_gives_every_word() -> None:
    svg = _curve(
        {"community": [3, 4]},
        title="New cases by day",
        y_label="Cases a day",
        desc="Two days.",
        layout=Layout(day_label=lambda d: d.strftime("%d %b"), number=lambda v: f"{v:,.0f}"),
    )
    root = parse(svg)
    assert root.findtext(f"{NS}title") == "New cases by day"
    assert root.findtext(f"{NS}desc") == "Two days."
    words = texts(root)
    assert "Cases a day" in words
    assert "28 Apr" in words


def test_dates_are_thinned_to_fit_a_phone_and_the_last_day_is_labelled() -> None:
    n = 180
    root = parse(_curve({"community": [1] * n}))
    labels = [t for t in texts(root) if "/" in t]
    assert labels[0] == short_day(_days(n)[-1])  # drawn from the last day back
    assert 4 <= len(labels) <= 12
    width = float(root.get("viewBox", "").split()[2])
    assert len(labels) * max(text_width(s, 14) for s in labels) < width
    assert day_step([short_day(d) for d in _days(7)], 400) == 1
    assert day_step([short_day(d) for d in _days(60)], 400) == 7


def test_readable_on_a_phone() -> None:
    root = parse(_curve({"community": [1] * 90}))
    width = float(root.get("viewBox", "").split()[2])
    smallest = min(float(t.get("font-size", "")) for t in root.iter(f"{NS}text"))
    assert smallest * 360 / width >= 11, "at 360 px wide no text is under 11 px"


@given(st.floats(min_value=0.001, max_value=1e7), st.booleans())
def test_ticks_are_round_and_reach_the_top(top: float, integer: bool) -> None:
    ticks = nice_ticks(top, integer=integer)
    assert ticks[0] == 0
    assert ticks[-1] >= top * (1 - 1e-9)
    assert 2 <= len(ticks) <= 9
    if integer:
        assert all(t == int(t) for t in ticks)


def test_counts_and_days_must_agree() -> None:
    with pytest.raises(ValueError, match="2 values for 3 days"):
        epidemic_curve(
            _days(3), {"community": [1, 2]}, colours=COLOURS, labels=LABELS, title="t", y_label="y"
        )
    with pytest.raises(ValueError, match="negative"):
        _curve({"community": [1, -2]})


def test_an_empty_curve_still_draws() -> None:
    root = parse(epidemic_curve([], {}, colours={}, labels={}, title="t", y_label="y"))
    assert role(root, "bars")[0].findall(f"{NS}rect") == []


# --- Rt -----------------------------------------------------------------------------------

estimate = st.one_of(
    st.none(),
    st.tuples(st.floats(min_value=0.01, max_value=6), st.floats(0, 3), st.floats(0, 3)).map(
        lambda t: (max(0.0, t[0] - t[1]), t[0], t[0] + t[2])
    ),
)


def _split(series: list[tuple[float, float, float] | None]) -> tuple[list[float | None], ...]:
    lower = [None if e is None else e[0] for e in series]
    mean = [None if e is None else e[1] for e in series]
    upper = [None if e is None else e[2] for e in series]
    return lower, mean, upper


@given(st.lists(estimate, min_size=1, max_size=80), st.none() | st.floats(1.5, 4))
def test_the_band_holds_the_line_and_breaks_where_it_does(
    series: list[tuple[float, float, float] | None], y_max: float | None
) -> None:
    lower, mean, upper = _split(series)
    root = parse(rt_chart(_days(len(series)), mean, lower, upper, title="Rt", y_max=y_max))
    bands, means = role(root, "band"), role(root, "mean")
    runs = sum(1 for i, e in enumerate(series) if e and (i == 0 or series[i - 1] is None))
    assert len(bands) == len(means) == runs
    for band, line in zip(bands, means, strict=True):
        if line.tag == f"{NS}circle":  # a lone day: a dot on a bar
            dot_top, dot_low = points(band.get("d", ""))
            assert dot_top[1] <= float(line.get("cy", "")) <= dot_low[1]
            continue
        centre = points(line.get("d", ""))
        outline = points(band.get("d", ""))
        top, low = outline[: len(centre)], outline[len(centre) :][::-1]
        for (x, y), (xt, yt), (xl, yl) in zip(centre, top, low, strict=True):
            assert x == xt == xl
            assert yt <= y <= yl  # y grows downwards: the upper bound is drawn above


def test_the_threshold_is_dashed_and_the_last_estimate_described() -> None:
    mean = [None, 1.3, 1.1, None]
    lower, upper = [None, 1.0, 0.9, None], [None, 1.6, 1.25, None]
    root = parse(
        rt_chart(
            _days(4), mean, lower, upper, title="Rt", mean_label="Trung bình", band_label="KTC 95%"
        )
    )
    (line,) = role(root, "threshold")
    assert line.get("stroke-dasharray")
    assert root.findtext(f"{NS}desc") == "29/4: 1.1 (0.9–1.25)"
    assert texts(role(root, "legend")[0]) == ["Trung bình", "KTC 95%", "Rt = 1"]
    # the threshold sits where 1 is on the axis
    tick = next(t for t in root.iter(f"{NS}text") if t.text == "1")
    assert float(tick.get("y", "")) == pytest.approx(
        float(line.get("y1", "")) + 14 * 0.35, abs=0.02
    )


def test_no_estimate_at_all_draws_the_frame() -> None:
    root = parse(rt_chart(_days(3), [None] * 3, [None] * 3, [None] * 3, title="Rt"))
    assert role(root, "band") == []
    assert root.findtext(f"{NS}desc") == ""


def test_a_band_that_misses_its_mean_is_refused() -> None:
    with pytest.raises(ValueError, match="2021-04-27"):
        rt_chart(_days(1), [1.2], [1.3], [1.5], title="Rt")


def test_the_layout_sizes_the_chart_and_one_serves_several() -> None:
    """``width`` is the viewBox's; ``plot_height`` adds to its height and nothing else."""
    tall = Layout(width=600, plot_height=300, svg_id="cases")
    box = [float(v) for v in parse(_curve({"community": [1, 2]})).get("viewBox", "").split()]
    wide = parse(_curve({"community": [1, 2]}, layout=tall))
    assert [float(v) for v in wide.get("viewBox", "").split()] == [0, 0, 600, box[3] + 100]
    rt = parse(rt_chart(_days(2), [1.0, 1.1], [0.9, 1], [1.1, 1.2], title="Rt", layout=tall))
    assert rt.get("id") == "cases"
    other = parse(_curve({"community": [1, 2]}, layout=replace(tall, svg_id="other")))
    assert other.get("aria-labelledby") == "other-title other-desc"
