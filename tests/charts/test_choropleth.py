from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordon.charts.choropleth import NO_DATA, SEQUENTIAL, Classes, district_map
from cordon.charts.geo import HANOI_2020_ATTRIBUTION, load_shapes

from .helpers import NS, parse, role, texts

WORDS = {
    "title": "Ca mắc trên 100.000 dân, 7 ngày qua",
    "legend_title": "Ca trên 100.000 dân",
    "attribution": HANOI_2020_ATTRIBUTION,
    "no_data_label": "không có số liệu",
}


def _hanoi(values: dict[str, float | None], **kw: Any) -> str:
    options: dict[str, Any] = {**WORDS, **kw}
    return district_map(load_shapes(), values, **options)


def _values() -> dict[str, float | None]:
    rng = random.Random(2021)
    choices: list[float | None] = [None, 0, 0.4, 3, 7.5, 12, 25.25]
    return {s.code: rng.choice(choices) for s in load_shapes().districts}


def _luminance(colour: str) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_one_path_per_district_each_named_with_its_value() -> None:
    values = _values()
    root = parse(_hanoi(values))
    paths = root.findall(f".//{NS}path")
    assert len(paths) == 30
    shapes = {s.code: s for s in load_shapes().districts}
    for path in paths:
        code = path.get("data-code")
        assert code in shapes
        title = path.findtext(f"{NS}title")
        assert title is not None
        assert title.startswith(shapes[code].name)
        value = values[code]
        assert title.endswith(WORDS["no_data_label"] if value is None else f": {value:g}")
        assert path.get("fill") == Classes().colour(value)


def test_the_caller_names_the_districts_and_formats_the_numbers() -> None:
    labels = {"001": "Ba Đình — 12,5 ca trên 100.000 dân"}
    root = parse(
        _hanoi(
            {"001": 12.5, "002": 0.25}, labels=labels, number=lambda v: f"{v:.1f}".replace(".", ",")
        )
    )
    titles = {p.get("data-code"): p.findtext(f"{NS}title") for p in root.iter(f"{NS}path")}
    assert titles["001"] == labels["001"]
    assert titles["002"] == "Hoàn Kiếm: 0,2"
    assert "< 1,0" in texts(role(root, "legend")[0])


@pytest.mark.parametrize(
    ("value", "index"),
    [(0, 0), (1e-9, 1), (0.999, 1), (1, 2), (4.99, 2), (5, 3), (10, 4), (19.99, 4), (20, 5),
     (1e6, 5)],
)  # fmt: skip
def test_a_break_starts_its_class(value: float, index: int) -> None:
    assert Classes().index(value) == index
    assert Classes().colour(value) == SEQUENTIAL[index]


def test_no_data_is_grey() -> None:
    assert Classes().colour(None) == NO_DATA
    assert NO_DATA not in SEQUENTIAL


@pytest.mark.parametrize("value", [-0.1, float("nan")])
def test_a_rate_below_zero_or_not_a_number_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        Classes().colour(value)


def test_a_district_the_map_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="999"):
        _hanoi({"001": 1, "999": 2})
    with pytest.raises(ValueError, match="998"):
        _hanoi({}, labels={"998": "?"})


breaks = st.lists(
    st.floats(min_value=0.01, max_value=1e4, allow_nan=False), min_size=1, max_size=8, unique=True
).map(lambda b: tuple(sorted(b)))


@given(breaks, st.booleans(), st.floats(min_value=0, max_value=1e5, allow_nan=False))
def test_every_value_falls_in_exactly_one_class(
    cuts: tuple[float, ...], zero: bool, value: float
) -> None:
    classes = Classes(
        breaks=cuts,
        colours=tuple(f"#{i:06x}" for i in range(20))[: len(cuts) + 1 + zero],
        zero=zero,
    )
    index = classes.index(value)
    inside = []
    bounds = [0.0, *cuts, float("inf")]
    for i, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        inside.append(i + zero if (lo <= value < hi and not (zero and value == 0)) else None)
    if zero and value == 0:
        inside.append(0)
    hits = [i for i in inside if i is not None]
    assert hits == [index]


@given(breaks, st.floats(min_value=0, max_value=1e5), st.floats(min_value=0, max_value=1e5))
def test_classes_are_monotone(cuts: tuple[float, ...], a: float, b: float) -> None:
    classes = Classes(breaks=cuts, colours=("#000000",) * (len(cuts) + 2))
    low, high = sorted((a, b))
    assert classes.index(low) <= classes.index(high)


def test_the_palette_darkens_at_every_step() -> None:
    lum = [_luminance(c) for c in SEQUENTIAL]
    assert lum == sorted(lum, reverse=True)
    assert all(a - b > 0.05 for a, b in itertools.pairwise(lum)), "steps seen in grey too"


def test_the_legend_lists_every_class_and_no_data() -> None:
    root = parse(_hanoi(_values()))
    (legend,) = role(root, "legend")
    words = texts(legend)
    assert words == [
        WORDS["legend_title"],
        "0",
        "< 1",
        "1–5",
        "5–10",
        "10–20",
        "≥ 20",
        WORDS["no_data_label"],
    ]
    swatches = [r.get("fill") for r in legend.iter(f"{NS}rect")]
    assert swatches == [*SEQUENTIAL, NO_DATA]


def test_classes_can_be_chosen() -> None:
    classes = Classes(breaks=(50, 100), colours=("#eeeeee", "#999999", "#333333"), zero=False)
    root = parse(_hanoi({"001": 75, "002": 0}, classes=classes))
    (legend,) = role(root, "legend")
    assert texts(legend)[1:] == ["< 50", "50–100", "≥ 100", WORDS["no_data_label"]]
    fills = {p.get("data-code"): p.get("fill") for p in root.iter(f"{NS}path")}
    assert (fills["001"], fills["002"], fills["003"]) == ("#999999", "#eeeeee", NO_DATA)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"breaks": (5, 1)}, "increase"),
        ({"breaks": (0, 1), "colours": ("#000",) * 4}, "above 0"),
        ({"breaks": (1, 5)}, "colours"),
        ({"breaks": ()}, "at least one"),
    ],
)
def test_bad_classes_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Classes(**kwargs)


def test_the_attribution_is_inside_the_image() -> None:
    root = parse(_hanoi(_values()))
    (small,) = role(root, "attribution")
    printed = " ".join(texts(small))
    assert printed == " ".join(HANOI_2020_ATTRIBUTION.split())
    for required in ("OCHA ROAP", "geoBoundaries", "CC BY 3.0 IGO", "Modified", "/by/3.0/igo/"):
        assert required in printed
    with pytest.raises(ValueError, match="attribution"):
        _hanoi({}, attribution=" ")


def test_text_is_escaped_and_the_image_described() -> None:
    root = parse(_hanoi({}, title="A & B <7 days>", desc="Hà Nội: 30 quận", svg_id="map7"))
    assert root.findtext(f"{NS}title") == "A & B <7 days>"
    assert root.findtext(f"{NS}desc") == "Hà Nội: 30 quận"
    assert root.get("aria-labelledby") == "map7-title map7-desc"
    assert all(p.get("fill") == NO_DATA for p in root.iter(f"{NS}path"))
