"""A choropleth of districts: one shade per class of a value the caller has computed.

The map draws, it does not count: ``values`` are already rates (cases per 100,000 in the
last 7 or 14 days, say). A district missing from ``values``, or given ``None``, is grey.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from cordon.charts.geo import MapShapes
from cordon.charts.svg import (
    MUTED,
    NumberFormat,
    lines_of_text,
    num,
    plain,
    root,
    text,
    text_width,
    wrap,
)

NO_DATA = "#b3b3b3"
BORDER = "#7f7f7f"  # thin grey borders: a district of the lightest class still shows on white

# Light to dark, yellow to deep red: the lightness falls at every step, so the order reads
# for every kind of colour vision and in grey print (tests/charts check the luminance).
SEQUENTIAL = ("#fffbe0", "#fee391", "#fdb44e", "#f0712c", "#c73a1d", "#7f1a12")


@dataclass(frozen=True)
class Classes:
    """Classes of values, each with its colour.

    ``breaks`` are increasing: a value ``v`` is in the first class whose break is above
    it (so a break belongs to the class that starts there), and in the last class when
    none is. With ``zero`` (default) exactly 0 is a class of its own, before the others:
    "no cases" stands apart from "a few". ``colours`` has one colour per class, lightest
    first: ``len(breaks) + 1`` plus one for zero."""

    breaks: tuple[float, ...] = (1, 5, 10, 20)
    colours: tuple[str, ...] = SEQUENTIAL
    zero: bool = True

    def __post_init__(self) -> None:
        if not self.breaks:
            raise ValueError("at least one break")
        if any(b <= a for a, b in itertools.pairwise(self.breaks)):
            raise ValueError(f"breaks must increase: {self.breaks}")
        if self.zero and self.breaks and self.breaks[0] <= 0:
            raise ValueError("with a class for zero, the first break must be above 0")
        if len(self.colours) != self.count:
            raise ValueError(f"{self.count} classes need {self.count} colours")

    @property
    def count(self) -> int:
        return len(self.breaks) + 1 + int(self.zero)

    def index(self, value: float) -> int:
        """The class of a value (0 is the lightest). A rate is never negative nor NaN."""
        if not value >= 0:
            raise ValueError(f"no class for {value}: values are 0 or more")
        if self.zero and value == 0:
            return 0
        return bisect.bisect_right(self.breaks, value) + int(self.zero)

    def colour(self, value: float | None) -> str:
        return NO_DATA if value is None else self.colours[self.index(value)]

    def labels(self, number: NumberFormat = plain) -> list[str]:
        """The legend's words for each class: ``0``, ``< 1``, ``1–5`` … ``≥ 20``."""
        out = ["0"] if self.zero else []
        b = self.breaks
        out.append(f"< {number(b[0])}")
        out += [f"{number(lo)}–{number(hi)}" for lo, hi in itertools.pairwise(b)]
        out.append(f"≥ {number(b[-1])}")
        return out


def district_map(
    shapes: MapShapes,
    values: Mapping[str, float | None],
    *,
    title: str,
    legend_title: str,
    attribution: str,
    no_data_label: str,
    classes: Classes | None = None,
    labels: Mapping[str, str] | None = None,
    desc: str | None = None,
    number: NumberFormat = plain,
    svg_id: str | None = None,
) -> str:
    """The districts of ``shapes`` shaded by ``values`` (district code → value, or None).

    ``labels``: each district's accessible name (its path's ``<title>``); by default its
    name and value. ``attribution`` is drawn in small print inside the image, so a
    downloaded copy keeps it; it is required by the boundaries' licence and may not be
    empty. ``desc`` describes the map to screen readers (default: the title)."""
    if not attribution.strip():
        raise ValueError("the boundaries' attribution is required")
    classes = classes or Classes()
    labels = labels or {}
    unknown = sorted(set(values).union(labels) - {s.code for s in shapes.districts})
    if unknown:
        raise ValueError(f"not districts of this map: {', '.join(unknown)}")
    width = shapes.width
    y = 8.0
    title_lines = wrap(title, width - 16, 24)
    head, y = lines_of_text(8, y + 24, title_lines, size=24, weight="600")
    top = y
    body = [
        head,
        f'<g transform="translate(0 {num(top)})" stroke="{BORDER}" stroke-width="0.7"'
        ' stroke-linejoin="round">',
    ]
    for shape in shapes.districts:
        value = values.get(shape.code)
        name = labels.get(shape.code) or (
            f"{shape.name}: {no_data_label if value is None else number(value)}"
        )
        body.append(
            f'<path d="{shape.d}" fill="{classes.colour(value)}" fill-rule="evenodd"'
            f' data-code="{escape(shape.code)}"><title>{escape(name)}</title></path>'
        )
    body.append("</g>")
    y = top + shapes.height + 8
    legend, y = _legend(y, width, legend_title, classes, classes.labels(number), no_data_label)
    body.append(legend)
    small, y = lines_of_text(8, y + 16, wrap(attribution, width - 16, 13), size=13, fill=MUTED)
    body.append(f'<g data-role="attribution">{small}</g>')
    return root(width, y + 4, "".join(body), title=title, desc=desc or title, svg_id=svg_id)


def _legend(
    y: float,
    width: float,
    legend_title: str,
    classes: Classes,
    class_labels: Sequence[str],
    no_data_label: str,
) -> tuple[str, float]:
    """A legend under the map: its title, then a swatch and a label per class (and one for
    "no data"), as many to a row as fit."""
    size, swatch, gap = 20.0, 22.0, 18.0
    parts = ['<g data-role="legend">']
    heading, y = lines_of_text(8, y + size, wrap(legend_title, width - 16, size), size=size)
    parts.append(heading)
    items = [*zip(classes.colours, class_labels, strict=True), (NO_DATA, no_data_label)]
    x, row_y = 8.0, y + 6
    for colour, label in items:
        item_width = swatch + 6 + text_width(label, size) + gap
        if x > 8 and x + item_width > width - 8:
            x, row_y = 8.0, row_y + swatch + 8
        parts.append(
            f'<rect x="{num(x)}" y="{num(row_y)}" width="{num(swatch)}" height="{num(swatch)}"'
            f' fill="{colour}" stroke="{MUTED}" stroke-width="0.5"/>'
        )
        parts.append(text(x + swatch + 6, row_y + swatch - 5, label, size=size))
        x += item_width
    parts.append("</g>")
    return "".join(parts), row_y + swatch + 4
