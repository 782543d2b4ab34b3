"""Runs compared: each series a median line in its shaded interval, told apart by colour and
dash, broken where a series has no value, named in the legend and described."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordon.charts import BAND_COLOURS, Band, Layout, band_chart

from .helpers import NS, parse, points, role, texts

START = dt.date(2020, 4, 1)


def _days(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(n)]


def _chart(bands: list[Band], n: int, **kw: Any) -> str:
    words: dict[str, Any] = {"title": "Ca xác nhận mới mỗi ngày", "y_label": "người"}
    return band_chart(
        _days(n),
        bands,
        interval_label="90% số lần chạy",
        **{**words, **kw},
    )


def _band(label: str, mid: list[float | None], spread: float = 2.0) -> Band:
    low = [None if m is None else max(0.0, m - spread) for m in mid]
    high = [None if m is None else m + spread for m in mid]
    return Band(label, mid, low, high)


values = st.floats(min_value=0, max_value=5000, allow_nan=False)


@given(st.lists(st.tuples(values, values, values), min_size=1, max_size=90))
def test_the_interval_holds_the_median(days: list[tuple[float, float, float]]) -> None:
    low, mid, high = (list(v) for v in zip(*(sorted(d) for d in days), strict=True))
    root = parse(_chart([Band("#1", mid, low, high)], len(days)))
    (median,) = role(root, "median")
    (band,) = role(root, "band")
    if len(days) == 1:
        assert median.tag == f"{NS}circle"
        return
    line = points(median.get("d", ""))
    outline = points(band.get("d", "").rstrip("Z"))
    tops, bottoms = outline[: len(line)], list(reversed(outline[len(line) :]))
    for (x, y), (tx, ty), (bx, by) in zip(line, tops, bottoms, strict=True):
        assert x == tx == bx
        assert ty - 0.01 <= y <= by + 0.01  # y grows downwards


def test_each_series_has_its_colour_dash_and_name() -> None:
    bands = [_band(f"#{i} kịch bản {i}", [float(i + d) for d in range(30)]) for i in range(3)]
    svg = _chart(bands, 30, layout=Layout(svg_id="chart-confirmed"))
    root = parse(svg)
    series = root.findall(f".//{NS}g[@data-series]")
    assert [s.findtext(f"{NS}title") for s in series] == [b.label for b in bands]
    medians = role(root, "median")
    assert [m.get("stroke") for m in medians] == list(BAND_COLOURS[:3])
    assert len({m.get("stroke-dasharray") for m in medians}) == 3  # dashes differ too
    legend = texts(role(root, "legend")[0])
    assert legend == [b.label for b in bands] + ["90% số lần chạy"]
    assert root.get("aria-labelledby") == "chart-confirmed-title chart-confirmed-desc"
    desc = root.find(f"{NS}desc")
    assert desc is not None
    assert desc.text is not None
    assert desc.text.startswith("#0 kịch bản 0, 30/4: 29 (27–31)")


def test_a_day_without_a_value_breaks_the_series() -> None:
    """Runs that start on different days: each covers only its own days."""
    early = _band("#1", [5.0] * 10 + [None] * 5)
    late = _band("#2", [None] * 5 + [7.0] * 10)
    gap = _band("#3", [1.0, 2.0, None, 4.0, 5.0] + [None] * 10)
    root = parse(_chart([early, late, gap], 15))
    assert len(role(root, "median")) == 4  # one line each, the third in two pieces
    xs = [points(m.get("d", ""))[0][0] for m in role(root, "median")]
    assert xs[0] < xs[1]  # the later run starts further right


def test_too_many_series_or_a_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        _chart([_band(str(i), [1.0]) for i in range(len(BAND_COLOURS) + 1)], 1)
    with pytest.raises(ValueError, match="values for"):
        _chart([_band("#1", [1.0, 2.0])], 3)


def test_all_zero_or_nothing_still_draws() -> None:
    parse(_chart([_band("#1", [0.0] * 10, spread=0)], 10))
    parse(_chart([], 10))
